"""Reports over HTTP: the all-orders flat file, produced after a simulated delay, gzip document."""

from __future__ import annotations

import csv
import gzip
import io
from decimal import Decimal

from sellersync.sandbox import swagger
from tests.sandbox.conftest import US, SandboxClient

REPORTS = "/reports/2021-06-30"
BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"


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
    sandbox.advance(120)
    report = sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=headers).json()
    # then DONE, and the gzip TSV has the order's lines with the amounts getOrderItems gives
    assert queued["processingStatus"] == "IN_QUEUE"
    swagger.validate_response("getReport", 200, report)
    assert report["processingStatus"] == "DONE"
    document = sandbox.http.get(f"{REPORTS}/documents/{report['reportDocumentId']}", headers=headers).json()
    swagger.validate_response("getReportDocument", 200, document)
    assert document["compressionAlgorithm"] == "GZIP"
    text = gzip.decompress(sandbox.http.get(document["url"]).content).decode()
    rows = [
        row for row in csv.DictReader(io.StringIO(text), delimiter="\t") if row["amazon-order-id"] == order_id
    ]
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


def test_unsupported_report_type_ends_fatal(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    body = {"reportType": "GET_MERCHANT_LISTINGS_ALL_DATA", "marketplaceIds": [US]}
    report_id = sandbox.http.post(f"{REPORTS}/reports", json=body, headers=headers).json()["reportId"]
    sandbox.advance(120)
    assert (
        sandbox.http.get(f"{REPORTS}/reports/{report_id}", headers=headers).json()["processingStatus"]
        == "FATAL"
    )
