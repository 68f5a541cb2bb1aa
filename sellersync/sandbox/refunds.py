"""Refunds of shipped orders as amounts per item: those the simulated buyers make and those a test asks for.

A refund is a list of `RefundLine`s, one per order item, each holding what goes back to the buyer in the
wire's terms (positive magnitudes here; `settlements` renders them with Amazon's signs):

- `principal`, `tax`: the `Principal` and `Tax` charges given back. On VAT-inclusive marketplaces the
  shipment event's `Principal` is net of the VAT and `Tax` is the VAT, and so is the refund's.
- `shipping`, `shipping_tax`, `gift_wrap`, `gift_wrap_tax`: `ShippingCharge`, `ShippingTax`, `GiftWrap`,
  `GiftWrapTax` given back.
- `promotion`, `promotion_tax`: the promotion (net, as in the shipment's `PromotionList`) and its
  `TaxDiscount` that the buyer no longer gets: the seller recovers them (positive on the wire).
- `restocking_fee`: the `RestockingFee` the seller keeps from the refund (positive on the wire).
- `commission`: the commission Amazon gives back, 15 % of the refunded sales the commission was taken on
  (VAT-inclusive marketplaces: of the gross; else before tax), at most what is left of the item's; the
  whole rest when the item is refunded in full. `refund_commission`: Amazon's `RefundCommission`, 20 % of
  that, at most 5.00 × the marketplace's price factor.

Units: returning `q` of an item's `n` units gives back the unit price × q (gross), the tax
`round_half_up(item tax × q / n)` (the principal is the gross minus that tax on VAT-inclusive
marketplaces), and the promotion and its tax in the same proportion; the units that complete the item
give back exactly what is left, so refunds of all units add up to the shipment to the cent.

`plan_refund` turns a control request into a refund, checking it against the refunds before it;
`generated_refund` is the refund (if any) the simulated buyers make on an order, derived from its id only.
Pure functions: no I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES, Marketplace
from sellersync.sandbox.money import item_money
from sellersync.sandbox.records import Item, Order

COMMISSION_RATE = Decimal("0.15")
REFUND_COMMISSION_RATE = Decimal("0.20")
REFUND_COMMISSION_CAP = Decimal("5.00")
RESTOCKING_FEE_RATE = Decimal("0.20")
PRICE_ADJUSTMENT_RATES = (Decimal("0.10"), Decimal("0.25"))
RETURN_ONE_IN = 6
REFUND_DELAY_DAYS = (3, 14)  # a generated refund is posted this many days (inclusive range) after shipment
ZERO = Decimal(0)
ONE = Decimal(1)

# the amounts of a line that are given back (what the checks against earlier refunds add up)
CHARGES = ("principal", "tax", "shipping", "shipping_tax", "gift_wrap", "gift_wrap_tax")
AMOUNTS = (*CHARGES, "promotion", "promotion_tax", "restocking_fee", "commission", "refund_commission")


class RefundRequestError(ValueError):
    """A refund a test asked for that Amazon would not make; the message says which item and why."""


@dataclass(frozen=True)
class RefundLine:
    """What one item gives back. `quantity` is reported as QuantityShipped; `returned` units come back."""

    order_item_id: str
    quantity: int
    returned: int
    principal: Decimal = ZERO
    tax: Decimal = ZERO
    shipping: Decimal = ZERO
    shipping_tax: Decimal = ZERO
    gift_wrap: Decimal = ZERO
    gift_wrap_tax: Decimal = ZERO
    promotion: Decimal = ZERO
    promotion_tax: Decimal = ZERO
    restocking_fee: Decimal = ZERO
    commission: Decimal = ZERO
    refund_commission: Decimal = ZERO

    def to_json(self) -> dict[str, Any]:
        return {
            key: str(value) if isinstance(value, Decimal) else value for key, value in asdict(self).items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RefundLine:
        values = {key: Decimal(data[key]) for key in AMOUNTS}
        return cls(str(data["order_item_id"]), int(data["quantity"]), int(data["returned"]), **values)


@dataclass(frozen=True)
class Refund:
    """One refund event of an order: `created` is when Amazon decided it, `posted` its PostedDate."""

    refund_id: str
    order_id: str
    seller_id: str
    created: datetime
    posted: datetime
    lines: tuple[RefundLine, ...]
    generated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "refund_id": self.refund_id,
            "order_id": self.order_id,
            "seller_id": self.seller_id,
            "created": iso(self.created),
            "posted": iso(self.posted),
            "generated": self.generated,
            "lines": [line.to_json() for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Refund:
        return cls(
            str(data["refund_id"]),
            str(data["order_id"]),
            str(data["seller_id"]),
            parse_iso(data["created"]),
            parse_iso(data["posted"]),
            tuple(RefundLine.from_json(line) for line in data["lines"]),
            bool(data.get("generated", False)),
        )


# --- what an item charged and what is left of it ---------------------------------------------------------


def charged(order: Order, item: Item) -> dict[str, Decimal]:
    """What the shipment event gave the seller for the item, in the refund lines' terms (magnitudes)."""
    money = item_money(item)
    inclusive = order.tax_inclusive
    market = MARKETPLACES[order.marketplace_id]
    amounts = {
        "principal": money.item_price - (money.item_tax if inclusive else ZERO),
        "tax": money.item_tax,
        "shipping": money.shipping_price - (money.shipping_tax if inclusive else ZERO),
        "shipping_tax": money.shipping_tax,
        "gift_wrap": money.gift_wrap_price - (money.gift_wrap_tax if inclusive else ZERO),
        "gift_wrap_tax": money.gift_wrap_tax,
        "promotion": money.promotion_discount - (money.promotion_discount_tax if inclusive else ZERO),
        "promotion_tax": money.promotion_discount_tax,
    }
    amounts["commission"] = market.money(_commission_base(amounts, inclusive) * COMMISSION_RATE)
    return amounts


