"""FBM shipments and cancellations sent in order feeds, against the sandbox over HTTP: the processing
report read back, Amazon's errors on the right transfer, the summary e-mail, Retry, unspecified failures."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from sellersync.amazon import services
from sellersync.amazon.choices import OutboundKind, OutboundState, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.amazon.sync.export_cancellations import cancel_amazon_backorder
from sellersync.amazon.sync.export_shipments import retry_shipment, validate_amazon_picking
from sellersync.amazon.sync.pickings import sync_pickings
from sellersync.stock.models import Carrier
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_shipments import amazon_status, fbm_orders, picking_of, responsible

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds_always(settings: Any) -> None:
    settings.AMAZON_SHIPMENT_FEED_THRESHOLD = 0  # every pending shipment goes in a feed


@pytest.fixture
def dhl() -> Carrier:
    return Carrier.objects.create(name="DHL")


def _feed_processed(sandbox: Sandbox) -> None:
    sandbox.advance(180)  # Amazon (the sandbox) processes a feed in 2 simulated minutes


def test_wrong_tracking_number_fails_with_amazons_text_mails_the_team_and_retry_succeeds(
    sandbox: Sandbox, na_account: AmazonAccount, dhl: Carrier, feeds_always: None
) -> None:
    # given two shipments, one with a tracking number Amazon refuses
    responsible(na_account, "ops@example.com")
    good, bad = fbm_orders(sandbox, na_account, 2)
    validate_amazon_picking(picking_of(good), carrier=dhl, tracking_ref="JD014600003828")
    bad_picking = picking_of(bad)
    validate_amazon_picking(bad_picking, carrier=dhl, tracking_ref="0000")
    sync_pickings(na_account)  # one feed with both
    _feed_processed(sandbox)
    # when the report is read
    run = sync_pickings(na_account)
    # then
    refused = OutboundMessage.objects.get(reference=f"picking:{bad_picking.pk}")
    accepted = OutboundMessage.objects.get(amazon_order_id=good.amazon_id)
    assert (run.status, run.orders_updated, run.orders_failed) == (SyncRunStatus.SUCCEEDED, 1, 1)
    assert accepted.state == OutboundState.SYNCED
    assert refused.state == OutboundState.FAILED
    assert refused.amazon_error.startswith("18036: The tracking number '0000' is not valid for carrier DHL")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert bad_picking.reference in mail.outbox[0].body and "'0000' is not valid" in mail.outbox[0].body
    assert good.amazon_id not in mail.outbox[0].body
    assert amazon_status(na_account, bad.amazon_id) == "Unshipped"

    # when the tracking reference is corrected and Retry Amazon Sync pressed
    bad_picking.tracking_reference = "JD014600003829"
    bad_picking.save(update_fields=["tracking_reference"])
    retry_shipment(bad_picking)
    sync_pickings(na_account)
    _feed_processed(sandbox)
    sync_pickings(na_account)
    # then
    refused.refresh_from_db()
    assert (refused.state, refused.amazon_error, refused.attempts) == (OutboundState.SYNCED, "", 2)
    assert refused.payload["tracking_number"] == "JD014600003829"
    assert amazon_status(na_account, bad.amazon_id) == "Shipped"
    assert len(mail.outbox) == 1


def test_report_with_unspecified_failures_fails_every_shipment_of_the_feed(
    sandbox: Sandbox, na_account: AmazonAccount, dhl: Carrier, feeds_always: None
) -> None:
    # given three shipments, one wrong, and a report that will not say which
    responsible(na_account)
    orders = fbm_orders(sandbox, na_account, 3)
    for binding, tracking in zip(orders, ("JD0001000001", "JD0001000002", "1"), strict=True):
        validate_amazon_picking(picking_of(binding), carrier=dhl, tracking_ref=tracking)
    sandbox.fault("createFeed", "feed_unspecified_errors")
    sync_pickings(na_account)
    _feed_processed(sandbox)
    # when
    run = sync_pickings(na_account)
    # then
    states = list(OutboundMessage.objects.values_list("state", flat=True))
    assert states == [OutboundState.FAILED] * 3
    assert run.orders_failed == 3
    assert all("without saying which" in m.amazon_error for m in OutboundMessage.objects.all())
    assert len(mail.outbox) == 1
    assert all(picking_of_ref in mail.outbox[0].body for picking_of_ref in _picking_refs())


def _picking_refs() -> list[str]:
    return [str(m.payload["picking"]) for m in OutboundMessage.objects.all()]


def test_many_pending_shipments_go_in_one_feed(
    sandbox: Sandbox, na_account: AmazonAccount, dhl: Carrier, settings: Any
) -> None:
    # given more pending shipments than the confirmShipment threshold
    settings.AMAZON_SHIPMENT_FEED_THRESHOLD = 2
    for index, binding in enumerate(fbm_orders(sandbox, na_account, 3)):
        validate_amazon_picking(picking_of(binding), carrier=dhl, tracking_ref=f"JD00020000{index}")
    # when (the clock stopped: the feed is still being processed after the run)
    sandbox.stop_clock()
    sync_pickings(na_account)
    # then
    feed_ids = set(OutboundMessage.objects.values_list("feed_id", flat=True))
    assert len(feed_ids) == 1 and "" not in feed_ids
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {OutboundState.SENT}
    assert sandbox.calls("createFeed") == 1
    assert sandbox.calls("confirmShipment") == 0


def test_local_cancellation_of_an_unshipped_order_is_sent_and_amazon_cancels_it(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    (binding,) = fbm_orders(sandbox, na_account)
    assert binding.sales_order is not None
    services.cancel_sales_order(binding.sales_order, "Out of stock")
    # when
    sync_pickings(na_account)
    _feed_processed(sandbox)
    sync_pickings(na_account)
    # then
    message = OutboundMessage.objects.get(kind=OutboundKind.CANCELLATION)
    assert message.state == OutboundState.SYNCED
    assert message.payload["cancel_reason"] == "NoInventory"
    assert message.payload["channel"] == "POST_ORDER_ACKNOWLEDGEMENT_DATA"
    assert len(message.payload["items"]) >= 1
    assert amazon_status(na_account, binding.amazon_id) == "Canceled"


def test_cancelling_a_shipped_order_is_refused_by_amazon(
    sandbox: Sandbox, na_account: AmazonAccount, dhl: Carrier
) -> None:
    # given an order shipped in full, then canceled locally by mistake (a queued cancellation)
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    validate_amazon_picking(picking, carrier=dhl, tracking_ref="JD0003000001")
    sync_pickings(na_account)
    OutboundMessage.objects.create(
        account=na_account,
        kind=OutboundKind.CANCELLATION,
        reference="sale:test",
        amazon_order_id=binding.amazon_id,
        payload={"amazon_order_id": binding.amazon_id, "reason": "BuyerCanceled"},
    )
    # when
    sync_pickings(na_account)
    _feed_processed(sandbox)
    sync_pickings(na_account)
    # then
    message = OutboundMessage.objects.get(kind=OutboundKind.CANCELLATION)
    assert message.state == OutboundState.FAILED
    assert "already been shipped" in message.amazon_error
    assert message.payload["cancel_reason"] == "BuyerCanceled"
    assert amazon_status(na_account, binding.amazon_id) == "Shipped"


def test_cancelling_a_backorder_queues_a_cancellation_of_its_remaining_items(
    sandbox: Sandbox, na_account: AmazonAccount, dhl: Carrier
) -> None:
    # given a partial shipment and its backorder
    for binding in fbm_orders(sandbox, na_account, 8):
        picking = picking_of(binding)
        moves = list(picking.moves.order_by("pk"))
        if sum(move.quantity for move in moves) >= 2:
            break
    else:
        raise AssertionError("the sandbox made no FBM order with two units or more")
    quantities = {moves[0].pk: moves[0].quantity - 1 or 1, **{m.pk: m.quantity * 0 for m in moves[1:]}}
    result = validate_amazon_picking(picking, quantities, carrier=dhl, tracking_ref="JD0004000001")
    assert result.backorder is not None
    remaining = sum(int(move.quantity) for move in result.backorder.moves.all())
    # when
    message = cancel_amazon_backorder(result.backorder, "No inventory")
    # then
    result.backorder.refresh_from_db()
    assert result.backorder.state == "canceled"
    assert (message.kind, message.state, message.reference) == (
        OutboundKind.CANCELLATION,
        OutboundState.PENDING,
        f"picking:{result.backorder.pk}",
    )
    assert sum(item["quantity"] for item in message.payload["items"]) == remaining
