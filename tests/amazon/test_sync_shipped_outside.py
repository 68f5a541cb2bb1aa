"""FBM orders that Amazon reports shipped before sellersync shipped them (in Seller Central, or while their
sync was failing) are booked, their shipped part delivered from the warehouse and nothing sent back to
Amazon; an open delivery Amazon reports shipped is closed as "Shipped on Amazon" (over real HTTP)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon.choices import OrderSyncState, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.selectors import orders_needing_attention
from sellersync.amazon.services import client_for_account, recover_order, retry_failed_orders
from sellersync.amazon.sync.export_shipments import send_pending_shipments, validate_amazon_picking
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.errors import InvalidTransition
from sellersync.sales.choices import LineKind
from sellersync.sales.models import SalesOrder
from sellersync.stock.choices import MoveState, PickingState
from sellersync.stock.models import Carrier, Move, Picking
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_sync_failures import API_VERSIONS, fail_by_id, new_order, use_api

pytestmark = pytest.mark.django_db


def ship_in_seller_central(sandbox: Sandbox, order_id: str, items: dict[str, int] | None = None) -> str:
    """Ship the order by hand on Amazon (all its unshipped units, or those given); its new status."""
    body = {"items": items} if items is not None else {}
    response = sandbox.http.post(f"/_sandbox/orders/{order_id}/ship", json=body)
    response.raise_for_status()
    sandbox.advance(300)
    return str(response.json()["status"])


def amazon_order(sandbox: Sandbox, account: AmazonAccount, order_id: str) -> dict[str, Any]:
    return sandbox.truth(account.seller_id)[order_id]


def units_by_sku(order: SalesOrder) -> dict[str, Decimal]:
    lines = order.lines.filter(line_kind=LineKind.PRODUCT).select_related("product")
    return {line.product.default_code: line.quantity for line in lines}


def moves_by_sku(picking: Picking) -> dict[str, Decimal]:
    return {move.product.default_code: move.quantity for move in picking.moves.select_related("product")}


def nothing_sent_to_amazon(sandbox: Sandbox) -> bool:
    no_messages = not OutboundMessage.objects.exists()
    return no_messages and sandbox.calls("confirmShipment") == 0 and sandbox.calls("createFeed") == 0


def assert_booked_and_delivered_in_full(binding: AmazonOrder, truth: dict[str, Any]) -> None:
    """One done delivery, shipped outside, with every unit of every item out of WH/STOCK; nothing open."""
    order = binding.sales_order
    assert order is not None
    assert binding.sync_state == OrderSyncState.SYNCED
    assert order.amount_total == Decimal(truth["order_total"])
    picking = Picking.objects.get(sales_order=order)
    assert (picking.state, picking.shipped_outside, picking.source_location.code) == (
        "done",
        True,
        "WH/STOCK",
    )
    assert moves_by_sku(picking) == units_by_sku(order)
    assert sum(moves_by_sku(picking).values()) == sum(item["quantity"] for item in truth["items"])
    assert all(move.state == MoveState.DONE for move in picking.moves.all())
    lines = order.lines.filter(line_kind=LineKind.PRODUCT)
    assert all(line.quantity_delivered == line.quantity for line in lines)


@pytest.mark.parametrize("orders_api", API_VERSIONS)
def test_fbm_order_failed_while_unshipped_then_shipped_on_amazon_is_booked_by_the_retry(
    sandbox: Sandbox, na_account: AmazonAccount, orders_api: str
) -> None:
    # given an FBM order that failed once while Unshipped, then shipped in Seller Central before the retry
    use_api(na_account, orders_api)
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    assert fail_by_id(sandbox, na_account, order_id).sync_state == OrderSyncState.FAILED
    assert ship_in_seller_central(sandbox, order_id) == "Shipped"

    # when
    run = retry_failed_orders(na_account)

    # then it is booked and delivered in full, nothing sent to Amazon
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.orders_created, run.orders_failed) == (1, 0)
    assert_booked_and_delivered_in_full(binding, amazon_order(sandbox, na_account, order_id))
    assert (binding.amazon_status, binding.attempts, binding.last_error) == ("Shipped", 0, "")
    assert nothing_sent_to_amazon(sandbox)


@pytest.mark.parametrize("orders_api", API_VERSIONS)
def test_fbm_order_first_seen_shipped_is_booked_and_delivered_without_a_shipment_sent_back(
    sandbox: Sandbox, na_account: AmazonAccount, orders_api: str
) -> None:
    # given an FBM order shipped in Seller Central before any sync saw it
    use_api(na_account, orders_api)
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    ship_in_seller_central(sandbox, order_id)

    # when
    run = sync_orders(na_account)

    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert_booked_and_delivered_in_full(binding, amazon_order(sandbox, na_account, order_id))
    assert nothing_sent_to_amazon(sandbox)

    # when the order is fetched again (a forced re-sync by id)
    again = recover_order(na_account, order_id)

    # then nothing is delivered twice
    assert again.sales_order_id == binding.sales_order_id
    assert Picking.objects.filter(sales_order_id=binding.sales_order_id).count() == 1
    assert SalesOrder.objects.filter(client_order_ref=order_id).count() == 1


def partially_shippable_order(sandbox: Sandbox, account: AmazonAccount) -> dict[str, Any]:
    """An Unshipped FBM order of two units or more (the sandbox picks quantities: create several)."""
    ids = sandbox.create_orders(account.seller_id, 10, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(3600)
    truth = sandbox.truth(account.seller_id)
    return next(
        truth[order_id]
        for order_id in ids
        if truth[order_id]["status"] == "Unshipped"
        and sum(item["quantity"] for item in truth[order_id]["items"]) >= 2
    )


@pytest.mark.parametrize("orders_api", API_VERSIONS)
def test_fbm_order_first_seen_partially_shipped_delivers_the_shipped_units_and_keeps_the_rest_to_ship(
    sandbox: Sandbox, na_account: AmazonAccount, orders_api: str
) -> None:
    # given an order of which one unit of its first item shipped in Seller Central
    use_api(na_account, orders_api)
    truth = partially_shippable_order(sandbox, na_account)
    first = truth["items"][0]
    status = ship_in_seller_central(sandbox, truth["order_id"], {first["order_item_id"]: 1})
    assert status == "PartiallyShipped"

    # when
    binding = recover_order(na_account, truth["order_id"])

    # then one unit left in a done delivery marked shipped outside; the rest waits in a ready backorder
    order = binding.sales_order
    assert order is not None and binding.sync_state == OrderSyncState.SYNCED
    done = Picking.objects.get(sales_order=order, state=PickingState.DONE)
    ready = Picking.objects.get(sales_order=order, state=PickingState.READY)
    first_line, *other_lines = order.lines.filter(line_kind=LineKind.PRODUCT).order_by("sequence", "pk")
    assert done.shipped_outside and not ready.shipped_outside
    assert ready.backorder_of_id == done.pk
    assert list(done.moves.values_list("sales_line_id", "quantity_done")) == [(first_line.pk, Decimal(1))]
    expected_rest = {line.pk: line.quantity for line in other_lines}
    if first["quantity"] > 1:
        expected_rest[first_line.pk] = Decimal(first["quantity"] - 1)
    assert dict(ready.moves.values_list("sales_line_id", "quantity")) == expected_rest
    first_line.refresh_from_db()
    assert first_line.quantity_delivered == 1
    assert nothing_sent_to_amazon(sandbox)


def test_open_delivery_shipped_in_seller_central_is_closed_as_shipped_on_amazon_and_never_shipped_again(
    sandbox: Sandbox, na_account: AmazonAccount, admin_client: Client
) -> None:
    # given a booked FBM order with its ready delivery, then shipped in Seller Central
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    binding = recover_order(na_account, order_id)
    picking = Picking.objects.get(sales_order=binding.sales_order, state=PickingState.READY)
    ship_in_seller_central(sandbox, order_id)

    # when the order is synchronized
    run = sync_orders(na_account)

    # then the delivery is done, marked shipped on Amazon, with no backorder and nothing sent
    picking.refresh_from_db()
    binding.refresh_from_db()
    assert run.orders_updated >= 1 and binding.amazon_status == "Shipped"
    assert (picking.state, picking.shipped_outside) == (PickingState.DONE, True)
    assert not picking.backorders.exists()
    assert Picking.objects.filter(sales_order=binding.sales_order).count() == 1
    assert all(move.quantity_done == move.quantity for move in picking.moves.all())
    assert nothing_sent_to_amazon(sandbox)
    with pytest.raises(InvalidTransition):
        validate_amazon_picking(picking, carrier=Carrier.objects.create(name="ups"), tracking_ref="1Z1")
    assert not OutboundMessage.objects.exists()
    # and the transfers list tags it, not as a delivery still to send to Amazon
    changelist = reverse("admin:stock_picking_changelist")
    listed = admin_client.get(changelist, {"shipped_outside__exact": "1"})
    not_sent = admin_client.get(changelist, {"amazon_sync": "not_sent"})
    assert listed.context["cl"].queryset.filter(pk=picking.pk).exists()
    assert all(row.shipped_outside for row in listed.context["cl"].queryset)
    assert "Shipped on Amazon" in listed.content.decode()
    assert not not_sent.context["cl"].queryset.filter(pk=picking.pk).exists()


def test_part_shipped_in_seller_central_then_the_rest_by_us_ships_each_unit_once(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a booked order, one unit of its first item shipped in Seller Central, the sync closing that part
    truth = partially_shippable_order(sandbox, na_account)
    binding = recover_order(na_account, truth["order_id"])
    first = truth["items"][0]
    ship_in_seller_central(sandbox, truth["order_id"], {first["order_item_id"]: 1})
    recover_order(na_account, truth["order_id"])
    rest = Picking.objects.get(sales_order=binding.sales_order, state=PickingState.READY)
    rest_units = sum(int(move.quantity) for move in rest.moves.all())
    assert rest_units == sum(item["quantity"] for item in truth["items"]) - 1

    # when we ship the rest
    validate_amazon_picking(rest, carrier=Carrier.objects.create(name="ups"), tracking_ref="1Z999AA1")
    with client_for_account(na_account) as client:
        sent = send_pending_shipments(na_account, client)
    final = recover_order(na_account, truth["order_id"])

    # then Amazon accepted exactly the rest: the order is Shipped, every unit shipped once
    after = amazon_order(sandbox, na_account, truth["order_id"])
    message = OutboundMessage.objects.get()
    assert len(sent.synced) == 1 and not sent.failed
    assert sum(item["quantity"] for item in message.payload["items"]) == rest_units
    assert after["status"] == "Shipped" == final.amazon_status
    assert all(item["shipped"] == item["quantity"] for item in after["items"])
    order_moves = Move.objects.filter(sales_line__order=binding.sales_order, state=MoveState.DONE)
    assert sum(move.quantity_done for move in order_moves) == sum(item["quantity"] for item in truth["items"])
    assert Picking.objects.filter(sales_order=binding.sales_order, shipped_outside=True).count() == 1


def test_with_the_setting_off_an_order_first_seen_shipped_is_ignored_as_the_seeds_do(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an account that does not book orders shipped outside sellersync
    na_account.book_orders_shipped_outside = False
    na_account.save(update_fields=["book_orders_shipped_outside"])
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    ship_in_seller_central(sandbox, order_id)

    # when
    sync_orders(na_account)

    # then
    assert not AmazonOrder.objects.filter(account=na_account, amazon_id=order_id).exists()
    assert not SalesOrder.objects.filter(client_order_ref=order_id).exists()


def test_with_the_setting_off_a_failed_order_shipped_since_needs_attention_instead_of_vanishing(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an account that does not book orders shipped outside, and an order that failed, then shipped
    na_account.book_orders_shipped_outside = False
    na_account.save(update_fields=["book_orders_shipped_outside"])
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    fail_by_id(sandbox, na_account, order_id)
    ship_in_seller_central(sandbox, order_id)

    # when
    retry_failed_orders(na_account)

    # then it is listed as needing attention, with why
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert list(orders_needing_attention(na_account)) == [binding]
    assert binding.sales_order_id is None and binding.next_retry_at is None
    assert "shipped on Amazon before it could be booked" in binding.last_error
