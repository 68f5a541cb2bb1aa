"""Refund events (Finances API v0 RefundEventList) -> the refunds a credit note is made of.

Pure functions: no ORM, no I/O. One `RefundData` per refund event, one `RefundItem` per refunded order item
(ShipmentItemAdjustmentList), each charge Amazon refunded sorted into what it refunds:

| Amazon's ChargeType (ItemChargeAdjustmentList) / list | refunds | amount / tax |
|---|---|---|
| Principal / Tax | the item (product line) | amount / tax |
| ShippingCharge / ShippingTax | the item's shipping line | amount / tax |
| GiftWrap, Giftwrap / GiftWrapTax, GiftwrapTax | the item's gift wrap line | amount / tax |
| Discount / TaxDiscount, PromotionAdjustmentList | the item's promotion line | amount / tax |
| RestockingFee | nothing: kept by the seller, it reduces the refund | amount |
| MarketplaceFacilitatorTax-* (ItemTaxWithheldList) | the facilitator tax given back | `facilitator_tax` |
| any other charge (Goodwill, ReturnShipping...) | nothing on the invoice: its own line | amount |

Signs: Amazon reports a refund from the seller's side (Principal -10.00: money taken back). Here a refunded
amount is positive (10.00 refunded to the buyer); a promotion given back (+2.00 on Amazon's side) is -2.00,
like the invoice's negative promotion line; a restocking fee (+5.00 kept) is -5.00. Nothing is rounded:
the credit note carries Amazon's amounts to the cent.

**Identity of a refund.** The Finances API v0 gives a refund no id of its own. A refund event is known by its
order id, its PostedDate and the OrderAdjustmentItemId of each refunded item (Amazon's id of that refund
line, the same in listFinancialEvents, listFinancialEventsByOrderId and a settlement's
listFinancialEventsByGroupId). `refund_key` joins them: "<order id>/<posted, UTC, to the second>/<sorted
adjustment item ids>" (hashed past 128 characters). The same refund seen twice — in the events, then in the
settlement — has the same key, hence one credit note (unique (account, key) in the database).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sellersync.amazon.mappers.errors import MappingError
from sellersync.spapi.models.finances_v0 import (
    ChargeComponent,
    Currency,
    FinancialEvents,
    ShipmentEvent,
    ShipmentItem,
)

ZERO = Decimal(0)
KEY_LENGTH = 128

# what a refunded charge stands for (the invoice line kinds, plus the two kinds that credit no line)
PRODUCT, SHIPPING, GIFT_WRAP, PROMOTION = "product", "shipping", "gift_wrap", "promotion"
RESTOCKING_FEE, OTHER = "restocking_fee", "other"

# ChargeType -> (what it refunds, whether it is the tax of that charge)
CHARGE_TYPES: dict[str, tuple[str, bool]] = {
    "Principal": (PRODUCT, False),
    "Tax": (PRODUCT, True),
    "ShippingCharge": (SHIPPING, False),
    "ShippingTax": (SHIPPING, True),
    "GiftWrap": (GIFT_WRAP, False),
    "Giftwrap": (GIFT_WRAP, False),
    "GiftWrapTax": (GIFT_WRAP, True),
    "GiftwrapTax": (GIFT_WRAP, True),
    "Discount": (PROMOTION, False),
    "TaxDiscount": (PROMOTION, True),
    "RestockingFee": (RESTOCKING_FEE, False),
}
FACILITATOR_TAX_PREFIX = "MarketplaceFacilitatorTax"


@dataclass(frozen=True)
class RefundCharge:
    """What one item's refund gives back for one kind of charge (positive: refunded to the buyer)."""

    kind: str
    amount: Decimal = ZERO
    tax: Decimal = ZERO
    label: str = ""  # Amazon's charge type, for the charges that credit no invoice line

    @property
    def total(self) -> Decimal:
        return self.amount + self.tax


@dataclass(frozen=True)
class RefundItem:
    """One refunded order item: its charges by kind, the facilitator tax and the fees Amazon gave back."""

    order_item_id: str
    sku: str
    adjustment_item_id: str
    quantity: int | None
    charges: tuple[RefundCharge, ...]
    facilitator_tax: Decimal = ZERO  # withheld tax returned to the seller (positive)
    fees: Decimal = ZERO  # fee adjustments, Amazon's sign (commission given back minus RefundCommission)

    @property
    def refunded(self) -> Decimal:
        return sum((charge.total for charge in self.charges), ZERO)

    def charge(self, kind: str) -> RefundCharge | None:
        return next((charge for charge in self.charges if charge.kind == kind), None)


