"""The Validate page of a delivery: one row per line, partial quantities, carrier and tracking; a partial
validation ships exactly what was entered, leaves the backorder and tells Amazon exactly that (read back
from the sandbox's order items). No other admin path marks stock done."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.stock.choices import MoveState, PickingState
from sellersync.stock.models import Carrier, Move, Picking
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_shipments import fbm_orders, picking_of
from tests.stock.fixtures import post_validate_page

pytestmark = pytest.mark.django_db


def order_with_units(sandbox: Sandbox, account: AmazonAccount, units: int = 2) -> AmazonOrder:
    """An FBM order whose delivery has at least `units` units."""
    for binding in fbm_orders(sandbox, account, 8):
        if sum(move.quantity for move in picking_of(binding).moves.all()) >= units:
            return binding
    raise AssertionError(f"the sandbox made no FBM order with {units} units or more")


def shipped_on_amazon(account: AmazonAccount, amazon_id: str) -> dict[str, int]:
    """Amazon's own count of shipped units per order item (getOrderItems' QuantityShipped)."""
    with services.client_for_account(account) as client:
        items = client.orders_v0.get_order_items(amazon_id).order_items
    return {item.order_item_id: item.quantity_shipped or 0 for item in items}


def test_move_form_cannot_mark_one_unit_done_so_nothing_ships_everything(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a delivery of two units or more; the user marks 1 unit done on the move's own form
    binding = order_with_units(sandbox, na_account)
    picking = picking_of(binding)
    move = picking.moves.order_by("pk").first()
    assert move is not None
    url = reverse("admin:stock_move_change", args=(move.pk,))
    page = admin_client.get(url).content.decode()
    # then the form has no input for the done quantity nor the state
    assert 'name="quantity_done"' not in page and 'name="state"' not in page
    # and posting one anyway changes nothing
    admin_client.post(url, {"quantity_done": "1", "state": MoveState.DONE, "_save": "Save"})
    move.refresh_from_db()
    assert move.quantity_done == Decimal(0) and move.state == MoveState.READY
    # and the list offers no action that validates without quantities
    changelist = admin_client.get(reverse("admin:stock_picking_changelist")).content.decode()
    assert 'value="validate_selected"' not in changelist


def _validate_page(admin_client: Client, picking: Picking) -> str:
    return admin_client.get(reverse("admin:stock_picking_validate", args=(picking.pk,))).content.decode()


def test_validate_page_has_one_row_per_line_defaulting_to_what_remains(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    binding = order_with_units(sandbox, na_account)
    picking = picking_of(binding)
    # when
    page = _validate_page(admin_client, picking)
    change_page = admin_client.get(reverse("admin:stock_picking_change", args=(picking.pk,))).content.decode()
    # then
    moves = list(picking.moves.order_by("pk"))
    assert page.count('class="validate-line"') == len(moves)
    for index, move in enumerate(moves):
        assert f'name="lines-{index}-quantity_done" value="{move.quantity}"' in page
    assert "Required for Amazon orders" in page
    assert reverse("admin:stock_picking_validate", args=(picking.pk,)) in change_page


def test_partial_validation_ships_exactly_the_quantities_entered_and_amazon_is_told_exactly_that(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a delivery of two units or more, of which one unit of the first line leaves now
    binding = order_with_units(sandbox, na_account)
    picking = picking_of(binding)
    first, *others = list(picking.moves.order_by("pk"))
    total = sum(int(move.quantity) for move in [first, *others])
    quantities: dict[int, object] = {first.pk: 1, **{move.pk: 0 for move in others}}
    # when
    page = post_validate_page(
        admin_client, picking, quantities, Carrier.objects.create(name="UPS"), "1ZPART7"
    )
    # then the page says Amazon took it, and where the rest waits
    picking.refresh_from_db()
    backorder = Picking.objects.get(backorder_of=picking)
    assert picking.state == PickingState.DONE and backorder.state == PickingState.READY
    assert "Synced with Amazon" in page and backorder.reference in page
    # and exactly one unit left the warehouse; the backorder holds every other unit
    done = Move.objects.filter(picking=picking, state=MoveState.DONE)
    assert [(move.pk, move.quantity_done) for move in done] == [(first.pk, Decimal(1))]
    assert sum(move.quantity for move in backorder.moves.all()) == total - 1
    # and Amazon was told exactly one unit, and counts exactly one shipped
    message = OutboundMessage.objects.get(reference=f"picking:{picking.pk}")
    assert [item["quantity"] for item in message.payload["items"]] == [1]
    assert message.payload["tracking_number"] == "1ZPART7"
    assert sum(shipped_on_amazon(na_account, binding.amazon_id).values()) == 1


def test_validation_without_tracking_is_refused_on_the_page_and_nothing_changes(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    binding = order_with_units(sandbox, na_account, 1)
    picking = picking_of(binding)
    quantities: dict[int, object] = {move.pk: move.quantity for move in picking.moves.all()}
    # when
    page = post_validate_page(admin_client, picking, quantities, Carrier.objects.create(name="UPS"), "")
    # then
    picking.refresh_from_db()
    assert 'id="validate-error"' in page and "enter the tracking reference" in page
    assert picking.state == PickingState.READY and not OutboundMessage.objects.exists()


def test_a_quantity_above_what_remains_is_refused_on_its_row(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    binding = order_with_units(sandbox, na_account, 1)
    picking = picking_of(binding)
    move = picking.moves.order_by("pk").first()
    assert move is not None
    quantities: dict[int, object] = {m.pk: m.quantity for m in picking.moves.all()}
    quantities[move.pk] = move.quantity + 1
    # when
    page = post_validate_page(admin_client, picking, quantities, Carrier.objects.create(name="UPS"), "1Z1")
    # then
    picking.refresh_from_db()
    assert f"At most {move.quantity.normalize()} remain to do." in page
    assert picking.state == PickingState.READY and not OutboundMessage.objects.exists()


def test_amazons_refusal_is_shown_at_once_in_red_with_its_words_and_a_link(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given the order was canceled on Amazon meanwhile
    binding = order_with_units(sandbox, na_account, 1)
    picking = picking_of(binding)
    sandbox.cancel(binding.amazon_id)
    quantities: dict[int, object] = {move.pk: move.quantity for move in picking.moves.all()}
    # when
    page = post_validate_page(admin_client, picking, quantities, Carrier.objects.create(name="UPS"), "1ZCAN")
    # then
    message = OutboundMessage.objects.get()
    change_url = reverse("admin:stock_picking_change", args=(picking.pk,))
    assert message.state == "failed" and "Canceled" in message.amazon_error
    assert '<li class="error">' in page and "Amazon Sync Failed. Amazon said:" in page
    assert f'<a href="{change_url}">{picking.reference}</a>' in page
    assert "Synced with Amazon." not in page

    # when it is retried and Amazon refuses again
    page = admin_client.post(
        reverse("admin:stock_picking_changelist"),
        {"action": "retry_amazon_sync", "_selected_action": [picking.pk]},
        follow=True,
    ).content.decode()
    # then the outcome is the refusal again, not "sent again"
    assert "Amazon Sync Failed. Amazon said:" in page and "sent to Amazon again" not in page
    # and the list filtered by "Amazon Sync Failed" shows it, "Synced" does not
    changelist = reverse("admin:stock_picking_changelist")
    failed = admin_client.get(changelist, {"amazon_sync": "failed"}).content.decode()
    synced = admin_client.get(changelist, {"amazon_sync": "synced"}).content.decode()
    assert picking.reference in failed and picking.reference not in synced
    orders = reverse("admin:sales_salesorder_changelist")
    assert binding.sales_order.name in admin_client.get(orders, {"amazon_sync": "failed"}).content.decode()
    assert (
        binding.sales_order.name not in admin_client.get(orders, {"amazon_sync": "synced"}).content.decode()
    )
