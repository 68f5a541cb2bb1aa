"""Amazon's returns reports -> returned rows (pure: text in, dataclasses out; no ORM, no I/O).

- GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA (tab-separated, columns return-date, order-id, sku, asin, fnsku,
  product-name, quantity, fulfillment-center-id, detailed-disposition, reason, status, license-plate-number,
  customer-comments): units Amazon received back at a fulfillment center, with their disposition.
- GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE (tab-separated, titles "Order ID", "Amazon RMA ID", "Tracking
  ID", "Return carrier", "Merchant SKU", "Return quantity", "Return request date"...): returns of
  merchant-fulfilled orders, on their way to the seller.

Each row gets a key that stays the same when Amazon reports the row again (another report period, a later
status): FBA order + SKU + return date + license plate; FBM order + RMA + SKU. A row that cannot be read
becomes a `BadReturnRow` with the reason, never an exception.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

FBA_RETURNS_REPORT = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
FBM_RETURNS_REPORT = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
SELLABLE = "SELLABLE"
FBA_REQUIRED = ("return-date", "order-id", "sku", "quantity", "detailed-disposition")
FBM_REQUIRED = ("Order ID", "Return request date", "Merchant SKU", "Return quantity")


@dataclass(frozen=True)
class ReturnRow:
    """One returned SKU of one order, as Amazon reported it."""

    channel: str  # "AFN" or "MFN"
    key: str
    amazon_order_id: str
    sku: str
    quantity: int
    returned_at: datetime
    disposition: str = ""
    reason: str = ""
    status: str = ""
    rma_id: str = ""
    carrier: str = ""
    tracking_id: str = ""
    fulfillment_center: str = ""
    license_plate_number: str = ""
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def sellable(self) -> bool:
        return self.disposition.upper() == SELLABLE


@dataclass(frozen=True)
class BadReturnRow:
    """A row that cannot be applied as it is, with the reason (shown to the user)."""

    channel: str
    key: str
    amazon_order_id: str
    sku: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{str(key).strip(): (value or "").strip() for key, value in row.items() if key} for row in reader]


def _moment(text: str) -> datetime:
    """ISO 8601 date-time or date; naive values are UTC. ValueError (said for the user) otherwise."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"the return date {text!r} is not an ISO 8601 date") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _quantity(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"the quantity {text!r} is not a positive whole number")
    return int(text)


def _quantity_and_moment(
    raw: dict[str, str], required: Sequence[str], quantity_column: str, date_column: str
) -> tuple[int, datetime]:
    """The row's returned quantity and moment; ValueError naming what is missing or unreadable."""
    missing = [name for name in required if not raw.get(name)]
    if missing:
        raise ValueError("the row has no " + ", ".join(missing))
    return _quantity(raw[quantity_column]), _moment(raw[date_column])


def fba_return_rows(text: str) -> list[ReturnRow | BadReturnRow]:
    """The rows of an FBA customer returns report."""
    mapped: list[ReturnRow | BadReturnRow] = []
    for raw in _rows(text):
        order_id, sku = raw.get("order-id", ""), raw.get("sku", "")
        key = _key("AFN", order_id, sku, raw.get("return-date", ""), raw.get("license-plate-number", ""))
        try:
            quantity, returned_at = _quantity_and_moment(raw, FBA_REQUIRED, "quantity", "return-date")
        except ValueError as error:
            mapped.append(BadReturnRow("AFN", key, order_id, sku, str(error), raw))
            continue
        mapped.append(
            ReturnRow(
                "AFN",
                key,
                order_id,
                sku,
                quantity,
                returned_at,
                disposition=raw["detailed-disposition"],
                reason=raw.get("reason", ""),
                status=raw.get("status", ""),
                fulfillment_center=raw.get("fulfillment-center-id", ""),
                license_plate_number=raw.get("license-plate-number", ""),
                raw=raw,
            )
        )
    return mapped


def fbm_return_rows(text: str) -> list[ReturnRow | BadReturnRow]:
    """The rows of a merchant-fulfilled returns report (by return date)."""
    mapped: list[ReturnRow | BadReturnRow] = []
    for raw in _rows(text):
        order_id, sku = raw.get("Order ID", ""), raw.get("Merchant SKU", "")
        key = _key("MFN", order_id, raw.get("Amazon RMA ID", ""), sku)
        try:
            quantity, returned_at = _quantity_and_moment(
                raw, FBM_REQUIRED, "Return quantity", "Return request date"
            )
        except ValueError as error:
            mapped.append(BadReturnRow("MFN", key, order_id, sku, str(error), raw))
            continue
        mapped.append(
            ReturnRow(
                "MFN",
                key,
                order_id,
                sku,
                quantity,
                returned_at,
                reason=raw.get("Return Reason", ""),
                status=raw.get("Return request status", ""),
                rma_id=raw.get("Amazon RMA ID", ""),
                carrier=raw.get("Return carrier", ""),
                tracking_id=raw.get("Tracking ID", ""),
                raw=raw,
            )
        )
    return mapped


PARSERS = {FBA_RETURNS_REPORT: fba_return_rows, FBM_RETURNS_REPORT: fbm_return_rows}