@dataclass(frozen=True)
class RefundData:
    """One refund event of an order, mapped."""

    key: str
    amazon_order_id: str
    posted_at: datetime
    currency: str
    items: tuple[RefundItem, ...] = field(default_factory=tuple)

    @property
    def refunded(self) -> Decimal:
        """What the buyer gets back: every charge refunded, restocking fee deducted (tax included)."""
        return sum((item.refunded for item in self.items), ZERO)

    @property
    def facilitator_tax(self) -> Decimal:
        return sum((item.facilitator_tax for item in self.items), ZERO)

    @property
    def proceeds(self) -> Decimal:
        """What the refund takes from the seller's proceeds, as the settlement books it (negative): the
        refunded charges less the facilitator tax Amazon gives back, fees apart."""
        return -self.refunded + self.facilitator_tax

    @property
    def adjustment_item_ids(self) -> tuple[str, ...]:
        return tuple(item.adjustment_item_id for item in self.items if item.adjustment_item_id)


def refund_key(order_id: str, posted_at: datetime, adjustment_item_ids: Iterable[str]) -> str:
    """Amazon's identity of a refund (see the module docstring)."""
    posted = posted_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = f"{order_id}/{posted}/{'+'.join(sorted(adjustment_item_ids))}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{order_id}/{posted}/{digest}"[:KEY_LENGTH]


def map_refunds(pages: Iterable[FinancialEvents]) -> list[RefundData]:
    """Every refund event of the pages, in Amazon's order (events of other lists are ignored)."""
    return [map_refund(event) for page in pages for event in page.refund_event_list]


def map_refund(event: ShipmentEvent) -> RefundData:
    """One refund event; MappingError when it lacks what a credit note needs (order, date, currency)."""
    order_id = event.amazon_order_id or ""
    if not order_id:
        raise MappingError("", "RefundEventList.AmazonOrderId", "a refund event without its order id")
    if event.posted_date is None:
        raise MappingError(order_id, "RefundEventList.PostedDate", "a refund event without its posted date")
    currencies = set(_currencies(event))
    if len(currencies) != 1:
        found = ", ".join(sorted(currencies)) or "none"
        raise MappingError(order_id, "RefundEventList.CurrencyCode", f"one currency expected, found {found}")
    adjusted = event.shipment_item_adjustment_list
    items = tuple(_item(order_id, index, item) for index, item in enumerate(adjusted))
    order_level = _order_level_charges(order_id, event)
    if order_level:
        items += (RefundItem("", "", "", None, order_level),)
    key = refund_key(order_id, event.posted_date, (item.adjustment_item_id for item in items))
    return RefundData(key, order_id, event.posted_date, currencies.pop(), items)


def _currencies(event: ShipmentEvent) -> Iterator[str]:
    moneys: list[Currency | None] = []
    for item in event.shipment_item_adjustment_list:
        moneys += [charge.charge_amount for charge in item.item_charge_adjustment_list]
        moneys += [fee.fee_amount for fee in item.item_fee_adjustment_list]
        moneys += [promotion.promotion_amount for promotion in item.promotion_adjustment_list]
        withheld = [tax for component in item.item_tax_withheld_list for tax in component.taxes_withheld]
        moneys += [tax.charge_amount for tax in withheld]
    moneys += [charge.charge_amount for charge in event.order_charge_adjustment_list]
    for money in moneys:
        if money is not None and money.currency_amount is not None and money.currency_code:
            yield money.currency_code


def _amount(money: Currency | None) -> Decimal:
    return ZERO if money is None or money.currency_amount is None else money.currency_amount


