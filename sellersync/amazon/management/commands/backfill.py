"""`sellersync backfill --account ID|NAME --since YYYY-MM-DD`: import an account's order history now, in the
foreground, through Amazon's order reports (see sellersync/amazon/sync/backfill.py); run again, it resumes
where an interrupted run of the same account and date stopped."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon.admin.results import api_calls_text
from sellersync.amazon.choices import BackfillWindowState, SyncRunStatus
from sellersync.amazon.management.commands._accounts import accounts_named
from sellersync.amazon.models import BackfillWindow
from sellersync.amazon.sync.backfill import BackfillBusy, BackfillProgress, NothingToImport, run_backfill

BAR_WIDTH = 30


def progress_line(progress: BackfillProgress) -> str:
    """`[#########---------]  3/13 windows, 1234 orders imported, about 5 min left`."""
    total = max(progress.windows_total, 1)
    filled = BAR_WIDTH * progress.windows_done // total
    windows = ngettext("%(done)d/%(total)d window", "%(done)d/%(total)d windows", progress.windows_total) % {
        "done": progress.windows_done,
        "total": progress.windows_total,
    }
    orders = ngettext("%(count)d order imported", "%(count)d orders imported", progress.orders_imported) % {
        "count": progress.orders_imported
    }
    text = f"{windows}, {orders}"
    if progress.orders_failed:
        text += ", " + _("%(failed)d failed") % {"failed": progress.orders_failed}
    if progress.seconds_left:
        text += ", " + _("about %(minutes)d min left") % {
            "minutes": max(1, round(progress.seconds_left / 60))
        }
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {text}"


class Command(BaseCommand):
    help = "Import an Amazon account's order history through order reports, one window of 30 days at a time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="id or name of the account")
        parser.add_argument("--since", required=True, help="first day of the history (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = date.fromisoformat(options["since"])
        except ValueError as exc:
            raise CommandError(_("--since must be a date (YYYY-MM-DD)")) from exc
        account = accounts_named(options["account"]).get()
        interactive = self.stdout.isatty()

        def show(progress: BackfillProgress) -> None:
            line = progress_line(progress)
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        try:
            summary = run_backfill(account, since, progress=show)
        except BackfillBusy as exc:
            message = _("%(account)s: a history import is already running") % {"account": account}
            raise CommandError(message) from exc
        except NothingToImport as exc:
            raise CommandError(str(exc)) from exc
        if interactive:
            self.stdout.write("")
        calls = sum(summary.api_calls.values())
        if summary.status == SyncRunStatus.SUCCEEDED:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(account)s: history imported since %(since)s (%(calls)s).")
                    % {"account": account, "since": since.isoformat(), "calls": api_calls_text(calls)}
                )
            )
            return
        failed = BackfillWindow.objects.filter(
            backfill_id=summary.backfill_id, state=BackfillWindowState.FAILED
        )
        for window in failed.order_by("position"):
            self.stderr.write(f"{window.start:%Y-%m-%d} – {window.end:%Y-%m-%d}: {window.error}")
        self.stderr.write(
            self.style.ERROR(
                _("%(account)s: the history import stopped: %(error)s. Run the same command again to resume.")
                % {"account": account, "error": summary.error}
            )
        )
        raise SystemExit(1)
