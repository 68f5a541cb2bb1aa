"""Reports API 2021-06-30: Amazon's order tracking reports built from the canonical orders.

**Report types.** GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL (orders whose last update falls in the
data period) and GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL (orders purchased in it), for the
report's marketplaces; and their XML twins GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL /
_BY_ORDER_DATE_GENERAL (an AmazonEnvelope of MessageType AllOrdersReport: one Message/Order per order with
its FulfillmentData and Address, one OrderItem per item with its AmazonOrderItemCode and the amounts as
ItemPrice Components Principal, Tax, Shipping, ShippingTax, GiftWrap, GiftWrapTax, and a Promotion). Any
other type ends FATAL without a document.

**Rows and columns.** One row per order item, orders in purchase-date order, under Amazon's documented
columns ("Order Tracking reports attributes"; the by-order-date report has `cpf`, blank outside Brazil),
tab-separated, UTF-8, gzip-compressed. The money is the Orders API's, item by item (`money.item_money`):
`item-price` = ItemPrice (unit price x quantity), `item-tax` = ItemTax, `shipping-price`/`-tax`,
`gift-wrap-price`/`-tax`, `item-promotion-discount` = -PromotionDiscount (negative, as in the reports sellers
download), `ship-promotion-discount` 0 (the sandbox has no shipping promotions), amounts in the currency's
minor unit ("12.50", yen "1200"). Dates are `2026-03-02T12:00:00+00:00`. `fulfillment-channel` is
Amazon/Merchant, `sales-channel` the marketplace's site ("Amazon.com"), `order-channel` blank,
`product-name` the item title. `order-status`: Pending, Unshipped, Shipping (partially shipped), Shipped,
Cancelled; `item-status`: Shipped when all its units shipped, Unshipped before, Cancelled. A canceled order's
rows say Cancelled with quantity 0 and the money columns blank (the currency stays), as Amazon's reports
show canceled orders. `is-business-order` true/false; `purchase-order-number` the business buyer's PO;
`price-designation` BusinessPrice on business orders. What the reports do not carry (buyer names, street
addresses, order item ids, the promotions' tax) is not there either.

**Generation on the simulated clock.** A report waits QUEUE_DELAY in IN_QUEUE; a seller's reports are then
processed one at a time, in creation order (a report starts when it has waited QUEUE_DELAY and the seller's
previous report is finished). Its data is read when it starts (orders as they stood then) and processing
takes PROCESSING_BASE + PROCESSING_PER_1000_ROWS per 1,000 rows; then DONE with its document, or CANCELLED
without a document when no order matched (Amazon: "The reports are canceled if no eligible data is
found"). So with 60 s + 30 s + 30 s per 1,000 rows, a 30-day report of 10,000 rows is DONE 6.5 simulated
minutes after it was requested when the queue is empty. cancelReport stops a report still IN_QUEUE.

**Schedules.** createReportSchedule, getReportSchedules, getReportSchedule and cancelReportSchedule keep
schedules (one per report type and marketplaces, as Amazon replaces an existing one); the sandbox does not
run them (no report is created from a schedule).

**Static cases.** Amazon's static cases answer first (`api._static_reply`). The cases naming no parameter
(cancelReport's and cancelReportSchedule's 400) answer a cancel of an id this sandbox does not know, as
Amazon's sandbox answers any id but the documented one.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ElementTree  # noqa: S405  # nosec B405  # used only to write XML
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sellersync.sandbox import static_cases
from sellersync.sandbox.api import (
    ApiError,
    Call,
    Operation,
    Reply,
    created_window,
    error_body,
    invalid_input,
    not_found,
)
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES
from sellersync.sandbox.money import item_money
from sellersync.sandbox.records import Order
from sellersync.sandbox.render_v0 import amount_text
from sellersync.sandbox.returns import REPORT_TYPES as RETURNS_REPORT_TYPES
from sellersync.sandbox.returns import returns_report_lines
from sellersync.sandbox.routes.documents import presigned_url, store_gzipped
from sellersync.sandbox.service import Sandbox

BASE = "/reports/2021-06-30"
BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
QUEUE_DELAY = timedelta(seconds=60)
PROCESSING_BASE = timedelta(seconds=30)
PROCESSING_PER_1000_ROWS = timedelta(seconds=30)
DEFAULT_WINDOW = timedelta(days=30)
PROCESSING_STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED")
SCHEDULE_PERIODS = (
    "PT5M", "PT15M", "PT30M", "PT1H", "PT2H", "PT4H", "PT8H", "PT12H", "P1D", "P2D", "P3D", "PT84H",
    "P7D", "P14D", "P15D", "P18D", "P30D", "P1M",
)  # fmt: skip
_COLUMNS_HEAD = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
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
)
_COLUMNS_TAIL = ("is-business-order", "purchase-order-number", "price-designation")
XML_BY_LAST_UPDATE = "GET_XML_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
XML_BY_ORDER_DATE = "GET_XML_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
XML_TYPES = (XML_BY_LAST_UPDATE, XML_BY_ORDER_DATE)
ORDER_REPORT_TYPES = (BY_LAST_UPDATE, BY_ORDER_DATE, *XML_TYPES)
PRODUCED_TYPES = (*ORDER_REPORT_TYPES, *RETURNS_REPORT_TYPES)  # the returns reports: sandbox/returns.py
#: Amazon's documented columns of each order tracking report, in order.
COLUMNS = {
    BY_LAST_UPDATE: (*_COLUMNS_HEAD, *_COLUMNS_TAIL),
    BY_ORDER_DATE: (*_COLUMNS_HEAD, "cpf", *_COLUMNS_TAIL),
}
MONEY_COLUMNS = (
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
)
CHANNEL_NAMES = {"AFN": "Amazon", "MFN": "Merchant"}
ORDER_STATUSES = {
    "Pending": "Pending",
    "Unshipped": "Unshipped",
    "PartiallyShipped": "Shipping",
    "Shipped": "Shipped",
    "InvoiceUnconfirmed": "Shipped",
    "Canceled": "Cancelled",
}
CANCELLED = "Cancelled"


def processing_time(rows: int) -> timedelta:
    """How long a report of `rows` rows stays IN_PROGRESS."""
    return PROCESSING_BASE + PROCESSING_PER_1000_ROWS * (rows / 1000)


# --- reports ----------------------------------------------------------------------------------------------


def create_report(call: Call) -> Reply:
    body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
    report_type, marketplace_ids = body.get("reportType"), body.get("marketplaceIds")
    if not report_type or not isinstance(marketplace_ids, list) or not marketplace_ids:
        raise invalid_input("reportType and marketplaceIds are required.")
    unknown = [str(marketplace) for marketplace in marketplace_ids if marketplace not in MARKETPLACES]
    if unknown:
        raise invalid_input(f"Invalid marketplaceIds: {', '.join(unknown)}.")
    now = call.sandbox.now()
    try:
        start = parse_iso(str(body["dataStartTime"])) if body.get("dataStartTime") else now - DEFAULT_WINDOW
        end = parse_iso(str(body["dataEndTime"])) if body.get("dataEndTime") else now
    except ValueError as error:
        raise invalid_input("dataStartTime and dataEndTime must be ISO 8601 date-times.") from error
    if start > end:
        raise invalid_input("dataStartTime must be before dataEndTime.")
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
        "sequence": call.sandbox.state.count("report"),  # creation order within a second
    }
    call.sandbox.state.put("report", report_id, call.seller_id, report)
    return Reply(202, {"reportId": report_id})


def progress_reports(sandbox: Sandbox, seller_id: str) -> None:
    """Move the seller's reports along the simulated clock: one at a time, in creation order."""
    now = sandbox.now()
    reports = sorted(
        sandbox.state.all("report", seller_id),
        key=lambda report: (report["createdTime"], report.get("sequence", 0), report["reportId"]),
    )
    free_at: datetime | None = None  # when the seller's latest started report is (or was) finished
    for report in reports:
        status = report["processingStatus"]
        if status == "IN_QUEUE":
            start = parse_iso(report["createdTime"]) + QUEUE_DELAY
            if free_at is not None and free_at > start:
                start = free_at
            if now < start:
                break  # the later ones queue behind this one
            _start(sandbox, seller_id, report, start)
            status = report["processingStatus"]
        if "processingEndTime" not in report:
            continue  # cancelled while IN_QUEUE: it never took the queue
        end = parse_iso(report["processingEndTime"])
        free_at = end if free_at is None else max(free_at, end)
        if status == "IN_PROGRESS" and now >= end:
            _finish(sandbox, seller_id, report)


