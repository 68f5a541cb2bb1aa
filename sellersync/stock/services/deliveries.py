"""Deliveries of sales orders and the picking transitions: validate (with backorders) and cancel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sellersync.core.errors import InvalidTransition
from sellersync.core.services import insert_rows
from sellersync.sales import services as sales_services
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesOrderLine
from sellersync.sales.selectors import deliverable_lines
from sellersync.stock import selectors
from sellersync.stock.choices import MoveState, PickingKind, PickingState
from sellersync.stock.models import Carrier, Location, Move, Picking
from sellersync.stock.services._common import (
    ZERO,
    DeliveryLine,
    InvalidQuantity,
    NothingToDeliver,
    ValidationResult,
    check_transition,
    new_picking,
)
from sellersync.stock.services.setup import standard_location


def _remaining_to_deliver(order: SalesOrder, deliverable: list[SalesOrderLine]) -> dict[int, Decimal]:
    planned = selectors.quantity_in_open_deliveries(order)
    return {
        line.pk: line.quantity - line.quantity_delivered - planned.get(line.pk, ZERO) for line in deliverable
    }


def _delivery_lines(order: SalesOrder, lines: list[DeliveryLine] | None) -> list[DeliveryLine]:
    deliverable = deliverable_lines(order)
    remaining = _remaining_to_deliver(order, deliverable)
    if lines is None:
        by_id = {line.pk: line for line in deliverable}
        return [DeliveryLine(by_id[pk], qty) for pk, qty in remaining.items() if qty > ZERO]
    for line in lines:
        if line.sales_line.pk not in remaining:
            raise InvalidQuantity(f"{line.sales_line}: not a deliverable line of {order}")
        if not ZERO < line.quantity <= remaining[line.sales_line.pk]:
            raise InvalidQuantity(f"{line.sales_line}: {line.quantity} is not between 0 and what remains")
    return lines


def create_delivery_for_order(
    order: SalesOrder,
    from_location: Location,
    lines: list[DeliveryLine] | None = None,
    *,
    carrier: Carrier | None = None,
    deadline: datetime | None = None,
    delivery_deadline: datetime | None = None,
    customers: Location | None = None,
) -> Picking:
    """A ready delivery of a confirmed order: the given lines, or everything not yet delivered nor planned.

    `customers` is the company's customers location when the caller already has it (saves a look-up).
    """
    with transaction.atomic():
        order = SalesOrder.objects.select_for_update().get(pk=order.pk)
        if order.state != OrderState.CONFIRMED:
            raise InvalidTransition(order, order.state, "delivery")
        to_deliver = _delivery_lines(order, lines)
        if not to_deliver:
            raise NothingToDeliver(f"{order}: nothing left to deliver")
        customers = customers or standard_location(order.company, "CUSTOMERS")
        picking = new_picking(
            order.company,
            PickingKind.OUTGOING,
            state=PickingState.READY,
            sales_order=order,
            origin=order.name,
            source_location=from_location,
            destination_location=customers,
            partner=order.shipping_partner or order.partner,
            carrier=carrier,
            deadline=deadline,
            delivery_deadline=delivery_deadline,
        )
        Move.objects.bulk_create(
            Move(
                company=order.company,
                picking=picking,
                sales_line=line.sales_line,
                product=line.sales_line.product,
                quantity=line.quantity,
                source_location=from_location,
                destination_location=customers,
                state=MoveState.READY,
                origin=order.name,
            )
            for line in to_deliver
        )
    return picking


def create_delivery_for_new_order(
    order: SalesOrder,
    from_location: Location,
    customers: Location,
    *,
    deadline: datetime | None = None,
    delivery_deadline: datetime | None = None,
) -> Picking | None:
    """The ready delivery of every deliverable line of a confirmed order created in this transaction.

    Nothing of such an order is delivered nor planned yet, and its lines are in memory
    (`create_sales_order` serves them): no lock, no re-read. None when no line ships goods.
    """
    to_deliver = [line for line in order.lines.all() if line.is_deliverable and line.quantity > ZERO]
    if order.state != OrderState.CONFIRMED:
        raise InvalidTransition(order, order.state, "delivery")
    if not to_deliver:
        return None
    picking = new_picking(
        order.company,
        PickingKind.OUTGOING,
        insert=insert_rows,
        state=PickingState.READY,
        sales_order=order,
        origin=order.name,
        source_location=from_location,
        destination_location=customers,
        partner=order.shipping_partner or order.partner,
        deadline=deadline,
        delivery_deadline=delivery_deadline,
    )
    insert_rows(
        [
            Move(  # related rows by id: cheaper to build, and these moves are only written
                company_id=order.company_id,
                picking_id=picking.pk,
                sales_line_id=line.pk,
                product_id=line.product_id,
                quantity=line.quantity,
                source_location_id=from_location.pk,
                destination_location_id=customers.pk,
                state=MoveState.READY,
                origin=order.name,
            )
            for line in to_deliver
        ]
    )
    return picking


def _done_quantities(moves: list[Move], quantities: Mapping[int, Decimal] | None) -> dict[int, Decimal]:
    if quantities is None:
        return {move.pk: move.quantity for move in moves}
    demand = {move.pk: move.quantity for move in moves}
    unknown = set(quantities) - set(demand)
    if unknown:
        raise InvalidQuantity(f"moves {sorted(unknown)} are not open moves of this transfer")
    done = {pk: Decimal(quantities.get(pk, ZERO)) for pk in demand}
    for pk, quantity in done.items():
        if not ZERO <= quantity <= demand[pk]:
            raise InvalidQuantity(f"move {pk}: {quantity} is not between 0 and {demand[pk]}")
    if not any(done.values()):
        raise InvalidQuantity("nothing to validate: every quantity is zero")
    return done


def _create_backorder(picking: Picking) -> Picking:
    return new_picking(
        picking.company,
        PickingKind(picking.kind),
        state=PickingState.READY,
        sales_order=picking.sales_order,
        origin=picking.origin,
        source_location=picking.source_location,
        destination_location=picking.destination_location,
        partner=picking.partner,
        scheduled_date=picking.scheduled_date,
        deadline=picking.deadline,
        delivery_deadline=picking.delivery_deadline,
        backorder_of=picking,
    )


def _finish_move(move: Move, done: Decimal, backorder: Picking | None, now: datetime) -> None:
    if done == ZERO:
        move.picking = backorder
        move.save(update_fields=["picking"])
        return
    if done < move.quantity:
        Move.objects.create(
            company=move.company,
            picking=backorder,
            sales_line=move.sales_line,
            product=move.product,
            quantity=move.quantity - done,
            source_location=move.source_location,
            destination_location=move.destination_location,
            state=MoveState.READY,
            origin=move.origin,
        )
    move.quantity, move.quantity_done, move.state, move.date = done, done, MoveState.DONE, now
    move.save(update_fields=["quantity", "quantity_done", "state", "date"])


def _register_delivery(picking: Picking, moves: list[Move], done: dict[int, Decimal]) -> None:
    if picking.kind != PickingKind.OUTGOING or picking.sales_order is None:
        return
    per_line: dict[int, Decimal] = defaultdict(Decimal)
    for move in moves:
        if move.sales_line_id is not None and done[move.pk]:
            per_line[move.sales_line_id] += done[move.pk]
    if per_line:
        sales_services.register_delivered_quantities(picking.sales_order, per_line)


def validate_picking(
    picking: Picking,
    quantities: Mapping[int, Decimal] | None = None,
    carrier: Carrier | None = None,
    tracking_ref: str | None = None,
) -> ValidationResult:
    """Ship (or receive) a picking: all of it, or `quantities` per move id with the rest in a backorder."""
    with transaction.atomic():
        picking = (
            Picking.objects.select_for_update(of=("self",)).select_related("sales_order").get(pk=picking.pk)
        )
        check_transition(picking, PickingState.DONE)
        moves = _open_moves_locked(picking)
        backorder = _validate_locked(picking, moves, _done_quantities(moves, quantities), timezone.now())
        picking.carrier = carrier or picking.carrier
        picking.tracking_reference = tracking_ref if tracking_ref is not None else picking.tracking_reference
        picking.save(update_fields=["state", "done_at", "carrier", "tracking_reference"])
    return ValidationResult(picking=picking, backorder=backorder)


def _open_moves_locked(picking: Picking) -> list[Move]:
    return list(picking.moves.select_for_update().filter(state__in=selectors.OPEN_MOVE_STATES).order_by("pk"))


def _validate_locked(
    picking: Picking, moves: list[Move], done: dict[int, Decimal], now: datetime
) -> Picking | None:
    """Done quantities per move of a locked picking whose transition was checked; the rest goes to a
    backorder (returned). The caller saves the picking (state, done_at and its own fields)."""
    needs_backorder = any(done[move.pk] < move.quantity for move in moves)
    backorder = _create_backorder(picking) if needs_backorder else None
    for move in moves:
        _finish_move(move, done[move.pk], backorder, now)
    picking.state, picking.done_at = PickingState.DONE, now
    _register_delivery(picking, moves, done)
    return backorder


def close_deliveries_shipped_outside(
    order: SalesOrder,
    shipped: Mapping[int, Decimal],
    from_location: Location,
    *,
    date: datetime | None = None,
) -> list[Picking]:
    """Record goods shipped without us: Amazon reports them shipped (e.g. from Seller Central). Nothing is
    sent anywhere; the pickings closed this way are marked `shipped_outside` and returned.

    `shipped` is the total quantity shipped so far per sales line id. What of it is not delivered yet is
    taken from the order's open deliveries, oldest first: each is validated for that much, the rest of it
    stays to deliver in a backorder (ready). What no open delivery holds leaves `from_location` in a done
    delivery of its own. Never more than ordered; nothing when all of it was delivered already (e.g. by our
    own shipment). Pickings are locked before the order, in the order `validate_picking` takes them.
    """
    with transaction.atomic():
        open_pickings = list(
            selectors.open_pickings_of_order(order)
            .filter(kind=PickingKind.OUTGOING)
            .select_for_update(of=("self",))
        )
        order = SalesOrder.objects.select_for_update().get(pk=order.pk)
        if order.state != OrderState.CONFIRMED:
            raise InvalidTransition(order, order.state, "delivery")
        to_close = _not_yet_delivered(order, shipped)
        now = date or timezone.now()
        closed = []
        for picking in open_pickings:
            moves = _open_moves_locked(picking)
            done = _take_from_moves(moves, to_close)
            if not any(done.values()):
                continue
            picking.sales_order = order
            _validate_locked(picking, moves, done, now)
            picking.shipped_outside = True
            picking.save(update_fields=["state", "done_at", "shipped_outside"])
            closed.append(picking)
        left = {line_id: quantity for line_id, quantity in to_close.items() if quantity > ZERO}
        if left:
            closed.append(_done_delivery_shipped_outside(order, left, from_location, now))
    return closed


def _not_yet_delivered(order: SalesOrder, shipped: Mapping[int, Decimal]) -> dict[int, Decimal]:
    lines = {line.pk: line for line in deliverable_lines(order)}
    unknown = set(shipped) - set(lines)
    if unknown:
        raise InvalidQuantity(f"lines {sorted(unknown)} are not deliverable lines of {order}")
    to_close = {}
    for line_id, quantity in shipped.items():
        line = lines[line_id]
        missing = min(Decimal(quantity), line.quantity) - line.quantity_delivered
        if missing > ZERO:
            to_close[line_id] = missing
    return to_close


def _take_from_moves(moves: list[Move], to_close: dict[int, Decimal]) -> dict[int, Decimal]:
    """How much of each open move is done, taken from (and subtracted from) `to_close` per sales line."""
    done = {}
    for move in moves:
        wanted = to_close.get(move.sales_line_id or 0, ZERO)
        done[move.pk] = min(move.quantity, wanted)
        if done[move.pk]:
            to_close[move.sales_line_id or 0] = wanted - done[move.pk]
    return done


def _done_delivery_shipped_outside(
    order: SalesOrder, quantities: dict[int, Decimal], from_location: Location, now: datetime
) -> Picking:
    customers = standard_location(order.company, "CUSTOMERS")
    picking = new_picking(
        order.company,
        PickingKind.OUTGOING,
        state=PickingState.DONE,
        done_at=now,
        shipped_outside=True,
        sales_order=order,
        origin=order.name,
        source_location=from_location,
        destination_location=customers,
        partner=order.shipping_partner or order.partner,
    )
    lines = {line.pk: line for line in deliverable_lines(order)}
    Move.objects.bulk_create(
        Move(
            company=order.company,
            picking=picking,
            sales_line=lines[line_id],
            product=lines[line_id].product,
            quantity=quantity,
            quantity_done=quantity,
            source_location=from_location,
            destination_location=customers,
            state=MoveState.DONE,
            date=now,
            origin=order.name,
        )
        for line_id, quantity in quantities.items()
    )
    sales_services.register_delivered_quantities(order, quantities)
    return picking


def _cancel_locked(picking: Picking) -> None:
    check_transition(picking, PickingState.CANCELED)
    picking.moves.filter(state__in=selectors.OPEN_MOVE_STATES).update(state=MoveState.CANCELED)
    picking.state = PickingState.CANCELED
    picking.save(update_fields=["state"])


def cancel_picking(picking: Picking) -> Picking:
    """Draft or ready -> canceled, with its open moves."""
    with transaction.atomic():
        picking = Picking.objects.select_for_update().get(pk=picking.pk)
        _cancel_locked(picking)
    return picking


def cancel_order_with_deliveries(order: SalesOrder, reason: str = "") -> SalesOrder:
    """Cancel a sales order and its open deliveries together (what "Cancel" means to a user)."""
    with transaction.atomic():
        for picking in selectors.open_pickings_of_order(order).select_for_update():
            _cancel_locked(picking)
        return sales_services.cancel_order(order, reason)
