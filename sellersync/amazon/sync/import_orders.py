"""Import orders: fetch the orders updated since the cursor, apply each one, then move the cursor.

Window: from `last_order_sync` minus a buffer to Amazon's own `LastUpdatedBefore` (never sent: Amazon's
clock decides). Each order is applied in its own transaction; an order that fails validation or mapping is
marked failed (retried later) and the batch goes on. The cursor moves only after every page was processed,
so a crash leaves it where it was and the next run re-fetches (unchanged orders are skipped).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from sellersync.amazon.choices import OrdersApi, PiiAccess, SyncKind, SyncRunStatus
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.models import AmazonAccount, SyncRun
from sellersync.amazon.sync.apply import ApplyOutcome, apply_order, mark_failed
from sellersync.amazon.sync.lookups import ReferenceLookups, lookups_for_run
from sellersync.amazon.sync.sources import (
    MappingFailure,
    Orders2026Source,
    OrderSource,
    OrdersV0Source,
    PiiGate,
    SourceEntry,
)
from sellersync.spapi.client import SpApiClient

logger = logging.getLogger(__name__)

#: Re-read a little before the cursor: orders committed by Amazon late still get in (OCA's delta buffer).
IMPORT_DELTA_BUFFER = timedelta(minutes=5)


def sync_orders(account: AmazonAccount, *, now: datetime | None = None) -> SyncRun:
    """Synchronize the account's orders updated since its cursor; the run records what happened."""
    from sellersync.amazon.services import client_for_account, synchronized_marketplace_ids

    window_start = account.last_order_sync - IMPORT_DELTA_BUFFER
    run = SyncRun.objects.create(account=account, kind=SyncKind.ORDERS, window_start=window_start)
    with client_for_account(account) as client:
        try:
            marketplace_ids = synchronized_marketplace_ids(account, client)
            pii = PiiGate(client, allowed=account.pii_access != PiiAccess.REFUSED)
            source = order_source(account, client, pii)
            window_end = _import_pages(account, run, source, marketplace_ids, window_start, now)
            remember_pii_answer(account, pii)
            if window_end is not None:
                advance_cursor(account, window_end)
            run.status = SyncRunStatus.SUCCEEDED
        except Exception as exc:  # the run records any failure; the schedule goes on
            logger.warning("order sync of account %s failed: %s", account.pk, type(exc).__name__)
            run.status = SyncRunStatus.FAILED
            run.error = f"{type(exc).__name__}: {exc}"[:4000]
        finally:
            _finish(run, client)
    return run


def order_source(account: AmazonAccount, client: SpApiClient, pii: PiiGate) -> OrderSource:
    """The account's Orders API version behind the common interface."""
    if account.orders_api == OrdersApi.V0:
        return OrdersV0Source(client, pii)
    return Orders2026Source(client, pii)


def advance_cursor(account: AmazonAccount, last_updated_before: datetime) -> None:
    """Move `last_order_sync` to Amazon's upper bound (only after the orders up to it are committed)."""
    AmazonAccount.objects.filter(pk=account.pk).update(last_order_sync=last_updated_before)
    account.last_order_sync = last_updated_before


def apply_entries(
    account: AmazonAccount,
    run: SyncRun,
    entries: Iterable[SourceEntry],
    lookups: ReferenceLookups | None = None,
) -> None:
    """Apply each entry in its own transaction, counting outcomes on the run; failures are stored.

    `lookups` is the memo of reference rows; by default the run's own, shared by every page of the run.
    """
    lookups = lookups or lookups_for_run(account, run)
    for entry in entries:
        if isinstance(entry.result, MappingFailure):
            mark_failed(account, entry.amazon_order_id, entry.result.reason)
            run.orders_failed += 1
            continue
        try:
            result = apply_order(account, entry.result, entry.raw_payload, entry.api_version, lookups)
        except MappingError as exc:
            mark_failed(account, entry.amazon_order_id, str(exc))
            run.orders_failed += 1
            continue
        if result.outcome == ApplyOutcome.CREATED:
            run.orders_created += 1
        elif result.outcome == ApplyOutcome.UPDATED:
            run.orders_updated += 1
        else:
            run.orders_unchanged += 1


def _import_pages(
    account: AmazonAccount,
    run: SyncRun,
    source: OrderSource,
    marketplace_ids: list[str],
    window_start: datetime,
    now: datetime | None,
) -> datetime | None:
    window_end: datetime | None = None
    for page in source.updated_since(marketplace_ids, window_start):
        window_end = window_end or page.last_updated_before
        apply_entries(account, run, page.entries)
        run.pages += 1
        run.window_end = window_end
        run.save(
            update_fields=[
                "pages",
                "window_end",
                "orders_created",
                "orders_updated",
                "orders_unchanged",
                "orders_failed",
            ]
        )
    if window_end is None and now is not None:
        window_end = now - timedelta(minutes=2)
    return window_end


def remember_pii_answer(account: AmazonAccount, pii: PiiGate) -> None:
    """Store whether Amazon granted buyer data, so that refused accounts stop asking."""
    if pii.granted is None:
        return
    answer = PiiAccess.GRANTED if pii.granted else PiiAccess.REFUSED
    if account.pii_access != answer:
        AmazonAccount.objects.filter(pk=account.pk).update(pii_access=answer)
        account.pii_access = answer


def _finish(run: SyncRun, client: SpApiClient) -> None:
    run.api_calls = sum(stats.calls for stats in client.stats.values())
    run.finished_at = timezone.now()
    run.save()
