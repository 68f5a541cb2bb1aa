"""The gap audit over HTTP against the sandbox: orders the regular sync never saw (its cursor was moved past
them) and orders whose binding is behind Amazon are found, fetched and applied once; counts are recorded.

The sandbox's clock stands still between `advance` calls (time scale 0, rate-limit buckets refilled 3600
times faster), so Amazon's truth read through its control API does not move under the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon import tasks
from sellersync.amazon.choices import SyncKind, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderAudit
from sellersync.amazon.sync.audit_orders import audit_orders
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Company, UserPreference
from sellersync.sales.models import SalesOrder
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.amazon.fixtures import TIME_SCALE, Sandbox, make_account

pytestmark = pytest.mark.django_db

LISTED = ("Unshipped", "PartiallyShipped", "Shipped", "Canceled")


@pytest.fixture
def still_sandbox(settings: Any) -> Iterator[Sandbox]:
    settings.SPAPI_TIME_SCALE = TIME_SCALE
    settings.REDIS_URL = ""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    app = create_app(seed=42, time_scale=0, rate_time_scale=TIME_SCALE, start_time=start)
    with serve_in_thread(app) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        yield box
        box.http.close()


@pytest.fixture
def account(still_sandbox: Sandbox, company: Company) -> AmazonAccount:
    return make_account(still_sandbox, company, "NA")


def _amazon_now(sandbox: Sandbox) -> datetime:
    return datetime.fromisoformat(sandbox.http.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))


def _move_cursor_past_everything(sandbox: Sandbox, account: AmazonAccount) -> None:
    """What a user does when moving Last Order Sync forward: the next window starts after these orders."""
    account.last_order_sync = _amazon_now(sandbox) - timedelta(minutes=2)
    account.save(update_fields=["last_order_sync"])


def _gaps(sandbox: Sandbox, account: AmazonAccount) -> tuple[set[str], set[str]]:
    """By hand, from Amazon's truth and the bindings: (missing, behind) as the audit should find them."""
    listed_until = _amazon_now(sandbox) - timedelta(minutes=2)
    truth = [
        order
        for order in sandbox.truth(account.seller_id).values()
        if order["status"] in LISTED
        and datetime.fromisoformat(order["last_update"].replace("Z", "+00:00")) <= listed_until
    ]
    applied = dict(AmazonOrder.objects.filter(account=account).values_list("amazon_id", "amazon_updated_at"))
    shipped_outside = ("Shipped", "PartiallyShipped")
    missing = {
        o["order_id"]
        for o in truth
        if o["order_id"] not in applied
        and o["status"] != "Canceled"
        and (
            account.book_orders_shipped_outside
            or o["fulfillment_channel"] == "AFN"
            or o["status"] not in shipped_outside
        )
    }
    behind = {
        o["order_id"]
        for o in truth
        if o["order_id"] in applied
        and applied[o["order_id"]] < datetime.fromisoformat(o["last_update"].replace("Z", "+00:00"))
    }
    return missing, behind


def test_the_audit_books_orders_the_cursor_skipped_and_updates_those_behind(
    still_sandbox: Sandbox, account: AmazonAccount
) -> None:
    sandbox = still_sandbox
    # given the account in step with Amazon
    first = sync_orders(account)
    assert first.status == SyncRunStatus.SUCCEEDED and first.orders_created > 0
    bound_fbm = AmazonOrder.objects.filter(account=account, amazon_status="Unshipped").first()
    assert bound_fbm is not None
    # and then, unseen by the regular sync (the cursor moved past them): three new FBM orders, two FBA
    # orders shipped, and a bound FBM order canceled by its buyer
    new_fbm = sandbox.create_orders(account.seller_id, 3, fulfillment_channel="MFN", status="Unshipped")
    new_fba = sandbox.create_orders(account.seller_id, 2, fulfillment_channel="AFN", status="Shipped")
    sandbox.cancel(bound_fbm.amazon_id)
    sandbox.advance(6 * 3600)  # FBA orders ship 30 minutes to 5 hours after purchase
    _move_cursor_past_everything(sandbox, account)
    sync_orders(account)
    unseen = not AmazonOrder.objects.filter(amazon_id__in=new_fbm + new_fba).exists()
    stale = AmazonOrder.objects.get(pk=bound_fbm.pk).amazon_status
    missing, behind = _gaps(sandbox, account)
    # when the audit runs
    audit = audit_orders(account)
    # then the new orders were missing, the canceled one behind; all of them are repaired, once
    assert (unseen, stale) == (True, "Unshipped")
    assert set(new_fbm + new_fba) <= missing
    assert bound_fbm.amazon_id in behind
    assert (audit.status, audit.error) == (SyncRunStatus.SUCCEEDED, "")
    assert (audit.missing_found, audit.behind_found) == (len(missing), len(behind))
    # whatever the apply rules leave as it is (e.g. FBM orders shipped before the first sync, when apply does
    # not book them) is counted apart; nothing failed
    assert (audit.repaired + audit.unchanged, audit.failed) == (len(missing) + len(behind), 0)
    assert audit.repaired >= len(new_fbm + new_fba) + 1
    assert audit.orders_checked >= len(missing) + len(behind)
    assert audit.sync_run is not None and audit.sync_run.kind == SyncKind.AUDIT
    for amazon_id in new_fbm + new_fba:
        binding = AmazonOrder.objects.get(account=account, amazon_id=amazon_id)
        assert binding.sales_order is not None
        assert SalesOrder.objects.filter(pk=binding.sales_order_id).count() == 1
    bound_fbm.refresh_from_db()
    assert bound_fbm.amazon_status == "Canceled"
    assert bound_fbm.sales_order is not None and bound_fbm.sales_order.state == "canceled"
    missing_after, behind_after = _gaps(sandbox, account)
    assert (missing_after & set(new_fbm + new_fba), behind_after) == (set(), set())


