"""Stock services: deliveries with backorders, the cancel cascade, the Amazon location, adjustments, rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.core.errors import InvalidTransition
from sellersync.core.models import Company, Product
from sellersync.sales.choices import DeliveryStatus, OrderState
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import OrderHasDeliveredGoods
from sellersync.stock import services
from sellersync.stock.choices import MoveState, PickingKind, PickingState
from sellersync.stock.models import Location, Move, Picking, ReorderRule
from sellersync.stock.selectors import stock_by_product, stock_on_hand
from sellersync.stock.services import DeliveryLine, InvalidQuantity, NothingToDeliver, TransferLine

pytestmark = pytest.mark.django_db
D = Decimal


def _moves_by_code(picking: Picking) -> dict[str, Move]:
    return {move.product.default_code: move for move in picking.moves.select_related("product")}


def test_delivery_of_a_confirmed_order_holds_every_product_line(
    confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    # when a delivery is created for the order of 3 mugs and 2 lamps
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    # then it is a ready outgoing picking, numbered, with one move per line
    assert (picking.kind, picking.state, picking.reference) == (
        PickingKind.OUTGOING,
        PickingState.READY,
        "OUT/00001",
    )
    assert picking.partner == confirmed_order.shipping_partner
    assert {code: move.quantity for code, move in _moves_by_code(picking).items()} == {
        "MUG-1": 3,
        "LAMP-1": 2,
    }


def test_no_second_delivery_for_what_is_already_planned(
    confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    # given a delivery of everything
    services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    # when another is asked, then it is refused and no picking is added
    with pytest.raises(NothingToDeliver):
        services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    assert Picking.objects.count() == 1


def test_explicit_lines_then_the_rest(confirmed_order: SalesOrder, stocked_warehouse: Location) -> None:
    # given a delivery of 1 lamp only
    lamp_line = confirmed_order.lines.get(product__default_code="LAMP-1")
    first = services.create_delivery_for_order(
        confirmed_order, stocked_warehouse, [DeliveryLine(lamp_line, D(1))]
    )
    # when a delivery of what remains is asked
    rest = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    # then the first holds 1 lamp and the second 3 mugs and the other lamp
    assert {code: move.quantity for code, move in _moves_by_code(first).items()} == {"LAMP-1": 1}
    assert {code: move.quantity for code, move in _moves_by_code(rest).items()} == {"MUG-1": 3, "LAMP-1": 1}
    assert rest.reference == "OUT/00002"


def test_draft_order_cannot_be_delivered(draft_order: SalesOrder, stocked_warehouse: Location) -> None:
    with pytest.raises(InvalidTransition):
        services.create_delivery_for_order(draft_order, stocked_warehouse)
    assert Picking.objects.count() == 0


def test_validating_everything_ships_the_whole_order(
    confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product, lamp: Product
) -> None:
    # given a delivery of the whole order, and a carrier named in other case
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    carrier = services.find_carrier("self DELIVERY")
    # when it is validated with a tracking reference
    result = services.validate_picking(picking, carrier=carrier, tracking_ref="TRACK-1")
    # then no backorder, the stock went down, the order is fully delivered
    assert result.backorder is None
    stored = Picking.objects.get(pk=picking.pk)
    assert (stored.state, stored.carrier, stored.tracking_reference) == (
        PickingState.DONE,
        carrier,
        "TRACK-1",
    )
    assert (stock_on_hand(mug, stocked_warehouse), stock_on_hand(lamp, stocked_warehouse)) == (D(7), D(8))
    assert SalesOrder.objects.get(pk=confirmed_order.pk).delivery_status == DeliveryStatus.FULL


def test_partial_validation_leaves_the_rest_in_a_backorder(
    confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given a delivery of 3 mugs and 2 lamps
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    moves = _moves_by_code(picking)
    # when only 1 mug is shipped
    result = services.validate_picking(picking, {moves["MUG-1"].pk: D(1)}, tracking_ref="T-1")
    # then the backorder holds 2 mugs and 2 lamps, and 1 mug left the stock
    assert result.backorder is not None
    assert result.backorder.backorder_of == picking
    assert result.backorder.state == PickingState.READY
    assert {code: move.quantity for code, move in _moves_by_code(result.backorder).items()} == {
        "MUG-1": 2,
        "LAMP-1": 2,
    }
    assert stock_on_hand(mug, stocked_warehouse) == D(9)
    order = SalesOrder.objects.get(pk=confirmed_order.pk)
    assert order.delivery_status == DeliveryStatus.PARTIAL
    assert order.lines.get(product=mug).quantity_delivered == D(1)
    # when the backorder is shipped in full, then the order is fully delivered with no third picking
    second = services.validate_picking(result.backorder)
    assert second.backorder is None
    assert SalesOrder.objects.get(pk=confirmed_order.pk).delivery_status == DeliveryStatus.FULL
    assert Picking.objects.filter(sales_order=confirmed_order).count() == 2


@pytest.mark.parametrize(
    ("_case", "quantity"),
    [("more than ordered", D(4)), ("negative", D(-1)), ("nothing at all", D(0))],
)
def test_invalid_quantities_are_refused_without_change(
    _case: str, quantity: Decimal, confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given a delivery
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    mug_move = _moves_by_code(picking)["MUG-1"]
    # when a wrong quantity is validated, then it is refused and nothing moved
    with pytest.raises(InvalidQuantity):
        services.validate_picking(picking, {mug_move.pk: quantity})
    assert Picking.objects.get(pk=picking.pk).state == PickingState.READY
    assert stock_on_hand(mug, stocked_warehouse) == D(10)
    assert Picking.objects.count() == 1


def test_done_picking_cannot_be_validated_or_canceled(
    confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    picking = services.validate_picking(
        services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    ).picking
    with pytest.raises(InvalidTransition):
        services.validate_picking(picking)
    with pytest.raises(InvalidTransition):
        services.cancel_picking(picking)


def test_cancel_order_cascades_to_open_deliveries(
    confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    # given an order with an open delivery
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    # when the order is canceled with its deliveries
    services.cancel_order_with_deliveries(confirmed_order, "Canceled on Amazon")
    # then order, picking and moves are canceled
    assert SalesOrder.objects.get(pk=confirmed_order.pk).state == OrderState.CANCELED
    assert Picking.objects.get(pk=picking.pk).state == PickingState.CANCELED
    assert set(Move.objects.filter(picking=picking).values_list("state", flat=True)) == {MoveState.CANCELED}


def test_cancel_cascade_is_all_or_nothing_once_goods_left(
    confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    # given a partial shipment and its open backorder
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    result = services.validate_picking(picking, {_moves_by_code(picking)["MUG-1"].pk: D(1)})
    # when the order is canceled, then it is refused and the backorder stays open
    with pytest.raises(OrderHasDeliveredGoods):
        services.cancel_order_with_deliveries(confirmed_order)
    assert result.backorder is not None
    assert Picking.objects.get(pk=result.backorder.pk).state == PickingState.READY
    assert SalesOrder.objects.get(pk=confirmed_order.pk).state == OrderState.CONFIRMED


def test_amazon_location_is_one_per_company(company: Company, amazon_location: Location) -> None:
    again = services.get_or_create_amazon_location(company)
    assert again.pk == amazon_location.pk
    assert (again.name, again.is_amazon) == ("Amazon", True)
    assert Location.objects.filter(company=company, is_amazon=True).count() == 1


def test_amazon_stock_goes_up_with_a_transfer_and_down_with_fba_sales(
    company: Company,
    confirmed_order: SalesOrder,
    stocked_warehouse: Location,
    amazon_location: Location,
    mug: Product,
) -> None:
    # given a replenishment of 6 mugs from the warehouse to Amazon, validated
    transfer = services.create_transfer(
        company, stocked_warehouse, amazon_location, [TransferLine(mug, D(6))]
    )
    services.validate_picking(transfer)
    assert transfer.kind == PickingKind.INTERNAL
    assert (stock_on_hand(mug, amazon_location), stock_on_hand(mug, stocked_warehouse)) == (D(6), D(4))
    # when Amazon ships 3 mugs of an order (FBA)
    customers = services.standard_location(company, "CUSTOMERS")
    mug_line = confirmed_order.lines.get(product=mug)
    services.record_done_moves(
        company, mug, D(3), amazon_location, customers, origin=confirmed_order.name, sales_line=mug_line
    )
    # then the Amazon stock went down and the line is delivered
    assert stock_on_hand(mug, amazon_location) == D(3)
    assert stock_by_product(amazon_location) == {mug.pk: D(3)}
    assert confirmed_order.lines.get(pk=mug_line.pk).quantity_delivered == D(3)


@pytest.mark.parametrize(
    ("_case", "counted", "expected_move"), [("found", D(12), D(2)), ("lost", D(7), D(3))]
)
def test_inventory_adjustment_sets_the_counted_quantity(
    _case: str, counted: Decimal, expected_move: Decimal, stocked_warehouse: Location, mug: Product
) -> None:
    # when the mugs are counted
    move = services.adjust_inventory(stocked_warehouse, mug, counted)
    # then one done move brings the stock to the count
    assert move is not None and move.quantity_done == expected_move
    assert stock_on_hand(mug, stocked_warehouse) == counted


def test_adjustment_to_the_same_count_moves_nothing(stocked_warehouse: Location, mug: Product) -> None:
    moves_before = Move.objects.count()
    assert services.adjust_inventory(stocked_warehouse, mug, D(10)) is None
    assert Move.objects.count() == moves_before


def test_reorder_rule_proposes_up_to_max_once(
    company: Company, stocked_warehouse: Location, amazon_location: Location, mug: Product
) -> None:
    # given 1 mug at Amazon and a rule keeping 5 to 20 there
    services.adjust_inventory(amazon_location, mug, D(1))
    rule = ReorderRule.objects.create(
        company=company,
        location=amazon_location,
        source_location=stocked_warehouse,
        product=mug,
        min_quantity=D(5),
        max_quantity=D(20),
    )
    # when replenishment is proposed
    picking = services.propose_replenishment(rule)
    # then a transfer of 19 mugs comes from the warehouse
    assert picking is not None
    assert (picking.source_location, picking.destination_location) == (stocked_warehouse, amazon_location)
    assert list(picking.moves.values_list("quantity", flat=True)) == [D(19)]
    # and asking again proposes nothing, the 19 being on their way
    assert services.propose_replenishment(rule) is None


def test_reorder_rule_above_min_proposes_nothing(
    company: Company, stocked_warehouse: Location, amazon_location: Location, mug: Product
) -> None:
    services.adjust_inventory(amazon_location, mug, D(5))
    rule = ReorderRule.objects.create(
        company=company,
        location=amazon_location,
        source_location=stocked_warehouse,
        product=mug,
        min_quantity=D(5),
        max_quantity=D(20),
    )
    assert services.propose_replenishment(rule) is None


def test_self_delivery_carrier_is_seeded(db: None) -> None:
    carrier = services.get_self_delivery_carrier()
    assert (carrier.name, carrier.is_self_delivery) == ("Self Delivery", True)
    assert services.find_carrier("  self delivery ") == carrier
