"""Order backfill: "Import history from <date>" through Amazon's order reports, one window at a time.

The period (from `since`, 00:00 UTC, to now) is cut into windows of at most 30 days, newest first. Each
window is one GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL report: requested (createReport, never
twice: its id is stored before anything else happens), polled (getReport), downloaded (getReportDocument,
gzip) to a temporary file, read through once to check it is an order report, then read again and applied
APPLY_BATCH orders at a time by the sync's own apply step (`import_orders.apply_entries`: orders the sync
already has at the same version are unchanged). What the backfill holds in memory is one batch of orders,
not one window's document nor its orders: it stays flat however many orders a window has. Up to LOOKAHEAD
reports are requested ahead of the window being applied, so that Amazon generates them while the previous
one is applied.

The windows are the cursor (`BackfillWindow`): pending, requested (report id), done or failed. A run that
stops (a crash, a restart, Amazon's or the network's errors) leaves them as they are, and the next run of
the same backfill goes on from there: a requested report is polled again, a done window is not read again,
and a window applied in part is applied again (idempotent). Amazon's CANCELLED (an empty period) makes a
window done with no order; FATAL or a malformed document makes it failed with the reason shown on the
account, nothing of it applied, and the other windows go on; the next run retries failed windows.

The regular order sync and its cursor (`last_order_sync`) are not touched: a backfill takes its own lock,
so both run side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon import locks
from sellersync.amazon.choices import BackfillWindowState, PiiAccess, SyncKind, SyncRunStatus
from sellersync.amazon.mappers import order_report
from sellersync.amazon.mappers.order_report import ReportFormatError
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.mappers.types import OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOrder, BackfillWindow, OrderBackfill, SyncRun
from sellersync.amazon.sync import order_reports
from sellersync.amazon.sync.import_orders import apply_entries, order_source
from sellersync.amazon.sync.order_reports import MalformedReport, ReportFailed, Sleep
from sellersync.amazon.sync.sources import (
    PiiGate,
    SourceEntry,
    entries_from_order_report,
    needs_order_item_ids,
)
from sellersync.spapi.client import SpApiClient

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=30)
#: Orders of a window applied at a time: what the backfill holds in memory, however big the window.
APPLY_BATCH = 500
#: Reports requested ahead of the window being applied (createReport's burst is 15).
LOOKAHEAD = 4
#: Amazon's published limits of the calls made once per window: createReport and getReportDocument.
CREATE_REPORT_RATE, CREATE_REPORT_BURST = 0.0167, 15
#: Generation time of an order report before any window of the backfill was measured (Amazon's time).
TYPICAL_GENERATION = timedelta(minutes=2)
#: The newest orders are left to the regular sync: Amazon lists an order a little after its purchase.
NEWEST_MARGIN = timedelta(minutes=2)


class BackfillBusy(Exception):
    """Another process runs this account's backfill right now."""


class NothingToImport(ValueError):
    """The first day asked for is not before the end of the period."""


@dataclass(frozen=True)
class BackfillProgress:
    """Where a backfill stands: windows done of all, orders in the books and failed in the windows done, an
    estimate of the time left."""

    windows_done: int
    windows_total: int
    windows_failed: int
    orders_imported: int
    orders_failed: int
    seconds_left: float | None


@dataclass
class BackfillSummary:
    """What a run of `run_backfill` did (the calls are this run's; the counts are the whole backfill's)."""

    backfill_id: int
    status: str
    progress: BackfillProgress
    orders_created: int = 0
    orders_updated: int = 0
    api_calls: dict[str, int] = field(default_factory=dict)
    error: str = ""


ProgressCallback = Callable[[BackfillProgress], None]


def backfill_lock_name(account_id: int) -> str:
    return f"amazon-backfill-{account_id}"


