"""The account's buttons and the admin actions call the connector's services: effects checked against the
sandbox over HTTP."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from sellersync.amazon.choices import OrderSyncState, OutboundKind, OutboundState, SyncKind, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage, SyncRun
from sellersync.core.models import UserPreference
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder
from tests.amazon.fixtures import Sandbox

pytestmark = pytest.mark.django_db


def _messages(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _developer_mode(admin_user: object) -> None:
    UserPreference.objects.update_or_create(user=admin_user, defaults={"developer_mode": True})  # type: ignore[misc]


def _button(admin_client: Client, name: str, account: AmazonAccount, *args: str) -> HttpResponse:
    return admin_client.post(reverse(f"admin:amazon_amazonaccount_{name}", args=(account.pk, *args)))  # type: ignore[return-value]


def _new_fbm_order(sandbox: Sandbox, account: AmazonAccount) -> str:
    (order_id,) = sandbox.create_orders(account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(1800)
    return order_id


def _recover(admin_client: Client, account: AmazonAccount, amazon_id: str) -> HttpResponse:
    url = reverse("admin:amazon_amazonaccount_recover", args=(account.pk,))
    return admin_client.post(url, {"amazon_order_id": amazon_id})  # type: ignore[return-value]


def test_update_available_marketplaces_reads_them_from_amazon(
    admin_client: Client, na_account: AmazonAccount
) -> None:
    # when
    response = _button(admin_client, "update_marketplaces", na_account)
    # then
    assert response.status_code == 302
    assert sorted(na_account.marketplaces.values_list("country_code", flat=True)) == ["CA", "MX", "US"]


def test_sync_orders_button_creates_the_sales_orders_in_developer_mode(
    admin_client: Client, admin_user: object, na_account: AmazonAccount
) -> None:
    # given
    _developer_mode(admin_user)
    # when
    response = _button(admin_client, "sync", na_account, "orders")
    # then
    run = SyncRun.objects.get(account=na_account)
    created = SalesOrder.objects.filter(amazon_order__account=na_account).count()
    assert response.status_code == 302
    assert (run.kind, run.status) == (SyncKind.ORDERS, SyncRunStatus.SUCCEEDED)
    assert created > 20
    assert run.orders_created == created
    assert _messages(response)[0].startswith(f"Orders: {created} created, 0 updated")


def test_recover_order_creates_the_missing_order(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    amazon_id = _new_fbm_order(sandbox, na_account)
    # when
    response = _recover(admin_client, na_account, amazon_id)
    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=amazon_id)
    assert response.status_code == 302
    assert binding.sales_order is not None
    assert binding.sales_order.client_order_ref == amazon_id
    assert _messages(response) == [f"Order {amazon_id} recovered as {binding.sales_order.name}."]


def test_recover_order_of_an_unknown_reference_says_why(
    admin_client: Client, na_account: AmazonAccount
) -> None:
    # when
    response = _recover(admin_client, na_account, "999-0000000-0000000")
    # then
    assert "not found on Amazon" in _messages(response)[0]
    assert SalesOrder.objects.count() == 0


def test_recover_order_form_rejects_garbage(admin_client: Client, na_account: AmazonAccount) -> None:
    # when
    response = _recover(admin_client, na_account, "<script>")
    # then
    assert response.status_code == 200
    assert "This does not look like an Amazon order reference." in response.content.decode()
    assert AmazonOrder.objects.count() == 0


def test_retry_failed_orders_button_fetches_them_again(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an order bound as failed
    amazon_id = _new_fbm_order(sandbox, na_account)
    AmazonOrder.objects.create(
        account=na_account,
        amazon_id=amazon_id,
        sync_state=OrderSyncState.FAILED,
        last_error="boom",
        attempts=2,
    )
    # when
    response = _button(admin_client, "retry_failed", na_account)
    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=amazon_id)
    assert response.status_code == 302
    assert (binding.sync_state, binding.last_error) == (OrderSyncState.SYNCED, "")
    assert binding.sales_order is not None


def test_sync_cancellations_button_cancels_what_amazon_canceled(
    admin_client: Client, admin_user: object, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a synced unshipped order, then canceled by the buyer on Amazon
    _developer_mode(admin_user)
    amazon_id = _new_fbm_order(sandbox, na_account)
    _recover(admin_client, na_account, amazon_id)
    sandbox.cancel(amazon_id)
    sandbox.advance(300)
    # when
    response = _button(admin_client, "sync", na_account, "cancellations")
    # then
    binding = AmazonOrder.objects.select_related("sales_order").get(account=na_account, amazon_id=amazon_id)
    assert response.status_code == 302
    assert binding.amazon_status == "Canceled"
    assert binding.sales_order is not None and binding.sales_order.state == OrderState.CANCELED


def test_sync_pickings_button_runs_a_pickings_sync(
    admin_client: Client, admin_user: object, na_account: AmazonAccount
) -> None:
    # given
    _developer_mode(admin_user)
    # when
    response = _button(admin_client, "sync", na_account, "pickings")
    # then (nothing pending: a succeeded run that sent nothing; see test_shipments_admin.py)
    run = SyncRun.objects.get(account=na_account)
    assert (run.kind, run.status, run.api_calls) == (SyncKind.PICKINGS, SyncRunStatus.SUCCEEDED, 0)
    assert len(_messages(response)) == 1


def test_cancel_action_on_an_amazon_sales_order_queues_the_notice_to_amazon(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    amazon_id = _new_fbm_order(sandbox, na_account)
    _recover(admin_client, na_account, amazon_id)
    order = SalesOrder.objects.get(client_order_ref=amazon_id)
    # when
    admin_client.post(
        reverse("admin:sales_salesorder_changelist"),
        {"action": "cancel_selected", "_selected_action": [order.pk]},
    )
    # then
    order.refresh_from_db()
    message = OutboundMessage.objects.get()
    assert order.state == OrderState.CANCELED
    assert (message.kind, message.state, message.amazon_order_id) == (
        OutboundKind.CANCELLATION,
        OutboundState.PENDING,
        amazon_id,
    )


def test_retry_action_on_failed_amazon_orders(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given
    amazon_id = _new_fbm_order(sandbox, na_account)
    binding = AmazonOrder.objects.create(
        account=na_account, amazon_id=amazon_id, sync_state=OrderSyncState.FAILED, last_error="boom"
    )
    # when
    response = admin_client.post(
        reverse("admin:amazon_amazonorder_changelist"),
        {"action": "retry_selected", "_selected_action": [binding.pk]},
    )
    # then
    binding.refresh_from_db()
    assert binding.sync_state == OrderSyncState.SYNCED
    assert binding.sales_order is not None
    assert _messages(response) == ["1 order synchronized."]
