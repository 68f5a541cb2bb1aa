"""The simulated seller's money at Amazon: financial events and the payout groups (settlements) they form.

Everything is derived from the orders at the simulated now, so the Finances API always agrees with the
Orders API to the cent:

- a **shipment event** when an order reaches Shipped (posted at that moment): per item the buyer's charges
  (Principal, Tax, ShippingCharge, ShippingTax, GiftWrap, GiftWrapTax, TaxDiscount), the promotion, a
  Commission of 15 % of the item's sales before tax (VAT-inclusive marketplaces: of the gross), an
  FBAPerUnitFulfillmentFee per unit for AFN orders, and on amazon.com the marketplace facilitator tax
  Amazon withholds (the whole tax). Charges plus promotions equal the order's OrderTotal.
- a **refund event** (RefundEventList: a ShipmentEvent whose ShipmentItemAdjustmentList holds one entry
  per refunded item) for each refund of `sandbox.refunds` (amounts and rules there): the simulated buyers'
  (about one shipped order in six, 3 to 14 days after shipment: full, one item or part of its units, a
  price adjustment, some returns keeping a restocking fee) and those a test makes through the control API.
  Per item, with Amazon's signs for the seller: ItemChargeAdjustmentList Principal, Tax, ShippingCharge,
  ShippingTax, GiftWrap, GiftWrapTax given back (negative), TaxDiscount of a promotion given back and
  RestockingFee kept (positive); PromotionAdjustmentList the promotion given back (positive);
  ItemFeeAdjustmentList Commission given back (positive) and RefundCommission (negative); on amazon.com
  ItemTaxWithheldList the facilitator tax Amazon returns (positive: Principal net of the TaxDiscount,
  Shipping, Giftwrap). Zero charges are left out, except Principal and Tax. QuantityShipped is the units
  refunded (a price adjustment: the item's quantity); OrderAdjustmentItemId is stable per refund and item.
  The event is posted at the refund's PostedDate and belongs to the group of that date: it is in
  listFinancialEvents from then on, and in the same form in its group's events when the group closes.
- a **service fee event** (the Professional selling plan subscription) 3 days into every period, in the
  currency of the seller's first marketplace.

Events fall into **financial event groups** of 14 days (from the fixed anchor `EPOCH`), one per currency:
Open until the period ends, then Closed with a Succeeded fund transfer dated at the period's end.
OriginalTotal is the sum of the group's events.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES, Marketplace
from sellersync.sandbox.money import ItemMoney, item_money
from sellersync.sandbox.records import Item, Order, Seller
from sellersync.sandbox.refunds import Refund, RefundLine, adjustment_item_id, charged, order_refunds

EPOCH = datetime(2020, 1, 6, tzinfo=UTC)
PERIOD = timedelta(days=14)
FBA_FEE_PER_UNIT = Decimal("3.22")
SUBSCRIPTION_FEE = Decimal("39.99")
SUBSCRIPTION_DAY = timedelta(days=3)
FACILITATOR_MARKETPLACES = frozenset({"ATVPDKIKX0DER"})
EVENT_LISTS = (
    "ShipmentEventList",
    "RefundEventList",
    "GuaranteeClaimEventList",
    "ChargebackEventList",
    "ServiceFeeEventList",
    "AdjustmentEventList",
)


@dataclass(frozen=True)
class Event:
    """One financial event, rendered, with what the payout groups need to know about it."""

    list_name: str
    posted: datetime
    currency: str
    order_id: str
    total: Decimal
    body: dict[str, Any]


@dataclass(frozen=True)
class Group:
    """A financial event group: the events of one currency in one 14-day period."""

    group_id: str
    currency: str
    start: datetime
    events: tuple[Event, ...]

    @property
    def end(self) -> datetime:
        return self.start + PERIOD

    def total(self) -> Decimal:
        return sum((event.total for event in self.events), Decimal(0))

    def render(self, now: datetime) -> dict[str, Any]:
        total = _money(self.total(), self.currency)
        rendered: dict[str, Any] = {
            "FinancialEventGroupId": self.group_id,
            "ProcessingStatus": "Open" if now < self.end else "Closed",
            "OriginalTotal": total,
            "BeginningBalance": _money(Decimal(0), self.currency),
            "FinancialEventGroupStart": iso(self.start),
        }
        if now < self.end:
            rendered["FundTransferStatus"] = "Unknown"
            return rendered
        rendered.update(
            FundTransferStatus="Succeeded",
            FundTransferDate=iso(self.end),
            TraceId=_digest(f"trace:{self.group_id}", 16).upper(),
            AccountTail="789",
            ConvertedTotal=total,
            FinancialEventGroupEnd=iso(self.end),
        )
        return rendered


def period_start(moment: datetime) -> datetime:
    return EPOCH + PERIOD * ((moment - EPOCH) // PERIOD)


def seller_events(
    seller: Seller, orders: list[Order], now: datetime, refunds: Mapping[str, list[Refund]] | None = None
) -> list[Event]:
    """Every event of the seller posted at or before `now`, oldest first; `refunds` are the tests' refunds
    (control API) by order id."""
    events: list[Event] = []
    for order in orders:
        shipped_at = shipment_time(order, now)
        if shipped_at is None:
            continue
        events.append(_shipment_event(order, shipped_at))
        for refund in order_refunds(order, shipped_at, (refunds or {}).get(order.order_id, [])):
            if refund.posted <= now:
                events.append(refund_event(order, refund))
    if orders:
        first = min(parse_iso(order.purchase_date) for order in orders)
        events += _subscription_events(seller, period_start(first), now)
    return sorted(events, key=lambda event: (event.posted, event.list_name, event.order_id))


def shipment_time(order: Order, now: datetime) -> datetime | None:
    """When the order's shipment event is posted (it reached Shipped), None if it is not Shipped now."""
    shipped = [step for step in order.transitions_until(now) if step.status == "Shipped"]
    if not shipped or order.status_at(now) != "Shipped":
        return None
    return parse_iso(shipped[-1].at)


