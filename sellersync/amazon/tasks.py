"""Huey tasks of the Amazon connector: thin, take ids, call services; one sync per account at a time."""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sellersync.amazon import locks, retention, selectors, services
from sellersync.amazon.choices import SyncRunStatus
from sellersync.amazon.models import AmazonAccount, OrderBackfill
from sellersync.amazon.sync.backfill import BackfillBusy, run_backfill
from sellersync.amazon.sync.import_orders import sync_orders

logger = logging.getLogger(__name__)


def account_lock_name(account_id: int) -> str:
    return f"amazon-sync-{account_id}"


@db_periodic_task(crontab(minute="*"))
def enqueue_due_accounts() -> list[int]:
    """Every minute: enqueue a sync for each account whose interval has elapsed."""
    due = [account.pk for account in selectors.accounts_due(timezone.now())]
    for account_id in due:
        sync_account(account_id)
    return due


@db_task()
def sync_account(account_id: int) -> None:
    """Synchronize one account's orders, then retry its failed orders whose backoff elapsed."""
    try:
        with locks.hold(account_lock_name(account_id)):
            account = AmazonAccount.objects.get(pk=account_id)
            sync_orders(account)
            if selectors.failed_orders_due(account, timezone.now()).exists():
                services.retry_failed_orders(account, due_only=True)
    except locks.LockBusy:
        logger.info("account %s is already being synchronized; skipped", account_id)


@db_task()
def retry_failed_account_orders(account_id: int) -> None:
    """The Retry button, in the background: fetch every failed order of the account again."""
    try:
        with locks.hold(account_lock_name(account_id)):
            services.retry_failed_orders(AmazonAccount.objects.get(pk=account_id))
    except locks.LockBusy:
        logger.info("account %s is already being synchronized; retry skipped", account_id)


def audit_lock_name(account_id: int) -> str:
    return f"amazon-audit-{account_id}"


@db_periodic_task(crontab(hour="4", minute="7"))
def audit_all_accounts() -> list[int]:
    """Daily: a gap audit for each active, linked account (Amazon's order ids against the bindings)."""
    account_ids = [account.pk for account in selectors.accounts_to_audit()]
    for account_id in account_ids:
        audit_account(account_id)
    return account_ids


@db_task()
def audit_account(account_id: int) -> None:
    """One account's gap audit; its own lock (the regular sync may run meanwhile: applying is idempotent)."""
    from sellersync.amazon.sync.audit_orders import audit_orders

    try:
        with locks.hold(audit_lock_name(account_id)):
            audit_orders(AmazonAccount.objects.get(pk=account_id))
    except locks.LockBusy:
        logger.info("account %s is already being audited; skipped", account_id)


@db_task()
def backfill_account(account_id: int, since: str) -> None:
    """Import the account's order history since `since` (ISO date) through order reports, resuming the
    unfinished backfill from that date. Its own lock: the regular sync goes on meanwhile."""
    try:
        run_backfill(AmazonAccount.objects.get(pk=account_id), date.fromisoformat(since))
    except BackfillBusy:
        logger.info("account %s is already importing its history; skipped", account_id)


@db_periodic_task(crontab(minute="*/10"))
def resume_backfills() -> list[int]:
    """Every 10 minutes: backfills left running by a worker that stopped are resumed (a running one is
    skipped by its lock). A backfill that failed waits for the user to run it again."""
    running = OrderBackfill.objects.filter(status=SyncRunStatus.RUNNING, account__is_active=True)
    resumed = []
    for backfill in running.order_by("pk"):
        backfill_account(backfill.account_id, backfill.since.isoformat())
        resumed.append(backfill.pk)
    return resumed


@db_periodic_task(crontab(hour="3", minute="17"))
def erase_expired_buyer_data() -> int:
    """Daily: erase buyer data kept longer than each company's retention period."""
    return retention.erase_buyer_data()


@db_periodic_task(crontab(minute="*/15"))
def sync_pending_pickings() -> list[int]:
    """Every 15 minutes: read feed results and send pending shipments/cancellations, per account."""
    from sellersync.amazon.sync.pickings import sync_pickings

    account_ids = list(selectors.accounts_with_outbound_work().values_list("pk", flat=True))
    for account_id in account_ids:
        try:
            with locks.hold(account_lock_name(account_id)):
                sync_pickings(AmazonAccount.objects.get(pk=account_id))
        except locks.LockBusy:
            logger.info("account %s is busy; its pickings wait for the next tick", account_id)
    return account_ids
