"""Customer returns of the simulated seller's orders and the two returns reports Amazon serves.

Returns come from two sources, rendered the same way:

- **with the refunds** of the Finances API: the units a refund takes back come back (`refunded_units`: the
  refund model `sandbox.refunds` when it is there, the simulated buyers' refunds and the tests'; else the
  settlements' own decision, one shipped order in six, its first item). An FBA return is received at
  Amazon's fulfillment center when the refund is posted, with a disposition derived from the refund
  (half SELLABLE). An FBM return is requested `FBM_REQUEST_BEFORE_REFUND` before that, with an RMA and a
  prepaid label's tracking id, and delivered to the seller when the refund is posted.
- **recorded** through the control API (`POST /_sandbox/orders/{id}/return`, see routes/control.py): any
  shipped units, with the disposition, reason, RMA, carrier and tracking the test asks for, and no refund.

Reports (Reports API, built when the report is produced, rows whose date falls in the data period and whose
order is in one of the report's marketplaces):

- `GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA`, tab-separated, Amazon's columns (return-date ... customer-
  comments): one row per returned unit group (order, SKU, disposition, license plate).
- `GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE`, tab-separated, Amazon's column titles (Order ID ... Refunded
  Amount) for merchant-fulfilled orders, dated by "Return request date". Dates are written as ISO 8601 here.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sellersync.sandbox import settlements
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES
from sellersync.sandbox.money import item_money
from sellersync.sandbox.records import Order
from sellersync.sandbox.render_v0 import amount_text
from sellersync.sandbox.service import Sandbox

FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
FBM_RETURNS = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
REPORT_TYPES = (FBA_RETURNS, FBM_RETURNS)
FBM_REQUEST_BEFORE_REFUND = timedelta(days=3)
#: detailed-disposition values of the FBA customer returns report
DISPOSITIONS = (
    "SELLABLE",
    "DEFECTIVE",
    "CUSTOMER_DAMAGED",
    "CARRIER_DAMAGED",
    "DISTRIBUTOR_DAMAGED",
    "DAMAGED",
)
#: generated FBA returns: one in GENERATED_DISPOSITIONS' length, by the order id's digest
GENERATED_DISPOSITIONS = (
    "SELLABLE",
    "SELLABLE",
    "SELLABLE",
    "CUSTOMER_DAMAGED",
    "DEFECTIVE",
    "CARRIER_DAMAGED",
)
REASONS = {
    "SELLABLE": "UNWANTED_ITEM",
    "DEFECTIVE": "DEFECTIVE",
    "CUSTOMER_DAMAGED": "NOT_AS_DESCRIBED",
    "CARRIER_DAMAGED": "DAMAGED_BY_CARRIER",
    "DISTRIBUTOR_DAMAGED": "DAMAGED_BY_FC",
    "DAMAGED": "DAMAGED_BY_FC",
}
FULFILLMENT_CENTERS = ("PHX7", "ONT8", "BFI4", "LEJ1", "MUC3", "FRA7")
FBA_COLUMNS = (
    "return-date",
    "order-id",
    "sku",
    "asin",
    "fnsku",
    "product-name",
    "quantity",
    "fulfillment-center-id",
    "detailed-disposition",
    "reason",
    "status",
    "license-plate-number",
    "customer-comments",
)
FBM_COLUMNS = (
    "Order ID",
    "Order date",
    "Return request date",
    "Return request status",
    "Amazon RMA ID",
    "Merchant RMA ID",
    "Label type",
    "Label cost",
    "Currency code",
    "Return carrier",
    "Tracking ID",
    "Label to be paid by",
    "A-to-Z Claim",
    "Is prime",
    "ASIN",
    "Merchant SKU",
    "Item Name",
    "Return quantity",
    "Return Reason",
    "In policy",
    "Return type",
    "Resolution",
    "Invoice number",
    "Return delivery date",
    "Order Amount",
    "Order quantity",
    "SafeT Action reason",
    "SafeT claim id",
    "SafeT claim state",
    "SafeT claim creation time",
    "SafeT claim reimbursement amount",
    "Refunded Amount",
)


class ReturnRefused(ValueError):
    """A return the order cannot have (not shipped, more units than shipped and not yet returned...)."""


@dataclass
class ReturnedItem:
    """Units of one order item coming back."""

    order_item_id: str
    quantity: int


@dataclass
class CustomerReturn:
    """One return of an order: FBA (received at Amazon, with a disposition) or FBM (an RMA to the seller)."""

    return_id: str
    order_id: str
    seller_id: str
    at: str  # FBA: received at the fulfillment center; FBM: requested by the buyer
    items: list[ReturnedItem]
    disposition: str = "SELLABLE"
    reason: str = ""
    customer_comments: str = ""
    rma_id: str = ""
    carrier: str = ""
    tracking_id: str = ""
    delivered_at: str = ""  # FBM: when the parcel reached the seller ("" = on its way)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CustomerReturn:
        values = dict(data)
        values["items"] = [ReturnedItem(**item) for item in data["items"]]
        return cls(**values)


def _digest(text: str, length: int = 10) -> str:
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:length]


def _shipped_at(order: Order, now: datetime) -> datetime | None:
    shipped = [step for step in order.transitions_until(now) if step.status == "Shipped"]
    if not shipped or order.status_at(now) != "Shipped":
        return None
    return parse_iso(shipped[-1].at)


@dataclass(frozen=True)
class RefundedUnits:
    """Units a refund of the order takes back: they come back as a return, arriving when it is posted."""

    refund_id: str
    posted: datetime
    units: dict[str, int]  # order_item_id -> units returned


def refunded_units(order: Order, now: datetime, explicit: list[dict[str, Any]]) -> list[RefundedUnits]:
    """The units the order's refunds (posted or to come) take back, from the refund model of the Finances
    API: `sandbox.refunds` (the simulated buyers' refunds and the tests', `explicit` as stored) when it is
    there, else the settlements' own decision (one shipped order in six, its first item, 7 days later)."""
    shipped_at = _shipped_at(order, now)
    if shipped_at is None:
        return []
    model = _refund_model()
    if model is not None:
        stored = [model.Refund.from_json(data) for data in explicit]
        return [
            RefundedUnits(refund.refund_id, refund.posted, units)
            for refund in model.order_refunds(order, shipped_at, stored)
            if (units := {line.order_item_id: line.returned for line in refund.lines if line.returned})
        ]
    is_returned = getattr(settlements, "_is_returned", None)  # the model before sandbox.refunds
    if is_returned is None or not is_returned(order):
        return []
    first = order.items[0]
    posted = shipped_at + getattr(settlements, "REFUND_DELAY", timedelta(days=7))
    return [RefundedUnits(f"{order.order_id}-G", posted, {first.order_item_id: first.quantity})]


