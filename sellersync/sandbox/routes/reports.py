"""Reports API 2021-06-30: the all-orders flat files (by last update / order date) built from the orders."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sellersync.sandbox.api import ApiError, Call, Operation, Reply, created_window, invalid_input, not_found
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES
from sellersync.sandbox.money import item_money
from sellersync.sandbox.records import Order
from sellersync.sandbox.render_v0 import amount_text
from sellersync.sandbox.routes.documents import presigned_url, store_gzipped
from sellersync.sandbox.service import Sandbox

BASE = "/reports/2021-06-30"
BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
QUEUE_DELAY = timedelta(seconds=30)
PROCESSING_TIME = timedelta(seconds=60)
DEFAULT_WINDOW = timedelta(days=30)
COLUMNS = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "promotion-ids",
    "is-business-order",
    "purchase-order-number",
    "price-designation",
)
CHANNEL_NAMES = {"AFN": "Amazon", "MFN": "Merchant"}


def create_report(call: Call) -> Reply:
    body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
    report_type, marketplace_ids = body.get("reportType"), body.get("marketplaceIds")
    if not report_type or not isinstance(marketplace_ids, list) or not marketplace_ids:
        raise invalid_input("reportType and marketplaceIds are required.")
    now = call.sandbox.now()
    try:
        start = parse_iso(str(body["dataStartTime"])) if body.get("dataStartTime") else now - DEFAULT_WINDOW
        end = parse_iso(str(body["dataEndTime"])) if body.get("dataEndTime") else now
    except ValueError as error:
        raise invalid_input("dataStartTime and dataEndTime must be ISO 8601 date-times.") from error
    report_id = str(50_000_000_000 + secrets.randbelow(10**10))
    report = {
        "reportId": report_id,
        "seller_id": call.seller_id,
        "reportType": report_type,
        "marketplaceIds": [str(marketplace) for marketplace in marketplace_ids],
        "dataStartTime": iso(start),
        "dataEndTime": iso(end),
        "createdTime": iso(now),
        "processingStatus": "IN_QUEUE",
    }
    call.sandbox.state.put("report", report_id, call.seller_id, report)
    return Reply(202, {"reportId": report_id})


def progress_reports(sandbox: Sandbox, seller_id: str) -> None:
    """Reports become IN_PROGRESS, then DONE (with their document) as the simulated clock passes."""
    now = sandbox.now()
    for report in sandbox.state.all("report", seller_id):
        if report["processingStatus"] not in ("IN_QUEUE", "IN_PROGRESS"):
            continue
        created = parse_iso(report["createdTime"])
        if now < created + QUEUE_DELAY:
            continue
        report.update(processingStatus="IN_PROGRESS", processingStartTime=iso(created + QUEUE_DELAY))
        if now >= created + QUEUE_DELAY + PROCESSING_TIME:
            _produce(sandbox, seller_id, report)
            report["processingEndTime"] = iso(created + QUEUE_DELAY + PROCESSING_TIME)
        sandbox.state.put("report", report["reportId"], seller_id, report)


def _produce(sandbox: Sandbox, seller_id: str, report: dict[str, Any]) -> None:
    if report["reportType"] not in (BY_LAST_UPDATE, BY_ORDER_DATE):
        report["processingStatus"] = "FATAL"
        return
    now = sandbox.now()
    start, end = report["dataStartTime"], report["dataEndTime"]
    rows = ["\t".join(COLUMNS)]
    for order in sorted(sandbox.orders_of(seller_id), key=lambda order: order.purchase_date):
        moment = (
            iso(order.last_update(now)) if report["reportType"] == BY_LAST_UPDATE else order.purchase_date
        )
        if order.marketplace_id in report["marketplaceIds"] and start <= moment <= end:
            rows += _order_rows(order, sandbox)
    document_id = "amzn1.spdoc.1.4.na." + secrets.token_hex(16)
    sandbox.state.put(
        "document",
        document_id,
        seller_id,
        {
            "seller_id": seller_id,
            "kind": "report",
            "contentType": "text/tab-separated-values",
            "uploaded": True,
        },
    )
    store_gzipped(sandbox, document_id, ("\n".join(rows) + "\n").encode("utf-8"))
    report.update(processingStatus="DONE", reportDocumentId=document_id)


def _order_rows(order: Order, sandbox: Sandbox) -> list[str]:
    now = sandbox.now()
    status = order.status_at(now)
    market = MARKETPLACES[order.marketplace_id]
    rows = []
    for item in order.items:
        money = item_money(item)

        def text(amount: Decimal) -> str:
            return amount_text(amount, order.currency)

        values = [
            order.order_id,
            order.seller_order_id,
            order.purchase_date,
            iso(order.last_update(now)),
            status,
            CHANNEL_NAMES[order.fulfillment_channel],
            market.sales_channel,
            order.ship_service_level,
            item.title,
            item.sku,
            item.asin,
            "Cancelled" if status == "Canceled" else status,
            str(item.quantity),
            order.currency,
            text(money.item_price),
            text(money.item_tax),
            text(money.shipping_price),
            text(money.shipping_tax),
            text(money.gift_wrap_price),
            text(money.gift_wrap_tax),
            text(-money.promotion_discount),
            text(Decimal(0)),
            order.address.city,
            order.address.state_or_region,
            order.address.postal_code,
            order.address.country_code,
            ",".join(item.promotion_ids),
            "true" if order.is_business else "false",
            order.buyer.purchase_order_number,
            "",
        ]
        rows.append("\t".join(values))
    return rows


def _public(report: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "reportId",
        "reportType",
        "marketplaceIds",
        "dataStartTime",
        "dataEndTime",
        "createdTime",
        "processingStatus",
        "processingStartTime",
        "processingEndTime",
        "reportDocumentId",
    )
    return {key: report[key] for key in keys if key in report}


def _report(call: Call) -> dict[str, Any]:
    progress_reports(call.sandbox, call.seller_id)
    report = call.sandbox.state.get("report", call.path_params["reportId"])
    if report is None or report["seller_id"] != call.seller_id:
        raise not_found("The report was not found.")
    return report


def get_report(call: Call) -> Reply:
    return Reply(200, _public(_report(call)))


def cancel_report(call: Call) -> Reply:
    report = _report(call)
    if report["processingStatus"] != "IN_QUEUE":
        raise ApiError(400, "InvalidInput", "The report cannot be cancelled: it is no longer IN_QUEUE.")
    report["processingStatus"] = "CANCELLED"
    call.sandbox.state.put("report", report["reportId"], call.seller_id, report)
    return Reply(200)


def get_reports(call: Call) -> Reply:
    progress_reports(call.sandbox, call.seller_id)
    types = call.param_list("reportTypes")
    if not types and not call.param("nextToken"):
        raise invalid_input("reportTypes or nextToken is required.")
    statuses = call.param_list("processingStatuses")
    marketplaces = set(call.param_list("marketplaceIds"))
    since, until = created_window(call)
    reports = [
        report
        for report in call.sandbox.state.all("report", call.seller_id)
        if (not types or report["reportType"] in types)
        and (not statuses or report["processingStatus"] in statuses)
        and (not marketplaces or marketplaces & set(report["marketplaceIds"]))
        and since <= parse_iso(report["createdTime"]) <= until
    ]
    reports.sort(key=lambda report: (report["createdTime"], report["reportId"]), reverse=True)
    size_text = call.param("pageSize") or "10"
    if not size_text.isdigit() or not 1 <= int(size_text) <= 100:
        raise invalid_input("pageSize must be between 1 and 100.")
    return Reply(200, {"reports": [_public(report) for report in reports[: int(size_text)]]})


def get_report_document(call: Call) -> Reply:
    document_id = call.path_params["reportDocumentId"]
    document = call.sandbox.state.get("document", document_id)
    if document is None or document["seller_id"] != call.seller_id or document["kind"] != "report":
        raise not_found("The report document was not found.")
    url = presigned_url(call.sandbox, call.base_url, "GET", "report-documents", document_id)
    return Reply(200, {"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"})


OPERATIONS = [
    Operation("POST", BASE + "/reports", "createReport", create_report),
    Operation("GET", BASE + "/reports", "getReports", get_reports),
    Operation("GET", BASE + "/reports/{reportId}", "getReport", get_report),
    Operation("DELETE", BASE + "/reports/{reportId}", "cancelReport", cancel_report),
    Operation("GET", BASE + "/documents/{reportDocumentId}", "getReportDocument", get_report_document),
]
