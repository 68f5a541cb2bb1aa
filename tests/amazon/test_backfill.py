"""The order backfill over HTTP against the sandbox: one order report per window, newest first, applied by
the sync's apply step; interrupted anywhere and run again, it ends with the same books as one run.

Amazon's world stands still (time scale 0) and moves only when the backfill waits for a report (its sleep
advances the sandbox's clock): the sandbox's orders are all past their last change first (30 days on), so
two runs read the same orders, and the books can be compared to the cent.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from sellersync.accounting.models import JournalEntry, JournalLine
from sellersync.amazon.choices import BackfillWindowState, SyncKind, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, BackfillWindow, OrderBackfill, SyncRun
from sellersync.amazon.sync import backfill as backfill_module
from sellersync.amazon.sync import order_reports
from sellersync.amazon.sync.backfill import BackfillBusy, estimate_seconds_left, run_backfill, windows
from sellersync.amazon.sync.export_shipments import order_item_ids_by_line
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Company, Partner
from sellersync.sales.models import SalesOrder, SalesOrderLine
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.amazon.fixtures import TIME_SCALE, Sandbox, make_account

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def world(settings: Any) -> Iterator[Sandbox]:
    """A sandbox whose seeded orders (4 days before its start to 2 days after) are all settled."""
    settings.SPAPI_TIME_SCALE = TIME_SCALE
    settings.REDIS_URL = ""
    start = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    app = create_app(seed=42, time_scale=0, rate_time_scale=TIME_SCALE, start_time=start)
    with serve_in_thread(app) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        box.advance(30 * 86400)
        yield box
        box.http.close()


@pytest.fixture
def account(world: Sandbox, company: Company) -> AmazonAccount:
    return make_account(world, company, "NA")


SINCE = date(2026, 6, 5)
UNTIL = datetime(2026, 6, 13, 0, 0, tzinfo=UTC)


def _backfill(world: Sandbox, account: AmazonAccount, **options: Any) -> backfill_module.BackfillSummary:
    options.setdefault("window", DAY)
    return run_backfill(account, SINCE, until=UNTIL, sleep=world.advance, **options)


def _books(account: AmazonAccount) -> dict[str, Any]:
    """The account's books: every sales order by Amazon id with its lines and totals, and the journal."""
    orders = {}
    for binding in AmazonOrder.objects.filter(account=account).select_related("sales_order"):
        order = binding.sales_order
        lines = (
            sorted(
                (
                    line.line_kind,
                    line.description,
                    line.quantity,
                    line.unit_price,
                    line.discount_amount,
                    line.tax_amount,
                    line.subtotal,
                    line.total,
                )
                for line in SalesOrderLine.objects.filter(order=order)
            )
            if order
            else []
        )
        orders[binding.amazon_id] = (
            binding.amazon_status,
            binding.sync_state,
            order and (order.state, order.amount_untaxed, order.amount_tax, order.amount_total, lines),
        )
    journal = JournalLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"), lines=Count("pk"))
    return {
        "orders": orders,
        "sales_orders": SalesOrder.objects.count(),
        "sales_order_lines": SalesOrderLine.objects.count(),
        "total": SalesOrder.objects.aggregate(total=Sum("amount_total"))["total"],
        "customers": Partner.objects.count(),
        "journal_entries": JournalEntry.objects.count(),
        "journal": journal,
    }


def test_windows_are_newest_first_at_most_the_length_and_do_not_overlap() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, 6, tzinfo=UTC)
    cuts = windows(start, end, timedelta(days=30))
    assert cuts == [
        (datetime(2026, 1, 30, 6, tzinfo=UTC), end),
        (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 30, 5, 59, 59, tzinfo=UTC)),
    ]


def test_time_left_follows_the_pace_and_never_beats_amazons_limits(settings: Any) -> None:
    settings.SPAPI_TIME_SCALE = 1.0
    assert estimate_seconds_left(0, 50.0) == 0.0
    assert estimate_seconds_left(3, 50.0) == 150.0  # 3 windows at the measured pace
    assert estimate_seconds_left(3, None) == 360.0  # a typical report: 2 minutes
    # 40 windows: 25 beyond createReport's burst of 15, one a minute (0.0167/s)
    assert estimate_seconds_left(40, 1.0) == pytest.approx(25 / 0.0167)