def run_backfill(
    account: AmazonAccount,
    since: date,
    *,
    until: datetime | None = None,
    progress: ProgressCallback | None = None,
    window: timedelta | None = None,
    client: SpApiClient | None = None,
    sleep: Sleep | None = None,
) -> BackfillSummary:
    """Import the account's orders purchased since `since` (to `until`, now by default), resuming the
    account's unfinished backfill from the same date. Raises BackfillBusy when one runs elsewhere."""
    try:
        with locks.hold(backfill_lock_name(account.pk)):
            backfill = start_backfill(account, since, until=until, window=window or WINDOW)
            return _run(account, backfill, progress, client, sleep)
    except locks.LockBusy as exc:
        raise BackfillBusy(f"{account}: a history import is already running") from exc


def start_backfill(
    account: AmazonAccount, since: date, *, until: datetime | None = None, window: timedelta = WINDOW
) -> OrderBackfill:
    """The account's unfinished backfill from `since`, or a new one with its windows (newest first)."""
    unfinished = (
        OrderBackfill.objects.filter(account=account, since=since)
        .exclude(status=SyncRunStatus.SUCCEEDED)
        .order_by("-started_at", "-pk")
        .first()
    )
    if unfinished is not None:
        return unfinished
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = (until or timezone.now() - NEWEST_MARGIN).replace(microsecond=0)  # Amazon's periods: whole seconds
    if start >= end:
        raise NothingToImport(
            _("Nothing to import: %(since)s is not before %(end)s.")
            % {"since": since.isoformat(), "end": f"{end:%Y-%m-%d %H:%M}"}
        )
    with transaction.atomic():
        backfill = OrderBackfill.objects.create(
            account=account, since=since, period_start=start, period_end=end
        )
        BackfillWindow.objects.bulk_create(
            BackfillWindow(backfill=backfill, position=position, start=window_start, end=window_end)
            for position, (window_start, window_end) in enumerate(windows(start, end, window))
        )
    return backfill


def windows(start: datetime, end: datetime, length: timedelta = WINDOW) -> list[tuple[datetime, datetime]]:
    """The period cut into windows of at most `length`, newest first; a window ends one second before the
    next one starts (report dates are whole seconds: no order is in two windows)."""
    cuts = []
    window_end = end
    while window_end > start:
        window_start = max(start, window_end - length)
        cuts.append((window_start, window_end))
        window_end = window_start - timedelta(seconds=1)
    return cuts


def _run(
    account: AmazonAccount,
    backfill: OrderBackfill,
    progress: ProgressCallback | None,
    client: SpApiClient | None,
    sleep: Sleep | None,
) -> BackfillSummary:
    from sellersync.amazon.services import client_for_account, synchronized_marketplace_ids

    summary = BackfillSummary(backfill.pk, SyncRunStatus.RUNNING, backfill_progress(backfill))
    _set_status(backfill, SyncRunStatus.RUNNING, "")
    own_client = client is None
    try:
        client = client or client_for_account(account)
        marketplace_ids = synchronized_marketplace_ids(account, client)
        runner = _WindowRunner(account, backfill, client, marketplace_ids, sleep, summary)
        runner.retry_failed()
        if progress:
            progress(backfill_progress(backfill))
        runner.run(progress)
        failed = backfill.windows.filter(state=BackfillWindowState.FAILED).count()
        status = SyncRunStatus.FAILED if failed else SyncRunStatus.SUCCEEDED
        error = (
            ngettext(
                "%(count)d window failed: see its error.",
                "%(count)d windows failed: see their errors.",
                failed,
            )
            % {"count": failed}
            if failed
            else ""
        )
        _set_status(backfill, status, error)
    except Exception as exc:  # stored where the user sees it; the next run resumes from the windows
        logger.warning("backfill of account %s stopped: %s", account.pk, type(exc).__name__)
        _set_status(backfill, SyncRunStatus.FAILED, redact(f"{type(exc).__name__}: {exc}")[:4000])
    finally:
        if client is not None:
            summary.api_calls = {name: stats.calls for name, stats in client.stats.items() if stats.calls}
            if own_client:
                client.close()
    summary.status, summary.error = backfill.status, backfill.error
    summary.progress = backfill_progress(backfill)
    if progress:
        progress(summary.progress)
    return summary


