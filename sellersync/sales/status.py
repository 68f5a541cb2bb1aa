"""Pure derivations of a sales order's amounts and delivery status (no database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sellersync.sales.choices import DeliveryStatus

ZERO = Decimal(0)


def quantize(amount: Decimal, decimal_places: int) -> Decimal:
    """Round half up to the currency's precision."""
    return amount.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    """A line's amounts: `subtotal` is without tax, `total` with it; `tax_amount` is the source's figure."""

    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


@dataclass(frozen=True)
class Totals:
    """An order's amounts: the sums of its lines."""

    untaxed: Decimal
    tax: Decimal
    total: Decimal


def compute_line_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    discount_amount: Decimal,
    tax_amount: Decimal,
    price_include: bool,
    decimal_places: int = 2,
) -> LineAmounts:
    """Amounts of one line from its price, discount and the tax as the source computed it.

    The gross `round(quantity * unit_price) - discount` is the untaxed subtotal when prices exclude tax,
    and the total when they include it; the tax is never recomputed here.
    """
    gross = quantize(quantity * unit_price, decimal_places) - quantize(discount_amount, decimal_places)
    tax = quantize(tax_amount, decimal_places)
    if price_include:
        return LineAmounts(subtotal=gross - tax, tax_amount=tax, total=gross)
    return LineAmounts(subtotal=gross, tax_amount=tax, total=gross + tax)


def compute_totals(lines: Iterable[LineAmounts]) -> Totals:
    """Sum line amounts into order totals (lines are already rounded, so the sums are exact)."""
    untaxed = tax = total = ZERO
    for line in lines:
        untaxed += line.subtotal
        tax += line.tax_amount
        total += line.total
    return Totals(untaxed=untaxed, tax=tax, total=total)


def determine_delivery_status(ordered: Decimal, delivered: Decimal) -> DeliveryStatus:
    """Delivery status of one line: nothing, partial, or full (delivering more than ordered is full)."""
    if delivered <= ZERO:
        return DeliveryStatus.NOTHING
    if delivered < ordered:
        return DeliveryStatus.PARTIAL
    return DeliveryStatus.FULL


def determine_order_delivery_status(lines: Iterable[tuple[Decimal, Decimal]]) -> DeliveryStatus:
    """Delivery status of an order from its deliverable lines' (ordered, delivered) quantities.

    Judged line by line, so an over-delivered line never hides another line still waiting.
    """
    statuses = {determine_delivery_status(ordered, delivered) for ordered, delivered in lines}
    if not statuses or statuses == {DeliveryStatus.NOTHING}:
        return DeliveryStatus.NOTHING
    if statuses == {DeliveryStatus.FULL}:
        return DeliveryStatus.FULL
    return DeliveryStatus.PARTIAL