def _start(sandbox: Sandbox, seller_id: str, report: dict[str, Any], start: datetime) -> None:
    """Read the report's data as it stands at `start`; it is processed for a time that grows with its rows."""
    rows = 0
    if report["reportType"] in PRODUCED_TYPES:
        content, rows = render_report(sandbox, seller_id, report, start)
        if rows:
            document_id = "amzn1.spdoc.1.4.na." + secrets.token_hex(16)
            store_gzipped(sandbox, document_id, content)
            report["pendingDocumentId"] = document_id
    report.update(
        processingStatus="IN_PROGRESS",
        processingStartTime=iso(start),
        processingEndTime=iso(start + processing_time(rows)),
        rows=rows,
    )
    sandbox.state.put("report", report["reportId"], seller_id, report)


def _finish(sandbox: Sandbox, seller_id: str, report: dict[str, Any]) -> None:
    document_id = report.pop("pendingDocumentId", None)
    if report["reportType"] not in PRODUCED_TYPES:
        report["processingStatus"] = "FATAL"
    elif document_id is None:
        report["processingStatus"] = "CANCELLED"  # no data: Amazon cancels the report, no document
    else:
        content_type = "text/xml" if report["reportType"] in XML_TYPES else "text/tab-separated-values"
        sandbox.state.put(
            "document",
            document_id,
            seller_id,
            {"seller_id": seller_id, "kind": "report", "contentType": content_type},
        )
        report.update(processingStatus="DONE", reportDocumentId=document_id)
    sandbox.state.put("report", report["reportId"], seller_id, report)


