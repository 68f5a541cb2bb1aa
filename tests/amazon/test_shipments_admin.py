"""The transfer screen with Amazon: form help, tags, late deadlines, Validate / Retry Amazon Sync / Cancel
actions and the account's Sync Pickings button, against the sandbox over HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon.choices import OutboundKind, OutboundState, SyncKind
from sellersync.amazon.models import AmazonAccount, OutboundMessage, SyncRun
from sellersync.core.models import UserPreference
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_shipments import amazon_status, fbm_orders, picking_of
from tests.stock.fixtures import everything, post_validate_page

pytestmark = pytest.mark.django_db


def _action(admin_client: Client, action: str, *pickings: Picking) -> Any:
    return admin_client.post(
        reverse("admin:stock_picking_changelist"),
        {"action": action, "_selected_action": [picking.pk for picking in pickings]},
        follow=True,
    )


def test_change_form_says_carrier_and_tracking_are_required_and_highlights_a_late_ship_by(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    Picking.objects.filter(pk=picking.pk).update(deadline=timezone.now() - timedelta(hours=1))
    # when
    response = admin_client.get(reverse("admin:stock_picking_change", args=(picking.pk,)))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Required for Amazon orders") == 2
    assert binding.amazon_id in page
    assert 'class="late"' in page


def test_validate_page_confirms_the_shipment_and_the_list_shows_synced_with_amazon(
    admin_client: Client,
    sandbox: Sandbox,
    na_account: AmazonAccount,
) -> None:
    # given a picking with its carrier and tracking entered
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    picking.carrier = Carrier.objects.create(name="USPS")
    picking.tracking_reference = "9400111899223100000000"
    picking.save()
    # when
    post_validate_page(
        admin_client, picking, everything(picking), picking.carrier, picking.tracking_reference
    )
    page = admin_client.get(reverse("admin:stock_picking_changelist")).content.decode()
    # then
    picking.refresh_from_db()
    assert picking.state == PickingState.DONE
    assert OutboundMessage.objects.get().state == OutboundState.SYNCED
    assert "Synced with Amazon" in page
    assert amazon_status(na_account, binding.amazon_id) == "Shipped"


def test_validate_page_without_tracking_is_refused_with_the_reason(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    picking.carrier = Carrier.objects.create(name="USPS")
    picking.save()
    # when
    page = post_validate_page(admin_client, picking, everything(picking), picking.carrier, "")
    # then
    picking.refresh_from_db()
    assert picking.state == PickingState.READY
    assert "enter the tracking reference" in page
    assert not OutboundMessage.objects.exists()


def test_retry_amazon_sync_resends_a_failed_shipment(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a shipment Amazon refused (the order was canceled on Amazon before it reached it)
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    sandbox.cancel(binding.amazon_id)
    carrier = Carrier.objects.create(name="usps")
    post_validate_page(admin_client, picking, everything(picking), carrier, "9400111899223100000001")
    page = admin_client.get(reverse("admin:stock_picking_changelist")).content.decode()
    assert "Amazon Sync Failed" in page
    # when
    page = _action(admin_client, "retry_amazon_sync", picking).content.decode()
    # then it was sent a second time, refused again, and the page says so
    message = OutboundMessage.objects.get()
    assert message.attempts == 2
    assert message.state == OutboundState.FAILED
    assert "only Unshipped or PartiallyShipped can ship" in message.amazon_error
    assert "Amazon Sync Failed. Amazon said:" in page


def test_retry_of_a_failed_shipment_that_amazon_took_finds_it_and_sends_nothing_again(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a shipment shown as failed although the first confirmation did reach Amazon
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    picking.carrier = Carrier.objects.create(name="usps")
    picking.tracking_reference = "9400111899223100000001"
    picking.save()
    post_validate_page(
        admin_client, picking, everything(picking), picking.carrier, picking.tracking_reference
    )
    confirmations_before = sandbox.calls("confirmShipment")
    OutboundMessage.objects.update(state=OutboundState.FAILED, amazon_error="18036: bad tracking")
    page = admin_client.get(reverse("admin:stock_picking_changelist")).content.decode()
    assert "Amazon Sync Failed" in page
    # when
    response = _action(admin_client, "retry_amazon_sync", picking)
    # then Amazon's order already carries the package: the message is synced, not confirmed twice
    message = OutboundMessage.objects.get()
    assert message.state == OutboundState.SYNCED
    assert message.attempts == 1
    assert sandbox.calls("confirmShipment") == confirmations_before
    assert "Synced with Amazon" in response.content.decode()


def test_sync_pickings_button_sends_the_pending_shipments(
    admin_client: Client, admin_user: Any, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a validated picking whose sending did not happen yet
    UserPreference.objects.update_or_create(user=admin_user, defaults={"developer_mode": True})
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    from sellersync.amazon.sync.export_shipments import validate_amazon_picking

    validate_amazon_picking(picking, carrier=Carrier.objects.create(name="UPS"), tracking_ref="1Z0000000001")
    assert OutboundMessage.objects.get().state == OutboundState.PENDING
    # when
    admin_client.post(reverse("admin:amazon_amazonaccount_sync", args=(na_account.pk, "pickings")))
    # then
    run = SyncRun.objects.get(kind=SyncKind.PICKINGS)
    assert (run.orders_updated, run.orders_failed) == (1, 0)
    assert OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT).state == OutboundState.SYNCED