def _refund_model() -> Any:
    try:
        return importlib.import_module("sellersync.sandbox.refunds")
    except ImportError:
        return None


def generated_returns(order: Order, now: datetime, explicit: list[dict[str, Any]]) -> list[CustomerReturn]:
    """The returns that go with the order's refunds, those that happened by `now` (pure)."""
    returns = []
    for refunded in refunded_units(order, now, explicit):
        items = [ReturnedItem(item_id, units) for item_id, units in refunded.units.items()]
        if order.fulfillment_channel == "AFN":
            if refunded.posted > now:
                continue
            number = int(_digest(f"disposition:{refunded.refund_id}", 8), 36)
            disposition = GENERATED_DISPOSITIONS[number % len(GENERATED_DISPOSITIONS)]
            returns.append(
                CustomerReturn(
                    "G-" + refunded.refund_id,
                    order.order_id,
                    order.seller_id,
                    iso(refunded.posted),
                    items,
                    disposition=disposition,
                    reason=REASONS[disposition],
                )
            )
            continue
        requested_at = refunded.posted - FBM_REQUEST_BEFORE_REFUND
        if requested_at > now:
            continue
        returns.append(
            CustomerReturn(
                "G-" + refunded.refund_id,
                order.order_id,
                order.seller_id,
                iso(requested_at),
                items,
                reason="CR-UNWANTED_ITEM",
                rma_id="D" + _digest(f"rma:{refunded.refund_id}", 9) + "RMA",
                carrier="UPS",
                tracking_id="1Z" + _digest(f"tracking:{refunded.refund_id}", 16),
                delivered_at=iso(refunded.posted) if refunded.posted <= now else "",
            )
        )
    return returns