def seller_groups(seller: Seller, events: list[Event], now: datetime) -> list[Group]:
    """The groups holding the events, by period then currency; the current home-currency group always."""
    home_currency = MARKETPLACES[seller.marketplace_ids[0]].currency
    buckets: dict[tuple[datetime, str], list[Event]] = {(period_start(now), home_currency): []}
    for event in events:
        buckets.setdefault((period_start(event.posted), event.currency), []).append(event)
    return [
        Group(_group_id(seller.seller_id, currency, start), currency, start, tuple(grouped))
        for (start, currency), grouped in sorted(buckets.items())
    ]


def render_events(events: list[Event]) -> dict[str, list[dict[str, Any]]]:
    """The FinancialEvents object: every list present, events in their list."""
    rendered: dict[str, list[dict[str, Any]]] = {name: [] for name in EVENT_LISTS}
    for event in events:
        rendered[event.list_name].append(event.body)
    return rendered


# --- shipments -----------------------------------------------------------------------------------------


def _shipment_event(order: Order, posted: datetime) -> Event:
    market = MARKETPLACES[order.marketplace_id]
    items = [_shipment_item(order, item, market) for item in order.items]
    body = {
        "AmazonOrderId": order.order_id,
        "MarketplaceName": market.sales_channel,
        "PostedDate": iso(posted),
        "ShipmentItemList": [rendered for rendered, _total in items],
    }
    if order.seller_order_id:
        body["SellerOrderId"] = order.seller_order_id
    total = sum((line_total for _rendered, line_total in items), Decimal(0))
    return Event("ShipmentEventList", posted, order.currency, order.order_id, total, body)


