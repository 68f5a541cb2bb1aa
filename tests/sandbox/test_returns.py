"""Customer returns in the sandbox: the control API, the two returns reports, and returns agreeing with the
refund events of the Finances API (a returned order is a refunded order)."""

from __future__ import annotations

import csv
import gzip
import io
from typing import Any

from sellersync.sandbox.returns import FBA_COLUMNS, FBA_RETURNS, FBM_COLUMNS, FBM_RETURNS
from tests.sandbox.conftest import US, SandboxClient

REPORTS = "/reports/2021-06-30"
DAY = 24 * 3600


def _report_rows(sandbox: SandboxClient, report_type: str, marketplace_ids: tuple[str, ...] = (US,)) -> Any:
    headers = sandbox.headers("NA")
    body = {
        "reportType": report_type,
        "marketplaceIds": list(marketplace_ids),
        "dataStartTime": "2026-01-01T00:00:00Z",
    }
    report_id = sandbox.http.post(f"{REPORTS}/reports", json=body, headers=headers).json()["reportId"]
    sandbox.advance(300)  # 60 s in the queue, then 30 s + 30 s per 1,000 rows
    report = sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=headers).json()
    if report["processingStatus"] == "CANCELLED":  # Amazon's "no data": no document
        return None, []
    assert report["processingStatus"] == "DONE"
    document = sandbox.http.get(f"{REPORTS}/documents/{report['reportDocumentId']}", headers=headers).json()
    text = gzip.decompress(sandbox.http.get(document["url"]).content).decode()
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    return reader.fieldnames, list(reader)


def _order_items(sandbox: SandboxClient, order_id: str) -> list[dict[str, Any]]:
    response = sandbox.http.get(f"/orders/v0/orders/{order_id}/orderItems", headers=sandbox.headers("NA"))
    return list(response.json()["payload"]["OrderItems"])


def test_an_fba_return_is_a_row_of_the_customer_returns_report(sandbox: SandboxClient) -> None:
    # given a shipped FBA order
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(6 * 3600)  # Amazon ships an FBA order 30 minutes to 5 hours after the purchase
    [item] = _order_items(sandbox, order_id)[:1]
    # when the buyer returns one damaged unit
    answer = sandbox.http.post(
        f"/_sandbox/orders/{order_id}/return",
        json={"items": {item["OrderItemId"]: 1}, "disposition": "CUSTOMER_DAMAGED"},
    )
    # then the report lists it with Amazon's columns
    assert answer.status_code == 200, answer.text
    columns, rows = _report_rows(sandbox, FBA_RETURNS)
    assert tuple(columns) == FBA_COLUMNS
    ours = [row for row in rows if row["order-id"] == order_id]
    assert len(ours) == 1
    assert ours[0]["sku"] == item["SellerSKU"]
    assert ours[0]["asin"] == item["ASIN"]
    assert ours[0]["quantity"] == "1"
    assert ours[0]["detailed-disposition"] == "CUSTOMER_DAMAGED"
    assert ours[0]["license-plate-number"].startswith("LPN")
    assert ours[0]["return-date"].endswith("+00:00")


def test_an_fbm_return_has_its_rma_and_tracking_in_the_merchant_returns_report(
    sandbox: SandboxClient,
) -> None:
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(1800)
    assert sandbox.http.post(f"/_sandbox/orders/{order_id}/ship", json={}).status_code == 200
    items = _order_items(sandbox, order_id)
    # when the buyer sends everything back with an RMA
    body = {"rma_id": "DTEST01RMA", "carrier": "USPS", "tracking_id": "9400TEST", "delivered": False}
    answer = sandbox.http.post(f"/_sandbox/orders/{order_id}/return", json=body)
    assert answer.status_code == 200, answer.text
    columns, rows = _report_rows(sandbox, FBM_RETURNS)
    # then one row per item, every unit, Approved (not delivered yet)
    assert tuple(columns) == FBM_COLUMNS
    ours = [row for row in rows if row["Order ID"] == order_id]
    assert sorted((row["Merchant SKU"], row["Return quantity"]) for row in ours) == sorted(
        (item["SellerSKU"], str(item["QuantityOrdered"])) for item in items
    )
    assert {(row["Amazon RMA ID"], row["Return carrier"], row["Tracking ID"]) for row in ours} == {
        ("DTEST01RMA", "USPS", "9400TEST")
    }
    assert {row["Return request status"] for row in ours} == {"Approved"}
    # and nothing is left to return
    again = sandbox.http.post(f"/_sandbox/orders/{order_id}/return", json={})
    assert again.status_code == 409


