"""The domain values an Amazon order maps to, whatever Orders API version it came from.

Both `orders_v0.map_order` and `orders_2026.map_order` return an `OrderData`; the synchronizer applies it.
Amounts are Decimal in the order's currency, exactly as Amazon stated them (never recomputed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

ANONYMOUS_CUSTOMER_NAME = "Amazon Customer"


class LineKind(StrEnum):
    PRODUCT = "product"
    SHIPPING = "shipping"
    GIFT_WRAP = "gift_wrap"
    PROMOTION = "promotion"


@dataclass(frozen=True)
class AddressData:
    """A postal address; without PII access only city, region, postal code and country are known."""

    name: str = ""
    company_name: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country_code: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CustomerData:
    """The buyer as the books should know them."""

    name: str
    is_anonymous: bool
    address: AddressData
    email: str = ""  # Amazon's anonymized relay address, when given
    company_name: str = ""
    vat_number: str = ""
    is_business: bool = False


@dataclass(frozen=True)
class LineData:
    """One sales order line. `unit_price` is per unit as Amazon charges it (tax included when
    `price_includes_tax`); `tax_amount` is Amazon's tax for the whole line; `total` is what the buyer paid
    for the line. A promotion line carries negative amounts."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_amount: Decimal
    total: Decimal
    price_includes_tax: bool
    tax_collected_by_marketplace: bool = False
    sku: str = ""
    asin: str = ""
    order_item_id: str = ""
    quantity_shipped: Decimal = Decimal(0)


@dataclass(frozen=True)
class OrderData:
    """An Amazon order, mapped."""

    amazon_order_id: str
    marketplace_id: str
    fulfillment_channel: str  # "AFN" (FBA) or "MFN" (FBM)
    status: str  # Amazon's v0 status vocabulary: Pending, Unshipped, PartiallyShipped, Shipped, Canceled...
    purchase_date: datetime
    last_update: datetime
    currency: str
    order_total: Decimal
    customer: CustomerData
    lines: tuple[LineData, ...]
    is_business_order: bool = False
    is_prime: bool = False
    latest_ship_date: datetime | None = None
    latest_delivery_date: datetime | None = None
    buyer_requested_cancel: bool = False
    sales_channel: str = ""
    ship_from_country: str = ""  # where the goods left from, when Amazon says (else unknown: "")
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def lines_total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))