def _rma_id(order_id: str, sequence: int) -> str:
    return "D" + _digest(f"rma:{order_id}:{sequence}", 9) + "RMA"


def recorded_returns(sandbox: Sandbox, seller_id: str, as_of: datetime) -> list[CustomerReturn]:
    returns = [CustomerReturn.from_json(data) for data in sandbox.state.all("return", seller_id)]
    return [customer_return for customer_return in returns if parse_iso(customer_return.at) <= as_of]


def returns_of(sandbox: Sandbox, seller_id: str, as_of: datetime | None = None) -> list[CustomerReturn]:
    """Every return of the seller's orders by `as_of` (default now), generated and recorded, oldest first."""
    now = as_of or sandbox.now()
    explicit: dict[str, list[dict[str, Any]]] = {}
    for data in sandbox.state.all("refund", seller_id):  # the tests' refunds (sandbox.refunds), stored
        explicit.setdefault(str(data["order_id"]), []).append(data)
    generated = [
        customer_return
        for order in sandbox.orders_of(seller_id)
        for customer_return in generated_returns(order, now, explicit.get(order.order_id, []))
    ]
    every = generated + recorded_returns(sandbox, seller_id, now)
    return sorted(every, key=lambda customer_return: (customer_return.at, customer_return.return_id))


def record_return(sandbox: Sandbox, order: Order, body: dict[str, Any]) -> CustomerReturn:
    """A return asked through the control API: {items: {order_item_id: quantity}} (default: every shipped
    unit not yet returned), disposition (FBA), reason, customer_comments, rma_id, carrier, tracking_id (FBM),
    delivered (FBM, default true: the parcel reached the seller now). ReturnRefused when it cannot be."""
    now = sandbox.now()
    if not any(order.shipped_quantity(item, now) for item in order.items):
        raise ReturnRefused(f"order {order.order_id} has no shipped unit to return")
    returnable = _returnable(sandbox, order, now)
    requested = body.get("items") or {key: value for key, value in returnable.items() if value}
    items = []
    for item_id, quantity in dict(requested).items():
        if not 0 < int(quantity) <= returnable.get(str(item_id), -1):
            raise ReturnRefused(f"item {item_id}: {quantity} is not between 1 and its units left to return")
        items.append(ReturnedItem(str(item_id), int(quantity)))
    if not items:
        raise ReturnRefused("nothing left to return")
    disposition = str(body.get("disposition") or "SELLABLE")
    if disposition not in DISPOSITIONS:
        raise ReturnRefused(f"disposition must be one of {', '.join(DISPOSITIONS)}")
    sequence = sum(1 for _data in sandbox.state.all("return", order.seller_id)) + 1
    fbm = order.fulfillment_channel == "MFN"
    customer_return = CustomerReturn(
        f"R-{order.order_id}-{sequence}",
        order.order_id,
        order.seller_id,
        iso(now),
        items,
        disposition="" if fbm else disposition,
        reason=str(body.get("reason") or ("CR-UNWANTED_ITEM" if fbm else REASONS[disposition])),
        customer_comments=str(body.get("customer_comments") or ""),
        rma_id=str(body.get("rma_id") or (_rma_id(order.order_id, sequence) if fbm else "")),
        carrier=str(body.get("carrier") or ("UPS" if fbm else "")),
        tracking_id=str(body.get("tracking_id") or ("1Z" + secrets.token_hex(8).upper() if fbm else "")),
        delivered_at=iso(now) if fbm and body.get("delivered", True) else "",
    )
    sandbox.state.put("return", customer_return.return_id, order.seller_id, customer_return.to_json())
    return customer_return


