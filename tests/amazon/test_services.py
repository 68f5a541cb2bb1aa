"""Connector services: local cancellation, Recover Order, marketplaces, backoff, erasing buyer data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sellersync.amazon import retention, services
from sellersync.amazon.choices import OrderSyncState, OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonOrderEvent, OutboundMessage
from sellersync.amazon.sync.failures import retry_delay
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.sales.choices import OrderState
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Picking
from tests.amazon.fixtures import Sandbox


@pytest.mark.django_db
def test_local_cancel_cancels_the_order_and_its_delivery_and_queues_one_message_for_amazon(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a synced unshipped FBM order
    (order_id,) = sandbox.create_orders(
        na_account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(3600)
    sync_orders(na_account)
    order = AmazonOrder.objects.get(account=na_account, amazon_id=order_id).sales_order
    assert order is not None

    # when canceled locally (twice: the second changes nothing)
    services.cancel_sales_order(order, "Out of stock")

    # then
    order.refresh_from_db()
    message = OutboundMessage.objects.get(account=na_account)
    assert order.state == OrderState.CANCELED
    assert Picking.objects.get(sales_order=order).state == PickingState.CANCELED
    assert (message.kind, message.state, message.reference) == (
        OutboundKind.CANCELLATION,
        OutboundState.PENDING,
        f"sale:{order.pk}",
    )
    assert message.amazon_order_id == order_id


@pytest.mark.django_db
def test_recover_order_fetches_an_order_outside_the_window(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an order the cursor has already passed
    (order_id,) = sandbox.create_orders(
        na_account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(3600)
    na_account.last_order_sync = timezone.now() + timedelta(days=30)
    na_account.save()

    # when
    binding = services.recover_order(na_account, f" {order_id} ")

    # then
    assert binding.sync_state == OrderSyncState.SYNCED
    assert binding.sales_order is not None
    assert binding.sales_order.client_order_ref == order_id
    assert binding.amazon_status == "Unshipped"


@pytest.mark.django_db
def test_recover_order_of_an_unknown_reference_marks_it_failed(na_account: AmazonAccount) -> None:
    # when
    binding = services.recover_order(na_account, "999-0000000-0000000")

    # then
    assert binding.sync_state == OrderSyncState.FAILED
    assert binding.sales_order is None
    assert "999-0000000-0000000" in binding.last_error


@pytest.mark.django_db
def test_update_marketplaces_reads_the_sellers_participations(na_account: AmazonAccount) -> None:
    # when
    marketplaces = services.update_marketplaces(na_account)

    # then
    assert {(m.marketplace_id, m.currency_code) for m in marketplaces} == {
        ("ATVPDKIKX0DER", "USD"),
        ("A2EUQ1WTGCTBG2", "CAD"),
        ("A1AM78C64UM0Y8", "MXN"),
    }
    assert all(m.is_synchronized for m in marketplaces)


@pytest.mark.django_db
def test_a_second_registration_of_the_seller_does_not_take_synchronized_marketplaces(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given the seller's marketplaces synchronized by a first account
    from tests.amazon.fixtures import make_account

    services.update_marketplaces(na_account)
    second = make_account(sandbox, na_account.company, "NA", name="Amazon NA bis")

    # when
    marketplaces = services.update_marketplaces(second)

    # then
    assert len(marketplaces) == 3
    assert not any(m.is_synchronized for m in marketplaces)


def test_retry_backoff_doubles_and_is_capped() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert retry_delay(30) == timedelta(hours=12)


@pytest.mark.django_db
def test_erase_buyer_data_of_a_company_keeps_the_pii_free_payload(na_account: AmazonAccount) -> None:
    # given synced orders with buyer data
    sync_orders(na_account)
    with_pii = AmazonOrderEvent.objects.exclude(buyer_data="").count()
    assert with_pii > 0

    # when
    erased = retention.erase_buyer_data(company_id=na_account.company_id)

    # then
    assert erased == with_pii
    assert not AmazonOrderEvent.objects.exclude(buyer_data="").exists()
    assert all(event.payload for event in AmazonOrderEvent.objects.all())


@pytest.mark.django_db
def test_client_for_account_without_credentials_refuses(na_account: AmazonAccount) -> None:
    na_account.refresh_token = ""
    with pytest.raises(services.AccountNotLinked):
        services.client_for_account(na_account)


@pytest.mark.django_db
def test_sync_cancellations_cancels_an_open_order_canceled_on_amazon_outside_the_window(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a synced unshipped order canceled on Amazon, and a cursor moved past it by hand
    from sellersync.amazon.sync.import_cancellations import open_bindings, sync_cancellations

    (order_id,) = sandbox.create_orders(na_account.seller_id, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(3600)
    sync_orders(na_account)
    sandbox.cancel(order_id)
    sandbox.advance(300)
    na_account.last_order_sync = timezone.now() + timedelta(days=30)
    na_account.save()
    assert order_id in open_bindings(na_account)

    # when
    run = sync_cancellations(na_account)

    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert run.status == "succeeded", run.error
    assert binding.amazon_status == "Canceled"
    assert binding.sales_order is not None and binding.sales_order.state == OrderState.CANCELED
    assert order_id not in open_bindings(na_account)