def render_report(
    sandbox: Sandbox, seller_id: str, report: dict[str, Any], as_of: datetime
) -> tuple[bytes, int]:
    """The report's document (UTF-8) as it stands at `as_of`, and its number of item rows."""
    report_type = report["reportType"]
    if report_type in RETURNS_REPORT_TYPES:
        returns_lines, returns_rows = returns_report_lines(sandbox, seller_id, report, as_of)
        return "".join(returns_lines).encode("utf-8"), returns_rows
    orders = _selected_orders(sandbox, seller_id, report, as_of)
    if report_type in XML_TYPES:
        return _xml_document(orders, as_of)
    lines = tsv_lines(report_type, orders, as_of)
    return "".join(line + "\n" for line in lines).encode("utf-8"), len(lines) - 1


def tsv_lines(report_type: str, orders: Sequence[Order], now: datetime) -> list[str]:
    """A flat-file order report of `orders` as they stand at `now`: the header, then one line per item."""
    columns = COLUMNS[report_type]
    lines = ["\t".join(columns)]
    for order in orders:
        for row in order_rows(order, now):
            lines.append("\t".join(_clean(row.get(column, "")) for column in columns))
    return lines


def _selected_orders(
    sandbox: Sandbox, seller_id: str, report: dict[str, Any], as_of: datetime
) -> list[Order]:
    """The report's orders, by purchase date: last updated (or bought) in its data period, as of `as_of`."""
    start, end = parse_iso(report["dataStartTime"]), parse_iso(report["dataEndTime"])
    marketplaces = set(report["marketplaceIds"])
    by_update = report["reportType"] in (BY_LAST_UPDATE, XML_BY_LAST_UPDATE)
    selected = []
    for order in sandbox.orders_of(seller_id):
        if order.marketplace_id not in marketplaces:
            continue
        purchased = parse_iso(order.purchase_date)
        if purchased > as_of:
            continue
        moment = order.last_update(as_of) if by_update else purchased
        if start <= moment <= end:
            selected.append((purchased, order.order_id, order))
    selected.sort(key=lambda entry: (entry[0], entry[1]))
    return [order for _, _, order in selected]