def _item(order_id: str, index: int, item: ShipmentItem) -> RefundItem:
    sums: dict[tuple[str, str], list[Decimal]] = {}
    facilitator = ZERO
    for charge in item.item_charge_adjustment_list:
        facilitator += _sort_charge(sums, charge)
    for promotion in item.promotion_adjustment_list:
        sums.setdefault((PROMOTION, ""), [ZERO, ZERO])[0] -= _amount(promotion.promotion_amount)
    for withheld in item.item_tax_withheld_list:
        for tax in withheld.taxes_withheld:
            facilitator += _amount(tax.charge_amount)
    fees = sum((_amount(fee.fee_amount) for fee in item.item_fee_adjustment_list), ZERO)
    quantity = item.quantity_shipped if item.quantity_shipped and item.quantity_shipped > 0 else None
    return RefundItem(
        order_item_id=item.order_item_id or "",
        sku=item.seller_sku or "",
        adjustment_item_id=item.order_adjustment_item_id or f"{order_id}#{index}",
        quantity=quantity,
        charges=_charges(sums),
        facilitator_tax=facilitator,
        fees=fees,
    )


def _sort_charge(sums: dict[tuple[str, str], list[Decimal]], charge: ChargeComponent) -> Decimal:
    """Add a charge to its kind (refunded: Amazon's sign reversed); the facilitator tax is returned apart."""
    charge_type = charge.charge_type or "Charge"
    amount = _amount(charge.charge_amount)
    if charge_type.startswith(FACILITATOR_TAX_PREFIX):
        return amount
    kind, is_tax = CHARGE_TYPES.get(charge_type, (OTHER, False))
    label = charge_type if kind == OTHER else ""
    totals = sums.setdefault((kind, label), [ZERO, ZERO])
    totals[1 if is_tax else 0] -= amount
    return ZERO


def _charges(sums: dict[tuple[str, str], list[Decimal]]) -> tuple[RefundCharge, ...]:
    order = (PRODUCT, SHIPPING, GIFT_WRAP, PROMOTION, RESTOCKING_FEE, OTHER)
    return tuple(
        RefundCharge(kind, amount, tax, label)
        for (kind, label), (amount, tax) in sorted(sums.items(), key=lambda entry: order.index(entry[0][0]))
        if amount or tax
    )


def _order_level_charges(order_id: str, event: ShipmentEvent) -> tuple[RefundCharge, ...]:
    """Charges refunded for the whole order (OrderChargeAdjustmentList): each on a line of its own."""
    sums: dict[tuple[str, str], list[Decimal]] = {}
    for charge in event.order_charge_adjustment_list:
        if _sort_charge(sums, charge):
            raise MappingError(order_id, "OrderChargeAdjustmentList", "facilitator tax outside an item")
    return tuple(
        RefundCharge(OTHER if kind != RESTOCKING_FEE else kind, amount, tax, label or kind)
        for (kind, label), (amount, tax) in sums.items()
        if amount or tax
    )


# --- stored form (the refund is kept until its order is invoiced) ---------------------------------------


def refund_to_json(refund: RefundData) -> dict[str, object]:
    """A JSON-safe copy of a mapped refund (Decimals as strings), read back by `refund_from_json`."""
    return {
        "key": refund.key,
        "amazon_order_id": refund.amazon_order_id,
        "posted_at": refund.posted_at.isoformat(),
        "currency": refund.currency,
        "items": [
            {
                "order_item_id": item.order_item_id,
                "sku": item.sku,
                "adjustment_item_id": item.adjustment_item_id,
                "quantity": item.quantity,
                "facilitator_tax": str(item.facilitator_tax),
                "fees": str(item.fees),
                "charges": [
                    {"kind": c.kind, "amount": str(c.amount), "tax": str(c.tax), "label": c.label}
                    for c in item.charges
                ],
            }
            for item in refund.items
        ],
    }


def refund_from_json(data: dict[str, object]) -> RefundData:
    items = data["items"]
    assert isinstance(items, list)
    return RefundData(
        key=str(data["key"]),
        amazon_order_id=str(data["amazon_order_id"]),
        posted_at=datetime.fromisoformat(str(data["posted_at"])),
        currency=str(data["currency"]),
        items=tuple(
            RefundItem(
                order_item_id=item["order_item_id"],
                sku=item["sku"],
                adjustment_item_id=item["adjustment_item_id"],
                quantity=item["quantity"],
                facilitator_tax=Decimal(item["facilitator_tax"]),
                fees=Decimal(item["fees"]),
                charges=tuple(
                    RefundCharge(c["kind"], Decimal(c["amount"]), Decimal(c["tax"]), c["label"])
                    for c in item["charges"]
                ),
            )
            for item in items
        ),
    )
