"""Reports over HTTP: Amazon's all-orders flat files, produced on the simulated clock, gzip documents."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped, unused-ignore]

from sellersync.sandbox import swagger
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.sandbox.conftest import START, US, SandboxClient

REPORTS = "/reports/2021-06-30"
BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
DE, FR, UK, CA, MX = "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1F83G8C2ARO7P", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"
#: Amazon's "Order Tracking reports attributes" page, as printed there.
DOCUMENTED_COLUMNS = [
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name", "sku",
    "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "promotion-ids", "is-business-order",
    "purchase-order-number", "price-designation",
]  # fmt: skip


@pytest.fixture
def frozen() -> Iterator[SandboxClient]:
    """A sandbox whose clock moves only when told (`advance`): report timings can be checked to the second."""
    app = create_app(None, seed=7, start_time=START, time_scale=0)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        yield SandboxClient(http)


def _create(sandbox: SandboxClient, region: str, body: dict[str, Any]) -> str:
    response = sandbox.http.post(f"{REPORTS}/reports", json=body, headers=sandbox.headers(region))
    assert response.status_code == 202, response.text
    return str(response.json()["reportId"])


def _report(sandbox: SandboxClient, region: str, report_id: str) -> dict[str, Any]:
    response = sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=sandbox.headers(region))
    assert response.status_code == 200, response.text
    swagger.validate_response("getReport", 200, response.json())
    return dict(response.json())


def _document_text(sandbox: SandboxClient, region: str, document_id: str) -> str:
    document = sandbox.http.get(f"{REPORTS}/documents/{document_id}", headers=sandbox.headers(region)).json()
    swagger.validate_response("getReportDocument", 200, document)
    assert document["compressionAlgorithm"] == "GZIP"
    return gzip.decompress(sandbox.http.get(document["url"]).content).decode("utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def _seconds(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_all_orders_report_lists_every_item_with_the_v0_amounts(sandbox: SandboxClient) -> None:
    # given an FBM order created an hour ago
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(3600)
    headers = sandbox.headers("NA")
    body = {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US], "dataStartTime": "2026-02-01T00:00:00Z"}
    created = sandbox.http.post(f"{REPORTS}/reports", json=body, headers=headers)
    swagger.validate_response("createReport", 202, created.json())
    report_id = created.json()["reportId"]
    queued = sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=headers).json()
    # when the simulated clock passes the processing delay
    sandbox.advance(300)
    report = sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=headers).json()
    # then DONE, and the gzip TSV has the order's lines with the amounts getOrderItems gives
    assert queued["processingStatus"] == "IN_QUEUE"
    swagger.validate_response("getReport", 200, report)
    assert report["processingStatus"] == "DONE"
    rows = [row for row in _rows(_document_text(sandbox, "NA", report["reportDocumentId"]))]
    rows = [row for row in rows if row["amazon-order-id"] == order_id]
    items = sandbox.http.get(f"/orders/v0/orders/{order_id}/orderItems", headers=headers).json()
    expected = {
        (item["SellerSKU"], Decimal(item["ItemPrice"]["Amount"]), Decimal(item["ItemTax"]["Amount"]))
        for item in items["payload"]["OrderItems"]
    }
    assert {(row["sku"], Decimal(row["item-price"]), Decimal(row["item-tax"])) for row in rows} == expected
    assert {row["order-status"] for row in rows} == {"Unshipped"}
    listed = sandbox.http.get(
        f"{REPORTS}/reports", params={"reportTypes": BY_LAST_UPDATE}, headers=headers
    ).json()
    swagger.validate_response("getReports", 200, listed)
    assert [entry["reportId"] for entry in listed["reports"]] == [report_id]


@pytest.mark.parametrize(
    ("report_type", "expected"),
    [
        (BY_LAST_UPDATE, DOCUMENTED_COLUMNS),
        (BY_ORDER_DATE, [*DOCUMENTED_COLUMNS[:28], "cpf", *DOCUMENTED_COLUMNS[28:]]),
    ],
)
def test_each_report_has_amazons_documented_columns_in_order(
    frozen: SandboxClient, report_type: str, expected: list[str]
) -> None:
    # given a report of the seeded orders of the last 5 days
    report_id = _create(frozen, "NA", {"reportType": report_type, "marketplaceIds": [US, CA, MX],
                                       "dataStartTime": (START - timedelta(days=5)).isoformat()})  # fmt: skip
    # when it is done
    frozen.advance(3600)
    report = _report(frozen, "NA", report_id)
    # then its header line is exactly the documented columns, tab-separated
    text = _document_text(frozen, "NA", report["reportDocumentId"])
    assert text.splitlines()[0].split("\t") == expected
    assert all(len(line.split("\t")) == len(expected) for line in text.splitlines())


def test_report_rows_carry_the_orders_api_money_and_facts_item_by_item(frozen: SandboxClient) -> None:
    # given orders of every kind in the NA (tax added) and EU (VAT included) marketplaces, past their
    # Pending phase, some shipped, some canceled
    created = frozen.create_orders("NA", 40) + frozen.create_orders("NA", 6, is_business=True)
    created += frozen.create_orders("EU", 40) + frozen.create_orders("EU", 6, is_business=True)
    created += frozen.create_orders("NA", 3, status="Canceled") + frozen.create_orders(
        "EU", 3, status="Canceled"
    )
    frozen.advance(8 * 3600)
    texts = {}
    for region, marketplaces in (
        ("NA", [US, CA, MX]),
        ("EU", [UK, DE, FR, "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS"]),
    ):
        since = (START - timedelta(minutes=1)).isoformat()
        report_id = _create(
            frozen,
            region,
            {"reportType": BY_ORDER_DATE, "marketplaceIds": marketplaces, "dataStartTime": since},
        )
        frozen.advance(3600)
        texts[region] = _report(frozen, region, report_id)["reportDocumentId"]
    rows_by_order: dict[str, list[dict[str, str]]] = {}
    for region, document_id in texts.items():
        for row in _rows(_document_text(frozen, region, document_id)):
            rows_by_order.setdefault(row["amazon-order-id"], []).append((region, row))
    # then every order created is in its region's report, with one row per item holding getOrderItems' money
    assert set(created) <= set(rows_by_order)
    seen = {"promotion": 0, "gift_wrap": 0, "business": 0, "canceled": 0, "shipping": 0, "multi_line": 0}
    for order_id in created:
        region = rows_by_order[order_id][0][0]
        rows = [row for _, row in rows_by_order[order_id]]
        headers = frozen.headers(region)
        frozen.advance(2)  # getOrder and getOrderItems refill 0.5 token a second
        order = frozen.http.get(f"/orders/v0/orders/{order_id}", headers=headers).json()["payload"]
        items = frozen.http.get(f"/orders/v0/orders/{order_id}/orderItems", headers=headers).json()
        items = items["payload"]["OrderItems"]
        assert [row["sku"] for row in rows] == [item["SellerSKU"] for item in items]
        canceled = order["OrderStatus"] == "Canceled"
        seen["canceled"] += canceled
        seen["business"] += order["IsBusinessOrder"]
        seen["multi_line"] += len(items) > 1
        for row, item in zip(rows, items, strict=True):
            _assert_row_is_the_order(row, order, item)
            if canceled:
                continue
            seen["promotion"] += Decimal(item["PromotionDiscount"]["Amount"]) > 0
            seen["gift_wrap"] += "BuyerInfo" in item
            seen["shipping"] += Decimal(item["ShippingPrice"]["Amount"]) > 0
    # and the orders compared covered each kind (a fixed seed: these counts do not move)
    assert all(count > 0 for count in seen.values()), seen


def _assert_row_is_the_order(row: dict[str, str], order: dict[str, Any], item: dict[str, Any]) -> None:
    statuses = {"Pending": "Pending", "Unshipped": "Unshipped", "Shipped": "Shipped", "Canceled": "Cancelled"}
    assert row["order-status"] == statuses[order["OrderStatus"]]
    assert row["merchant-order-id"] == order.get("SellerOrderId", "")
    assert row["purchase-date"] == order["PurchaseDate"].replace("Z", "+00:00")
    assert row["last-updated-date"] == order["LastUpdateDate"].replace("Z", "+00:00")
    assert row["fulfillment-channel"] == {"AFN": "Amazon", "MFN": "Merchant"}[order["FulfillmentChannel"]]
    assert row["sales-channel"] == order["SalesChannel"]
    assert row["ship-service-level"] == order["ShipServiceLevel"]
    assert (row["product-name"], row["asin"]) == (item["Title"], item["ASIN"])
    assert row["currency"] == order["OrderTotal"]["CurrencyCode"]
    assert row["is-business-order"] == ("true" if order["IsBusinessOrder"] else "false")
    assert row["price-designation"] == ("BusinessPrice" if order["IsBusinessOrder"] else "")
    assert row["promotion-ids"] == ",".join(item["PromotionIds"])
    if "ShippingAddress" in order:
        address = order["ShippingAddress"]
        assert (row["ship-city"], row["ship-state"], row["ship-postal-code"], row["ship-country"]) == (
            address["City"], address["StateOrRegion"], address["PostalCode"], address["CountryCode"],
        )  # fmt: skip
    money_columns = [
        "item-price", "item-tax", "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax",
        "item-promotion-discount", "ship-promotion-discount",
    ]  # fmt: skip
    if order["OrderStatus"] == "Canceled":
        # as Amazon's reports show canceled orders: nothing ordered, no money
        assert (row["item-status"], row["quantity"]) == ("Cancelled", "0")
        assert [row[column] for column in money_columns] == [""] * len(money_columns)
        return
    shipped = item["QuantityShipped"] == item["QuantityOrdered"]
    assert row["item-status"] == ("Shipped" if shipped else "Unshipped")
    assert row["quantity"] == str(item["QuantityOrdered"])
    gift = item.get("BuyerInfo", {})
    zero = {"Amount": "0.00" if row["currency"] != "JPY" else "0"}
    expected = [
        item["ItemPrice"]["Amount"],
        item["ItemTax"]["Amount"],
        item["ShippingPrice"]["Amount"],
        item["ShippingTax"]["Amount"],
        gift.get("GiftWrapPrice", zero)["Amount"],
        gift.get("GiftWrapTax", zero)["Amount"],
        str(-Decimal(item["PromotionDiscount"]["Amount"])),
        item["ShippingDiscount"]["Amount"],
    ]
    assert [Decimal(row[column]) for column in money_columns] == [Decimal(amount) for amount in expected]
    # amounts are written in the currency's minor unit, as the Orders API writes them
    assert row["item-price"] == item["ItemPrice"]["Amount"]


def test_a_business_order_carries_its_purchase_order_number(frozen: SandboxClient) -> None:
    # given a business order in Germany
    [order_id] = frozen.create_orders("EU", 1, marketplace_id=DE, is_business=True, status="Unshipped")
    frozen.advance(3600)
    # when reported
    since = (START - timedelta(minutes=1)).isoformat()
    report_id = _create(
        frozen, "EU", {"reportType": BY_ORDER_DATE, "marketplaceIds": [DE], "dataStartTime": since}
    )
    frozen.advance(3600)
    rows = _rows(_document_text(frozen, "EU", _report(frozen, "EU", report_id)["reportDocumentId"]))
    # then its rows say business order, its PO number (not restricted data in the report), BusinessPrice
    [row, *_] = [row for row in rows if row["amazon-order-id"] == order_id]
    assert row["is-business-order"] == "true"
    assert row["purchase-order-number"].startswith("PO-") and len(row["purchase-order-number"]) == 7
    assert row["price-designation"] == "BusinessPrice"
    assert row["cpf"] == ""


def test_last_update_report_selects_by_update_and_order_date_report_by_purchase(
    frozen: SandboxClient,
) -> None:
    # given an FBM order bought at START + 1 s, Unshipped 5 to 29 minutes later, then shipped a day later
    [order_id] = frozen.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    frozen.advance(86_400)
    shipped = frozen.http.post(f"/_sandbox/orders/{order_id}/ship", json={})
    assert shipped.status_code == 200, shipped.text
    frozen.advance(3600)
    window = {"dataStartTime": (START + timedelta(hours=12)).isoformat(), "marketplaceIds": [US]}
    # when both reports are asked for the period from 12 hours after the purchase
    by_update = _create(frozen, "NA", {"reportType": BY_LAST_UPDATE, **window})
    by_date = _create(frozen, "NA", {"reportType": BY_ORDER_DATE, **window})
    frozen.advance(3600)
    # then the order is in the last-update report (shipped in the period), Shipped, and not in the other
    update_rows = _rows(_document_text(frozen, "NA", _report(frozen, "NA", by_update)["reportDocumentId"]))
    assert {row["order-status"] for row in update_rows if row["amazon-order-id"] == order_id} == {"Shipped"}
    assert {row["item-status"] for row in update_rows if row["amazon-order-id"] == order_id} == {"Shipped"}
    date_rows = _rows(_document_text(frozen, "NA", _report(frozen, "NA", by_date)["reportDocumentId"]))
    assert order_id not in {row["amazon-order-id"] for row in date_rows}
    assert date_rows  # the seeded orders bought in the period


def test_a_report_without_data_is_cancelled_without_a_document(frozen: SandboxClient) -> None:
    # given a period of last month, when the seller sold nothing yet
    headers = frozen.headers("NA")
    body = {"reportType": BY_ORDER_DATE, "marketplaceIds": [US, CA, MX],
            "dataStartTime": (START - timedelta(days=40)).isoformat(),
            "dataEndTime": (START - timedelta(days=10)).isoformat()}  # fmt: skip
    report_id = _create(frozen, "NA", body)
    # when processed
    frozen.advance(60)
    assert _report(frozen, "NA", report_id)["processingStatus"] == "IN_PROGRESS"
    frozen.advance(30)
    report = _report(frozen, "NA", report_id)
    # then Amazon's way: CANCELLED after the base processing time, no document
    assert report["processingStatus"] == "CANCELLED"
    assert "reportDocumentId" not in report
    assert (
        _seconds(report["processingEndTime"]) - _seconds(report["processingStartTime"])
    ).total_seconds() == 30
    listed = frozen.http.get(
        f"{REPORTS}/reports",
        params={"reportTypes": BY_ORDER_DATE, "processingStatuses": "CANCELLED"},
        headers=headers,
    )
    assert [entry["reportId"] for entry in listed.json()["reports"]] == [report_id]


def test_generation_time_grows_with_the_rows_and_reports_queue_one_at_a_time(frozen: SandboxClient) -> None:
    # given 900 US orders and two reports asked at the same second: a big one and a small one
    for _ in range(3):
        frozen.create_orders("NA", 300, marketplace_id=US)
    frozen.advance(3600)
    created_at = _seconds(frozen.http.get("/_sandbox/clock").json()["now"])
    big = _create(frozen, "NA", {"reportType": BY_ORDER_DATE, "marketplaceIds": [US],
                                 "dataStartTime": (START - timedelta(minutes=1)).isoformat()})  # fmt: skip
    small = _create(frozen, "NA", {"reportType": BY_ORDER_DATE, "marketplaceIds": [US],
                                   "dataStartTime": (START - timedelta(days=5)).isoformat(),
                                   "dataEndTime": (START - timedelta(days=1)).isoformat()})  # fmt: skip
    # when the clock reaches the end of the queue delay (60 s)
    frozen.advance(59)
    assert _report(frozen, "NA", big)["processingStatus"] == "IN_QUEUE"
    frozen.advance(1)
    in_progress = _report(frozen, "NA", big)
    # then the big report is IN_PROGRESS since then, and the small one waits behind it
    assert in_progress["processingStatus"] == "IN_PROGRESS"
    assert _seconds(in_progress["processingStartTime"]) == created_at + timedelta(seconds=60)
    assert "processingEndTime" not in in_progress
    assert _report(frozen, "NA", small)["processingStatus"] == "IN_QUEUE"
    # and once done, it was processed 30 s + 30 s per 1,000 rows (rows counted in its document)
    frozen.advance(3600)
    done = _report(frozen, "NA", big)
    rows = len(_rows(_document_text(frozen, "NA", done["reportDocumentId"])))
    assert rows >= 900 * 1.2  # about 1.4 items per order
    took = (_seconds(done["processingEndTime"]) - _seconds(done["processingStartTime"])).total_seconds()
    assert took == int(30 + 30 * rows / 1000)
    # and the small one started when the big one ended
    second = _report(frozen, "NA", small)
    assert second["processingStartTime"] == done["processingEndTime"]
    assert second["processingStatus"] == "DONE"
    small_rows = len(_rows(_document_text(frozen, "NA", second["reportDocumentId"])))
    took_small = (
        _seconds(second["processingEndTime"]) - _seconds(second["processingStartTime"])
    ).total_seconds()
    assert took_small == int(30 + 30 * small_rows / 1000)


def test_a_report_done_exactly_at_its_processing_end(frozen: SandboxClient) -> None:
    # given a report of the seeded orders
    report_id = _create(frozen, "NA", {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US]})
    frozen.advance(60)
    started = _report(frozen, "NA", report_id)
    assert started["processingStatus"] == "IN_PROGRESS"
    frozen.advance(3600)
    done = _report(frozen, "NA", report_id)
    took = _seconds(done["processingEndTime"]) - _seconds(done["processingStartTime"])
    # when a second report of the same data is asked, and the clock stops one second short of its end
    period = {"dataStartTime": done["dataStartTime"], "dataEndTime": done["dataEndTime"]}
    again = _create(frozen, "NA", {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US], **period})
    frozen.advance(60 + took.total_seconds() - 1)
    # then it is still IN_PROGRESS, and DONE one second later
    assert _report(frozen, "NA", again)["processingStatus"] == "IN_PROGRESS"
    frozen.advance(1)
    assert _report(frozen, "NA", again)["processingStatus"] == "DONE"


def test_a_report_cancelled_in_queue_never_runs_and_a_done_one_cannot_be_cancelled(
    frozen: SandboxClient,
) -> None:
    headers = frozen.headers("NA")
    first = _create(frozen, "NA", {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US]})
    second = _create(frozen, "NA", {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US]})
    # when the first is cancelled while IN_QUEUE
    cancelled = frozen.http.delete(f"{REPORTS}/reports/{first}", headers=headers)
    assert (cancelled.status_code, cancelled.content) == (200, b"")
    frozen.advance(60)
    # then it stays CANCELLED, without processing times, and the second one is processed at once
    report = _report(frozen, "NA", first)
    assert report["processingStatus"] == "CANCELLED"
    assert "processingStartTime" not in report
    assert _report(frozen, "NA", second)["processingStatus"] == "IN_PROGRESS"
    frozen.advance(3000)
    refused = frozen.http.delete(f"{REPORTS}/reports/{second}", headers=headers)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "InvalidInput"
    assert _report(frozen, "NA", second)["processingStatus"] == "DONE"


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("no_type", {"marketplaceIds": [US]}, "reportType and marketplaceIds are required."),
        ("no_marketplace", {"reportType": BY_LAST_UPDATE, "marketplaceIds": []}, "are required"),
        ("unknown_marketplace", {"reportType": BY_LAST_UPDATE, "marketplaceIds": ["XYZ"]}, "XYZ"),
        ("bad_date", {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US], "dataStartTime": "yesterday"},
         "ISO 8601"),
        ("start_after_end", {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US],
                             "dataStartTime": "2026-03-02T00:00:00Z", "dataEndTime": "2026-03-01T00:00:00Z"},
         "before dataEndTime"),
    ],
)  # fmt: skip
def test_create_report_refuses_bad_requests_and_creates_nothing(
    frozen: SandboxClient, _case: str, body: dict[str, Any], message: str
) -> None:
    headers = frozen.headers("NA")
    response = frozen.http.post(f"{REPORTS}/reports", json=body, headers=headers)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]
    listed = frozen.http.get(f"{REPORTS}/reports", params={"reportTypes": BY_LAST_UPDATE}, headers=headers)
    assert listed.json() == {"reports": []}


def test_unsupported_report_type_ends_fatal(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    body = {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [US]}
    report_id = sandbox.http.post(f"{REPORTS}/reports", json=body, headers=headers).json()["reportId"]
    sandbox.advance(120)
    report = sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=headers).json()
    assert report["processingStatus"] == "FATAL"
    assert "reportDocumentId" not in report


def test_schedules_are_kept_replaced_and_cancelled(frozen: SandboxClient) -> None:
    headers = frozen.headers("NA")
    body = {"reportType": BY_LAST_UPDATE, "marketplaceIds": [US], "period": "P1D"}
    # when a schedule is created, then created again for the same type and marketplaces
    first = frozen.http.post(f"{REPORTS}/schedules", json=body, headers=headers)
    again = frozen.http.post(f"{REPORTS}/schedules", json={**body, "period": "PT12H"}, headers=headers)
    # then the second replaced the first
    assert first.status_code == again.status_code == 201
    schedule_id = first.json()["reportScheduleId"]
    assert again.json()["reportScheduleId"] == schedule_id
    listed = frozen.http.get(f"{REPORTS}/schedules", params={"reportTypes": BY_LAST_UPDATE}, headers=headers)
    swagger.validate_response("getReportSchedules", 200, listed.json())
    assert [(s["reportScheduleId"], s["period"]) for s in listed.json()["reportSchedules"]] == [
        (schedule_id, "PT12H")
    ]
    # and once cancelled it is gone; cancelling it again gets Amazon's 400
    assert frozen.http.delete(f"{REPORTS}/schedules/{schedule_id}", headers=headers).status_code == 200
    assert frozen.http.get(f"{REPORTS}/schedules/{schedule_id}", headers=headers).status_code == 404
    assert frozen.http.delete(f"{REPORTS}/schedules/{schedule_id}", headers=headers).status_code == 400
    bad = frozen.http.post(f"{REPORTS}/schedules", json={**body, "period": "P2M"}, headers=headers)
    assert bad.status_code == 400


def test_xml_twin_holds_the_flat_files_orders_items_and_money(frozen: SandboxClient) -> None:
    # given orders of the EU seller (VAT included, promotions, gift wrap, canceled ones among them)
    frozen.create_orders("EU", 60)
    frozen.create_orders("EU", 3, status="Canceled")
    frozen.advance(8 * 3600)
    since = (START - timedelta(minutes=1)).isoformat()
    markets = [UK, DE, FR, "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS"]
    # when the flat file and its XML twin are asked for the same period
    flat = _create(
        frozen, "EU", {"reportType": BY_ORDER_DATE, "marketplaceIds": markets, "dataStartTime": since}
    )
    xml = _create(
        frozen,
        "EU",
        {"reportType": "GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", "marketplaceIds": markets,
         "dataStartTime": since},
    )  # fmt: skip
    frozen.advance(3600)
    rows = _rows(_document_text(frozen, "EU", _report(frozen, "EU", flat)["reportDocumentId"]))
    root = fromstring(_document_text(frozen, "EU", _report(frozen, "EU", xml)["reportDocumentId"]).encode())
    # then the XML is Amazon's AllOrdersReport envelope with the same orders, items and amounts
    assert root.tag == "AmazonEnvelope" and root.findtext("MessageType") == "AllOrdersReport"
    from_xml = []
    for order in root.iter("Order"):
        for item in order.iter("OrderItem"):
            amounts = {c.findtext("Type"): c.findtext("Amount") for c in item.iter("Component")}
            from_xml.append(
                (
                    order.findtext("AmazonOrderID"),
                    order.findtext("OrderStatus"),
                    order.findtext("FulfillmentData/FulfillmentChannel"),
                    order.findtext("FulfillmentData/Address/PostalCode"),
                    item.findtext("SKU"),
                    item.findtext("ItemStatus"),
                    item.findtext("Quantity"),
                    amounts.get("Principal", ""),
                    amounts.get("Tax", ""),
                    amounts.get("Shipping", "0.00") if amounts else "",
                    amounts.get("GiftWrap", "0.00") if amounts else "",
                    item.findtext("Promotion/ItemPromotionDiscount") or ("0.00" if amounts else ""),
                )
            )
    from_flat = [
        (
            row["amazon-order-id"], row["order-status"], row["fulfillment-channel"], row["ship-postal-code"],
            row["sku"], row["item-status"], row["quantity"], row["item-price"], row["item-tax"],
            row["shipping-price"], row["gift-wrap-price"], row["item-promotion-discount"],
        )
        for row in rows
    ]  # fmt: skip
    assert from_xml == from_flat
    assert len(from_xml) > 63
    assert any(entry[1] == "Cancelled" and entry[7] == "" for entry in from_xml)
    assert any(entry[11] not in ("0.00", "") for entry in from_xml)  # a promotion
