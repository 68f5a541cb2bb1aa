"""The account page's "Import history from" and the progress of the account's latest history import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import ngettext

from sellersync.amazon import tasks
from sellersync.amazon.choices import BackfillWindowState
from sellersync.amazon.forms import BackfillForm
from sellersync.amazon.models import AmazonAccount, OrderBackfill
from sellersync.amazon.sync.backfill import NothingToImport, backfill_progress, start_backfill


def backfill_context(account_id: int) -> dict[str, Any]:
    """The latest history import of the account, its progress and its failed windows (for the page)."""
    backfill = OrderBackfill.objects.filter(account_id=account_id).order_by("-started_at", "-pk").first()
    if backfill is None:
        return {"backfill": None}
    progress = backfill_progress(backfill)
    minutes_left = None
    if progress.seconds_left is not None:
        minutes_left = max(1, round(progress.seconds_left / 60)) if progress.seconds_left else 0
    failed = backfill.windows.filter(state=BackfillWindowState.FAILED).order_by("position")
    return {
        "backfill": backfill,
        "backfill_progress": progress,
        "backfill_minutes_left": minutes_left,
        "backfill_failed_windows": list(failed),
    }


def start_from_request(request: HttpRequest, account: AmazonAccount) -> None:
    """Create (or resume) the backfill from the posted date and hand it to the worker; say so."""
    form = BackfillForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return
    since = form.cleaned_data["since"]
    try:
        backfill = start_backfill(account, since)
    except NothingToImport as error:
        messages.error(request, str(error))
        return
    tasks.backfill_account(account.pk, since.isoformat())
    windows = backfill.windows.count()
    text = ngettext(
        "The order history since %(since)s is being imported in %(windows)d window.",
        "The order history since %(since)s is being imported in %(windows)d windows.",
        windows,
    )
    messages.success(request, text % {"since": since.isoformat(), "windows": windows})