def _set_status(backfill: OrderBackfill, status: str, error: str) -> None:
    backfill.status, backfill.error = status, error
    backfill.finished_at = None if status == SyncRunStatus.RUNNING else timezone.now()
    backfill.save(update_fields=["status", "error", "finished_at"])


class _WindowRunner:
    """Requests reports ahead, then finishes the windows one by one, newest first."""

    def __init__(
        self,
        account: AmazonAccount,
        backfill: OrderBackfill,
        client: SpApiClient,
        marketplace_ids: Sequence[str],
        sleep: Sleep | None,
        summary: BackfillSummary,
    ) -> None:
        self.account, self.backfill, self.client = account, backfill, client
        self.marketplace_ids = list(marketplace_ids)
        self.sleep = sleep or order_reports.amazon_sleep(client)
        self.summary = summary

    def retry_failed(self) -> None:
        """Failed windows are tried again with a new report."""
        self.backfill.windows.filter(state=BackfillWindowState.FAILED).update(
            state=BackfillWindowState.PENDING, report_id="", error="", requested_at=None
        )

    def run(self, progress: ProgressCallback | None) -> None:
        remaining = list(self.backfill.windows.exclude(state=BackfillWindowState.DONE).order_by("position"))
        for index, window in enumerate(remaining):
            for ahead in remaining[index : index + LOOKAHEAD]:
                if ahead.state == BackfillWindowState.PENDING:
                    self._request(ahead)
            self._finish(window)
            if progress:
                progress(backfill_progress(self.backfill))

    def _request(self, window: BackfillWindow) -> None:
        """createReport, the moment stored first: a run stopped between Amazon's answer and storing the id
        leaves a pending window with that moment, and the next run looks for the report instead."""
        kind, period = order_reports.BY_ORDER_DATE, (window.start, window.end)
        found = None
        if window.requested_at is not None:
            found = order_reports.find_report(self.client, kind, self.marketplace_ids, *period)
        else:
            window.requested_at = timezone.now()
            window.save(update_fields=["requested_at"])
        window.report_id = found or order_reports.request_report(
            self.client, kind, self.marketplace_ids, *period
        )
        window.state = BackfillWindowState.REQUESTED
        window.save(update_fields=["report_id", "state"])

    def _finish(self, window: BackfillWindow) -> None:
        try:
            with order_reports.finished_report(self.client, window.report_id, self.sleep) as finished:
                if not finished.empty:
                    check_report(finished.lines())
                run = SyncRun.objects.create(
                    account=self.account,
                    kind=SyncKind.BACKFILL,
                    window_start=window.start,
                    window_end=window.end,
                )
                read, booked = (
                    (0, 0) if finished.empty else self._apply(run, entries_from_report(finished.lines()))
                )
        except (ReportFailed, MalformedReport) as exc:
            window.state, window.error = BackfillWindowState.FAILED, f"{type(exc).__name__}: {exc}"[:4000]
            window.finished_at = timezone.now()
            window.save(update_fields=["state", "error", "finished_at"])
            return
        run.status, run.finished_at = SyncRunStatus.SUCCEEDED, timezone.now()
        with transaction.atomic():
            run.save()
            window.state, window.error, window.finished_at = BackfillWindowState.DONE, "", timezone.now()
            window.orders_read, window.orders_booked = read, booked
            window.orders_created, window.orders_updated = run.orders_created, run.orders_updated
            window.orders_failed = run.orders_failed
            window.save()
        self.summary.orders_created += run.orders_created
        self.summary.orders_updated += run.orders_updated

    def _apply(self, run: SyncRun, entries: Iterator[SourceEntry]) -> tuple[int, int]:
        """Apply the window's entries APPLY_BATCH at a time (memory bounded by the batch, not the window);
        the distinct orders read, and how many of them are booked."""
        pii = PiiGate(self.client, allowed=self.account.pii_access != PiiAccess.REFUSED)
        read: set[str] = set()
        booked = 0
        while batch := list(islice(entries, APPLY_BATCH)):
            apply_entries(self.account, run, self._with_item_ids(batch, pii))
            new_ids = [
                order_id
                for order_id in dict.fromkeys(e.amazon_order_id for e in batch)
                if order_id not in read
            ]
            read.update(new_ids)
            booked += _booked(self.account, new_ids)
        return len(read), booked

    def _with_item_ids(self, entries: list[SourceEntry], pii: PiiGate) -> list[SourceEntry]:
        """FBM orders still to ship come from the Orders API instead of the report: their shipment
        confirmation names Amazon's order item ids, which an order report does not carry."""
        to_ship = [
            entry.amazon_order_id
            for entry in entries
            if isinstance(entry.result, OrderData) and needs_order_item_ids(entry.result)
        ]
        if not to_ship:
            return entries
        from_api = order_source(self.account, self.client, pii).by_ids(self.marketplace_ids, to_ship)
        by_id = {entry.amazon_order_id: entry for entry in from_api}
        return [by_id.get(entry.amazon_order_id, entry) for entry in entries]


