"""Back-office screens of the ledger: chart of accounts, journals, entries with their lines, journal items.

Posted entries are read-only: they are corrected by reversing them (an action), never edited. Every action
calls the same service as the rest of the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sellersync.accounting import services
from sellersync.accounting.choices import EntryState
from sellersync.accounting.models import (
    Account,
    ExchangeRate,
    Journal,
    JournalEntry,
    JournalLine,
    Reconciliation,
)
from sellersync.core.admin_scoping import CompanyScopedAdmin, CompanyScopedFields
from sellersync.core.errors import DomainError


def _run_on_each(
    modeladmin: admin.ModelAdmin,  # type: ignore[type-arg]
    request: HttpRequest,
    records: QuerySet[Any],
    operation: Callable[[Any], object],
    done_message: str | Promise,
) -> None:
    """Apply a service to each selected record (pk order), reporting successes and refusals; `done_message`
    is an `ngettext_lazy(singular, plural, "count")` given the number of records done."""
    succeeded = 0
    for record in records.order_by("pk"):
        try:
            operation(record)
        except DomainError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done_message % {"count": succeeded}, messages.SUCCESS)


@admin.register(Account)
class AccountAdmin(CompanyScopedAdmin):
    list_display = ("code", "name", "kind", "role", "reconcilable", "company", "is_active")
    list_filter = ("company", "kind", "reconcilable", "is_active")
    search_fields = ("code", "name")


@admin.register(Journal)
class JournalAdmin(CompanyScopedAdmin):
    list_display = ("code", "name", "kind", "company", "default_account", "intermediary_account", "is_active")
    list_filter = ("company", "kind", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("default_account", "intermediary_account")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(CompanyScopedAdmin):
    """Rates entered by the user: units of the currency per one unit of the company currency, by day."""

    list_display = ("date", "currency", "rate", "company_currency", "company")
    list_filter = ("company", "currency", ("date", admin.DateFieldListFilter))
    search_fields = ("currency__code", "company__name")
    date_hierarchy = "date"
    ordering = ("company", "currency", "-date")

    @admin.display(description=_("1 unit of"))
    def company_currency(self, rate: ExchangeRate) -> str:
        return rate.company.currency_id


LINE_FIELDS = ("account", "partner", "label", "debit", "credit", "amount_currency", "matching_key")


class JournalLineInline(CompanyScopedFields, admin.TabularInline):  # type: ignore[type-arg]
    model = JournalLine
    extra = 0
    fields = (*LINE_FIELDS, "reconciliation")
    readonly_fields = ("reconciliation",)
    autocomplete_fields = ("account",)
    raw_id_fields = ("partner",)

    def get_readonly_fields(self, request: HttpRequest, obj: JournalEntry | None = None) -> tuple[str, ...]:
        if obj is not None and obj.state != EntryState.DRAFT:
            return self.fields
        return self.readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: JournalEntry | None = None) -> bool:
        return obj is None or obj.state == EntryState.DRAFT

    def has_delete_permission(self, request: HttpRequest, obj: JournalEntry | None = None) -> bool:
        return obj is None or obj.state == EntryState.DRAFT


@admin.register(JournalEntry)
class JournalEntryAdmin(CompanyScopedAdmin):
    company_path = "journal__company"
    list_display = ("__str__", "date", "journal", "ref", "state", "currency", "posted_at")
    list_filter = ("state", "journal__company", "journal", "date")
    search_fields = ("number", "ref", "lines__label", "lines__matching_key")
    date_hierarchy = "date"
    fields = (
        "journal",
        "number",
        "date",
        "ref",
        "currency",
        "state",
        "reversal_of",
        "created_at",
        "posted_at",
    )
    readonly_fields = ("number", "state", "reversal_of", "created_at", "posted_at")
    inlines = (JournalLineInline,)
    actions = ("post_selected", "reverse_selected", "cancel_selected")

    def get_readonly_fields(self, request: HttpRequest, obj: JournalEntry | None = None) -> tuple[str, ...]:
        if obj is not None and obj.state != EntryState.DRAFT:
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: JournalEntry | None = None) -> bool:
        return obj is None or obj.state == EntryState.DRAFT

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # posted entries must never be bulk-deleted
        return actions

    @admin.action(description=_("Post"))
    def post_selected(self, request: HttpRequest, queryset: QuerySet[JournalEntry]) -> None:
        _run_on_each(
            self,
            request,
            queryset,
            services.post_entry,
            ngettext_lazy("%(count)d entry posted.", "%(count)d entries posted.", "count"),
        )

    @admin.action(description=_("Reverse (dated today)"))
    def reverse_selected(self, request: HttpRequest, queryset: QuerySet[JournalEntry]) -> None:
        today = timezone.localdate()
        _run_on_each(
            self,
            request,
            queryset,
            lambda entry: services.reverse_entry(entry, today),
            ngettext_lazy("%(count)d entry reversed.", "%(count)d entries reversed.", "count"),
        )

    @admin.action(description=_("Cancel draft"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[JournalEntry]) -> None:
        _run_on_each(
            self,
            request,
            queryset,
            services.cancel_entry,
            ngettext_lazy("%(count)d draft canceled.", "%(count)d drafts canceled.", "count"),
        )


@admin.register(JournalLine)
class JournalLineAdmin(CompanyScopedAdmin):
    company_path = "entry__journal__company"
    """Journal items: every line of every entry, read-only, where reconciliation happens."""

    list_display = ("entry", "entry_date", "account", "partner", "label", "debit", "credit", "reconciliation")
    list_filter = (
        "entry__state",
        "entry__journal__company",
        "entry__journal",
        "account",
        ("reconciliation", admin.EmptyFieldListFilter),
    )
    search_fields = ("label", "matching_key", "entry__number", "entry__ref", "partner__name")
    list_select_related = ("entry", "account", "partner")
    actions = ("reconcile_selected",)

    @admin.display(description=_("date"), ordering="entry__date")
    def entry_date(self, line: JournalLine) -> object:
        return line.entry.date

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: JournalLine | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: JournalLine | None = None) -> bool:
        return False

    @admin.action(description=_("Reconcile together"), permissions=["view"])
    def reconcile_selected(self, request: HttpRequest, queryset: QuerySet[JournalLine]) -> None:
        try:
            services.reconcile(list(queryset))
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("The lines are reconciled."), messages.SUCCESS)


class ReconciledLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = JournalLine
    extra = 0
    fields = ("entry", *LINE_FIELDS)
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(CompanyScopedAdmin):
    list_display = ("__str__", "company", "created_at")
    list_filter = ("company",)
    readonly_fields = ("company", "created_at")
    inlines = (ReconciledLineInline,)
    actions = ("unreconcile_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Unreconcile"))
    def unreconcile_selected(self, request: HttpRequest, queryset: QuerySet[Reconciliation]) -> None:
        _run_on_each(
            self,
            request,
            queryset,
            services.unreconcile,
            ngettext_lazy("%(count)d reconciliation undone.", "%(count)d reconciliations undone.", "count"),
        )


from sellersync.accounting import admin_invoices  # noqa: E402,F401  (registers the invoice screens)
