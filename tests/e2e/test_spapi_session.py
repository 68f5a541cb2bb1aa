"""A whole SP-API session over real HTTP: our client against `sellersync sandbox` in its own process.

Token exchange, getOrders over several pages, order items, an RDT for the shipping address, a fulfillment
feed round-trip that ships an order, and an order report download.
"""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from sellersync.sandbox.feed_documents import parse_processing_report
from sellersync.spapi import LwaCredentials, Region, SpApiClient
from sellersync.spapi.endpoints import Endpoints

TIME_SCALE = 60.0


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    state = Path(tmp_path_factory.mktemp("sandbox")) / "state.sqlite3"
    command = [sys.executable, "-m", "sellersync.cli", "sandbox", "--port", str(port),
               "--time-scale", str(TIME_SCALE), "--state", str(state)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/_sandbox/clock", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, "sandbox did not start"
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def na_seller(sandbox_url: str) -> dict[str, object]:
    sellers = httpx.get(f"{sandbox_url}/_sandbox/sellers").json()
    return next(seller for seller in sellers if seller["region"] == "NA" and seller["pii_access"])


@pytest.fixture()
def client(sandbox_url: str, na_seller: dict[str, object]) -> Iterator[SpApiClient]:
    credentials = LwaCredentials(
        client_id=str(na_seller["client_id"]),
        client_secret=str(na_seller["client_secret"]),
        refresh_token=str(na_seller["refresh_token"]),
        selling_partner_id=str(na_seller["seller_id"]),
    )
    with SpApiClient(
        credentials,
        region=Region.NA,
        endpoints=Endpoints.local_sandbox(sandbox_url),
        time_scale=TIME_SCALE,
    ) as spapi:
        yield spapi


def _sandbox_now(sandbox_url: str) -> datetime:
    return datetime.fromisoformat(
        httpx.get(f"{sandbox_url}/_sandbox/clock").json()["now"].replace("Z", "+00:00")
    )


def test_orders_are_read_over_several_pages_with_their_items(client: SpApiClient, sandbox_url: str) -> None:
    # given the seller's orders of the last 5 days, 7 per page
    since = _sandbox_now(sandbox_url) - timedelta(days=5)
    # when we walk every page
    pages = list(
        client.orders_v0.iter_order_pages(["ATVPDKIKX0DER"], created_after=since, max_results_per_page=7)
    )
    orders = [order for page in pages for order in page.orders]
    # then there were several pages, no order twice, and the LWA token was fetched once
    assert len(pages) >= 3
    assert len({order.amazon_order_id for order in orders}) == len(orders)
    assert all(len(page.orders) == 7 for page in pages[:-1])
    assert client.auth.token_fetches == 1
    # and every priced order's items add up to what Amazon reports as its item count
    order = next(o for o in orders if o.order_status in ("Unshipped", "Shipped"))
    items = list(client.orders_v0.iter_order_items(order.amazon_order_id))
    shipped_and_unshipped = (order.number_of_items_shipped or 0) + (order.number_of_items_unshipped or 0)
    assert sum(item.quantity_ordered for item in items) == shipped_and_unshipped
    assert client.stats["orders_v0.getOrders"].calls == len(pages)


def test_restricted_data_token_reveals_the_shipping_address(client: SpApiClient, sandbox_url: str) -> None:
    # given an unshipped merchant-fulfilled order
    since = _sandbox_now(sandbox_url) - timedelta(days=5)
    order = next(
        iter(
            client.orders_v0.iter_orders(
                ["ATVPDKIKX0DER"],
                created_after=since,
                order_statuses=["Unshipped"],
                fulfillment_channels=["MFN"],
            )
        )
    )
    # when the address is read without and with an RDT
    plain = client.orders_v0.get_order_address(order.amazon_order_id)
    restricted = client.orders_v0.get_order_address(order.amazon_order_id, pii=True)
    # then only the RDT call shows the buyer's name and street
    assert plain.shipping_address is not None and plain.shipping_address.name is None
    assert plain.shipping_address.address_line1 is None
    assert restricted.pii_granted is True
    assert restricted.shipping_address is not None and restricted.shipping_address.name
    assert restricted.shipping_address.address_line1
    assert restricted.shipping_address.postal_code == plain.shipping_address.postal_code
    assert client.stats["tokens.createRestrictedDataToken"].calls == 1


def _fulfillment_feed(
    seller_id: str, order_id: str, items: list[tuple[str, int]], ship_date: datetime
) -> bytes:
    lines = "".join(
        f"<Item><AmazonOrderItemCode>{item_id}</AmazonOrderItemCode><Quantity>{qty}</Quantity></Item>"
        for item_id, qty in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>"
        f"<MerchantIdentifier>{seller_id}</MerchantIdentifier></Header><MessageType>OrderFulfillment</MessageType>"
        f"<Message><MessageID>1</MessageID><OrderFulfillment><AmazonOrderID>{order_id}</AmazonOrderID>"
        f"<FulfillmentDate>{ship_date:%Y-%m-%dT%H:%M:%SZ}</FulfillmentDate><FulfillmentData>"
        "<CarrierCode>UPS</CarrierCode><ShipperTrackingNumber>1Z999AA10123456784</ShipperTrackingNumber>"
        f"</FulfillmentData>{lines}</OrderFulfillment></Message></AmazonEnvelope>"
    ).encode()


def test_fulfillment_feed_round_trip_ships_the_order(
    client: SpApiClient, sandbox_url: str, na_seller: dict[str, object]
) -> None:
    # given an unshipped FBM order and its items
    now = _sandbox_now(sandbox_url)
    order = next(
        iter(
            client.orders_v0.iter_orders(
                ["ATVPDKIKX0DER"], created_after=now - timedelta(days=5), order_statuses=["Unshipped"],
                fulfillment_channels=["MFN"],
            )
        )
    )  # fmt: skip
    items = [
        (i.order_item_id, i.quantity_ordered)
        for i in client.orders_v0.iter_order_items(order.amazon_order_id)
    ]
    feed_xml = _fulfillment_feed(str(na_seller["seller_id"]), order.amazon_order_id, items, now)
    # when the feed is submitted and Amazon has had time to process it
    created = client.feeds.submit_feed(
        "POST_ORDER_FULFILLMENT_DATA", ["ATVPDKIKX0DER"], feed_xml, "text/xml; charset=UTF-8"
    )
    httpx.post(f"{sandbox_url}/_sandbox/advance", json={"seconds": 300}).raise_for_status()
    feed = client.feeds.get_feed(created.feed_id)
    # then the feed is done, its report says one message succeeded, and the order is shipped
    assert feed.processing_status == "DONE" and feed.result_feed_document_id
    report = parse_processing_report(
        client.feeds.download_document(client.feeds.get_feed_document(feed.result_feed_document_id))
    )
    assert (report.messages_processed, report.messages_successful, report.messages_with_error) == (1, 1, 0)
    assert client.orders_v0.get_order(order.amazon_order_id).order_status == "Shipped"


def test_order_report_is_downloaded(client: SpApiClient, sandbox_url: str) -> None:
    # given a report of the orders updated in the last 5 days
    start = _sandbox_now(sandbox_url) - timedelta(days=5)
    created = client.reports.create_report(
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", ["ATVPDKIKX0DER"], data_start_time=start
    )
    # when Amazon has produced it
    httpx.post(f"{sandbox_url}/_sandbox/advance", json={"seconds": 300}).raise_for_status()
    report = client.reports.get_report(created.report_id)
    assert report.processing_status == "DONE" and report.report_document_id
    content = client.reports.download_report_document(
        client.reports.get_report_document(report.report_document_id)
    )
    # then it is a TSV with Amazon's columns, one row per item, of orders we can also read through the API
    rows = list(csv.DictReader(io.StringIO(content.decode()), delimiter="\t"))
    assert rows and {"amazon-order-id", "order-status", "sku", "quantity", "item-price"} <= set(rows[0])
    api_ids = {
        o.amazon_order_id for o in client.orders_v0.iter_orders(["ATVPDKIKX0DER"], last_updated_after=start)
    }
    assert {row["amazon-order-id"] for row in rows} <= api_ids
