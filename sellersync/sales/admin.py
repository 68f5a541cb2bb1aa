"""Back-office screens for sales: orders with their lines and audit trail, teams.

The "Cancel" action cancels the order with its open deliveries, through
`stock.services.cancel_order_with_deliveries`: admin modules are the UI layer above every app's services.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.errors import DomainError
from sellersync.sales import services
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesOrderEvent, SalesOrderLine, SalesTeam


def run_on_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    records: QuerySet,  # type: ignore[type-arg]
    operation: Callable[[object], object],
    done_message: str | Promise,
) -> None:
    """Apply a service to each selected record (pk order), reporting successes and refusals as messages;
    `done_message` is an `ngettext_lazy(singular, plural, "count")` given the number of records done."""
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


class SalesOrderLineInline(admin.TabularInline):
    model = SalesOrderLine
    extra = 0
    fields = (
        "sequence",
        "line_kind",
        "product",
        "description",
        "quantity",
        "unit_price",
        "discount_amount",
        "tax",
        "tax_amount",
        "subtotal",
        "total",
        "quantity_delivered",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SalesOrderEventInline(admin.TabularInline):
    model = SalesOrderEvent
    extra = 0
    fields = ("created_at", "kind", "message")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SalesOrder)
class SalesOrderAdmin(CompanyScopedAdmin):
    list_display = (
        "name",
        "order_date",
        "partner",
        "client_order_ref",
        "team",
        "amount_total",
        "currency",
        "state",
        "delivery_status",
        "company",
    )
    list_filter = ("state", "delivery_status", "company", "team", "order_date")
    search_fields = ("name", "client_order_ref", "partner__name")
    list_per_page = 50  # rendering a row costs ~3 ms (the admin's own); 50 keep the page under 300 ms
    show_full_result_count = False  # a filtered list does not count all 100,000 orders again
    # no date_hierarchy: its DISTINCT over every order's month cost 2 s with 100,000 orders (bench_pages);
    # the order date filter stays
    raw_id_fields = ("partner", "shipping_partner")
    readonly_fields = (
        "name",
        "company",
        "currency",
        "state",
        "delivery_status",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "cancel_reason",
        "created_at",
        "updated_at",
    )
    inlines = (SalesOrderLineInline, SalesOrderEventInline)
    actions = ("confirm_selected", "cancel_selected", "lock_selected")

    #: Fixed once the order is confirmed: the customer, date and buyer's reference are those the deliveries,
    #: the invoices and Amazon's own order carry.
    fixed_after_quotation = ("partner", "shipping_partner", "order_date", "client_order_ref")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are created by services (sync, import), which number and total them

    def get_readonly_fields(self, request: HttpRequest, obj: SalesOrder | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state != OrderState.DRAFT:
            return fields + self.fixed_after_quotation
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: SalesOrder | None = None) -> bool:
        # a confirmed order has deliveries, invoices or Amazon's order behind it: it is canceled, not deleted
        if obj is not None and obj.state != OrderState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Confirm"))
    def confirm_selected(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        run_on_each(
            self,
            request,
            queryset,
            services.confirm_order,
            ngettext_lazy("%(count)d order confirmed.", "%(count)d orders confirmed.", "count"),
        )

    @admin.action(description=_("Cancel"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        from sellersync.stock.services import cancel_order_with_deliveries

        reason = str(_("Canceled from the back office"))
        run_on_each(
            self,
            request,
            queryset,
            lambda order: cancel_order_with_deliveries(order, reason),
            ngettext_lazy("%(count)d order canceled.", "%(count)d orders canceled.", "count"),
        )

    @admin.action(description=_("Lock (done)"))
    def lock_selected(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        run_on_each(
            self,
            request,
            queryset,
            services.mark_done,
            ngettext_lazy("%(count)d order locked.", "%(count)d orders locked.", "count"),
        )


@admin.register(SalesTeam)
class SalesTeamAdmin(CompanyScopedAdmin):
    list_display = ("name", "company", "is_active")
    list_filter = ("company", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("members",)
