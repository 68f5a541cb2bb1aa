"""What the stock services share: errors, input/output dataclasses, transitions, picking numbering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sellersync.core.errors import DomainError, InvalidTransition
from sellersync.core.models import Company, Product
from sellersync.core.services import next_reference
from sellersync.sales.models import SalesOrderLine
from sellersync.stock.choices import PickingKind, PickingState
from sellersync.stock.models import Picking

ZERO = Decimal(0)
PICKING_PREFIXES = {PickingKind.OUTGOING: "OUT/", PickingKind.INCOMING: "IN/", PickingKind.INTERNAL: "INT/"}

# target state -> the states it may be reached from
ALLOWED_TRANSITIONS: dict[PickingState, frozenset[PickingState]] = {
    PickingState.DONE: frozenset({PickingState.DRAFT, PickingState.READY}),
    PickingState.CANCELED: frozenset({PickingState.DRAFT, PickingState.READY}),
}


class InvalidQuantity(DomainError):
    """A quantity to move is negative, above the demand, or refers to a move of another picking."""


class NothingToDeliver(DomainError):
    """The order has no goods left to deliver."""


@dataclass(frozen=True)
class DeliveryLine:
    """A quantity of one sales order line to put in a delivery."""

    sales_line: SalesOrderLine
    quantity: Decimal


@dataclass(frozen=True)
class TransferLine:
    """A quantity of one product to transfer."""

    product: Product
    quantity: Decimal


@dataclass(frozen=True)
class ValidationResult:
    """The validated picking and, when not everything was shipped, the backorder holding the rest."""

    picking: Picking
    backorder: Picking | None


def check_transition(picking: Picking, target: PickingState) -> None:
    """Raise InvalidTransition unless the picking may go to `target`."""
    if picking.state not in ALLOWED_TRANSITIONS[target]:
        raise InvalidTransition(picking, picking.state, target)


def new_picking(
    company: Company,
    kind: PickingKind,
    insert: Callable[[list[Picking]], None] | None = None,
    **fields: object,
) -> Picking:
    """A picking numbered from the company's gapless sequence of its kind (OUT/00001...).

    `insert` writes the new picking (default: `save()`; the ingest passes `core.services.insert_rows`).
    """
    reference = next_reference(company, f"stock.picking.{kind}", PICKING_PREFIXES[kind])
    picking = Picking(company=company, kind=kind, reference=reference, **fields)
    if insert is None:
        picking.save(force_insert=True)
    else:
        insert([picking])
    return picking
