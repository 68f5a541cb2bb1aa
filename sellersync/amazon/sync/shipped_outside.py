"""FBM orders shipped outside sellersync: Amazon reports them shipped before (or without) our shipment.

This happens when the seller ships from Seller Central, or when the order shipped while it could not be
synchronized (a failed order retried later, a sync that was down). With the account's "book orders shipped
outside sellersync" on (the default), such an order is booked like any other, and the part Amazon says is
shipped is delivered out of the warehouse stock; nothing is sent back to Amazon. An open delivery of a
bound order that Amazon reports shipped is closed likewise ("Shipped on Amazon"), so it is never shipped
nor confirmed twice. The seeds' connector ignores such orders; off, the account behaves as it does.
"""

from __future__ import annotations

from decimal import Decimal

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.types import LineKind, OrderData
from sellersync.amazon.models import AmazonAccount
from sellersync.sales.choices import LineKind as SalesLineKind
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder
from sellersync.stock import services as stock_services
from sellersync.stock.models import Location, Picking

SHIPPED = "Shipped"
#: Statuses in which Amazon reports units of an FBM order shipped.
SHIPPED_STATUSES = frozenset({SHIPPED, "PartiallyShipped"})


def is_fbm_shipped(data: OrderData) -> bool:
    """Whether this version is of an FBM order whose goods (some or all) Amazon reports shipped."""
    return data.fulfillment_channel == FulfillmentChannel.FBM and data.status in SHIPPED_STATUSES


def ignored_by_setting(account: AmazonAccount, data: OrderData) -> bool:
    """Whether this version is of an FBM order shipped in full that the account chose not to book."""
    return (
        not account.book_orders_shipped_outside
        and data.fulfillment_channel == FulfillmentChannel.FBM
        and data.status == SHIPPED
    )


def close_shipped_part(
    account: AmazonAccount, order: SalesOrder, data: OrderData, warehouse_stock: Location
) -> list[Picking]:
    """Deliver what Amazon reports shipped and was not delivered here yet (the stock service holds the
    rules); nothing when the account does not book orders shipped outside, or the order is not open."""
    if not account.book_orders_shipped_outside or not is_fbm_shipped(data):
        return []
    if order.state != OrderState.CONFIRMED:
        return []  # canceled or closed here: what Amazon says stays on the binding's status
    shipped = shipped_per_line(order, data)
    if not shipped:
        return []
    return stock_services.close_deliveries_shipped_outside(
        order, shipped, warehouse_stock, date=data.last_update
    )


def shipped_per_line(order: SalesOrder, data: OrderData) -> dict[int, Decimal]:
    """Amazon's shipped quantity per product line of the sales order (all of it once the order is Shipped).

    The sales order has one product line per Amazon item, in item order (as the apply creates them).
    """
    product_lines = [line for line in order.lines.all() if line.line_kind == SalesLineKind.PRODUCT]
    items = [line for line in data.lines if line.kind == LineKind.PRODUCT]
    if len(product_lines) != len(items):
        raise MappingError(
            data.amazon_order_id,
            "orderItems",
            f"{len(items)} items on Amazon but {len(product_lines)} product lines on {order.name}",
        )
    shipped = {}
    for line, item in zip(product_lines, items, strict=True):
        quantity = item.quantity if data.status == SHIPPED else item.quantity_shipped
        if quantity > 0:
            shipped[line.pk] = quantity
    return shipped