def _shipment_item(order: Order, item: Item, market: Marketplace) -> tuple[dict[str, Any], Decimal]:
    money = item_money(item)
    inclusive = order.tax_inclusive
    charges = {
        "Principal": money.item_price - (money.item_tax if inclusive else 0),
        "Tax": money.item_tax,
        "ShippingCharge": money.shipping_price - (money.shipping_tax if inclusive else 0),
        "ShippingTax": money.shipping_tax,
        "GiftWrap": money.gift_wrap_price - (money.gift_wrap_tax if inclusive else 0),
        "GiftWrapTax": money.gift_wrap_tax,
        "TaxDiscount": -money.promotion_discount_tax,
    }
    promotion = -(money.promotion_discount - (money.promotion_discount_tax if inclusive else 0))
    fees = {"Commission": -_commission(item, order, market)}
    if order.fulfillment_channel == "AFN":
        fees["FBAPerUnitFulfillmentFee"] = (
            -market.money(FBA_FEE_PER_UNIT * market.price_factor) * item.quantity
        )
    rendered: dict[str, Any] = {
        "SellerSKU": item.sku,
        "OrderItemId": item.order_item_id,
        "QuantityShipped": item.quantity,
        "ItemChargeList": _charges(charges, order.currency, keep=("Principal", "Tax")),
        "ItemFeeList": _fees(fees, order.currency),
    }
    withheld = _withheld(order, money.item_tax - money.promotion_discount_tax, money, sign=-1)
    if withheld:
        rendered["ItemTaxWithheldList"] = withheld
    if promotion:
        rendered["PromotionList"] = [
            {
                "PromotionType": "PromotionMetaDataDefinitionValue",
                "PromotionId": item.promotion_ids[0] if item.promotion_ids else "PROMO",
                "PromotionAmount": _money(promotion, order.currency),
            }
        ]
    total = sum(charges.values(), Decimal(0)) + promotion + sum(fees.values(), Decimal(0))
    total -= _facilitator_tax(order, money.tax)
    return rendered, total


def _commission(item: Item, order: Order, market: Marketplace) -> Decimal:
    return charged(order, item)["commission"]


def _facilitator_tax(order: Order, tax: Decimal) -> Decimal:
    return tax if order.marketplace_id in FACILITATOR_MARKETPLACES else Decimal(0)


def _withheld(order: Order, principal_tax: Decimal, money: ItemMoney, *, sign: int) -> list[dict[str, Any]]:
    if order.marketplace_id not in FACILITATOR_MARKETPLACES:
        return []
    taxes = {
        "MarketplaceFacilitatorTax-Principal": sign * principal_tax,
        "MarketplaceFacilitatorTax-Shipping": sign * money.shipping_tax,
        "MarketplaceFacilitatorTax-Giftwrap": sign * money.gift_wrap_tax,
    }
    withheld = _charges(taxes, order.currency, keep=("MarketplaceFacilitatorTax-Principal",))
    return [{"TaxCollectionModel": "MarketplaceFacilitator", "TaxesWithheld": withheld}]


# --- refunds -------------------------------------------------------------------------------------------


def refund_event(order: Order, refund: Refund) -> Event:
    """The refund as Amazon posts it in RefundEventList (a ShipmentEvent with ShipmentItemAdjustmentList)."""
    market = MARKETPLACES[order.marketplace_id]
    items = {item.order_item_id: item for item in order.items}
    rendered_lines = [_refund_item(order, refund, line, items[line.order_item_id]) for line in refund.lines]
    body: dict[str, Any] = {
        "AmazonOrderId": order.order_id,
        "MarketplaceName": market.sales_channel,
        "PostedDate": iso(refund.posted),
        "ShipmentItemAdjustmentList": [rendered for rendered, _total in rendered_lines],
    }
    if order.seller_order_id:
        body["SellerOrderId"] = order.seller_order_id
    total = sum((line_total for _rendered, line_total in rendered_lines), Decimal(0))
    return Event("RefundEventList", refund.posted, order.currency, order.order_id, total, body)


