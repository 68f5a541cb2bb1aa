"""Huey tasks of stock with Amazon: push FBM levels, read FBA inventory and customer returns; one stock job
per account."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sellersync.amazon.account_jobs import active_account_ids, run_for_account
from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.sync.export_stock import check_stock_feeds, push_fbm_stock
from sellersync.amazon.sync.import_fba_inventory import import_fba_inventory
from sellersync.amazon.sync.import_returns import import_returns
from sellersync.spapi.client import SpApiClient


def stock_lock_name(account_id: int) -> str:
    return f"amazon-stock-{account_id}"


@db_periodic_task(crontab(minute="*/15"))
def enqueue_fbm_stock_pushes() -> list[int]:
    """Every 15 minutes: push the FBM stock of each active account that has the option on."""
    account_ids = active_account_ids(synchronize_fbm_stock=True)
    for account_id in account_ids:
        push_account_stock(account_id)
    return account_ids


@db_task()
def push_account_stock(account_id: int) -> None:
    """Read the results of earlier listings feeds, then send the account's changed FBM levels."""

    def check_then_push(account: AmazonAccount, client: SpApiClient) -> object:
        check_stock_feeds(account, client)
        return push_fbm_stock(account, client)

    run_for_account(stock_lock_name(account_id), account_id, "FBM stock", check_then_push)


@db_periodic_task(crontab(hour="*/6", minute="41"))
def enqueue_fba_inventory_imports() -> list[int]:
    """Every 6 hours: read the FBA inventory of each active account."""
    account_ids = active_account_ids()
    for account_id in account_ids:
        import_account_fba_inventory(account_id)
    return account_ids


@db_task()
def import_account_fba_inventory(account_id: int) -> None:
    """Compare Amazon's FBA count with the account's Amazon location."""
    run_for_account(stock_lock_name(account_id), account_id, "FBA inventory", import_fba_inventory)


@db_periodic_task(crontab(minute="23"))
def enqueue_returns_imports() -> list[int]:
    """Every hour: read the customer returns of each active account (FBA and FBM returns reports)."""
    account_ids = active_account_ids()
    for account_id in account_ids:
        import_account_returns(account_id)
    return account_ids


@db_task()
def import_account_returns(account_id: int) -> None:
    """Apply the account's new returns: FBA units back into their location, FBM incoming returns."""
    run_for_account(stock_lock_name(account_id), account_id, "returns", import_returns)
