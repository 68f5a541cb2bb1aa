"""Amazon's customer returns in the back office: every returned row with what became of it (the stock move,
the incoming return to receive, or the reason it failed), linked to its sales order; and "Sync returns" on
the account (developer mode) through `report_returns`."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy, ngettext

from sellersync.accounting.models import Invoice
from sellersync.amazon.models import AmazonAccount, AmazonRefund, AmazonReturn
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_returns import import_returns
from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.errors import DomainError
from sellersync.spapi.errors import SpApiError

RETURN_FIELDS = (
    "account",
    "channel",
    "amazon_order_id",
    "sales_order_link",
    "sku",
    "product",
    "quantity",
    "returned_at",
    "disposition",
    "reason",
    "amazon_status",
    "rma_id",
    "carrier_name",
    "tracking_id",
    "fulfillment_center",
    "license_plate_number",
    "state",
    "outcome",
    "credit_notes",
    "error",
    "created_at",
)


def report_returns(request: HttpRequest, account: AmazonAccount) -> None:
    """Import the account's returns now and say what became of them."""
    try:
        with client_for_account(account) as client:
            result = import_returns(account, client)
    except (SpApiError, DomainError) as error:
        messages.error(request, f"{account}: {error}")
        return
    text = ngettext(
        "%(account)s: %(restocked)d back in stock, %(damaged)d damaged at Amazon, %(to_receive)d to receive, "
        "%(failed)d failed, %(pending)d report still being prepared by Amazon.",
        "%(account)s: %(restocked)d back in stock, %(damaged)d damaged at Amazon, %(to_receive)d to receive, "
        "%(failed)d failed, %(pending)d reports still being prepared by Amazon.",
        result.pending_reports,
    ) % {
        "account": account,
        "restocked": result.restocked,
        "damaged": result.damaged,
        "to_receive": result.to_receive,
        "failed": result.failed,
        "pending": result.pending_reports,
    }
    (messages.warning if result.failed or result.errors else messages.success)(request, text)
    for error in result.errors:
        messages.error(request, error)


@admin.register(AmazonReturn)
class AmazonReturnAdmin(CompanyScopedAdmin):
    company_path = "account__company"
    list_display = (
        "returned_at",
        "amazon_order_id",
        "sales_order",
        "sku",
        "quantity",
        "channel",
        "disposition",
        "rma_id",
        "state",
        "account",
    )
    list_filter = ("account", "channel", "state", "disposition")
    search_fields = ("amazon_order_id", "sku", "rma_id", "tracking_id", "sales_order__name")
    fields = RETURN_FIELDS
    readonly_fields = RETURN_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[AmazonReturn]:
        return super().get_queryset(request).select_related("account", "sales_order", "product", "picking")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # returns come from Amazon's reports

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("sales order"))
    def sales_order_link(self, row: AmazonReturn) -> str:
        if row.sales_order is None:
            return "—"
        url = reverse("admin:sales_salesorder_change", args=(row.sales_order_id,))
        return format_html('<a href="{}">{}</a>', url, row.sales_order)

    @admin.display(description=gettext_lazy("what became of it"))
    def outcome(self, row: AmazonReturn) -> str:
        return return_outcome(row)

    @admin.display(description=gettext_lazy("credit notes"))
    def credit_notes(self, row: AmazonReturn) -> str:
        return credit_note_links(credit_notes_of(row))


def credit_notes_of(row: AmazonReturn) -> list[Invoice]:
    """The credit notes of Amazon's refunds of the same order that refund the returned SKU."""
    refunds = AmazonRefund.objects.filter(
        account_id=row.account_id, amazon_order_id=row.amazon_order_id, credit_note__isnull=False
    ).select_related("credit_note")
    return [
        refund.credit_note
        for refund in refunds.order_by("posted_at", "pk")
        if refund.credit_note is not None
        and any(item.get("sku") == row.sku for item in (refund.payload or {}).get("items", []))
    ]


def credit_note_links(notes: list[Invoice]) -> str:
    """Credit notes as links, or "—"."""
    if not notes:
        return "—"
    return format_html_join(
        ", ",
        '<a class="credit-note" href="{}">{}</a>',
        ((reverse("admin:accounting_invoice_change", args=(note.pk,)), str(note)) for note in notes),
    )


def return_outcome(row: AmazonReturn) -> str:
    """The stock record a return became, as a link with its state, or "—"."""
    if row.picking is not None:
        url = reverse("admin:stock_picking_change", args=(row.picking_id,))
        return format_html(
            '<a href="{}">{}</a> ({})', url, row.picking.reference, row.picking.get_state_display()
        )
    if row.move is not None:
        url = reverse("admin:stock_move_change", args=(row.move_id,))
        return format_html('<a href="{}">{}</a>', url, row.move.destination_location)
    return "—"