def test_a_return_of_an_order_not_shipped_is_refused(sandbox: SandboxClient) -> None:
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    answer = sandbox.http.post(f"/_sandbox/orders/{order_id}/return", json={})
    assert answer.status_code == 409
    assert "no shipped unit" in answer.json()["error"]


def test_generated_returns_are_the_refunded_orders(sandbox: SandboxClient) -> None:
    # given the seeded seller living on for 10 days (orders ship, some come back)
    sandbox.advance(10 * DAY)
    marketplaces = tuple(sandbox.seller("NA")["marketplace_ids"])
    _columns, fba = _report_rows(sandbox, FBA_RETURNS, marketplaces)
    _columns, fbm = _report_rows(sandbox, FBM_RETURNS, marketplaces)
    # when the refund events are read
    headers = sandbox.headers("NA")
    refunded: set[str] = set()
    params: dict[str, Any] = {"PostedAfter": "2026-01-01T00:00:00Z", "MaxResultsPerPage": 100}
    while True:
        page = sandbox.http.get("/finances/v0/financialEvents", params=params, headers=headers).json()
        refunded |= {
            event["AmazonOrderId"] for event in page["payload"]["FinancialEvents"]["RefundEventList"]
        }
        if not page["payload"].get("NextToken"):
            break
        params = {"NextToken": page["payload"]["NextToken"]}
    # then the orders whose units came back (received at Amazon, delivered to the seller) are refunded ones
    returned = {row["order-id"] for row in fba} | {
        row["Order ID"] for row in fbm if row["Return delivery date"]
    }
    assert returned
    assert returned <= refunded
    assert {row["detailed-disposition"] for row in fba} <= {
        "SELLABLE",
        "CUSTOMER_DAMAGED",
        "DEFECTIVE",
        "CARRIER_DAMAGED",
    }


def test_a_refund_of_returned_units_is_a_return_and_a_price_adjustment_is_none(
    sandbox: SandboxClient,
) -> None:
    # given two shipped FBA orders
    first, second = sandbox.create_orders(
        "NA", 2, marketplace_id=US, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(6 * 3600)
    first_item, second_item = _order_items(sandbox, first)[0], _order_items(sandbox, second)[0]
    # when Amazon refunds one returned unit of the first, and 1.00 of the second's price (no unit back)
    returned = {"items": [{"order_item_id": first_item["OrderItemId"], "quantity": 1}]}
    adjusted = {"items": [{"order_item_id": second_item["OrderItemId"], "principal": "1.00"}]}
    assert sandbox.http.post(f"/_sandbox/orders/{first}/refund", json=returned).status_code == 200
    assert sandbox.http.post(f"/_sandbox/orders/{second}/refund", json=adjusted).status_code == 200
    _columns, rows = _report_rows(sandbox, FBA_RETURNS)
    # then the returned unit is in the customer returns report, the price adjustment is not
    ours = [row for row in rows if row["order-id"] in (first, second)]
    assert [(row["order-id"], row["sku"], row["quantity"]) for row in ours] == [
        (first, first_item["SellerSKU"], "1")
    ]
    # and the unit cannot be returned a second time by hand
    again = sandbox.http.post(
        f"/_sandbox/orders/{first}/return",
        json={"items": {first_item["OrderItemId"]: first_item["QuantityOrdered"]}},
    )
    assert again.status_code == 409