def _commission_base(amounts: dict[str, Decimal], inclusive: bool) -> Decimal:
    """The sales a commission is taken on: before tax, or gross on VAT-inclusive marketplaces."""
    base = amounts["principal"] + amounts["shipping"] + amounts["gift_wrap"] - amounts["promotion"]
    if inclusive:
        base += amounts["tax"] + amounts["shipping_tax"] + amounts["gift_wrap_tax"] - amounts["promotion_tax"]
    return base


def _refunded(refunds: list[Refund], order_item_id: str) -> tuple[dict[str, Decimal], int]:
    """The amounts and units given back for an item by earlier refunds."""
    totals = dict.fromkeys(AMOUNTS, ZERO)
    units = 0
    for refund in refunds:
        for line in refund.lines:
            if line.order_item_id == order_item_id:
                for key in AMOUNTS:
                    totals[key] += getattr(line, key)
                units += line.returned
    return totals, units


# --- one line --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    """What is asked of one item: units returned and/or an amount, and which extras go back with it."""

    order_item_id: str
    quantity: int | None = None
    principal: Decimal | None = None
    tax: Decimal | None = None
    shipping: bool = False
    gift_wrap: bool | None = None
    promotion: bool | None = None
    restocking_fee: Decimal = ZERO


def _line(order: Order, item: Item, request: LineRequest, earlier: list[Refund]) -> RefundLine:
    market = MARKETPLACES[order.marketplace_id]
    inclusive = order.tax_inclusive
    full = charged(order, item)
    done, units_done = _refunded(earlier, item.order_item_id)
    left = {key: full[key] - done[key] for key in full}
    units_left = item.quantity - units_done
    name = f"item {item.order_item_id}"
    returned = units_left if request.quantity is None and request.principal is None else request.quantity or 0
    if not 0 <= returned <= units_left:
        raise RefundRequestError(
            f"{name}: quantity {returned} is not between 0 and the {units_left} units left"
        )
    if request.principal is None and returned == 0:
        raise RefundRequestError(f"{name}: nothing to refund (no unit and no principal)")
    last = returned == units_left and returned > 0  # these units complete the item: what is left goes back
    amounts = dict.fromkeys(full, ZERO)
    if request.principal is None:  # a return of units: the amounts follow from them
        amounts["tax"] = left["tax"] if last else _share(market, full["tax"], returned, item)
        gross = Decimal(item.unit_price) * returned
        amounts["principal"] = left["principal"] if last else gross - (amounts["tax"] if inclusive else ZERO)
    else:  # an amount stated: a price adjustment, or a return whose amounts are hand-stated
        amounts["principal"] = request.principal
        amounts["tax"] = request.tax if request.tax is not None else _tax_of(market, request.principal, full)
    promotion = request.promotion if request.promotion is not None else request.principal is None
    if promotion and returned:
        tax_part = ZERO if not inclusive else ONE
        amounts["promotion_tax"] = (
            left["promotion_tax"] if last else _share(market, full["promotion_tax"], returned, item)
        )
        gross_left = left["promotion"] + tax_part * left["promotion_tax"]
        gross_full = full["promotion"] + tax_part * full["promotion_tax"]
        gross = gross_left if last else _share(market, gross_full, returned, item)
        amounts["promotion"] = gross - tax_part * amounts["promotion_tax"]
    if request.shipping:
        amounts["shipping"], amounts["shipping_tax"] = left["shipping"], left["shipping_tax"]
    gift_wrap = request.gift_wrap if request.gift_wrap is not None else last and units_done == 0
    if gift_wrap:
        amounts["gift_wrap"], amounts["gift_wrap_tax"] = left["gift_wrap"], left["gift_wrap_tax"]
    for key, amount in amounts.items():
        if key == "commission":
            continue
        if not ZERO <= amount <= left[key]:
            raise RefundRequestError(
                f"{name}: {key} {amount} is not between 0 and the {left[key]} left to refund"
            )
        if amount != market.money(amount):
            raise RefundRequestError(f"{name}: {key} {amount} is not an amount in {market.currency}")
    if not any(amounts.values()):
        raise RefundRequestError(f"{name}: nothing to refund (every amount is zero)")
    fee = request.restocking_fee
    if fee < 0 or fee != market.money(fee) or fee > amounts["principal"] + amounts["tax"]:
        raise RefundRequestError(
            f"{name}: restocking fee {fee} is not between 0 and the refunded principal and tax"
        )
    everything = returned == units_left and all(
        amounts[key] == left[key] for key in full if key != "commission"
    )
    base_commission = market.money(_commission_base(amounts, inclusive) * COMMISSION_RATE)
    commission = left["commission"] if everything else min(base_commission, left["commission"])
    return RefundLine(
        item.order_item_id,
        returned or item.quantity,
        returned,
        **{key: amounts[key] for key in CHARGES},
        promotion=amounts["promotion"],
        promotion_tax=amounts["promotion_tax"],
        restocking_fee=fee,
        commission=commission,
        refund_commission=_refund_commission(market, commission),
    )


