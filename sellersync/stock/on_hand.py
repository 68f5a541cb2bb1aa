"""Stock on hand per product and internal location (the Amazon location included): on hand (done moves
in minus out), reserved (open moves out of it) and available (on hand minus reserved). Never stored:
grouped sums over the moves, two or three queries whatever the number of moves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from sellersync.core.models import Product
from sellersync.stock.choices import LocationKind, MoveState
from sellersync.stock.models import Location, Move
from sellersync.stock.selectors import OPEN_MOVE_STATES

ZERO = Decimal(0)


@dataclass
class OnHandRow:
    product: Product
    location: Location
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def on_hand_rows(locations: QuerySet[Location], product_search: str = "") -> list[OnHandRow]:
    """One row per (product, location) with anything on hand or reserved, by location then product."""
    internal = {loc.pk: loc for loc in locations.filter(kind=LocationKind.INTERNAL)}
    moves = Move.objects.all()
    if product_search:
        moves = moves.filter(
            Q(product__name__icontains=product_search) | Q(product__default_code__icontains=product_search)
        )
    on_hand: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    reserved: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    done = moves.filter(state=MoveState.DONE)
    _add(on_hand, done.filter(destination_location__in=internal), "destination_location", "quantity_done", 1)
    _add(on_hand, done.filter(source_location__in=internal), "source_location", "quantity_done", -1)
    open_out = moves.filter(state__in=OPEN_MOVE_STATES, source_location__in=internal)
    _add(reserved, open_out, "source_location", "quantity", 1)
    keys = sorted(set(on_hand) | set(reserved))
    products = Product.objects.in_bulk({product_id for product_id, _ in keys})
    rows = [
        OnHandRow(products[product_id], internal[location_id], on_hand[key], reserved[key])
        for key in keys
        for product_id, location_id in [key]
        if on_hand[key] or reserved[key]
    ]
    rows.sort(key=lambda row: (row.location.code, row.product.default_code or "", row.product.name))
    return rows


def _add(
    into: dict[tuple[int, int], Decimal], moves: QuerySet[Move], location: str, field: str, sign: int
) -> None:
    sums: Any = moves.values("product", location).annotate(total=Sum(field)).order_by()
    for row in sums:
        into[(row["product"], row[location])] += sign * row["total"]
