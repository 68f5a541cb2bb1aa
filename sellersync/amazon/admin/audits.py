"""Gap audits: read-only list, the account page's latest audits, and the message an "Audit now" shows."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon.admin.results import api_calls_text, outcome_level
from sellersync.amazon.admin.runs import ReadOnlyAdmin
from sellersync.amazon.models import OrderAudit

LATEST_ON_ACCOUNT = 5


@admin.register(OrderAudit)
class OrderAuditAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "account",
        "status",
        "window_start",
        "window_end",
        "orders_checked",
        "missing_found",
        "behind_found",
        "repaired",
        "unchanged",
        "failed",
        "api_calls",
    )
    list_filter = ("status", "account", "started_at")
    list_select_related = ("account",)
    date_hierarchy = "started_at"
    fields = (
        ("account", "status"),
        ("window_start", "window_end"),
        ("started_at", "finished_at"),
        ("orders_checked", "api_calls"),
        ("missing_found", "behind_found"),
        ("repaired", "unchanged", "failed"),
        "sync_run",
        "error",
    )


def latest_audits(account_id: int) -> list[OrderAudit]:
    """The account's most recent audits, newest first (shown on its page)."""
    return list(OrderAudit.objects.filter(account_id=account_id)[:LATEST_ON_ACCOUNT])


def describe_audit(audit: OrderAudit) -> str:
    """One line: what the audit checked, found and repaired (and its error, if it stopped)."""
    text = ngettext(
        "Gap audit: %(checked)d order checked, %(missing)d missing, %(behind)d behind, %(repaired)d "
        "repaired, %(failed)d failed (%(calls)s).",
        "Gap audit: %(checked)d orders checked, %(missing)d missing, %(behind)d behind, %(repaired)d "
        "repaired, %(failed)d failed (%(calls)s).",
        audit.orders_checked,
    ) % {
        "checked": audit.orders_checked,
        "missing": audit.missing_found,
        "behind": audit.behind_found,
        "repaired": audit.repaired,
        "failed": audit.failed,
        "calls": api_calls_text(audit.api_calls),
    }
    if audit.error:
        text += " " + _("Error: %(error)s") % {"error": audit.error}
    return text


def report_audit(request: HttpRequest, audit: OrderAudit) -> None:
    """Success, a warning when orders failed, an error when the audit stopped."""
    messages.add_message(request, outcome_level(audit.status, audit.failed), describe_audit(audit))