def _returnable(sandbox: Sandbox, order: Order, now: datetime) -> dict[str, int]:
    returned: dict[str, int] = {}
    for customer_return in returns_of(sandbox, order.seller_id):
        if customer_return.order_id == order.order_id:
            for item in customer_return.items:
                returned[item.order_item_id] = returned.get(item.order_item_id, 0) + item.quantity
    return {
        item.order_item_id: order.shipped_quantity(item, now) - returned.get(item.order_item_id, 0)
        for item in order.items
    }


# --- reports -------------------------------------------------------------------------------------------


def returns_report_lines(
    sandbox: Sandbox, seller_id: str, report: dict[str, Any], as_of: datetime
) -> tuple[list[str], int]:
    """A returns report's TSV lines (header first, each ending in a newline) and its number of rows: the
    returns by `as_of` whose date falls in the data period, of orders in the report's marketplaces."""
    start, end = parse_iso(report["dataStartTime"]), parse_iso(report["dataEndTime"])
    orders = {order.order_id: order for order in sandbox.orders_of(seller_id)}
    channel = "AFN" if report["reportType"] == FBA_RETURNS else "MFN"
    rows = []
    for customer_return in returns_of(sandbox, seller_id, as_of):
        order = orders.get(customer_return.order_id)
        if (
            order is None
            or order.fulfillment_channel != channel
            or order.marketplace_id not in report["marketplaceIds"]
            or not start <= parse_iso(customer_return.at) <= end
        ):
            continue
        rows += fba_rows(order, customer_return) if channel == "AFN" else fbm_rows(order, customer_return)
    header = "\t".join(FBA_COLUMNS if channel == "AFN" else FBM_COLUMNS)
    return [line + "\n" for line in (header, *rows)], len(rows)


def fba_rows(order: Order, customer_return: CustomerReturn) -> list[str]:
    """The FBA customer returns report's rows of one return (one per item)."""
    items = {item.order_item_id: item for item in order.items}
    center = FULFILLMENT_CENTERS[int(_digest(f"fc:{order.order_id}", 6), 36) % len(FULFILLMENT_CENTERS)]
    rows = []
    for returned in customer_return.items:
        item = items[returned.order_item_id]
        values = [
            customer_return.at.replace("Z", "+00:00"),
            order.order_id,
            item.sku,
            item.asin,
            "X00" + _digest(f"fnsku:{item.sku}", 7),
            item.title,
            str(returned.quantity),
            center,
            customer_return.disposition,
            customer_return.reason,
            "Unit returned to inventory",
            "LPN" + _digest(f"lpn:{customer_return.return_id}:{item.order_item_id}", 9),
            customer_return.customer_comments,
        ]
        rows.append("\t".join(_clean(value) for value in values))
    return rows


def fbm_rows(order: Order, customer_return: CustomerReturn) -> list[str]:
    """The merchant-fulfilled returns report's rows of one return (one per item)."""
    items = {item.order_item_id: item for item in order.items}
    market = MARKETPLACES[order.marketplace_id]
    rows = []
    for returned in customer_return.items:
        item = items[returned.order_item_id]
        price = item_money(item).item_price
        values = [
            order.order_id,
            order.purchase_date[:10],
            customer_return.at[:10],
            "Closed" if customer_return.delivered_at else "Approved",
            customer_return.rma_id,
            "",
            "AmazonPrePaidLabel",
            amount_text(market.money(Decimal("5.99") * market.price_factor), order.currency),
            order.currency,
            customer_return.carrier,
            customer_return.tracking_id,
            "Customer",
            "N",
            "Y" if order.is_prime else "N",
            item.asin,
            item.sku,
            item.title,
            str(returned.quantity),
            customer_return.reason,
            "Y",
            "C-Returns",
            "StandardRefund",
            "",
            customer_return.delivered_at[:10],
            amount_text(price, order.currency),
            str(item.quantity),
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        rows.append("\t".join(_clean(value) for value in values))
    return rows


def _clean(value: str) -> str:
    return value.replace("\t", " ").replace("\n", " ")
