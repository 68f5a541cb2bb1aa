"""Failed orders are never stuck nor silently dropped: any successful look clears a failure, and an order
failing past the bound needs attention, listed with its last error (over real HTTP, against the sandbox)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sellersync.amazon.choices import OrdersApi, OrderSyncState, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.selectors import failed_orders_due, orders_needing_attention
from sellersync.amazon.services import recover_order, retry_failed_orders
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.sales.models import SalesOrder
from tests.amazon.fixtures import Sandbox

API_VERSIONS = [pytest.param(OrdersApi.V2026, id="2026"), pytest.param(OrdersApi.V0, id="v0")]


def new_order(sandbox: Sandbox, account: AmazonAccount, **options: Any) -> str:
    """One order created on the sandbox, the clock moved until it reached its planned status."""
    (order_id,) = sandbox.create_orders(account.seller_id, 1, **options)
    sandbox.advance(6 * 3600)
    return order_id


def fail_by_id(sandbox: Sandbox, account: AmazonAccount, order_id: str, times: int = 1) -> AmazonOrder:
    """Fetch the order by id while the sandbox serves it malformed (a non-numeric amount)."""
    operation = "getOrders" if account.orders_api == OrdersApi.V0 else "getOrder"
    sandbox.fault(operation, "invalid_order", times)
    return recover_order(account, order_id)


def use_api(account: AmazonAccount, orders_api: str) -> None:
    account.orders_api = orders_api
    account.save(update_fields=["orders_api"])


@pytest.mark.django_db
@pytest.mark.parametrize("orders_api", API_VERSIONS)
def test_a_booked_order_whose_bad_copy_failed_once_is_synchronized_again_by_the_next_look(
    sandbox: Sandbox, na_account: AmazonAccount, orders_api: str
) -> None:
    # given a booked FBM order, then a malformed copy of the same version fetched once
    use_api(na_account, orders_api)
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    booked = recover_order(na_account, order_id)
    failed = fail_by_id(sandbox, na_account, order_id)
    assert (booked.sync_state, failed.sync_state, failed.attempts) == ("synced", "failed", 1)

    # when
    run = retry_failed_orders(na_account)

    # then the same version seen again (unchanged) clears the failure
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.orders_unchanged, run.orders_failed, run.orders_created) == (1, 0, 0)
    assert binding.sync_state == OrderSyncState.SYNCED
    assert (binding.attempts, binding.last_error, binding.next_retry_at, binding.failed_since) == (
        0,
        "",
        None,
        None,
    )
    assert binding.sales_order_id == booked.sales_order_id is not None
    assert SalesOrder.objects.filter(client_order_ref=order_id).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("orders_api", API_VERSIONS)
@pytest.mark.parametrize("status", ["Pending", "Unshipped"])
def test_an_order_that_failed_then_was_canceled_is_settled_by_the_retry_and_books_nothing(
    sandbox: Sandbox, na_account: AmazonAccount, orders_api: str, status: str
) -> None:
    # given an FBM order that failed, then canceled by Amazon
    use_api(na_account, orders_api)
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status=status)
    failed = fail_by_id(sandbox, na_account, order_id)
    assert (failed.sync_state, failed.sales_order_id) == (OrderSyncState.FAILED, None)
    sandbox.cancel(order_id, by="amazon")
    sandbox.advance(300)

    # when
    run = retry_failed_orders(na_account)

    # then it is settled: synchronized as canceled, nothing booked, never due for a retry again
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    far_future = timezone.now() + timedelta(days=365)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.orders_unchanged, run.orders_failed) == (1, 0)
    assert (binding.sync_state, binding.amazon_status, binding.sales_order_id) == ("synced", "Canceled", None)
    assert (binding.attempts, binding.last_error, binding.next_retry_at) == (0, "", None)
    assert not failed_orders_due(na_account, far_future).exists()
    assert not SalesOrder.objects.filter(client_order_ref=order_id).exists()


@pytest.mark.django_db
def test_an_order_failing_again_and_again_needs_attention_and_is_retried_only_by_hand(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an FBM order served malformed 10 times: the first fetch and 9 retries fail
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    fail_by_id(sandbox, na_account, order_id, times=10)
    states = []
    for _attempt in range(9):
        retry_failed_orders(na_account)
        states.append(AmazonOrder.objects.get(account=na_account, amazon_id=order_id).sync_state)

    # then the 10th failure stops the automatic retries; the order is listed with its last error
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert states == ["failed"] * 8 + ["attention"]
    assert (binding.attempts, binding.next_retry_at, binding.sales_order_id) == (10, None, None)
    assert "unitPrice" in binding.last_error
    assert list(orders_needing_attention(na_account)) == [binding]
    assert binding.get_sync_state_display() == "Needs attention"

    # when the scheduled retry comes, even much later
    later = timezone.now() + timedelta(days=30)
    calls_before = sandbox.calls("getOrder")
    scheduled = retry_failed_orders(na_account, now=later, due_only=True)

    # then it does not fetch it
    assert not failed_orders_due(na_account, later).exists()
    assert (scheduled.orders_failed, scheduled.orders_created, scheduled.api_calls) == (0, 0, 0)
    assert sandbox.calls("getOrder") == calls_before

    # when the seller presses Retry (Amazon serves it well now)
    by_hand = retry_failed_orders(na_account)

    # then it is booked and no longer needs attention
    binding.refresh_from_db()
    assert (by_hand.orders_created, by_hand.orders_failed) == (1, 0)
    assert binding.sync_state == OrderSyncState.SYNCED and binding.sales_order is not None
    assert (binding.attempts, binding.failed_since) == (0, None)
    assert not orders_needing_attention(na_account).exists()


@pytest.mark.django_db
def test_an_order_failing_for_more_than_three_days_needs_attention_at_its_next_failure(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an order whose failures began 3 days and a minute ago
    order_id = new_order(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    first = fail_by_id(sandbox, na_account, order_id)
    assert first.sync_state == OrderSyncState.FAILED and first.failed_since is not None
    began = timezone.now() - timedelta(days=3, minutes=1)
    AmazonOrder.objects.filter(pk=first.pk).update(failed_since=began)

    # when it fails once more
    second = fail_by_id(sandbox, na_account, order_id)

    # then
    assert (second.sync_state, second.attempts, second.next_retry_at) == ("attention", 2, None)
    assert second.failed_since == began
    assert list(orders_needing_attention(na_account)) == [second]


@pytest.mark.django_db
def test_v0_order_whose_items_amazon_cannot_serve_fails_alone_and_the_retry_books_it(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an account on v0, and getOrderItems answering 500 more often than the client retries
    use_api(na_account, OrdersApi.V0)
    sandbox.fault("getOrderItems", "http_500", times=6)

    # when
    run = sync_orders(na_account)

    # then the run goes on: that one order failed, with what Amazon answered, the others are booked
    failed = AmazonOrder.objects.get(account=na_account, sync_state=OrderSyncState.FAILED)
    na_account.refresh_from_db()
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert run.orders_failed == 1 and run.orders_created > 20
    assert "getOrderItems" in failed.last_error and failed.sales_order_id is None
    assert na_account.last_order_sync == run.window_end

    # when the failed order is retried (Amazon serves its items again)
    retry = retry_failed_orders(na_account)

    # then it is in the books as Amazon has it now, once (the window books FBA Shipped and FBM orders)
    failed.refresh_from_db()
    truth = sandbox.truth(na_account.seller_id)[failed.amazon_id]
    assert (retry.orders_failed, failed.sync_state) == (0, OrderSyncState.SYNCED)
    booked = truth["status"] != "Canceled"  # the window brings Shipped, Unshipped and Canceled orders
    assert failed.amazon_status == truth["status"]
    assert SalesOrder.objects.filter(client_order_ref=failed.amazon_id).count() == int(booked)
    if booked:
        assert failed.sales_order is not None
        assert str(failed.sales_order.amount_total) == truth["order_total"]
