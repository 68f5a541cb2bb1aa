"""Amazon's refunds in the back office: each with its credit note, or why it waits or failed (filterable),
and "Sync refunds" on the account (developer mode) reading Amazon's refund events at once
(sync/import_refunds.py; the hourly task does it otherwise)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy, ngettext

from sellersync.amazon.models import AmazonAccount, AmazonRefund
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_refunds import credit_pending_refunds, import_refunds
from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.errors import DomainError
from sellersync.spapi.errors import SpApiError

REFUND_FIELDS = (
    "account",
    "amazon_order_id",
    "posted_at",
    "amount_refunded",
    "restocking_fee",
    "facilitator_tax",
    "currency_code",
    "state",
    "error",
    "credit_note_link",
    "sales_order_link",
    "refund_key",
    "created_at",
    "credited_at",
)


def report_refunds(request: HttpRequest, account: AmazonAccount) -> None:
    """Sync refunds now and say how many became credit notes, wait for their invoice or failed."""
    try:
        with client_for_account(account) as client:
            result = import_refunds(account, client)
    except (SpApiError, DomainError) as error:
        messages.error(request, f"{account}: {error}")
        return
    text = ngettext(
        "%(account)s: %(seen)d refund read, %(credited)d credited, %(pending)d waiting for their invoice, "
        "%(failed)d failed.",
        "%(account)s: %(seen)d refunds read, %(credited)d credited, %(pending)d waiting for their invoice, "
        "%(failed)d failed.",
        result.seen,
    ) % {
        "account": account,
        "seen": result.seen,
        "credited": result.credited,
        "pending": result.pending,
        "failed": result.failed,
    }
    (messages.warning if result.failed else messages.success)(request, text)
    for error in result.errors[:10]:
        messages.error(request, error)


@admin.register(AmazonRefund)
class AmazonRefundAdmin(CompanyScopedAdmin):
    company_path = "account__company"
    list_display = (
        "posted_at",
        "amazon_order_id",
        "account",
        "amount_refunded",
        "restocking_fee",
        "facilitator_tax",
        "currency_code",
        "state",
        "credit_note_link",
        "error",
    )
    list_filter = ("state", "account", "currency_code")
    search_fields = ("amazon_order_id", "refund_key", "credit_note__number")
    readonly_fields = REFUND_FIELDS
    fields = REFUND_FIELDS
    actions = ("credit_now",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AmazonRefund]:
        return super().get_queryset(request).select_related("account", "credit_note", "sales_order")

    @admin.display(description=gettext_lazy("credit note"))
    def credit_note_link(self, refund: AmazonRefund) -> str:
        if refund.credit_note is None:
            return "—"
        url = reverse("admin:accounting_invoice_change", args=(refund.credit_note_id,))
        return format_html('<a class="credit-note-link" href="{}">{}</a>', url, refund.credit_note)

    @admin.display(description=gettext_lazy("sales order"))
    def sales_order_link(self, refund: AmazonRefund) -> str:
        if refund.sales_order is None:
            return "—"
        url = reverse("admin:sales_salesorder_change", args=(refund.sales_order_id,))
        return format_html('<a href="{}">{}</a>', url, refund.sales_order.name)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # refunds come from Amazon

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # their credit notes are posted

    @admin.action(description=gettext_lazy("Credit the waiting refunds of these accounts now"))
    def credit_now(self, request: HttpRequest, queryset: QuerySet[AmazonRefund]) -> None:
        credited = 0
        for account in AmazonAccount.objects.filter(pk__in=queryset.values("account")).order_by("pk"):
            credited += credit_pending_refunds(account)
        messages.success(
            request,
            ngettext("%(count)d refund credited.", "%(count)d refunds credited.", credited)
            % {"count": credited},
        )
