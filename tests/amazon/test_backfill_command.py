"""`sellersync backfill --account ... --since ...`: the history import in the foreground, with its progress
line, resuming the interrupted run of the same account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sellersync.amazon.choices import BackfillWindowState, SyncRunStatus
from sellersync.amazon.management.commands.backfill import progress_line
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderBackfill
from sellersync.amazon.sync import backfill as backfill_module
from sellersync.amazon.sync import order_reports
from sellersync.amazon.sync.backfill import BackfillProgress
from sellersync.sandbox.app import create_app
from tests.amazon.fixtures import Sandbox, serving

pytestmark = pytest.mark.django_db

#: Amazon's clock 600 times faster than real time: a document's 5-minute URL lasts half a second, enough on a
#: loaded machine between getReportDocument and the download.
SLOWER_SCALE = 600.0


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    with serving(settings, create_app(seed=42, time_scale=SLOWER_SCALE), SLOWER_SCALE) as box:
        yield box


class Killed(BaseException):
    """The process dies (Ctrl-C, SIGKILL): nothing is recorded."""


def test_an_interrupted_backfill_command_resumes_where_it_stopped(
    sandbox: Sandbox, na_account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given windows of one day, and a first run that dies while waiting for its third report
    monkeypatch.setattr(backfill_module, "WINDOW", timedelta(days=1))
    since = (timezone.now() - timedelta(days=5)).date()
    real = order_reports.finished_report
    calls = {"count": 0}

    def dies_at_the_third(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 3:
            raise Killed
        return real(*args, **kwargs)

    monkeypatch.setattr(order_reports, "finished_report", dies_at_the_third)
    with pytest.raises(Killed):
        call_command("backfill", account=na_account.name, since=since.isoformat(), stdout=StringIO())
    backfill = OrderBackfill.objects.get()
    states = list(backfill.windows.order_by("position").values_list("state", flat=True))
    assert backfill.status == SyncRunStatus.RUNNING
    assert states[:2] == [BackfillWindowState.DONE] * 2 and BackfillWindowState.REQUESTED in states
    requested_before = sandbox.calls("createReport")
    # when the same command is run again
    out = StringIO()
    call_command("backfill", account=str(na_account.pk), since=since.isoformat(), stdout=out)
    # then it finished the same backfill, requesting only the windows never requested, with a progress line
    backfill.refresh_from_db()
    total = backfill.windows.count()
    assert backfill.status == SyncRunStatus.SUCCEEDED and OrderBackfill.objects.count() == 1
    assert set(backfill.windows.values_list("state", flat=True)) == {BackfillWindowState.DONE}
    assert requested_before == min(total, 2 + backfill_module.LOOKAHEAD)
    assert sandbox.calls("createReport") == total
    lines = out.getvalue().splitlines()
    imported = AmazonOrder.objects.filter(account=na_account).count()
    assert lines[0].startswith(f"[{'#' * (30 * 2 // total)}") and f"2/{total} windows" in lines[0]
    assert f"{total}/{total} windows" in lines[-2] and imported > 0
    assert lines[-1].startswith(f"{na_account.name}: history imported since {since.isoformat()}")


def test_the_backfill_command_refuses_a_day_that_is_not_a_date(na_account: AmazonAccount) -> None:
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("backfill", account=na_account.name, since="last year")
    with pytest.raises(CommandError, match="Nothing to import"):
        call_command("backfill", account=na_account.name, since="2999-01-01")


def test_the_progress_line_shows_windows_orders_and_time_left() -> None:
    progress = BackfillProgress(
        windows_done=3,
        windows_total=12,
        windows_failed=0,
        orders_imported=1234,
        orders_failed=2,
        seconds_left=290,
    )
    assert progress_line(progress) == (
        "[#######-----------------------] 3/12 windows, 1234 orders imported, 2 failed, about 5 min left"
    )