def _refund_item(
    order: Order, refund: Refund, line: RefundLine, item: Item
) -> tuple[dict[str, Any], Decimal]:
    charges = {
        "Principal": -line.principal,
        "Tax": -line.tax,
        "ShippingCharge": -line.shipping,
        "ShippingTax": -line.shipping_tax,
        "GiftWrap": -line.gift_wrap,
        "GiftWrapTax": -line.gift_wrap_tax,
        "TaxDiscount": line.promotion_tax,
        "RestockingFee": line.restocking_fee,
    }
    fees = {"Commission": line.commission, "RefundCommission": -line.refund_commission}
    rendered: dict[str, Any] = {
        "SellerSKU": item.sku,
        "OrderItemId": item.order_item_id,
        "OrderAdjustmentItemId": adjustment_item_id(refund, line),
        "QuantityShipped": line.quantity,
        "ItemChargeAdjustmentList": _charges(charges, order.currency, keep=("Principal", "Tax")),
        "ItemFeeAdjustmentList": _fees(fees, order.currency),
    }
    returned = {
        "MarketplaceFacilitatorTax-Principal": line.tax - line.promotion_tax,
        "MarketplaceFacilitatorTax-Shipping": line.shipping_tax,
        "MarketplaceFacilitatorTax-Giftwrap": line.gift_wrap_tax,
    }
    facilitator = order.marketplace_id in FACILITATOR_MARKETPLACES
    if facilitator:
        rendered["ItemTaxWithheldList"] = [
            {
                "TaxCollectionModel": "MarketplaceFacilitator",
                "TaxesWithheld": _charges(
                    returned, order.currency, keep=("MarketplaceFacilitatorTax-Principal",)
                ),
            }
        ]
    if line.promotion:
        rendered["PromotionAdjustmentList"] = [
            {
                "PromotionType": "PromotionMetaDataDefinitionValue",
                "PromotionId": item.promotion_ids[0] if item.promotion_ids else "PROMO",
                "PromotionAmount": _money(line.promotion, order.currency),
            }
        ]
    total = sum(charges.values(), Decimal(0)) + sum(fees.values(), Decimal(0)) + line.promotion
    if facilitator:
        total += sum(returned.values(), Decimal(0))
    return rendered, total


# --- service fees --------------------------------------------------------------------------------------


def _subscription_events(seller: Seller, first_period: datetime, now: datetime) -> list[Event]:
    market = MARKETPLACES[seller.marketplace_ids[0]]
    fee = -market.money(SUBSCRIPTION_FEE * market.price_factor)
    events = []
    start = first_period
    while start + SUBSCRIPTION_DAY <= now:
        body = {
            "FeeReason": "Subscription",
            "FeeDescription": "Professional selling plan",
            "FeeList": _fees({"Subscription": fee}, market.currency),
        }
        events.append(Event("ServiceFeeEventList", start + SUBSCRIPTION_DAY, market.currency, "", fee, body))
        start += PERIOD
    return events


# --- rendering helpers ---------------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    # Amazon's Currency.CurrencyAmount is a JSON number; 2-decimal values round-trip through float exactly.
    return {"CurrencyCode": currency, "CurrencyAmount": float(amount)}


def _charges(amounts: dict[str, Decimal], currency: str, *, keep: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"ChargeType": kind, "ChargeAmount": _money(amount, currency)}
        for kind, amount in amounts.items()
        if amount or kind in keep
    ]


def _fees(amounts: dict[str, Decimal], currency: str) -> list[dict[str, Any]]:
    return [{"FeeType": kind, "FeeAmount": _money(amount, currency)} for kind, amount in amounts.items()]


def _digest(text: str, length: int) -> str:
    raw = base64.b32encode(hashlib.sha256(text.encode()).digest()).decode().lower()
    return raw[:length]


def _group_id(seller_id: str, currency: str, start: datetime) -> str:
    raw = hashlib.sha256(f"{seller_id}:{currency}:{iso(start)}".encode()).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