def order_rows(order: Order, now: datetime) -> list[dict[str, str]]:
    """One row per item of `order` as it stands at `now`, keyed by column name."""
    status = order.status_at(now)
    canceled = status == "Canceled"
    market = MARKETPLACES[order.marketplace_id]
    common = {
        "amazon-order-id": order.order_id,
        "merchant-order-id": order.seller_order_id,
        "purchase-date": _report_date(parse_iso(order.purchase_date)),
        "last-updated-date": _report_date(order.last_update(now)),
        "order-status": ORDER_STATUSES.get(status, status),
        "fulfillment-channel": CHANNEL_NAMES[order.fulfillment_channel],
        "sales-channel": market.sales_channel,
        "ship-service-level": order.ship_service_level,
        "currency": order.currency,
        "ship-city": order.address.city,
        "ship-state": order.address.state_or_region,
        "ship-postal-code": order.address.postal_code,
        "ship-country": order.address.country_code,
        "is-business-order": "true" if order.is_business else "false",
        "purchase-order-number": order.buyer.purchase_order_number if order.is_business else "",
        "price-designation": "BusinessPrice" if order.is_business else "",
    }
    rows = []
    for item in order.items:
        row = {
            **common,
            "product-name": item.title,
            "sku": item.sku,
            "asin": item.asin,
            "promotion-ids": ",".join(item.promotion_ids),
        }
        if canceled:
            row.update({"item-status": CANCELLED, "quantity": "0"})
            row.update(dict.fromkeys(MONEY_COLUMNS, ""))
        else:
            shipped = order.shipped_quantity(item, now)
            money = item_money(item)

            def text(amount: Decimal) -> str:
                return amount_text(amount, order.currency)

            row.update(
                {
                    "item-status": "Shipped" if shipped >= item.quantity else "Unshipped",
                    "quantity": str(item.quantity),
                    "item-price": text(money.item_price),
                    "item-tax": text(money.item_tax),
                    "shipping-price": text(money.shipping_price),
                    "shipping-tax": text(money.shipping_tax),
                    "gift-wrap-price": text(money.gift_wrap_price),
                    "gift-wrap-tax": text(money.gift_wrap_tax),
                    "item-promotion-discount": text(-money.promotion_discount),
                    "ship-promotion-discount": text(Decimal(0)),
                }
            )
        rows.append(row)
    return rows


def _xml_document(orders: list[Order], now: datetime) -> tuple[bytes, int]:
    """The XML twin: AmazonEnvelope, one Message/Order per order, one OrderItem per item, amounts as
    ItemPrice Components (Principal, Tax, Shipping, ShippingTax, GiftWrap, GiftWrapTax) and a Promotion."""
    envelope = ElementTree.Element(
        "AmazonEnvelope",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
        },
    )
    _sub(ElementTree.SubElement(envelope, "Header"), "DocumentVersion", "1.00")
    _sub(envelope, "MessageType", "AllOrdersReport")
    items = 0
    for order in orders:
        rows = order_rows(order, now)
        first = rows[0]
        element = ElementTree.SubElement(ElementTree.SubElement(envelope, "Message"), "Order")
        _sub(element, "AmazonOrderID", order.order_id)
        if order.seller_order_id:
            _sub(element, "MerchantOrderID", order.seller_order_id)
        for tag, column in (
            ("PurchaseDate", "purchase-date"),
            ("LastUpdatedDate", "last-updated-date"),
            ("OrderStatus", "order-status"),
            ("SalesChannel", "sales-channel"),
        ):
            _sub(element, tag, first[column])
        fulfillment = ElementTree.SubElement(element, "FulfillmentData")
        _sub(fulfillment, "FulfillmentChannel", first["fulfillment-channel"])
        _sub(fulfillment, "ShipServiceLevel", first["ship-service-level"])
        address = ElementTree.SubElement(fulfillment, "Address")
        for tag, column in (
            ("City", "ship-city"),
            ("State", "ship-state"),
            ("PostalCode", "ship-postal-code"),
            ("Country", "ship-country"),
        ):
            _sub(address, tag, first[column])
        _sub(element, "IsBusinessOrder", first["is-business-order"])
        if first["purchase-order-number"]:
            _sub(element, "PurchaseOrderNumber", first["purchase-order-number"])
        if first["price-designation"]:
            _sub(element, "PriceDesignation", first["price-designation"])
        for item, row in zip(order.items, rows, strict=True):
            _xml_item(ElementTree.SubElement(element, "OrderItem"), item.order_item_id, row, order.currency)
            items += 1
    ElementTree.indent(envelope)
    return ElementTree.tostring(envelope, encoding="utf-8", xml_declaration=True), items


