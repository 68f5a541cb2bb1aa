"""Huey tasks of stock with Amazon: push FBM levels, read FBA inventory and customer returns; one stock job
per account."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.export_stock import check_stock_feeds, push_fbm_stock
from sellersync.amazon.sync.import_fba_inventory import import_fba_inventory
from sellersync.amazon.sync.import_returns import import_returns

logger = logging.getLogger(__name__)


def stock_lock_name(account_id: int) -> str:
    return f"amazon-stock-{account_id}"


@db_periodic_task(crontab(minute="*/15"))
def enqueue_fbm_stock_pushes() -> list[int]:
    """Every 15 minutes: push the FBM stock of each active account that has the option on."""
    account_ids = list(
        AmazonAccount.objects.filter(is_active=True, synchronize_fbm_stock=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for account_id in account_ids:
        push_account_stock(account_id)
    return account_ids


@db_task()
def push_account_stock(account_id: int) -> None:
    """Read the results of earlier listings feeds, then send the account's changed FBM levels."""
    try:
        with HUEY.lock_task(stock_lock_name(account_id)):
            account = AmazonAccount.objects.get(pk=account_id)
            if not account.has_credentials:
                return
            with client_for_account(account) as client:
                check_stock_feeds(account, client)
                push_fbm_stock(account, client)
    except TaskLockedException:
        logger.info("stock of account %s is already being pushed; skipped", account_id)


@db_periodic_task(crontab(hour="*/6", minute="41"))
def enqueue_fba_inventory_imports() -> list[int]:
    """Every 6 hours: read the FBA inventory of each active account."""
    account_ids = list(
        AmazonAccount.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for account_id in account_ids:
        import_account_fba_inventory(account_id)
    return account_ids


@db_task()
def import_account_fba_inventory(account_id: int) -> None:
    """Compare Amazon's FBA count with the account's Amazon location."""
    try:
        with HUEY.lock_task(stock_lock_name(account_id)):
            account = AmazonAccount.objects.get(pk=account_id)
            if not account.has_credentials:
                return
            with client_for_account(account) as client:
                import_fba_inventory(account, client)
    except TaskLockedException:
        logger.info("stock of account %s is busy; FBA inventory import skipped", account_id)


@db_periodic_task(crontab(minute="23"))
def enqueue_returns_imports() -> list[int]:
    """Every hour: read the customer returns of each active account (FBA and FBM returns reports)."""
    account_ids = list(
        AmazonAccount.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    for account_id in account_ids:
        import_account_returns(account_id)
    return account_ids


@db_task()
def import_account_returns(account_id: int) -> None:
    """Apply the account's new returns: FBA units back into their location, FBM incoming returns."""
    try:
        with HUEY.lock_task(stock_lock_name(account_id)):
            account = AmazonAccount.objects.get(pk=account_id)
            if not account.has_credentials:
                return
            with client_for_account(account) as client:
                import_returns(account, client)
    except TaskLockedException:
        logger.info("stock of account %s is busy; returns import skipped", account_id)