def _share(market: Marketplace, amount: Decimal, units: int, item: Item) -> Decimal:
    return market.money(amount * units / item.quantity)


def _tax_of(market: Marketplace, principal: Decimal, full: dict[str, Decimal]) -> Decimal:
    """The tax going with a stated principal: in the item's own proportion."""
    if not full["principal"]:
        return ZERO
    return market.money(principal * full["tax"] / full["principal"])


def _refund_commission(market: Marketplace, commission: Decimal) -> Decimal:
    cap = market.money(REFUND_COMMISSION_CAP * market.price_factor)
    return min(market.money(commission * REFUND_COMMISSION_RATE), cap)


# --- a test's refund -------------------------------------------------------------------------------------


def plan_refund(order: Order, body: dict[str, Any], earlier: list[Refund], now: datetime) -> Refund:
    """The refund a control request asks for (see docs/sandbox.md), checked against the earlier ones.

    body: {"items": [{"order_item_id", "quantity"?, "principal"?, "tax"?, "shipping"?, "gift_wrap"?,
    "promotion"?, "restocking_fee"?}]?, "shipping"?, "restocking_fee"?, "posted_after_seconds"?}.
    Without items every item is refunded in full with its shipping; "shipping" and "restocking_fee" at the
    top apply to every listed item, resp. to the first one.
    """
    if not isinstance(body, dict):
        raise RefundRequestError("the body must be a JSON object")
    unknown = set(body) - {"items", "shipping", "restocking_fee", "posted_after_seconds"}
    if unknown:
        raise RefundRequestError(f"unknown fields: {', '.join(sorted(unknown))}")
    items = {item.order_item_id: item for item in order.items}
    everything = "items" not in body
    shipping = _flag(body, "shipping", default=everything)
    if everything:  # every unit left, with its shipping, gift wrap and promotion
        requests = [
            LineRequest(item.order_item_id, shipping=shipping, gift_wrap=True, promotion=True)
            for item in order.items
            if _refunded(earlier, item.order_item_id)[1] < item.quantity
        ]
        if not requests:
            raise RefundRequestError(f"every unit of order {order.order_id} is refunded already")
    else:
        raw_items = body["items"]
        if not isinstance(raw_items, list) or not raw_items:
            raise RefundRequestError("items must be a non-empty list")
        requests = [_line_request(raw, shipping) for raw in raw_items]
    if len({request.order_item_id for request in requests}) != len(requests):
        raise RefundRequestError("an item is listed twice")
    fee = _amount(body, "restocking_fee")
    if fee is not None:
        requests[0] = replace(requests[0], restocking_fee=requests[0].restocking_fee + fee)
    lines = []
    for request in requests:
        item = items.get(request.order_item_id)
        if item is None:
            raise RefundRequestError(f"item {request.order_item_id} is not an item of order {order.order_id}")
        lines.append(_line(order, item, request, earlier))
    delay = body.get("posted_after_seconds", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise RefundRequestError("posted_after_seconds must be a number of seconds, not negative")
    created = parse_iso(iso(now))
    number = sum(1 for refund in earlier if not refund.generated) + 1
    return Refund(
        f"{order.order_id}-R{number}",
        order.order_id,
        order.seller_id,
        created,
        created + timedelta(seconds=int(delay)),
        tuple(lines),
    )


def _line_request(raw: Any, shipping: bool) -> LineRequest:
    if not isinstance(raw, dict) or not raw.get("order_item_id"):
        raise RefundRequestError("each item needs an order_item_id")
    unknown = set(raw) - {f for f in LineRequest.__dataclass_fields__}
    if unknown:
        raise RefundRequestError(f"unknown item fields: {', '.join(sorted(unknown))}")
    quantity = raw.get("quantity")
    if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int)):
        raise RefundRequestError("quantity must be a whole number")
    return LineRequest(
        str(raw["order_item_id"]),
        quantity,
        _amount(raw, "principal"),
        _amount(raw, "tax"),
        _flag(raw, "shipping", default=shipping),
        _optional_flag(raw, "gift_wrap"),
        _optional_flag(raw, "promotion"),
        _amount(raw, "restocking_fee") or ZERO,
    )