def test_a_backfill_imports_every_window_newest_first_and_leaves_the_sync_cursor(
    world: Sandbox, account: AmazonAccount
) -> None:
    # given an account whose regular cursor is somewhere
    cursor = account.last_order_sync
    seen: list[tuple[int, int]] = []
    seen_orders: list[int] = []

    def progress(step: backfill_module.BackfillProgress) -> None:
        seen.append((step.windows_done, step.windows_total))
        seen_orders.append(step.orders_imported)

    # when its history is imported by windows of one day
    summary = _backfill(world, account, progress=progress)
    # then every window is done, newest first, with the orders of its report
    backfill = OrderBackfill.objects.get(pk=summary.backfill_id)
    rows = list(backfill.windows.order_by("position"))
    assert (summary.status, backfill.status, len(rows)) == (SyncRunStatus.SUCCEEDED,) * 2 + (8,)
    assert [row.state for row in rows] == [BackfillWindowState.DONE] * 8
    assert rows[0].end == UNTIL and rows[-1].start == datetime(2026, 6, 5, tzinfo=UTC)
    assert all(newer.start > older.end for newer, older in zip(rows, rows[1:], strict=False))
    assert seen[0] == (0, 8) and seen[-1] == (8, 8)
    # the orders booked are those of Amazon purchased in the period and for the books
    truth = world.truth(account.seller_id)
    fba_shipped = {
        o
        for o, order in truth.items()
        if (order["fulfillment_channel"], order["status"]) == ("AFN", "Shipped")
    }
    booked = set(
        AmazonOrder.objects.filter(account=account, sales_order__isnull=False).values_list(
            "amazon_id", flat=True
        )
    )
    assert booked and booked <= set(truth)
    assert sum(row.orders_read for row in rows) == len(truth)
    assert sum(row.orders_booked for row in rows) == len(booked) == seen_orders[-1]
    assert sum(row.orders_created for row in rows) == summary.orders_created == len(booked)
    assert fba_shipped and fba_shipped <= booked
    # one report per window, each with orders downloaded once (Amazon CANCELLEDs an empty window: no
    # document); the regular cursor did not move
    assert summary.api_calls["reports.createReport"] == 8
    assert summary.api_calls["reports.getReportDocument"] == sum(1 for row in rows if row.orders_read)
    account.refresh_from_db()
    assert account.last_order_sync == cursor
    assert SyncRun.objects.filter(account=account, kind=SyncKind.BACKFILL).count() == 8


def test_fbm_orders_still_to_ship_are_read_from_the_orders_api_for_their_item_ids(
    world: Sandbox, account: AmazonAccount
) -> None:
    # given Amazon's unshipped FBM orders of the period (an order report carries no order item id, which
    # the shipment confirmation needs)
    truth = world.truth(account.seller_id)
    unshipped_fbm = {
        order_id
        for order_id, order in truth.items()
        if (order["fulfillment_channel"], order["status"]) == ("MFN", "Unshipped")
    }
    # when the history is imported
    summary = _backfill(world, account)
    # then each of them was read by id from the Orders API, and its every product line has Amazon's item id
    assert unshipped_fbm and summary.api_calls["orders_2026.getOrder"] == len(unshipped_fbm)
    for binding in AmazonOrder.objects.filter(account=account, amazon_id__in=unshipped_fbm):
        item_ids = order_item_ids_by_line(binding)
        product_lines = binding.sales_order.lines.filter(line_kind="product").count()
        assert len(item_ids) == product_lines > 0 and all(item_ids.values()), binding.amazon_id
    # and orders Amazon has shipped are booked from the report alone
    shipped = AmazonOrder.objects.filter(account=account).exclude(amazon_id__in=unshipped_fbm)
    assert shipped.exists() and not any(order_item_ids_by_line(binding) for binding in shipped)


def test_orders_the_sync_already_has_are_unchanged(world: Sandbox, account: AmazonAccount) -> None:
    # given the regular sync has every order
    account.last_order_sync = datetime(2026, 6, 1, tzinfo=UTC)
    account.save(update_fields=["last_order_sync"])
    assert sync_orders(account).status == SyncRunStatus.SUCCEEDED
    before = _books(account)
    assert before["sales_orders"] > 0
    # when the backfill reads the same period
    summary = _backfill(world, account)
    # then nothing changed in the books
    assert summary.status == SyncRunStatus.SUCCEEDED
    assert (summary.orders_created, summary.orders_updated) == (0, 0)
    assert _books(account) == before


class Killed(BaseException):
    """A crash: not an Exception, so nothing catches it (as a SIGKILL, the run records nothing)."""