def test_a_second_audit_finds_nothing_and_books_nothing_twice(
    still_sandbox: Sandbox, account: AmazonAccount
) -> None:
    # given new orders the regular sync never saw, repaired by a first audit
    still_sandbox.create_orders(account.seller_id, 4, fulfillment_channel="MFN", status="Unshipped")
    still_sandbox.advance(900)
    sync_orders(account)
    new = still_sandbox.create_orders(account.seller_id, 2, fulfillment_channel="MFN", status="Unshipped")
    still_sandbox.advance(3600)
    _move_cursor_past_everything(still_sandbox, account)
    first = audit_orders(account)
    orders_after_first = SalesOrder.objects.count()
    # when the audit runs again
    second = audit_orders(account)
    # then the first booked the two orders; the second checked the same orders and repaired nothing
    assert first.repaired >= 2
    assert (
        AmazonOrder.objects.filter(account=account, amazon_id__in=new, sales_order__isnull=False).count() == 2
    )
    assert (second.orders_checked, second.behind_found, second.repaired) == (first.orders_checked, 0, 0)
    assert second.missing_found == second.unchanged == first.unchanged  # only what apply does not book
    assert SalesOrder.objects.count() == orders_after_first
    assert OrderAudit.objects.filter(account=account).count() == 2


def test_an_audit_amazon_does_not_answer_is_recorded_failed_with_the_reason(
    still_sandbox: Sandbox, account: AmazonAccount
) -> None:
    # given Amazon answering 503 to every getOrders (more than the client retries)
    still_sandbox.fault("getOrders", "http_503", times=10)
    # when the audit runs
    audit = audit_orders(account)
    # then it is recorded as failed, with Amazon's error, and nothing was repaired
    assert audit.status == SyncRunStatus.FAILED
    assert audit.error.startswith("ServerError: orders_v0.getOrders failed with HTTP 503")
    assert (audit.orders_checked, audit.repaired) == (0, 0)
    assert audit.finished_at is not None


def test_the_daily_task_audits_each_active_linked_account_once(
    still_sandbox: Sandbox, account: AmazonAccount, company: Company, immediate_huey: None
) -> None:
    # given an active linked account, an inactive one and one without credentials (Huey immediate)
    inactive = make_account(still_sandbox, company, "EU", name="Amazon EU off")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    AmazonAccount.objects.create(name="Not linked", company=company, seller_id="A0")
    # when the daily tick comes
    audited = tasks.audit_all_accounts.call_local()
    # then only the active linked account was audited, and its audit is recorded
    assert audited == [account.pk]
    assert list(OrderAudit.objects.values_list("account_id", "status")) == [
        (account.pk, SyncRunStatus.SUCCEEDED)
    ]


def test_audit_now_is_refused_outside_developer_mode_and_reports_the_audit_in_it(
    admin_client: Client, admin_user: Any, account: AmazonAccount
) -> None:
    url = reverse("admin:amazon_amazonaccount_audit", args=(account.pk,))
    # when pressed without developer mode, then with it
    refused = admin_client.post(url)
    UserPreference.objects.update_or_create(user=admin_user, defaults={"developer_mode": True})
    done = admin_client.post(url)
    page = admin_client.get(reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    # then the first is refused and nothing audited; the second audits, says so and the page lists it
    audit = OrderAudit.objects.get(account=account)
    notes = [str(message) for message in get_messages(done.wsgi_request)]  # type: ignore[attr-defined]
    assert (refused.status_code, done.status_code) == (403, 302)
    assert notes == [
        f"Gap audit: {audit.orders_checked} orders checked, {audit.missing_found} missing, "
        f"{audit.behind_found} behind, {audit.repaired} repaired, 0 failed ({audit.api_calls} API calls)."
    ]
    assert audit.orders_checked > 10
    assert page.content.decode().count('class="order-audit"') == 1
