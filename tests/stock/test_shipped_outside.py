"""close_deliveries_shipped_outside: goods another tool shipped (Amazon's Seller Central) are delivered once,
from the open deliveries first, never more than ordered, and the pickings closed are marked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.core.errors import InvalidTransition
from sellersync.core.models import Product
from sellersync.sales.choices import DeliveryStatus
from sellersync.sales.models import SalesOrder
from sellersync.stock import services
from sellersync.stock.choices import MoveState, PickingState
from sellersync.stock.models import Location, Picking
from sellersync.stock.selectors import stock_on_hand
from sellersync.stock.services import InvalidQuantity

pytestmark = pytest.mark.django_db
D = Decimal


def line_ids(order: SalesOrder) -> dict[str, int]:
    return {line.product.default_code: line.pk for line in order.lines.select_related("product")}


def quantities(picking: Picking) -> dict[str, Decimal]:
    return {move.product.default_code: move.quantity for move in picking.moves.select_related("product")}


def test_a_part_shipped_outside_closes_the_open_delivery_for_it_and_leaves_the_rest_in_a_backorder(
    confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given a ready delivery of 3 mugs and 2 lamps, of which 1 mug shipped outside
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    lines = line_ids(confirmed_order)

    # when
    closed = services.close_deliveries_shipped_outside(
        confirmed_order, {lines["MUG-1"]: D(1)}, stocked_warehouse
    )

    # then the delivery is done for 1 mug and marked; 2 mugs and 2 lamps wait in a ready backorder
    picking.refresh_from_db()
    backorder = Picking.objects.get(backorder_of=picking)
    assert closed == [picking]
    assert (picking.state, picking.shipped_outside) == (PickingState.DONE, True)
    assert quantities(picking) == {"MUG-1": D(1)}
    assert (backorder.state, backorder.shipped_outside) == (PickingState.READY, False)
    assert quantities(backorder) == {"MUG-1": D(2), "LAMP-1": D(2)}
    assert stock_on_hand(mug, stocked_warehouse) == D(9)
    assert SalesOrder.objects.get(pk=confirmed_order.pk).delivery_status == DeliveryStatus.PARTIAL

    # when the same news comes again, then nothing changes
    assert (
        services.close_deliveries_shipped_outside(confirmed_order, {lines["MUG-1"]: D(1)}, stocked_warehouse)
        == []
    )
    assert stock_on_hand(mug, stocked_warehouse) == D(9)

    # when everything shipped outside, then the backorder closes in full, without a third picking
    everything = {lines["MUG-1"]: D(3), lines["LAMP-1"]: D(2)}
    assert services.close_deliveries_shipped_outside(confirmed_order, everything, stocked_warehouse) == [
        backorder
    ]
    backorder.refresh_from_db()
    assert (backorder.state, backorder.shipped_outside) == (PickingState.DONE, True)
    assert Picking.objects.filter(sales_order=confirmed_order).count() == 2
    assert SalesOrder.objects.get(pk=confirmed_order.pk).delivery_status == DeliveryStatus.FULL
    assert stock_on_hand(mug, stocked_warehouse) == D(7)


def test_without_an_open_delivery_the_shipped_goods_leave_in_a_done_delivery_of_their_own(
    confirmed_order: SalesOrder, stocked_warehouse: Location, lamp: Product
) -> None:
    # given a confirmed order with no delivery; Amazon reports 5 lamps shipped (2 were ordered)
    lines = line_ids(confirmed_order)

    # when
    (picking,) = services.close_deliveries_shipped_outside(
        confirmed_order, {lines["LAMP-1"]: D(5)}, stocked_warehouse
    )

    # then never more than ordered leaves, from the given location, in a done delivery marked shipped outside
    assert (picking.state, picking.shipped_outside, picking.source_location) == (
        PickingState.DONE,
        True,
        stocked_warehouse,
    )
    assert quantities(picking) == {"LAMP-1": D(2)}
    assert all(move.state == MoveState.DONE and move.quantity_done == 2 for move in picking.moves.all())
    assert stock_on_hand(lamp, stocked_warehouse) == D(8)
    assert confirmed_order.lines.get(pk=lines["LAMP-1"]).quantity_delivered == D(2)


def test_goods_we_shipped_ourselves_are_not_closed_again(
    confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given a delivery we validated in full ourselves
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    services.validate_picking(picking, tracking_ref="T-1")
    lines = line_ids(confirmed_order)

    # when Amazon then reports it shipped
    closed = services.close_deliveries_shipped_outside(
        confirmed_order, {lines["MUG-1"]: D(3), lines["LAMP-1"]: D(2)}, stocked_warehouse
    )

    # then nothing more leaves
    picking.refresh_from_db()
    assert closed == [] and not picking.shipped_outside
    assert stock_on_hand(mug, stocked_warehouse) == D(7)
    assert Picking.objects.filter(sales_order=confirmed_order).count() == 1


def test_a_canceled_order_or_a_line_of_another_order_is_refused_and_nothing_moves(
    confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given
    lines = line_ids(confirmed_order)
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)

    # when / then: a line that is not the order's
    with pytest.raises(InvalidQuantity):
        services.close_deliveries_shipped_outside(confirmed_order, {999_999: D(1)}, stocked_warehouse)
    # when / then: a canceled order
    services.cancel_order_with_deliveries(confirmed_order)
    with pytest.raises(InvalidTransition):
        services.close_deliveries_shipped_outside(confirmed_order, {lines["MUG-1"]: D(1)}, stocked_warehouse)
    picking.refresh_from_db()
    assert (picking.state, picking.shipped_outside) == (PickingState.CANCELED, False)
    assert stock_on_hand(mug, stocked_warehouse) == D(10)
