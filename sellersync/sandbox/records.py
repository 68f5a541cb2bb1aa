"""The sandbox's canonical records: sellers, orders, items, shipments. Both Orders API versions render these.

Amounts are Decimal strings; timestamps are ISO 8601 UTC strings (they go to SQLite as JSON unchanged).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sellersync.sandbox.clock import parse_iso


@dataclass
class Seller:
    """A selling partner with its LWA credentials and the marketplaces it sells in."""

    seller_id: str
    name: str
    region: str
    marketplace_ids: list[str]
    client_id: str
    client_secret: str
    refresh_token: str
    pii_access: bool

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Address:
    """A buyer's shipping address; the restricted parts are dropped unless an RDT covers them."""

    name: str
    line1: str
    city: str
    state_or_region: str
    postal_code: str
    country_code: str
    phone: str
    address_type: str = "Residential"
    line2: str = ""


@dataclass
class Buyer:
    """Who bought: anonymized e-mail always, name/company/VAT number/PO only with PII access."""

    email: str
    name: str
    company_name: str = ""
    vat_number: str = ""
    purchase_order_number: str = ""


@dataclass
class Item:
    """One order line. Prices per Amazon's conventions: item_price = unit_price × quantity."""

    order_item_id: str
    asin: str
    sku: str
    title: str
    quantity: int
    unit_price: str
    item_tax: str
    shipping_price: str = "0"
    shipping_tax: str = "0"
    promotion_discount: str = "0"
    promotion_discount_tax: str = "0"
    promotion_ids: list[str] = field(default_factory=list)
    gift_wrap_price: str = "0"
    gift_wrap_tax: str = "0"
    gift_message: str = ""
    buyer_requested_cancel: bool = False
    buyer_cancel_reason: str = ""

    @property
    def item_price(self) -> Decimal:
        return Decimal(self.unit_price) * self.quantity


@dataclass
class Package:
    """A shipment confirmed by the seller (confirmShipment or a fulfillment feed)."""

    package_reference_id: str
    carrier_code: str
    carrier_name: str
    shipping_method: str
    tracking_number: str
    ship_date: str
    items: list[tuple[str, int]]
    at: str = ""

    def effective_by(self, now: datetime) -> bool:
        return not self.at or parse_iso(self.at) <= now


@dataclass
class Transition:
    """One step of the order's status timeline, possibly planned in the (simulated) future."""

    at: str
    status: str


@dataclass
class Order:
    """The canonical order: every fact both Orders API versions need, plus its status timeline."""

    order_id: str
    seller_id: str
    marketplace_id: str
    currency: str
    purchase_date: str
    fulfillment_channel: str
    ship_service_level: str
    ship_service_category: str
    is_business: bool
    is_prime: bool
    tax_inclusive: bool
    buyer: Buyer
    address: Address
    items: list[Item]
    timeline: list[Transition]
    seller_order_id: str = ""
    packages: list[Package] = field(default_factory=list)
    canceled_by: str = ""

    def transitions_until(self, now: datetime) -> list[Transition]:
        return [step for step in self.timeline if parse_iso(step.at) <= now]

    def status_at(self, now: datetime) -> str:
        reached = self.transitions_until(now)
        return reached[-1].status if reached else "Pending"

    def last_update(self, now: datetime) -> datetime:
        reached = self.transitions_until(now)
        return parse_iso(reached[-1].at if reached else self.purchase_date)

    def packages_by(self, now: datetime) -> list[Package]:
        return [package for package in self.packages if package.effective_by(now)]

    def shipped_quantity(self, item: Item, now: datetime) -> int:
        packages = self.packages_by(now)
        if self.status_at(now) == "Shipped" and not packages:
            return item.quantity
        return sum(
            qty for package in packages for item_id, qty in package.items if item_id == item.order_item_id
        )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Order:
        values = dict(data)
        values["buyer"] = Buyer(**data["buyer"])
        values["address"] = Address(**data["address"])
        values["items"] = [Item(**item) for item in data["items"]]
        values["timeline"] = [Transition(**step) for step in data["timeline"]]
        values["packages"] = [
            Package(**{**package, "items": [tuple(pair) for pair in package["items"]]})
            for package in data["packages"]
        ]
        return cls(**values)
