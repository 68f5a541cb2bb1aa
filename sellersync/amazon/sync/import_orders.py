"""Import orders: fetch the orders updated since the cursor, apply each one, then move the cursor.

Window: from `last_order_sync` minus a buffer to Amazon's own `LastUpdatedBefore` (never sent: Amazon's
clock decides). Each order is applied all or nothing (a savepoint of its own; orders of a page share their
commit); an order that fails validation or mapping is marked failed (retried later) and the batch goes on.
The cursor moves only after every page was processed, so a crash leaves it where it was and the next run
re-fetches (unchanged orders are skipped).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import islice

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from sellersync.amazon.choices import OrdersApi, PiiAccess, SyncKind, SyncRunStatus
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.models import AmazonAccount, SyncRun
from sellersync.amazon.sync.apply import ApplyOutcome, apply_order, bound_order_ids
from sellersync.amazon.sync.failures import mark_failed
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
#: Orders that share one commit, each still all or nothing (a savepoint of its own). A commit writes every
#: page it touched to SQLite's WAL: shared by 100 orders, the same index pages are written once, not 100
#: times (commits took 18 % of the ingest one by one, 1 % grouped; bench/ingest_worker.py).
COMMIT_GROUP = 100
_FAILED = "failed"
#: SQLSTATEs of a transaction that lost against a concurrent one: deadlock, serialization failure.
_CONFLICT_STATES = frozenset({"40P01", "40001"})
#: Allocations between two collections of the youngest generation while orders are applied.
YOUNG_COLLECTION_EVERY = 20_000


def sync_orders(account: AmazonAccount, *, now: datetime | None = None) -> SyncRun:
    """Synchronize the account's orders updated since its cursor; the run records what happened."""
    from sellersync.amazon.services import (
        CLIENT_REFUSALS,
        client_for_account,
        refuse_run,
        synchronized_marketplace_ids,
    )

    window_start = account.last_order_sync - IMPORT_DELTA_BUFFER
    run = SyncRun.objects.create(account=account, kind=SyncKind.ORDERS, window_start=window_start)
    try:
        client = client_for_account(account)
    except CLIENT_REFUSALS as refusal:
        return refuse_run(run, refusal)
    with client:
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
            run.error = redact(f"{type(exc).__name__}: {exc}")[:4000]
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
    """Apply the entries, counting outcomes on the run; failures are stored and the others go on.

    Each order is applied all or nothing (its own savepoint); up to COMMIT_GROUP of them share one commit.
    When the group fails as a whole (its commit on a remembered row deleted meanwhile, or a deadlock with
    another worker's group), it is applied again one order per transaction, where `apply_order` retries
    the order that fails. `lookups` is the memo of reference rows;
    by default the run's own, shared by every page.
    """
    lookups = lookups or lookups_for_run(account, run)
    remaining = iter(entries)
    with _fewer_young_collections():
        _apply_groups(account, run, remaining, lookups)


def _apply_groups(
    account: AmazonAccount, run: SyncRun, remaining: Iterator[SourceEntry], lookups: ReferenceLookups
) -> None:
    while group := list(islice(remaining, COMMIT_GROUP)):
        try:
            with transaction.atomic():
                outcomes = _apply_group(account, group, lookups)
        except DatabaseError as exc:
            if not _group_may_retry(exc):
                raise
            lookups.clear()
            outcomes = [_apply_entry(account, entry, lookups) for entry in group]
        _count(run, outcomes)


def _group_may_retry(exc: DatabaseError) -> bool:
    """Whether a group that failed is applied again order by order: an integrity error (mostly from the
    commit, where deferred foreign keys are checked), or PostgreSQL choosing this group as the loser of a
    deadlock or serialization conflict with another worker's group (short transactions do not meet again).
    """
    return isinstance(exc, IntegrityError) or getattr(exc.__cause__, "sqlstate", None) in _CONFLICT_STATES


@contextmanager
def _fewer_young_collections() -> Iterator[None]:
    """Collect the youngest generation every YOUNG_COLLECTION_EVERY allocations instead of 700.

    An order allocates thousands of short-lived containers (payload, models, rows): with Python's default,
    the collector ran 420 times for 4,000 orders and took 6 % of the ingest; cycles are still collected.
    """
    previous = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _apply_group(account: AmazonAccount, group: list[SourceEntry], lookups: ReferenceLookups) -> list[str]:
    """Apply the entries inside the caller's transaction, the bindings that exist read in one query."""
    bound = bound_order_ids(account, (entry.amazon_order_id for entry in group))
    outcomes = []
    for entry in group:
        outcomes.append(
            _apply_entry(account, entry, lookups, known_unbound=entry.amazon_order_id not in bound)
        )
        bound.add(entry.amazon_order_id)  # the same order twice in a group: the second finds the first
    return outcomes


def _apply_entry(
    account: AmazonAccount, entry: SourceEntry, lookups: ReferenceLookups, *, known_unbound: bool = False
) -> str:
    """Apply one entry in its own (nested) transaction; a failure is stored on its binding."""
    if isinstance(entry.result, MappingFailure):
        mark_failed(account, entry.amazon_order_id, redact(entry.result.reason, entry.raw_payload))
        return _FAILED
    try:
        result = apply_order(
            account,
            entry.result,
            entry.raw_payload,
            entry.api_version,
            lookups,
            known_unbound=known_unbound,
        )
    except MappingError as exc:
        mark_failed(account, entry.amazon_order_id, redact(str(exc), entry.raw_payload))
        return _FAILED
    except DatabaseError:  # the database itself: the group (or the run) fails, nothing is half-written
        raise
    except Exception as exc:  # a defect met by this order only: it fails alone, the others go on
        # the type only: an exception's message may quote buyer data (the order's error keeps it)
        logger.warning("order %s could not be applied: %s", entry.amazon_order_id, type(exc).__name__)
        reason = redact(f"unexpected error {type(exc).__name__}: {exc}", entry.raw_payload)
        mark_failed(account, entry.amazon_order_id, reason)
        lookups.clear()
        return _FAILED
    return result.outcome


def _count(run: SyncRun, outcomes: list[str]) -> None:
    run.orders_failed += outcomes.count(_FAILED)
    run.orders_created += outcomes.count(ApplyOutcome.CREATED)
    run.orders_updated += outcomes.count(ApplyOutcome.UPDATED)
    run.orders_unchanged += outcomes.count(ApplyOutcome.UNCHANGED) + outcomes.count(ApplyOutcome.SKIPPED)


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