def _xml_item(element: ElementTree.Element, item_id: str, row: dict[str, str], currency: str) -> None:
    _sub(element, "AmazonOrderItemCode", item_id)
    for tag, column in (
        ("ASIN", "asin"),
        ("SKU", "sku"),
        ("ItemStatus", "item-status"),
        ("ProductName", "product-name"),
        ("Quantity", "quantity"),
    ):
        _sub(element, tag, row[column])
    if not row["item-price"]:
        return  # canceled: no price
    price = ElementTree.SubElement(element, "ItemPrice")
    for kind, column in (
        ("Principal", "item-price"),
        ("Tax", "item-tax"),
        ("Shipping", "shipping-price"),
        ("ShippingTax", "shipping-tax"),
        ("GiftWrap", "gift-wrap-price"),
        ("GiftWrapTax", "gift-wrap-tax"),
    ):
        if kind in ("Principal", "Tax") or Decimal(row[column]):
            component = ElementTree.SubElement(price, "Component")
            _sub(component, "Type", kind)
            ElementTree.SubElement(component, "Amount", {"currency": currency}).text = row[column]
    if row["promotion-ids"] or Decimal(row["item-promotion-discount"]):
        promotion = ElementTree.SubElement(element, "Promotion")
        _sub(promotion, "PromotionIDs", row["promotion-ids"])
        _sub(promotion, "ItemPromotionDiscount", row["item-promotion-discount"])
        _sub(promotion, "ShipPromotionDiscount", row["ship-promotion-discount"])


