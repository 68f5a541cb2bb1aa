"""Stock without a sales picking: done moves (FBA sales), transfers, inventory adjustments, replenishment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sellersync.core.models import Company, Product
from sellersync.core.services import insert_rows
from sellersync.sales import services as sales_services
from sellersync.sales.models import SalesOrder, SalesOrderLine
from sellersync.stock import selectors
from sellersync.stock.choices import LocationKind, MoveState, PickingKind, PickingState
from sellersync.stock.models import Location, Move, Picking, ReorderRule
from sellersync.stock.services._common import ZERO, InvalidQuantity, TransferLine, new_picking
from sellersync.stock.services.setup import standard_location


def record_done_moves(
    company: Company,
    product: Product,
    quantity: Decimal,
    source: Location,
    destination: Location,
    origin: str = "",
    *,
    sales_line: SalesOrderLine | None = None,
    date: datetime | None = None,
) -> Move:
    """Record goods that already moved (an FBA sale out of the Amazon location, an adjustment).

    With `sales_line`, the line's delivered quantity grows by `quantity` in the same transaction.
    """
    if quantity <= ZERO:
        raise InvalidQuantity(f"{product}: quantity {quantity} must be positive")
    with transaction.atomic():
        move = Move.objects.create(
            company=company,
            product=product,
            quantity=quantity,
            quantity_done=quantity,
            source_location=source,
            destination_location=destination,
            state=MoveState.DONE,
            date=date or timezone.now(),
            origin=origin,
            sales_line=sales_line,
        )
        if sales_line is not None:
            sales_services.register_delivered_quantities(sales_line.order, {sales_line.pk: quantity})
    return move


def record_order_shipped(
    order: SalesOrder, source: Location, destination: Location, *, date: datetime | None = None
) -> list[Move]:
    """Record that every deliverable line of a confirmed order already left `source` (an FBA sale).

    One done move per line, inserted together; the order is then delivered in full and closed (done).
    """
    lines = [line for line in order.lines.all() if line.is_deliverable]
    when = date or timezone.now()
    with transaction.atomic():
        moves = Move.objects.bulk_create(
            [
                Move(
                    company=order.company,
                    product=line.product,
                    quantity=line.quantity,
                    quantity_done=line.quantity,
                    source_location=source,
                    destination_location=destination,
                    state=MoveState.DONE,
                    date=when,
                    origin=order.name,
                    sales_line=line,
                )
                for line in lines
                if line.quantity > ZERO
            ]
        )
        sales_services.deliver_in_full_and_close(order)
    return moves


def record_moves_of_delivered_order(
    order: SalesOrder, source: Location, destination: Location, *, date: datetime | None = None
) -> list[Move]:
    """The done moves of an order created delivered in full (`create_sales_order(delivered_in_full=True)`).

    One done move per deliverable line, inserted together in the caller's transaction; the order and its
    lines are not touched (they already say delivered).
    """
    moves = _done_moves(order, source, destination, date or timezone.now())
    insert_rows(moves)
    return moves


def _done_moves(order: SalesOrder, source: Location, destination: Location, when: datetime) -> list[Move]:
    # related rows by id: cheaper to build, and these moves are only written
    return [
        Move(
            company_id=order.company_id,
            product_id=line.product_id,
            quantity=line.quantity,
            quantity_done=line.quantity,
            source_location_id=source.pk,
            destination_location_id=destination.pk,
            state=MoveState.DONE,
            date=when,
            origin=order.name,
            sales_line_id=line.pk,
        )
        for line in order.lines.all()
        if line.is_deliverable and line.quantity > ZERO
    ]


def _picking_kind(source: Location, destination: Location) -> PickingKind:
    if destination.kind == LocationKind.CUSTOMER:
        return PickingKind.OUTGOING
    if source.kind == LocationKind.VENDOR:
        return PickingKind.INCOMING
    return PickingKind.INTERNAL


def create_transfer(
    company: Company,
    source: Location,
    destination: Location,
    lines: list[TransferLine],
    origin: str = "",
    scheduled_date: datetime | None = None,
) -> Picking:
    """A ready transfer of products between two locations (e.g. replenishing the Amazon location)."""
    if not lines or any(line.quantity <= ZERO for line in lines):
        raise InvalidQuantity("a transfer needs at least one line, every quantity positive")
    with transaction.atomic():
        picking = new_picking(
            company,
            _picking_kind(source, destination),
            state=PickingState.READY,
            origin=origin,
            source_location=source,
            destination_location=destination,
            scheduled_date=scheduled_date or timezone.now(),
        )
        Move.objects.bulk_create(
            Move(
                company=company,
                picking=picking,
                product=line.product,
                quantity=line.quantity,
                source_location=source,
                destination_location=destination,
                state=MoveState.READY,
                origin=origin or picking.reference,
            )
            for line in lines
        )
    return picking


def adjust_inventory(location: Location, product: Product, counted_quantity: Decimal) -> Move | None:
    """Set the quantity on hand to what was counted, by a done move from or to the adjustment location.

    Returns None when the count matches. Adjustments of one location are serialized by locking it.
    """
    if counted_quantity < ZERO:
        raise InvalidQuantity(f"{product}: a counted quantity cannot be negative")
    with transaction.atomic():
        location = Location.objects.select_for_update().get(pk=location.pk)
        difference = counted_quantity - selectors.stock_on_hand(product, location)
        if difference == ZERO:
            return None
        adjustment = standard_location(location.company, "INVENTORY")
        source, destination = (adjustment, location) if difference > ZERO else (location, adjustment)
        return record_done_moves(
            location.company, product, abs(difference), source, destination, origin="Inventory adjustment"
        )


def propose_replenishment(rule: ReorderRule) -> Picking | None:
    """A transfer bringing the rule's location back up to its maximum when its forecast is below the minimum.

    The forecast counts transfers already on their way, so calling it twice proposes nothing more.
    """
    with transaction.atomic():
        rule = ReorderRule.objects.select_for_update().select_related("location", "product").get(pk=rule.pk)
        if not rule.is_active:
            return None
        forecast = selectors.stock_on_hand(rule.product, rule.location) + selectors.incoming_quantity(
            rule.product, rule.location
        )
        if forecast >= rule.min_quantity:
            return None
        return create_transfer(
            rule.company,
            rule.source_location,
            rule.location,
            [TransferLine(rule.product, rule.max_quantity - forecast)],
            origin=f"Reordering rule: {rule}",
        )
