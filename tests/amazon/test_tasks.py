"""Huey tasks (immediate mode): the periodic tick syncs due accounts; one sync per account at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sellersync.amazon import locks, tasks
from sellersync.amazon.choices import SyncKind
from sellersync.amazon.models import AmazonAccount, SyncRun


@pytest.mark.django_db
def test_tick_syncs_an_account_never_synced_and_not_one_synced_within_its_interval(
    immediate_huey: None, na_account: AmazonAccount
) -> None:
    # when
    first = tasks.enqueue_due_accounts.call_local()
    second = tasks.enqueue_due_accounts.call_local()

    # then
    assert first == [na_account.pk]
    assert second == []
    assert SyncRun.objects.filter(account=na_account, kind=SyncKind.ORDERS).count() == 1


@pytest.mark.django_db
def test_tick_syncs_again_once_the_interval_has_elapsed(
    immediate_huey: None, na_account: AmazonAccount
) -> None:
    # given a run started longer ago than the interval
    run = SyncRun.objects.create(account=na_account, kind=SyncKind.ORDERS)
    SyncRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=31))

    # when
    due = tasks.enqueue_due_accounts.call_local()

    # then
    assert due == [na_account.pk]


@pytest.mark.django_db
def test_sync_account_is_skipped_while_another_sync_of_the_account_holds_the_lock(
    immediate_huey: None, na_account: AmazonAccount
) -> None:
    # given the account's lock held
    with locks.hold(tasks.account_lock_name(na_account.pk)):
        # when
        tasks.sync_account(na_account.pk)

    # then
    assert not SyncRun.objects.filter(account=na_account).exists()


@pytest.mark.django_db
def test_daily_erase_keeps_buyer_data_within_retention_and_erases_it_past_it(
    na_account: AmazonAccount,
) -> None:
    # given synced orders with buyer data, received 10 days ago for some, and a 30-day retention
    from sellersync.amazon.models import AmazonOrderEvent
    from sellersync.amazon.sync.import_orders import sync_orders

    sync_orders(na_account)
    with_pii = list(AmazonOrderEvent.objects.exclude(buyer_data="").order_by("pk"))
    assert len(with_pii) >= 2
    old = with_pii[: len(with_pii) // 2]
    AmazonOrderEvent.objects.filter(pk__in=[e.pk for e in old]).update(
        received_at=timezone.now() - timedelta(days=31)
    )
    na_account.company.pii_retention_days = 30
    na_account.company.save(update_fields=["pii_retention_days"])

    # when
    erased = tasks.erase_expired_buyer_data.call_local()

    # then only the versions past the retention period lost their buyer data
    assert erased == len(old)
    assert AmazonOrderEvent.objects.exclude(buyer_data="").count() == len(with_pii) - len(old)