def _booked(account: AmazonAccount, amazon_order_ids: list[str]) -> int:
    """How many of these orders have a sales order (in chunks: a query's parameters are limited)."""
    return sum(
        AmazonOrder.objects.filter(
            account=account, amazon_id__in=amazon_order_ids[start : start + 500], sales_order__isnull=False
        ).count()
        for start in range(0, len(amazon_order_ids), 500)
    )


def check_report(lines: Iterable[str]) -> None:
    """Read the whole document once before any of it is applied: one that is not an order report raises
    MalformedReport, and nothing of the window is written."""
    try:
        order_report.check_report(lines)
    except ReportFormatError as exc:
        raise MalformedReport(str(exc)) from exc


def entries_from_report(lines: Iterable[str]) -> Iterator[SourceEntry]:
    """The report's orders as the apply step's entries, one at a time (`check_report` first)."""
    try:
        yield from entries_from_order_report(lines)
    except ReportFormatError as exc:
        raise MalformedReport(str(exc)) from exc


def backfill_progress(backfill: OrderBackfill) -> BackfillProgress:
    """The backfill's progress from its windows; the time left from its pace so far, or Amazon's limits."""
    windows_ = list(backfill.windows.values_list("state", "finished_at"))
    done = [finished for state, finished in windows_ if state == BackfillWindowState.DONE]
    failed = sum(1 for state, _ in windows_ if state == BackfillWindowState.FAILED)
    totals = backfill.windows.filter(state=BackfillWindowState.DONE).aggregate(
        booked=Sum("orders_booked"), failed=Sum("orders_failed")
    )
    orders_failed = totals["failed"] or 0
    left = len(windows_) - len(done)
    finished_times = sorted(moment for moment in done if moment is not None)
    pace = None
    if len(finished_times) >= 2:
        pace = (finished_times[-1] - finished_times[0]).total_seconds() / (len(finished_times) - 1)
    return BackfillProgress(
        windows_done=len(done),
        windows_total=len(windows_),
        windows_failed=failed,
        orders_imported=totals["booked"] or 0,
        orders_failed=orders_failed,
        seconds_left=estimate_seconds_left(left, pace) if backfill.status == SyncRunStatus.RUNNING else None,
    )


def estimate_seconds_left(windows_left: int, seconds_per_window: float | None) -> float:
    """Seconds until the last window is done: the pace measured so far (or a typical report's generation
    time before two windows were done), never less than Amazon's limits allow: beyond createReport's burst,
    one report a minute (getReportDocument has the same limit)."""
    if windows_left <= 0:
        return 0.0
    time_scale = float(getattr(settings, "SPAPI_TIME_SCALE", 1.0)) or 1.0
    per_window = (
        seconds_per_window
        if seconds_per_window is not None
        else TYPICAL_GENERATION.total_seconds() / time_scale
    )
    floor = max(0, windows_left - CREATE_REPORT_BURST) / CREATE_REPORT_RATE / time_scale
    return max(windows_left * per_window, floor)