def _amount(raw: dict[str, Any], key: str) -> Decimal | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as error:
        raise RefundRequestError(f"{key} {value!r} is not an amount") from error
    if not amount.is_finite():
        raise RefundRequestError(f"{key} {value!r} is not an amount")
    return amount


def _flag(raw: dict[str, Any], key: str, *, default: bool) -> bool:
    value = _optional_flag(raw, key)
    return default if value is None else value


def _optional_flag(raw: dict[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        raise RefundRequestError(f"{key} must be true or false")
    return value


# --- the refunds the simulated buyers make ---------------------------------------------------------------


def _number(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def generated_refund(order: Order, shipped_at: datetime) -> Refund | None:
    """The refund the buyers of the simulation make on a shipped order, if any: derived from its id alone.

    One order in `RETURN_ONE_IN` (by a hash of its id) is refunded `REFUND_DELAY_DAYS` days after shipment:
    - 3 in 10 in full: every unit, shipping, gift wrap, promotions given back;
    - 4 in 10 one item returned (the hash picks which): all its units, or part of them when it has several;
      no shipping; gift wrap only when the whole item is;
    - 3 in 10 a price adjustment on one item: 10 % or 25 % of its principal (rounded to the cent), tax
      in proportion, no unit returned.
    One return in three (full or item) keeps a restocking fee of 20 % of the refunded principal.
    """
    if _number(f"return:{order.order_id}") % RETURN_ONE_IN:
        return None
    pick = _number(f"refund:{order.order_id}")
    low, high = REFUND_DELAY_DAYS
    posted = shipped_at + timedelta(days=low + pick % (high - low + 1))
    kind, item = (pick >> 8) % 10, order.items[(pick >> 16) % len(order.items)]
    restocking = (pick >> 24) % 3 == 0
    market = MARKETPLACES[order.marketplace_id]
    if kind < 3:
        requests = [LineRequest(each.order_item_id, shipping=True) for each in order.items]
    elif kind < 7:
        units = item.quantity if item.quantity == 1 else 1 + (pick >> 32) % item.quantity
        requests = [LineRequest(item.order_item_id, quantity=units)]
    else:
        rate = PRICE_ADJUSTMENT_RATES[(pick >> 32) % len(PRICE_ADJUSTMENT_RATES)]
        principal = market.money(charged(order, item)["principal"] * rate)
        requests = [LineRequest(item.order_item_id, principal=principal)]
        restocking = False
    lines = [_line(order, _item(order, request.order_item_id), request, []) for request in requests]
    if restocking:
        first = lines[0]
        lines[0] = replace(first, restocking_fee=market.money(first.principal * RESTOCKING_FEE_RATE))
    refund_id = f"{order.order_id}-G"
    return Refund(refund_id, order.order_id, order.seller_id, posted, posted, tuple(lines), generated=True)


def _item(order: Order, order_item_id: str) -> Item:
    return next(item for item in order.items if item.order_item_id == order_item_id)


def order_refunds(order: Order, shipped_at: datetime | None, explicit: list[Refund]) -> list[Refund]:
    """Every refund of the order, posted or not, in posting order: the generated one (if the order shipped)
    unless a test's refund was created before it was posted, then the tests' ones."""
    refunds = sorted(explicit, key=lambda refund: (refund.created, refund.refund_id))
    generated = generated_refund(order, shipped_at) if shipped_at is not None else None
    if generated is not None and (not refunds or generated.posted <= refunds[0].created):
        refunds.insert(0, generated)
    return refunds


def adjustment_item_id(refund: Refund, line: RefundLine) -> str:
    """Amazon's OrderAdjustmentItemId: a 14-digit number, stable for the refund's item."""
    raw = hashlib.sha256(f"adjustment:{refund.refund_id}:{line.order_item_id}".encode()).digest()
    return str(int.from_bytes(raw[:8], "big") % 10**14).zfill(14)