def _books_of_one_run(world: Sandbox, account: AmazonAccount) -> dict[str, Any]:
    """The books one uninterrupted backfill makes, rolled back afterwards: the database starts empty again."""

    class Undo(Exception):
        pass

    books: dict[str, Any] = {}
    with pytest.raises(Undo), transaction.atomic():
        assert _backfill(world, account).status == SyncRunStatus.SUCCEEDED
        books = _books(account)
        raise Undo
    return books


def _kill_at(monkeypatch: pytest.MonkeyPatch, rng: random.Random, points: int) -> Callable[[], None]:
    """Arm a crash at a random one of the next `points` steps (report calls and applied orders)."""
    countdown = {"left": rng.randrange(points)}

    def step() -> None:
        countdown["left"] -= 1
        if countdown["left"] < 0:
            raise Killed

    def wrap(function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            step()
            result = function(*args, **kwargs)
            step()
            return result

        return wrapped

    real_apply = backfill_module.apply_entries

    def apply_killed_within(account: AmazonAccount, run: SyncRun, entries: Any) -> None:
        def counted() -> Iterator[Any]:
            for entry in entries:
                step()
                yield entry

        real_apply(account, run, counted())

    monkeypatch.setattr(backfill_module, "apply_entries", apply_killed_within)
    for name in ("request_report", "finished_report"):
        monkeypatch.setattr(order_reports, name, wrap(getattr(order_reports, name)))
    return step


@pytest.mark.parametrize(("seed", "batch"), [(1, backfill_module.APPLY_BATCH), (2, 3)])
def test_a_backfill_killed_anywhere_and_run_again_ends_with_the_books_of_one_run(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch, seed: int, batch: int
) -> None:
    # given the books of one uninterrupted run (rolled back afterwards: the same database starts empty)
    expected = _books_of_one_run(world, account)
    assert expected["sales_orders"] > 0 and not SalesOrder.objects.exists()
    assert not OrderBackfill.objects.exists()
    requested_before = world.calls("createReport")
    # when the backfill (its windows applied `batch` orders at a time: kills fall between batches too) is
    # killed at random steps or meets sandbox faults, and is run again
    monkeypatch.setattr(backfill_module, "APPLY_BATCH", batch)
    rng = random.Random(seed)
    kills = faults = 0
    for attempt in range(40):
        with monkeypatch.context() as patch:
            if attempt % 3 == 2 and faults < 2:
                # 500s beyond the client's retries stop the run; a lost createReport answer does not
                # make the report requested twice
                world.fault(*(("getReport", "http_500", 8), ("createReport", "answer_lost", 1))[faults])
                faults += 1
            else:
                _kill_at(patch, rng, 60)
            try:
                summary = _backfill(world, account)
            except Killed:
                kills += 1
                continue
            finally:
                world.clear_faults()
        if summary.status == SyncRunStatus.SUCCEEDED:
            break
        assert summary.error  # the fault is stored on the backfill
    else:
        pytest.fail("the backfill never finished")
    # then it was really interrupted, requested no window's report twice (a report Amazon took before a
    # kill is found again: here, one of the first run's for the same period), and the books are the same
    assert kills >= 2
    backfill = OrderBackfill.objects.get()
    assert backfill.status == SyncRunStatus.SUCCEEDED and backfill.windows.count() == 8
    assert world.calls("createReport") - requested_before <= 8
    assert len(set(backfill.windows.values_list("report_id", flat=True))) == 8
    assert _books(account) == expected


def test_cancelled_windows_are_done_empty_and_a_fatal_one_fails_alone(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given Amazon answers FATAL for the third window's report
    real = order_reports.wait_for_report

    def fatal_third(client: Any, report_id: str, sleep: Any, **kwargs: Any) -> Any:
        report = real(client, report_id, sleep, **kwargs)
        third = BackfillWindow.objects.get(position=2)
        if report_id == third.report_id:
            return report.model_copy(update={"processing_status": "FATAL", "report_document_id": None})
        return report

    monkeypatch.setattr(order_reports, "wait_for_report", fatal_third)
    # when the history since a date before any order is imported
    summary = run_backfill(account, date(2026, 5, 20), until=UNTIL, window=2 * DAY, sleep=world.advance)
    # then the third window failed with Amazon's reason, nothing of it applied; the others went on
    backfill = OrderBackfill.objects.get()
    states = dict(backfill.windows.values_list("position", "state"))
    third = backfill.windows.get(position=2)
    assert summary.status == SyncRunStatus.FAILED and backfill.error == "1 window failed: see its error."
    assert third.state == BackfillWindowState.FAILED and "FATAL" in third.error
    assert (third.orders_read, third.orders_created) == (0, 0)
    assert sum(1 for state in states.values() if state == BackfillWindowState.DONE) == len(states) - 1
    # the windows before the first order are CANCELLED by Amazon: done, with no order
    empty = backfill.windows.filter(end__lt=datetime(2026, 6, 6, 12, tzinfo=UTC))
    assert empty.exists() and set(empty.values_list("state", "orders_read")) == {
        (BackfillWindowState.DONE, 0)
    }
    # when it is run again (Amazon generates the report this time)
    monkeypatch.setattr(order_reports, "wait_for_report", real)
    again = run_backfill(account, date(2026, 5, 20), until=UNTIL, window=2 * DAY, sleep=world.advance)
    # then only the failed window was requested again, and the backfill is done
    third.refresh_from_db()
    assert again.status == SyncRunStatus.SUCCEEDED and third.state == BackfillWindowState.DONE
    assert again.api_calls["reports.createReport"] == 1


def test_a_window_is_applied_in_batches_read_from_its_document_as_they_go(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the books of a run applying each window in one batch (rolled back afterwards)
    expected = _books_of_one_run(world, account)
    # and batches of 3 orders, with how far the document was read when each batch was applied
    monkeypatch.setattr(backfill_module, "APPLY_BATCH", 3)
    lines_read = {"count": 0}
    batches: list[tuple[int, int, int]] = []  # (window's run, orders in the batch, lines read by then)
    real_lines, real_apply = order_reports.document_lines, backfill_module.apply_entries

    def counted_lines(document: Any) -> Iterator[str]:
        lines_read["count"] = 0
        for line in real_lines(document):
            lines_read["count"] += 1
            yield line

    def recorded_apply(account: AmazonAccount, run: SyncRun, entries: Any) -> None:
        batch = list(entries)
        batches.append((run.pk, len(batch), lines_read["count"]))
        real_apply(account, run, batch)

    monkeypatch.setattr(order_reports, "document_lines", counted_lines)
    monkeypatch.setattr(backfill_module, "apply_entries", recorded_apply)
    # when the history is imported
    summary = _backfill(world, account)
    # then no batch held more than 3 orders, a window of more was read a batch at a time (each batch
    # applied before the rest of its document was read), and the books are those of one batch a window
    assert summary.status == SyncRunStatus.SUCCEEDED and max(size for _, size, _ in batches) <= 3
    by_window: dict[int, list[int]] = {}
    for run_id, _, read in batches:
        by_window.setdefault(run_id, []).append(read)
    several = [reads for reads in by_window.values() if len(reads) >= 3]
    assert several and all(reads == sorted(set(reads)) for reads in several)
    assert _books(account) == expected


def test_a_malformed_document_fails_its_window_and_writes_nothing(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given every document comes back with a header that is not Amazon's
    real = order_reports.document_lines

    def bad_header(document: Any) -> Iterator[str]:
        lines = real(document)
        if next(lines, None) is not None:
            yield "order\tthing\n"
            yield from lines

    monkeypatch.setattr(order_reports, "document_lines", bad_header)
    # when the history is imported
    summary = _backfill(world, account)
    # then the windows with orders failed, saying why; no order was written
    backfill = OrderBackfill.objects.get(pk=summary.backfill_id)
    failed = backfill.windows.filter(state=BackfillWindowState.FAILED)
    assert summary.status == SyncRunStatus.FAILED and failed.exists()
    assert all(window.error.startswith("MalformedReport: ") for window in failed)
    assert all("amazon-order-id" in window.error for window in failed)
    assert not SalesOrder.objects.exists() and not AmazonOrder.objects.exists()


def test_a_second_backfill_of_the_account_at_the_same_time_is_refused(
    world: Sandbox, account: AmazonAccount
) -> None:
    from sellersync.amazon import locks

    with locks.hold(backfill_module.backfill_lock_name(account.pk)), pytest.raises(BackfillBusy):
        _backfill(world, account)
    assert not OrderBackfill.objects.exists()


def test_reading_a_report_refuses_what_is_not_an_all_orders_file() -> None:
    header = "\t".join(order_reports.REQUIRED_COLUMNS)
    assert list(order_reports.read_rows([f"{header}\n"])) == [] == list(order_reports.read_rows([]))
    with pytest.raises(order_reports.MalformedReport, match="lacks amazon-order-id"):
        list(order_reports.read_rows(["order-id\tsku\n", "1\t2\n"]))
    with pytest.raises(order_reports.MalformedReport, match="line 2 has 1 fields, the header 6"):
        list(order_reports.read_rows([f"{header}\n", "1\n"]))
    document = BytesIO(b"\xef\xbb\xbf" + header.encode() + b"\n\xff\xfe\n")
    lines = order_reports.document_lines(document)
    assert next(lines) == f"{header}\n"  # the byte-order mark dropped
    with pytest.raises(order_reports.MalformedReport, match=f"not UTF-8 .* at byte {len(header) + 4}"):
        next(lines)


def test_the_gap_audit_can_list_its_window_from_one_report(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sellersync.amazon.services import client_for_account, synchronized_marketplace_ids
    from sellersync.amazon.sync.audit_orders import audit_orders, list_orders

    # given the account in step with Amazon
    account.last_order_sync = datetime(2026, 6, 1, tzinfo=UTC)
    account.save(update_fields=["last_order_sync"])
    assert sync_orders(account).status == SyncRunStatus.SUCCEEDED
    monkeypatch.setattr(order_reports, "amazon_sleep", lambda client: world.advance)
    # when the orders updated since June 8 are listed from one report and from getOrders pages
    since = datetime(2026, 6, 8, tzinfo=UTC)
    with client_for_account(account) as client:
        marketplace_ids = synchronized_marketplace_ids(account, client)
        by_pages = {order for page in list_orders(client, marketplace_ids, since).pages for order in page}
        until = client.amazon_now() - order_reports.LISTING_MARGIN  # type: ignore[operator]
        listing = order_reports.list_orders_by_report(client, marketplace_ids, since, until)
        by_report = {order for page in listing.pages for order in page}
    # then both list the same orders, statuses, last updates and channels
    assert len(by_pages) > 10 and by_report == by_pages
    # and an audit listing from a report finds the books in step, in a handful of report calls
    calls_before = world.calls("getOrders")
    audit = audit_orders(account, by_report=True)
    assert (audit.status, audit.missing_found, audit.behind_found) == (SyncRunStatus.SUCCEEDED, 0, 0)
    in_window = {order for order in by_pages if order.last_update >= audit.window_start}
    assert audit.orders_checked == len(in_window) > 10 and world.calls("getOrders") == calls_before


def test_a_run_killed_between_amazons_answer_and_storing_the_report_id_does_not_request_it_again(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a run that dies just after Amazon answered its first createReport
    real = order_reports.request_report
    answered: list[str] = []

    def dies_after_the_answer(*args: Any, **kwargs: Any) -> str:
        answered.append(real(*args, **kwargs))
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(order_reports, "request_report", dies_after_the_answer)
        with pytest.raises(Killed):
            _backfill(world, account)
    newest = BackfillWindow.objects.get(position=0)
    assert (newest.state, newest.report_id, len(answered)) == (BackfillWindowState.PENDING, "", 1)
    # when it is run again
    summary = _backfill(world, account)
    # then the report Amazon had taken is the window's, and each window's report was requested once
    newest.refresh_from_db()
    assert summary.status == SyncRunStatus.SUCCEEDED and newest.report_id == answered[0]
    assert world.calls("createReport") == 8


def test_a_document_url_that_expired_before_its_download_is_asked_for_again(
    world: Sandbox, account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sellersync.spapi.apis.reports import Reports20210630
    from sellersync.spapi.errors import AuthError

    # given the first download of a document finds its 5-minute URL expired (S3 answers 403)
    real = Reports20210630.download_report_document_into
    expired = {"left": 1}

    def first_expired(self: Reports20210630, document: Any, sink: Any) -> int:
        if expired["left"]:
            expired["left"] -= 1
            sink.write(b"half a document")
            raise AuthError("downloadDocument failed with HTTP 403: Forbidden", status=403)
        return real(self, document, sink)

    monkeypatch.setattr(Reports20210630, "download_report_document_into", first_expired)
    # when the history is imported
    summary = _backfill(world, account)
    # then that window asked for a fresh URL once, and every window is done
    assert summary.status == SyncRunStatus.SUCCEEDED and expired["left"] == 0
    from sellersync.amazon.services import client_for_account

    done = BackfillWindow.objects.filter(state=BackfillWindowState.DONE)
    with client_for_account(account) as client:  # CANCELLED reports (no order) have no document
        statuses = [client.reports.get_report(window.report_id).processing_status for window in done]
    assert len(statuses) == 8 and summary.api_calls["reports.getReportDocument"] == statuses.count("DONE") + 1
