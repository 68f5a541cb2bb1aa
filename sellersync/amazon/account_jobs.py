"""What every per-account worker job does around its work: the active accounts, the account's lock (one
job of a kind per account at a time), the skip when it has no credentials, the SP-API client, the log line."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sellersync.amazon import locks
from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.services import CLIENT_REFUSALS, client_for_account
from sellersync.spapi.client import SpApiClient

logger = logging.getLogger(__name__)


def active_account_ids(**conditions: object) -> list[int]:
    """Primary keys of the active accounts (and the given field conditions), in order."""
    accounts = AmazonAccount.objects.filter(is_active=True, **conditions).order_by("pk")
    return list(accounts.values_list("pk", flat=True))


def run_for_account(
    lock_name: str, account_id: int, what: str, work: Callable[[AmazonAccount, SpApiClient], object]
) -> None:
    """`work(account, client)` under the lock; a busy account waits for the next run (logged, not raised)."""
    try:
        with locks.hold(lock_name):
            account = AmazonAccount.objects.get(pk=account_id)
            if not account.has_credentials:
                return
            with client_for_account(account) as client:
                result = work(account, client)
            logger.info("%s of account %s: %s", what, account_id, result)
    except locks.LockBusy:
        logger.info("account %s is busy; %s wait for the next run", account_id, what)
    except CLIENT_REFUSALS as refusal:  # a missing setting: the order sync's run tells the user
        logger.warning("%s of account %s not run: %s", what, account_id, type(refusal).__name__)
