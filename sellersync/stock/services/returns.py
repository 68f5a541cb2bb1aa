"""Customer returns: units coming back from customers, into a location at once (received by someone else,
e.g. Amazon's fulfillment centers) or through an incoming return to receive (validated when the parcel
arrives, on the transfer's Validate page). A returned unit points to the sales line it had been sold on;
the line's delivered quantity is not changed (what was delivered stays delivered)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sellersync.sales.models import SalesOrder, SalesOrderLine
from sellersync.stock.choices import LocationKind, MoveState, PickingKind, PickingState
from sellersync.stock.models import Carrier, Location, Move, Picking
from sellersync.stock.services._common import ZERO, InvalidQuantity, new_picking
from sellersync.stock.services.setup import standard_location

DAMAGED_SUFFIX = "/DAMAGED"


def get_or_create_damaged_location(amazon_location: Location) -> Location:
    """The "Damaged at Amazon" location beside an Amazon location: units Amazon holds but cannot sell.

    One per Amazon location (code `<code>/DAMAGED`), internal, not itself an Amazon location: its units are
    never counted as sellable FBA stock.
    """
    location, _created = Location.objects.get_or_create(
        company=amazon_location.company,
        code=amazon_location.code + DAMAGED_SUFFIX,
        defaults={"name": gettext("Damaged at Amazon"), "kind": LocationKind.INTERNAL, "is_amazon": False},
    )
    return location


def record_customer_return(
    sales_line: SalesOrderLine,
    quantity: Decimal,
    destination: Location,
    origin: str,
    *,
    date: datetime | None = None,
) -> Move:
    """Units of a sales line already back in `destination` (a done move from the customers location)."""
    if quantity <= ZERO:
        raise InvalidQuantity(f"{sales_line}: a returned quantity must be positive")
    company = sales_line.order.company
    return Move.objects.create(
        company=company,
        product=sales_line.product,
        quantity=quantity,
        quantity_done=quantity,
        source_location=standard_location(company, "CUSTOMERS"),
        destination_location=destination,
        state=MoveState.DONE,
        date=date or timezone.now(),
        origin=origin,
        sales_line=sales_line,
    )


def create_return_receipt(
    order: SalesOrder,
    lines: Sequence[tuple[SalesOrderLine, Decimal]],
    destination: Location,
    origin: str,
    *,
    carrier: Carrier | None = None,
    tracking_reference: str = "",
) -> Picking:
    """A ready incoming return of the order's units into `destination`, validated when the parcel arrives."""
    if not lines or any(quantity <= ZERO for _line, quantity in lines):
        raise InvalidQuantity("a return needs at least one line, every quantity positive")
    customers = standard_location(order.company, "CUSTOMERS")
    with transaction.atomic():
        picking = new_picking(
            order.company,
            PickingKind.INCOMING,
            state=PickingState.READY,
            sales_order=order,
            origin=origin,
            source_location=customers,
            destination_location=destination,
            partner=order.shipping_partner or order.partner,
            carrier=carrier,
            tracking_reference=tracking_reference,
        )
        Move.objects.bulk_create(
            Move(
                company=order.company,
                picking=picking,
                sales_line=line,
                product=line.product,
                quantity=quantity,
                source_location=customers,
                destination_location=destination,
                state=MoveState.READY,
                origin=origin,
            )
            for line, quantity in lines
        )
    return picking


def returned_quantities(order: SalesOrder) -> dict[int, Decimal]:
    """Per sales line id, the units coming or come back from the customer (done or still to receive)."""
    customers = standard_location(order.company, "CUSTOMERS")
    totals: dict[int, Decimal] = {}
    moves = Move.objects.filter(
        sales_line__order=order, source_location=customers, state__in=(MoveState.READY, MoveState.DONE)
    ).values_list("sales_line_id", "quantity")
    for line_id, quantity in moves:
        totals[line_id] = totals.get(line_id, ZERO) + quantity
    return totals
