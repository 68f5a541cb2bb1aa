"""Back-office screens of invoices and credit notes: made from sales orders, never typed in.

Lists filter on state, kind, company and "VAT number missing" (business orders to chase). Actions call the
invoicing services: Post, Cancel draft, Refund (a full credit note), Register a batch payment (the seeds'
manual flow, see payments.py), Download PDF.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from sellersync.accounting import invoicing, payments
from sellersync.accounting.admin import _run_on_each
from sellersync.accounting.choices import InvoiceState
from sellersync.accounting.languages import change_invoice_language
from sellersync.accounting.models import Invoice, InvoiceLine
from sellersync.accounting.payment_state import payment_state, posted_credit_notes
from sellersync.accounting.pdf import pdf_filename, render_invoice_pdf
from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.errors import DomainError

INVOICE_LINE_FIELDS = (
    "description",
    "product",
    "quantity",
    "unit_price",
    "discount_amount",
    "tax",
    "tax_collected_by_marketplace",
    "subtotal",
    "tax_amount",
    "total",
)


class InvoiceLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = InvoiceLine
    fk_name = "invoice"
    extra = 0
    fields = INVOICE_LINE_FIELDS
    readonly_fields = INVOICE_LINE_FIELDS
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(CompanyScopedAdmin):
    """Invoices and credit notes, read-only: their amounts come from the sales order."""

    list_display = (
        "__str__",
        "kind",
        "date",
        "partner",
        "origin",
        "amount_total",
        "amount_tax_marketplace",
        "currency",
        "state",
        "vat_number_missing",
        "language",
    )
    list_filter = (
        "state",
        "kind",
        "language",
        "company",
        "vat_number_missing",
        "buyer_vat_number_invalid",
        "is_business",
        "date",
    )
    search_fields = ("number", "origin", "partner__name", "buyer_vat_number", "sales_order__name")
    date_hierarchy = "date"
    readonly_fields = (
        "company",
        "journal",
        "kind",
        "number",
        "state",
        "partner",
        "sales_order",
        "credited_invoice",
        "credit_notes",
        "origin",
        "date",
        "currency",
        "amount_untaxed",
        "amount_tax",
        "amount_tax_marketplace",
        "amount_total",
        "amount_receivable",
        "payment_state_label",
        "amount_credited",
        "amount_due",
        "settled_by",
        "is_business",
        "buyer_vat_number",
        "vat_number_missing",
        "buyer_vat_number_invalid",
        "reason",
        "language",
        "transaction_id",
        "entry",
        "created_at",
        "posted_at",
    )
    fields = readonly_fields
    inlines = (InvoiceLineInline,)
    actions = (
        "post_selected",
        "cancel_selected",
        "refund_selected",
        "register_batch_payment",
        "download_pdf",
    )

    @admin.display(description=_("payment"))
    def payment_state_label(self, invoice: Invoice) -> str:
        state = payment_state(invoice)
        return state.label if state else "—"

    @admin.display(description=_("credited"))
    def amount_credited(self, invoice: Invoice) -> str:
        state = payment_state(invoice)
        if state is None or invoice.is_credit_note:
            return "—"
        return f"{state.amount_credited} {invoice.currency_id}"

    @admin.display(description=_("credit notes"))
    def credit_notes(self, invoice: Invoice) -> str:
        """The invoice's posted credit notes, linked, with their amount and whether they were paid back."""
        notes = posted_credit_notes(invoice) if not invoice.is_credit_note else []
        if not notes:
            return "—"
        rows = []
        for note in notes:
            state = payment_state(note)
            label = state.label if state else note.get_state_display()
            amount = f"{note.amount_receivable} {note.currency_id}"
            url = reverse("admin:accounting_invoice_change", args=(note.pk,))
            rows.append((url, str(note), note.date.isoformat(), amount, label))
        return format_html_join(
            "; ",
            '<a class="credit-note-link" href="{}">{}</a> · {} · {} · {}',
            rows,
        )

    @admin.display(description=_("amount due"))
    def amount_due(self, invoice: Invoice) -> str:
        state = payment_state(invoice)
        return f"{state.amount_due} {invoice.currency_id}" if state else "—"

    @admin.display(description=_("paid by"))
    def settled_by(self, invoice: Invoice) -> str:
        state = payment_state(invoice)
        if state is None or not state.settled_by:
            return "—"
        return format_html_join(
            ", ",
            '<a class="payment-link" href="{}">{}</a>',
            (
                (reverse("admin:accounting_journalentry_change", args=(entry.pk,)), str(entry))
                for entry in state.settled_by
            ),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Invoice | None = None) -> tuple[str, ...]:
        """Everything comes from the sales order; a draft's language may still be chosen."""
        if obj is not None and obj.state == InvoiceState.DRAFT:
            return tuple(name for name in self.readonly_fields if name != "language")
        return tuple(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Invoice, form: Any, change: bool) -> None:
        if "language" in form.changed_data:
            change_invoice_language(obj, form.cleaned_data["language"])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invoices are made from sales orders

    def has_delete_permission(self, request: HttpRequest, obj: Invoice | None = None) -> bool:
        return False  # numbered documents are kept; drafts are canceled

    @admin.action(description=_("Post"))
    def post_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        _run_on_each(
            self,
            request,
            queryset,
            invoicing.post_invoice,
            ngettext_lazy("%(count)d document posted.", "%(count)d documents posted.", "count"),
        )

    @admin.action(description=_("Cancel draft"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        _run_on_each(
            self,
            request,
            queryset,
            invoicing.cancel_invoice,
            ngettext_lazy("%(count)d draft canceled.", "%(count)d drafts canceled.", "count"),
        )

    @admin.action(description=_("Refund with a credit note (draft)"))
    def refund_selected(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        _run_on_each(
            self,
            request,
            queryset,
            lambda invoice: invoicing.create_credit_note(invoice, reason=str(_("Refund"))),
            ngettext_lazy("%(count)d credit note created.", "%(count)d credit notes created.", "count"),
        )

    @admin.action(description=_("Register a batch payment (Amazon Payments)"))
    def register_batch_payment(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> None:
        invoices = list(queryset.order_by("pk"))
        try:
            entry = payments.register_batch_payment(invoices, timezone.localdate())
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d document paid by %(entry)s in the Amazon Payments journal.",
                "%(count)d documents paid by %(entry)s in the Amazon Payments journal.",
                len(invoices),
            )
            % {"count": len(invoices), "entry": entry},
            messages.SUCCESS,
        )

    @admin.action(description=_("Download PDF"))
    def download_pdf(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> Any:
        if queryset.count() != 1:
            self.message_user(request, _("Select one document to download."), messages.WARNING)
            return None
        invoice = queryset.get()
        response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
        return response