def _sub(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def _report_date(moment: datetime) -> str:
    return iso(moment).removesuffix("Z") + "+00:00"


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


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
    public = {key: report[key] for key in keys if key in report}
    if public["processingStatus"] == "IN_PROGRESS":
        public.pop("processingEndTime", None)  # planned, not reached yet
    return public


def _known_report(call: Call) -> dict[str, Any] | None:
    progress_reports(call.sandbox, call.seller_id)
    report = call.sandbox.state.get("report", call.path_params["reportId"])
    if report is None or report["seller_id"] != call.seller_id:
        return None
    return report


def get_report(call: Call) -> Reply:
    report = _known_report(call)
    if report is None:
        raise not_found("The report was not found.")
    return Reply(200, _public(report))


def cancel_report(call: Call) -> Reply:
    report = _known_report(call)
    if report is None:
        return _unselected_case("cancelReport")
    if report["processingStatus"] != "IN_QUEUE":
        raise invalid_input("The report cannot be cancelled: it is no longer IN_QUEUE.")
    report["processingStatus"] = "CANCELLED"
    call.sandbox.state.put("report", report["reportId"], call.seller_id, report)
    return Reply(200)


def get_reports(call: Call) -> Reply:
    progress_reports(call.sandbox, call.seller_id)
    types = call.param_list("reportTypes")
    if not types and not call.param("nextToken"):
        raise invalid_input("reportTypes or nextToken is required.")
    statuses = call.param_list("processingStatuses")
    wrong = [status for status in statuses if status not in PROCESSING_STATUSES]
    if wrong:
        raise invalid_input("Invalid input", f"Invalid processingStatuses: {', '.join(wrong)}.")
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
    reports.sort(
        key=lambda report: (report["createdTime"], report.get("sequence", 0), report["reportId"]),
        reverse=True,
    )
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


# --- schedules --------------------------------------------------------------------------------------------


def create_report_schedule(call: Call) -> Reply:
    body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
    report_type, marketplace_ids, period = (
        body.get("reportType"),
        body.get("marketplaceIds"),
        body.get("period"),
    )
    if not report_type or not isinstance(marketplace_ids, list) or not marketplace_ids or not period:
        raise invalid_input("reportType, marketplaceIds and period are required.")
    if period not in SCHEDULE_PERIODS:
        raise invalid_input(f"Invalid period: {period}.")
    try:
        next_time = (
            parse_iso(str(body["nextReportCreationTime"])) if body.get("nextReportCreationTime") else None
        )
    except ValueError as error:
        raise invalid_input("nextReportCreationTime must be an ISO 8601 date-time.") from error
    marketplaces = sorted(str(marketplace) for marketplace in marketplace_ids)
    schedule_id = next(
        (
            schedule["reportScheduleId"]
            for schedule in _schedules(call)
            if schedule["reportType"] == report_type and sorted(schedule["marketplaceIds"]) == marketplaces
        ),
        str(50_000_000_000 + secrets.randbelow(10**10)),
    )  # an existing schedule of the same type and marketplaces is replaced, as Amazon does
    schedule = {
        "reportScheduleId": schedule_id,
        "seller_id": call.seller_id,
        "reportType": report_type,
        "marketplaceIds": marketplaces,
        "reportOptions": dict(body.get("reportOptions") or {}),
        "period": period,
        "nextReportCreationTime": iso(next_time or call.sandbox.now()),
    }
    call.sandbox.state.put("report_schedule", schedule_id, call.seller_id, schedule)
    return Reply(201, {"reportScheduleId": schedule_id})


def get_report_schedules(call: Call) -> Reply:
    types = call.param_list("reportTypes")
    if not types:
        raise invalid_input("reportTypes is required.")
    schedules = [
        _public_schedule(schedule) for schedule in _schedules(call) if schedule["reportType"] in types
    ]
    return Reply(200, {"reportSchedules": schedules})


def get_report_schedule(call: Call) -> Reply:
    schedule = _known_schedule(call)
    if schedule is None:
        raise not_found("The report schedule was not found.")
    return Reply(200, _public_schedule(schedule))


def cancel_report_schedule(call: Call) -> Reply:
    schedule = _known_schedule(call)
    if schedule is None:
        return _unselected_case("cancelReportSchedule")
    call.sandbox.state.put(
        "report_schedule", schedule["reportScheduleId"], call.seller_id, {**schedule, "cancelled": True}
    )
    return Reply(200)


def _schedules(call: Call) -> list[dict[str, Any]]:
    return [
        schedule
        for schedule in call.sandbox.state.all("report_schedule", call.seller_id)
        if not schedule.get("cancelled")
    ]


def _known_schedule(call: Call) -> dict[str, Any] | None:
    schedule = call.sandbox.state.get("report_schedule", call.path_params["reportScheduleId"])
    if schedule is None or schedule["seller_id"] != call.seller_id or schedule.get("cancelled"):
        return None
    return schedule


def _public_schedule(schedule: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "reportScheduleId",
        "reportType",
        "marketplaceIds",
        "reportOptions",
        "period",
        "nextReportCreationTime",
    )
    return {key: schedule[key] for key in keys if schedule.get(key)}


def _unselected_case(operation_id: str) -> Reply:
    """The static case that names no parameter: Amazon's answer to an id it does not know."""
    case = static_cases.unselected_case(operation_id)
    if case is None:  # pragma: no cover - the model documents one for the operations that call this
        raise ApiError(404, "NotFound", "The resource was not found.")
    return Reply(
        case.status, case.body if case.body is not None else error_body("InvalidInput", "Invalid input")
    )


OPERATIONS = [
    Operation("POST", BASE + "/reports", "createReport", create_report),
    Operation("GET", BASE + "/reports", "getReports", get_reports),
    Operation("GET", BASE + "/reports/{reportId}", "getReport", get_report),
    Operation("DELETE", BASE + "/reports/{reportId}", "cancelReport", cancel_report),
    Operation("GET", BASE + "/documents/{reportDocumentId}", "getReportDocument", get_report_document),
    Operation("POST", BASE + "/schedules", "createReportSchedule", create_report_schedule),
    Operation("GET", BASE + "/schedules", "getReportSchedules", get_report_schedules),
    Operation("GET", BASE + "/schedules/{reportScheduleId}", "getReportSchedule", get_report_schedule),
    Operation(
        "DELETE", BASE + "/schedules/{reportScheduleId}", "cancelReportSchedule", cancel_report_schedule
    ),
]
