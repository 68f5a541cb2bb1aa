"""Sales order services: creation and named state transitions, one transaction each.

Dependency direction: `stock` imports `sales`, never the reverse. Canceling an order together with its
open deliveries is therefore `stock.services.cancel_order_with_deliveries`; `cancel_order` here is the
order's own transition (it refuses orders whose goods already left).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sellersync.core.errors import DomainError, InvalidTransition
from sellersync.core.models import Company, Currency, Partner, Product, Tax
from sellersync.core.services import insert_rows, next_reference
from sellersync.sales.choices import LineKind, OrderEventKind, OrderState
from sellersync.sales.models import SalesOrder, SalesOrderEvent, SalesOrderLine, SalesTeam
from sellersync.sales.status import (
    LineAmounts,
    compute_line_amounts,
    compute_totals,
    determine_order_delivery_status,
)

ORDER_SEQUENCE_CODE = "sales.order"
ORDER_PREFIX = "S"

# target state -> the states it may be reached from
ALLOWED_TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    OrderState.CONFIRMED: frozenset({OrderState.DRAFT}),
    OrderState.DONE: frozenset({OrderState.CONFIRMED}),
    OrderState.CANCELED: frozenset({OrderState.DRAFT, OrderState.CONFIRMED}),
}


@dataclass(frozen=True)
class OrderLineData:
    """One line to create. `tax_amount` is the tax as the source computed it (never recomputed)."""

    quantity: Decimal
    unit_price: Decimal
    product: Product | None = None
    description: str = ""
    line_kind: LineKind = LineKind.PRODUCT
    discount_amount: Decimal = Decimal(0)
    tax: Tax | None = None
    tax_amount: Decimal = Decimal(0)
    price_include: bool | None = None  # None: follow the tax (`tax.price_include`), else False


class OrderHasDeliveredGoods(DomainError):
    """An order whose goods already left cannot be canceled."""


def _locked(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update().get(pk=order.pk)


def _check_transition(order: SalesOrder, target: OrderState) -> None:
    if order.state not in ALLOWED_TRANSITIONS[target]:
        raise InvalidTransition(order, order.state, target)


def _record_event(order: SalesOrder, kind: OrderEventKind, message: str = "") -> None:
    SalesOrderEvent.objects.create(order=order, kind=kind, message=message[:512])


def _price_include(data: OrderLineData) -> bool:
    if data.price_include is not None:
        return data.price_include
    return bool(data.tax and data.tax.price_include)


def _build_line(order: SalesOrder, index: int, data: OrderLineData, decimal_places: int) -> SalesOrderLine:
    price_include = _price_include(data)
    amounts = compute_line_amounts(
        data.quantity, data.unit_price, data.discount_amount, data.tax_amount, price_include, decimal_places
    )
    return SalesOrderLine(
        order=order,
        sequence=(index + 1) * 10,
        line_kind=data.line_kind,
        product=data.product,
        description=data.description or (data.product.name if data.product else ""),
        quantity=data.quantity,
        unit_price=data.unit_price,
        discount_amount=data.discount_amount,
        tax=data.tax,
        price_include=price_include,
        tax_amount=amounts.tax_amount,
        subtotal=amounts.subtotal,
        total=amounts.total,
    )


def _set_totals(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    totals = compute_totals(LineAmounts(line.subtotal, line.tax_amount, line.total) for line in lines)
    order.amount_untaxed, order.amount_tax, order.amount_total = totals.untaxed, totals.tax, totals.total


def _remember_lines(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    """Serve `order.lines.all()` from the lines just inserted instead of reading them back."""
    for line in lines:
        line.order = order
    order._prefetched_objects_cache = {"lines": lines}  # type: ignore[attr-defined]


def create_sales_order(
    company: Company,
    partner: Partner,
    currency: Currency,
    lines: list[OrderLineData],
    *,
    shipping_partner: Partner | None = None,
    team: SalesTeam | None = None,
    order_date: datetime | None = None,
    client_order_ref: str = "",
    note: str = "",
    confirm: bool = False,
    delivered_in_full: bool = False,
) -> SalesOrder:
    """Create a draft order with its lines and totals, numbered from the company's gapless sequence.

    With `confirm`, the new order is confirmed at once (both events recorded), saving a re-read and an
    update. With `delivered_in_full` (implies `confirm`), it is inserted already delivered in full and
    closed (done), as `deliver_in_full_and_close` would leave it: goods that left all at once (FBA).
    The returned order serves `order.lines.all()` from the lines it inserted.

    Inside a caller's transaction no savepoint is taken: a failure here fails the caller's transaction.
    """
    with transaction.atomic(savepoint=False):
        order = SalesOrder(
            company=company,
            name=next_reference(company, ORDER_SEQUENCE_CODE, ORDER_PREFIX),
            partner=partner,
            shipping_partner=shipping_partner or partner,
            currency=currency,
            team=team,
            order_date=order_date or timezone.now(),
            client_order_ref=client_order_ref,
            note=note,
            state=OrderState.CONFIRMED if confirm else OrderState.DRAFT,
        )
        built = [_build_line(order, index, data, currency.decimal_places) for index, data in enumerate(lines)]
        _set_totals(order, built)
        events = [(OrderEventKind.CREATED, "")]
        if confirm or delivered_in_full:
            events.append((OrderEventKind.CONFIRMED, ""))
        if delivered_in_full:
            events.extend(_deliver_in_memory(order, built))
        insert_rows([order])
        insert_rows(built)
        # by id: the events are only written, never read back from here
        insert_rows(
            [SalesOrderEvent(order_id=order.pk, kind=kind, message=message) for kind, message in events]
        )
        _remember_lines(order, built)
    return order


def _deliver_in_memory(order: SalesOrder, lines: list[SalesOrderLine]) -> list[tuple[OrderEventKind, str]]:
    """Mark unsaved lines delivered in full and the order done; the events that records (as when closing)."""
    deliverable = [line for line in lines if line.is_deliverable]
    for line in deliverable:
        line.quantity_delivered = line.quantity
    order.state = OrderState.DONE
    order.delivery_status = determine_order_delivery_status(
        (line.quantity, line.quantity) for line in deliverable
    )
    summary = ", ".join(f"{line.description} x {line.quantity}" for line in deliverable)
    delivered = [(OrderEventKind.DELIVERED, summary[:512])] if deliverable else []
    return [*delivered, (OrderEventKind.DONE, "")]


def confirm_order(order: SalesOrder) -> SalesOrder:
    """Draft -> confirmed: the order is promised to the customer."""
    with transaction.atomic():
        order = _locked(order)
        _check_transition(order, OrderState.CONFIRMED)
        order.state = OrderState.CONFIRMED
        order.save(update_fields=["state", "updated_at"])
        _record_event(order, OrderEventKind.CONFIRMED)
    return order


def cancel_order(order: SalesOrder, reason: str = "") -> SalesOrder:
    """Draft or confirmed -> canceled, unless goods were delivered. Does not touch deliveries (see module)."""
    with transaction.atomic():
        order = _locked(order)
        _check_transition(order, OrderState.CANCELED)
        if order.lines.filter(quantity_delivered__gt=0).exists():
            raise OrderHasDeliveredGoods(f"{order}: goods were already delivered")
        order.state = OrderState.CANCELED
        order.cancel_reason = reason[:256]
        order.save(update_fields=["state", "cancel_reason", "updated_at"])
        _record_event(order, OrderEventKind.CANCELED, reason)
    return order


def mark_done(order: SalesOrder) -> SalesOrder:
    """Confirmed -> done: the order is closed and locked."""
    with transaction.atomic():
        order = _locked(order)
        _check_transition(order, OrderState.DONE)
        order.state = OrderState.DONE
        order.save(update_fields=["state", "updated_at"])
        _record_event(order, OrderEventKind.DONE)
    return order


def register_delivered_quantities(order: SalesOrder, delivered: Mapping[int, Decimal]) -> SalesOrder:
    """Add delivered quantities per line id and re-derive the order's delivery status.

    Called by stock when goods leave; runs in the caller's transaction when there is one.
    """
    with transaction.atomic():
        order = _locked(order)
        lines = {
            line.pk: line
            for line in order.lines.select_for_update(of=("self",)).select_related("product").order_by("pk")
        }
        for line_id, quantity in delivered.items():
            line = lines[line_id]
            line.quantity_delivered += quantity
            line.save(update_fields=["quantity_delivered"])
        order.delivery_status = determine_order_delivery_status(
            (line.quantity, line.quantity_delivered) for line in lines.values() if line.is_deliverable
        )
        order.save(update_fields=["delivery_status", "updated_at"])
        summary = ", ".join(f"{lines[line_id].description} x {qty}" for line_id, qty in delivered.items())
        _record_event(order, OrderEventKind.DELIVERED, summary)
    return order


def deliver_in_full_and_close(order: SalesOrder) -> SalesOrder:
    """Confirmed -> done with every deliverable line delivered in full (goods that left all at once, FBA).

    Runs in the caller's transaction when there is one. The state is checked by the update itself, which
    also locks the row: an order that is not confirmed any more raises InvalidTransition.
    """
    with transaction.atomic():
        lines = [line for line in order.lines.all() if line.is_deliverable]
        status = determine_order_delivery_status((line.quantity, line.quantity) for line in lines)
        now = timezone.now()
        closed = SalesOrder.objects.filter(pk=order.pk, state=OrderState.CONFIRMED).update(
            state=OrderState.DONE, delivery_status=status, updated_at=now
        )
        if not closed:
            raise InvalidTransition(order, order.state, OrderState.DONE)
        if lines:
            SalesOrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
                quantity_delivered=F("quantity")
            )
        for line in lines:
            line.quantity_delivered = line.quantity
        summary = ", ".join(f"{line.description} x {line.quantity}" for line in lines)
        events = (
            [SalesOrderEvent(order=order, kind=OrderEventKind.DELIVERED, message=summary[:512])]
            if lines
            else []
        )
        events.append(SalesOrderEvent(order=order, kind=OrderEventKind.DONE))
        SalesOrderEvent.objects.bulk_create(events)
        order.state, order.delivery_status, order.updated_at = OrderState.DONE, status, now
    return order
