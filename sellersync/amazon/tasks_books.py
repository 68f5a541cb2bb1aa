"""Huey tasks of the books with Amazon: import settlements every day and refunds every hour (credit notes),
one import per account at a time."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sellersync.amazon import locks
from sellersync.amazon.account_jobs import active_account_ids, run_for_account
from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_refunds import import_refunds
from sellersync.amazon.sync.import_settlements import import_settlements

logger = logging.getLogger(__name__)


def settlements_lock_name(account_id: int) -> str:
    return f"amazon-settlements-{account_id}"


@db_periodic_task(crontab(hour="5", minute="17"))
def enqueue_settlement_imports() -> list[int]:
    """Every day: import the settlements of each active account."""
    account_ids = active_account_ids()
    for account_id in account_ids:
        import_account_settlements(account_id)
    return account_ids


@db_task()
def import_account_settlements(account_id: int) -> None:
    """Store the account's payout groups and book the closed ones."""
    run_for_account(settlements_lock_name(account_id), account_id, "settlements", import_settlements)


@db_periodic_task(crontab(minute="*/30"))
def upload_pending_invoices() -> list[int]:
    """Every 30 minutes: upload queued invoices to Amazon and read the results of those in flight."""
    from sellersync.amazon.choices import OutboundKind, OutboundState
    from sellersync.amazon.sync.upload_invoices import sync_invoices

    waiting = AmazonAccount.objects.filter(
        is_active=True,
        outbound_messages__kind=OutboundKind.INVOICE,
        outbound_messages__state__in=(OutboundState.PENDING, OutboundState.SENT),
    )
    account_ids = sorted(set(waiting.values_list("pk", flat=True)))
    for account_id in account_ids:
        try:
            with locks.hold(settlements_lock_name(account_id)):
                account = AmazonAccount.objects.get(pk=account_id)
                with client_for_account(account) as client:
                    logger.info("invoices of account %s: %s", account_id, sync_invoices(account, client))
        except locks.LockBusy:
            logger.info("books of account %s are busy; invoices wait for the next run", account_id)
    return account_ids


@db_periodic_task(crontab(minute="41"))
def enqueue_refund_imports() -> list[int]:
    """Every hour: credit the refunds Amazon reported since each active account's refund cursor."""
    account_ids = active_account_ids()
    for account_id in account_ids:
        import_account_refunds(account_id)
    return account_ids


@db_task()
def import_account_refunds(account_id: int) -> None:
    """Read the account's refund events and make their credit notes (the books' lock: one at a time)."""
    run_for_account(settlements_lock_name(account_id), account_id, "refunds", import_refunds)
