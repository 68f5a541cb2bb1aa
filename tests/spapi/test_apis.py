"""Behaviour of the API classes beyond single operations: feeds upload/download, report pages, 2026 pages."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

import httpx

from sellersync.spapi import Marketplace, Region
from tests.spapi.helpers import ACCESS_TOKEN, make_client, with_lwa

S3 = "https://tortuga-prod-na.s3-external-1.amazonaws.com"  # where Amazon's pre-signed URLs point
UPLOAD_URL = f"{S3}/upload?sig=1"


def test_submit_feed_creates_document_uploads_without_lwa_and_creates_feed() -> None:
    # given
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/feeds/2021-06-30/documents":
            return httpx.Response(201, json={"feedDocumentId": "doc-1", "url": UPLOAD_URL})
        if str(request.url) == UPLOAD_URL:
            return httpx.Response(200)
        return httpx.Response(202, json={"feedId": "F-9"})

    client = make_client(with_lwa(handler))
    # when
    result = client.feeds.submit_feed(
        "POST_ORDER_FULFILLMENT_DATA", ["A1PA6795UKMFR9"], b"<xml/>", "text/xml; charset=UTF-8"
    )
    # then
    assert result.feed_id == "F-9"
    upload = seen[1]
    assert (upload.method, str(upload.url), upload.content) == ("PUT", UPLOAD_URL, b"<xml/>")
    assert upload.headers["content-type"] == "text/xml; charset=UTF-8"
    assert "x-amz-access-token" not in upload.headers
    assert json.loads(seen[2].content) == {
        "feedType": "POST_ORDER_FULFILLMENT_DATA",
        "marketplaceIds": ["A1PA6795UKMFR9"],
        "inputFeedDocumentId": "doc-1",
    }
    assert seen[2].headers["x-amz-access-token"] == ACCESS_TOKEN


def test_gzip_report_document_is_decompressed() -> None:
    # given
    content = b"amazon-order-id\titem-price\n111-2222222-3333333\t19.99\n"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/reports/2021-06-30/documents/"):
            body = {"reportDocumentId": "R-1", "url": f"{S3}/r1", "compressionAlgorithm": "GZIP"}
            return httpx.Response(200, json=body)
        return httpx.Response(200, content=gzip.compress(content))

    client = make_client(with_lwa(handler))
    # when
    document = client.reports.get_report_document("R-1")
    data = client.reports.download_report_document(document)
    # then
    assert data == content


def test_iter_reports_sends_next_token_alone() -> None:
    # given
    report = {
        "reportId": "R",
        "reportType": "T",
        "createdTime": "2024-01-01T00:00:00Z",
        "processingStatus": "DONE",
    }
    queries: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        queries.append(dict(request.url.params))
        if "nextToken" in request.url.params:
            return httpx.Response(200, json={"reports": [{**report, "reportId": "R2"}]})
        return httpx.Response(200, json={"reports": [report], "nextToken": "n2"})

    client = make_client(with_lwa(handler))
    # when
    ids = [
        r.report_id
        for r in client.reports.iter_reports(report_types=["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"])
    ]
    # then
    assert ids == ["R", "R2"]
    assert queries == [{"reportTypes": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"}, {"nextToken": "n2"}]


def test_search_orders_pages_lazily_with_pagination_token_and_exact_amounts() -> None:
    # given
    order = {
        "orderId": "1",
        "createdTime": "2024-01-01T00:00:00Z",
        "lastUpdatedTime": "2024-01-01T00:00:00Z",
        "salesChannel": {"channelName": "AMAZON"},
        "orderItems": [],
        "proceeds": {"grandTotal": {"amount": 10.10, "currencyCode": "EUR"}},
    }
    tokens: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("paginationToken")
        tokens.append(token)
        if token is None:
            return httpx.Response(200, json={"orders": [order], "pagination": {"nextToken": "p2"}})
        return httpx.Response(200, json={"orders": [{**order, "orderId": "2"}], "pagination": {}})

    client = make_client(with_lwa(handler))
    # when
    orders = client.orders.iter_search_orders(created_after="2024-01-01T00:00:00Z")
    first = next(orders)
    tokens_after_first = list(tokens)
    second = next(orders)
    # then
    assert tokens_after_first == [None]
    assert tokens == [None, "p2"]
    assert first.proceeds is not None and first.proceeds.grand_total is not None
    assert first.proceeds.grand_total.amount == Decimal("10.10")
    assert second.order_id == "2"


def test_marketplace_lookup_by_id() -> None:
    # given / when
    germany = Marketplace.from_id("A1PA6795UKMFR9")
    # then
    assert (germany.country_code, germany.currency, germany.language, germany.region) == (
        "DE",
        "EUR",
        "de_DE",
        Region.EU,
    )
    assert Marketplace.from_id("ATVPDKIKX0DER").region.host == "https://sellingpartnerapi-na.amazon.com"
    assert len(Marketplace) == 23
