"""Shipments and cancellations whose answer Amazon lost are not sent twice: the connector asks Amazon.

Against the sandbox over HTTP: its "accepted, answer lost" fault commits the request (the feed is created,
the shipment confirmed) and then breaks the connection. Amazon's truth comes from the sandbox's control API.
"""

from __future__ import annotations

from typing import Any

import pytest

from sellersync.amazon import services
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.amazon.sync.export_shipments import send_pending_shipments, validate_amazon_picking
from sellersync.amazon.sync.pickings import sync_pickings
from sellersync.stock.models import Carrier
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_shipments import fbm_orders, picking_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ups() -> Carrier:
    return Carrier.objects.create(name="UPS")


def _shipment_recorded(sandbox: Sandbox, account: AmazonAccount, ups: Carrier, count: int = 1) -> list[str]:
    bindings = fbm_orders(sandbox, account, count)
    for index, binding in enumerate(bindings):
        validate_amazon_picking(
            picking_of(binding), carrier=ups, tracking_ref=f"1Z999AA1012345678{index}", send_on_commit=False
        )
    return [binding.amazon_id for binding in bindings]


def _send(account: AmazonAccount, **options: Any) -> None:
    with services.client_for_account(account) as client:
        send_pending_shipments(account, client, **options)


def test_a_lost_confirm_shipment_answer_ends_synced_with_one_package_at_amazon(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given a validated delivery, and Amazon losing its answer to confirmShipment
    [order_id] = _shipment_recorded(sandbox, na_account, ups)
    sandbox.fault("confirmShipment", "answer_lost")
    # when the shipment is sent
    _send(na_account)
    # then the message is synced after one confirmShipment: Amazon shows the order shipped with one package
    message = OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT)
    truth = sandbox.truth(na_account.seller_id)[order_id]
    assert (message.state, message.attempts) == (OutboundState.SYNCED, 1)
    assert truth["status"] == "Shipped"
    assert truth["packages"] == [str(message.pk * 1000 + 1)]
    assert sandbox.calls("confirmShipment") == 1


def test_a_confirm_shipment_amazon_did_not_take_is_sent_again_once(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given a 500 on confirmShipment: the sandbox answers it before shipping anything
    [order_id] = _shipment_recorded(sandbox, na_account, ups)
    sandbox.fault("confirmShipment", "http_500")
    # when the shipment is sent
    _send(na_account)
    # then Amazon was asked, had no package of ours, got it a second time (new reference) and took that one
    message = OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT)
    assert (message.state, message.attempts) == (OutboundState.SYNCED, 2)
    assert sandbox.truth(na_account.seller_id)[order_id]["packages"] == [str(message.pk * 1000 + 2)]
    assert sandbox.calls("confirmShipment") == 2


def test_an_attempted_shipment_is_looked_for_on_amazon_before_the_next_pass_sends_it(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given a lost answer, and Amazon unable to say (six 503s on getOrder, more than the client retries)
    [order_id] = _shipment_recorded(sandbox, na_account, ups)
    sandbox.fault("confirmShipment", "answer_lost")
    sandbox.fault("orders_2026-01-01.getOrder", "http_503", times=6)
    _send(na_account)
    pending = OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT)
    # when the next pass comes, Amazon answering again
    sandbox.clear_faults()
    _send(na_account)
    # then it was pending in between, and is synced now without a second confirmShipment
    message = OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT)
    assert (pending.state, pending.attempts) == (OutboundState.PENDING, 1)
    assert (message.state, message.attempts) == (OutboundState.SYNCED, 1)
    assert sandbox.calls("confirmShipment") == 1
    assert sandbox.truth(na_account.seller_id)[order_id]["packages"] == [str(message.pk * 1000 + 1)]


