"""How a service's outcome is told to the user: one admin message per sync run or refusal."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon.choices import SyncRunStatus
from sellersync.amazon.models import SyncRun


def describe_run(run: SyncRun) -> str:
    """One line: kind, counts and duration of a sync run (and its error, if it stopped)."""
    text = _(
        "%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed "
        "(%(pages)s, %(calls)s)."
    ) % {
        "kind": run.get_kind_display(),
        "created": run.orders_created,
        "updated": run.orders_updated,
        "unchanged": run.orders_unchanged,
        "failed": run.orders_failed,
        "pages": ngettext("%(count)d page", "%(count)d pages", run.pages) % {"count": run.pages},
        "calls": api_calls_text(run.api_calls),
    }
    if run.error:
        text += " " + _("Error: %(error)s") % {"error": run.error}
    return text


def api_calls_text(count: int) -> str:
    """ "1 API call", "3 API calls", in the active language."""
    return ngettext("%(count)d API call", "%(count)d API calls", count) % {"count": count}


def report_run(request: HttpRequest, run: SyncRun) -> None:
    """A success message for a finished run, a warning when orders failed, an error when it stopped."""
    messages.add_message(request, outcome_level(run.status, run.orders_failed), describe_run(run))


def outcome_level(status: str, orders_failed: int) -> int:
    """Error when the run stopped, warning when some orders failed, success otherwise."""
    if status == SyncRunStatus.FAILED:
        return messages.ERROR
    return messages.WARNING if orders_failed else messages.SUCCESS
