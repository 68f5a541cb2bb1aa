"""Read queries on stock: quantities on hand are sums of done moves, never stored."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from sellersync.core.models import Company, Product
from sellersync.sales.models import SalesOrder
from sellersync.stock.choices import LocationKind, MoveState, PickingState
from sellersync.stock.models import Location, Move, Picking, Warehouse

ZERO = Decimal(0)
OPEN_PICKING_STATES = (PickingState.DRAFT, PickingState.READY)
OPEN_MOVE_STATES = (MoveState.DRAFT, MoveState.READY)


def _sum_done(moves: QuerySet[Move]) -> Decimal:
    total = moves.filter(state=MoveState.DONE).aggregate(
        total=Coalesce(Sum("quantity_done"), Value(ZERO), output_field=DecimalField())
    )["total"]
    return Decimal(total)


def stock_on_hand(product: Product, location: Location) -> Decimal:
    """Quantity of a product in a location: done moves in minus done moves out."""
    incoming = _sum_done(Move.objects.filter(product=product, destination_location=location))
    outgoing = _sum_done(Move.objects.filter(product=product, source_location=location))
    return incoming - outgoing


def incoming_quantity(product: Product, location: Location) -> Decimal:
    """Quantity of a product planned (not yet done) to arrive in a location."""
    moves = Move.objects.filter(product=product, destination_location=location, state__in=OPEN_MOVE_STATES)
    total = moves.aggregate(total=Coalesce(Sum("quantity"), Value(ZERO), output_field=DecimalField()))[
        "total"
    ]
    return Decimal(total)


def stock_by_product(location: Location) -> dict[int, Decimal]:
    """Quantities on hand in one location per product id (products at zero left out)."""
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    done = Move.objects.filter(state=MoveState.DONE)
    for row in (
        done.filter(destination_location=location).values("product").annotate(qty=Sum("quantity_done"))
    ):
        quantities[row["product"]] += row["qty"]
    for row in done.filter(source_location=location).values("product").annotate(qty=Sum("quantity_done")):
        quantities[row["product"]] -= row["qty"]
    return {product_id: qty for product_id, qty in quantities.items() if qty}


def location_by_code(company: Company, code: str) -> Location | None:
    """The company's location with this code, or None."""
    return Location.objects.filter(company=company, code=code).first()


def default_warehouse(company: Company) -> Warehouse | None:
    """The company's first warehouse (created by `services.setup_company_stock`)."""
    return Warehouse.objects.filter(company=company).order_by("pk").first()


def amazon_locations(company: Company) -> QuerySet[Location]:
    """The company's locations that stand for stock in Amazon's warehouses."""
    return Location.objects.filter(company=company, is_amazon=True, kind=LocationKind.INTERNAL)


def open_pickings_of_order(order: SalesOrder) -> QuerySet[Picking]:
    """The order's pickings still to be done, in pk order (the locking order)."""
    return Picking.objects.filter(sales_order=order, state__in=OPEN_PICKING_STATES).order_by("pk")


def quantity_in_open_deliveries(order: SalesOrder) -> dict[int, Decimal]:
    """Per sales line id, the quantity already planned in open deliveries of the order."""
    moves = Move.objects.filter(
        picking__sales_order=order, state__in=OPEN_MOVE_STATES, sales_line__isnull=False
    )
    rows = moves.values("sales_line").annotate(qty=Sum("quantity"))
    return {row["sales_line"]: row["qty"] for row in rows}