def test_a_lost_create_feed_answer_leaves_one_feed_at_amazon_and_the_shipments_end_synced(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given two validated deliveries sent in one fulfillment feed, and Amazon losing its createFeed answer
    order_ids = _shipment_recorded(sandbox, na_account, ups, count=2)
    sandbox.fault("createFeed", "answer_lost")
    # when Sync Pickings sends them, Amazon processes the feed, and Sync Pickings reads its report
    _send(na_account, use_feed=True)
    feeds = sandbox.feeds(na_account.seller_id)
    sandbox.advance(180)
    sync_pickings(na_account)
    # then Amazon holds one feed, the messages were sent in it, and they end synced with both orders shipped
    messages = list(OutboundMessage.objects.filter(kind=OutboundKind.SHIPMENT))
    assert [feed["feedType"] for feed in feeds] == ["POST_ORDER_FULFILLMENT_DATA"]
    assert {message.feed_id for message in messages} == {feeds[0]["feedId"]}
    assert [(message.state, message.attempts) for message in messages] == [(OutboundState.SYNCED, 1)] * 2
    truth = sandbox.truth(na_account.seller_id)
    assert [truth[order_id]["status"] for order_id in order_ids] == ["Shipped", "Shipped"]
    assert sandbox.calls("createFeed") == 1


def test_a_lost_cancellation_feed_answer_is_not_sent_twice(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an FBM order canceled locally, and Amazon losing its createFeed answer
    [binding] = fbm_orders(sandbox, na_account)
    assert binding.sales_order is not None
    services.cancel_sales_order(binding.sales_order, "NoInventory")
    sandbox.fault("createFeed", "answer_lost")
    # when Sync Pickings sends it, Amazon processes it, and Sync Pickings reads the report
    sync_pickings(na_account)
    feeds = sandbox.feeds(na_account.seller_id)
    sandbox.advance(180)
    sync_pickings(na_account)
    # then one acknowledgement feed at Amazon; the cancellation is synced and the order canceled there
    message = OutboundMessage.objects.get(kind=OutboundKind.CANCELLATION)
    assert [feed["feedType"] for feed in feeds] == ["POST_ORDER_ACKNOWLEDGEMENT_DATA"]
    assert (message.feed_id, message.state) == (feeds[0]["feedId"], OutboundState.SYNCED)
    assert sandbox.truth(na_account.seller_id)[binding.amazon_id]["status"] == "Canceled"
    assert sandbox.calls("createFeed") == 1


@pytest.mark.parametrize(
    ("_case", "create_feed_fault", "feeds_at_amazon_after_send", "create_feed_calls"),
    [
        ("Amazon took it", "answer_lost", 1, 1),
        ("Amazon did not take it", "http_500", 0, 2),
    ],
)
def test_a_lost_feed_amazon_could_not_account_for_is_looked_for_at_the_next_pass(
    sandbox: Sandbox,
    na_account: AmazonAccount,
    ups: Carrier,
    _case: str,
    create_feed_fault: str,
    feeds_at_amazon_after_send: int,
    create_feed_calls: int,
) -> None:
    # given shipments sent in a feed whose answer is lost while getFeeds fails too (six 503s)
    order_ids = _shipment_recorded(sandbox, na_account, ups, count=2)
    sandbox.fault("createFeed", create_feed_fault)
    sandbox.fault("getFeeds", "http_503", times=6)
    _send(na_account, use_feed=True)
    parked = list(OutboundMessage.objects.filter(kind=OutboundKind.SHIPMENT))
    feeds_after_send = len(sandbox.feeds(na_account.seller_id))
    # when Amazon answers again: the next Sync Pickings, Amazon processing, and the one after
    sandbox.clear_faults()
    sync_pickings(na_account, use_feed=True)
    sandbox.advance(180)
    sync_pickings(na_account, use_feed=True)
    # then the messages waited without a feed id, then one feed in all reached Amazon and they are synced
    assert [(m.state, m.feed_id, "lost_feed" in m.payload) for m in parked] == [
        (OutboundState.SENT, "", True)
    ] * 2
    assert feeds_after_send == feeds_at_amazon_after_send
    feeds = sandbox.feeds(na_account.seller_id)
    messages = list(OutboundMessage.objects.filter(kind=OutboundKind.SHIPMENT))
    assert len(feeds) == 1
    assert [(m.state, m.feed_id, "lost_feed" in m.payload) for m in messages] == [
        (OutboundState.SYNCED, feeds[0]["feedId"], False)
    ] * 2
    truth = sandbox.truth(na_account.seller_id)
    assert [truth[order_id]["status"] for order_id in order_ids] == ["Shipped", "Shipped"]
    assert sandbox.calls("createFeed") == create_feed_calls
