"""Amazon settlements in the back office: payouts with their totals and entries, and every amount Amazon
reported with what it became (unmatched ones filterable, with their reason). "Import settlements" reads
the accounts' financial event groups again and books the closed ones (sync/import_settlements.py).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonSettlement, AmazonSettlementLine
from sellersync.amazon.models.settlements import SettlementMatch
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_settlements import import_settlements
from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.errors import DomainError
from sellersync.spapi.errors import SpApiError

LINE_FIELDS = (
    "sequence",
    "event_type",
    "amazon_order_id",
    "sku",
    "kind",
    "amount_type",
    "amount",
    "match",
    "reason",
)


class SettlementLineInline(admin.TabularInline):
    model = AmazonSettlementLine
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def report_settlements(request: HttpRequest, account: AmazonAccount) -> None:
    """Import the account's settlements now and say what was booked, left open or failed."""
    try:
        with client_for_account(account) as client:
            result = import_settlements(account, client)
    except (SpApiError, DomainError) as error:
        messages.error(request, f"{account}: {error}")
        return
    text = _("%(account)s: %(booked)d booked, %(open)d open, %(failed)d failed.") % {
        "account": account,
        "booked": result.booked,
        "open": result.open,
        "failed": result.failed,
    }
    (messages.warning if result.failed else messages.success)(request, text)


@admin.register(AmazonSettlement)
class AmazonSettlementAdmin(CompanyScopedAdmin):
    company_path = "account__company"
    list_display = (
        "started_at",
        "ended_at",
        "account",
        "state",
        "processing_status",
        "currency_code",
        "sales_total",
        "refunds_total",
        "fees_total",
        "tax_withheld_total",
        "other_total",
        "original_total",
        "unmatched_count",
        "fund_transfer_date",
    )
    list_filter = ("state", "account", "currency_code", "processing_status")
    search_fields = ("group_id", "lines__amazon_order_id")
    readonly_fields = (
        "account",
        "group_id",
        "state",
        "processing_status",
        "fund_transfer_status",
        "fund_transfer_date",
        "started_at",
        "ended_at",
        "currency_code",
        "original_total",
        "sales_total",
        "refunds_total",
        "fees_total",
        "tax_withheld_total",
        "other_total",
        "entry",
        "payout_entry",
        "error",
        "imported_at",
    )
    inlines = (SettlementLineInline,)
    actions = ("import_from_amazon",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AmazonSettlement]:
        unmatched = Count("lines", filter=Q(lines__match=SettlementMatch.UNMATCHED))
        return super().get_queryset(request).select_related("account").annotate(unmatched=unmatched)

    @admin.display(description=gettext_lazy("unmatched"), ordering="unmatched")
    def unmatched_count(self, settlement: AmazonSettlement) -> int:
        return int(getattr(settlement, "unmatched", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # settlements come from Amazon

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # their entries are posted

    @admin.action(description=gettext_lazy("Import settlements of these accounts"))
    def import_from_amazon(self, request: HttpRequest, queryset: QuerySet[AmazonSettlement]) -> None:
        accounts = AmazonAccount.objects.filter(pk__in=queryset.values("account")).order_by("pk")
        for account in accounts:
            report_settlements(request, account)


@admin.register(AmazonSettlementLine)
class AmazonSettlementLineAdmin(CompanyScopedAdmin):
    company_path = "settlement__account__company"
    list_display = ("settlement", *LINE_FIELDS[1:])
    list_filter = ("match", "event_type", "kind", "settlement__account")
    search_fields = ("amazon_order_id", "sku", "amount_type", "reason")
    readonly_fields = ("settlement", "sales_order", *LINE_FIELDS)

    @admin.display(description=gettext_lazy("sales order"))
    def sales_order(self, line: AmazonSettlementLine) -> str:
        binding = (
            AmazonOrder.objects.filter(
                account_id=line.settlement.account_id,
                amazon_id=line.amazon_order_id,
                sales_order__isnull=False,
            )
            .select_related("sales_order")
            .first()
            if line.amazon_order_id
            else None
        )
        if binding is None or binding.sales_order is None:
            return "—"
        url = reverse("admin:sales_salesorder_change", args=(binding.sales_order_id,))
        return format_html('<a href="{}">{}</a>', url, binding.sales_order.name)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
