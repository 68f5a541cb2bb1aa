"""What the connector did: sync runs (with progress while running) and messages sent to Amazon."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellersync.amazon.choices import SyncRunStatus
from sellersync.amazon.models import OutboundMessage, SyncRun
from sellersync.core.admin_scoping import CompanyScopedAdmin


class ReadOnlyAdmin(CompanyScopedAdmin):
    """A record of what happened: shown, never edited or added by hand."""

    company_path = "account__company"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "account",
        "kind",
        "status",
        "window_start",
        "window_end",
        "pages",
        "orders_created",
        "orders_updated",
        "orders_unchanged",
        "orders_failed",
        "api_calls",
        "duration",
    )
    list_filter = ("status", "kind", "account", "started_at")
    list_select_related = ("account",)
    date_hierarchy = "started_at"
    fields = (
        ("account", "kind", "status"),
        ("window_start", "window_end"),
        ("started_at", "finished_at", "duration"),
        ("pages", "api_calls"),
        ("orders_created", "orders_updated", "orders_unchanged", "orders_failed"),
        "error",
        "log",
    )
    readonly_fields = ("duration",)

    @admin.display(description=gettext_lazy("duration"))
    def duration(self, run: SyncRun) -> str:
        if run.status == SyncRunStatus.RUNNING:
            elapsed = (timezone.now() - run.started_at).total_seconds()
            return _("running for %(seconds).0f s") % {"seconds": elapsed}
        seconds = run.duration_seconds
        return "—" if seconds is None else f"{seconds:.1f} s"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "kind", "reference", "amazon_order_id", "state", "amazon_error")
    list_filter = ("state", "kind", "account")
    search_fields = ("reference", "amazon_order_id", "feed_id")
    list_select_related = ("account",)
