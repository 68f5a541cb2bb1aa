"""The sales order's linked records, each a link: Amazon's total beside ours, its deliveries (with their
Amazon sync tag), invoices and credit notes (with their payment state and Amazon upload state), Amazon's
refunds still waiting for their credit note, the payments that settled them and Amazon's settlement lines of
the order. Each of those pages links back to the order."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellersync.accounting.models import Invoice
from sellersync.accounting.payment_state import payment_state
from sellersync.amazon.admin.pickings import TAGS
from sellersync.amazon.admin.returns import credit_note_links, credit_notes_of, return_outcome
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import (
    AmazonOrder,
    AmazonRefund,
    AmazonReturn,
    AmazonSettlementLine,
    OutboundMessage,
)
from sellersync.sales.models import SalesOrder
from sellersync.stock.models import Picking

LINK_FIELDS = (
    "amazon_total",
    "linked_deliveries",
    "linked_invoices",
    "linked_payments",
    "linked_settlement_lines",
    "linked_returns",
)


def binding_of(order: SalesOrder) -> AmazonOrder | None:
    try:
        return order.amazon_order  # type: ignore[attr-defined, no-any-return]
    except AmazonOrder.DoesNotExist:
        return None


def amazon_order_total(payload: Any) -> tuple[Decimal, str] | None:
    """Amazon's order total in a stored version (v0 OrderTotal or 2026-01-01 proceeds.grandTotal)."""
    if not isinstance(payload, dict):
        return None
    order = payload.get("order") if isinstance(payload.get("order"), dict) else payload
    total = order.get("OrderTotal") or (order.get("proceeds") or {}).get("grandTotal")
    if not isinstance(total, dict):
        return None
    amount = total.get("Amount", total.get("amount"))
    try:
        return Decimal(str(amount)), str(total.get("CurrencyCode", total.get("currencyCode", "")))
    except (InvalidOperation, TypeError):
        return None


def _links(rows: list[tuple[str, str, str]]) -> str:
    if not rows:
        return "—"
    items = format_html_join("", '<li><a href="{}">{}</a> {}</li>', rows)
    return format_html('<ul class="linked-records">{}</ul>', items)


class LinkedRecordsMixin:
    """Display methods of the sales order's "Linked records" panel (read-only fields)."""

    @admin.display(description=gettext_lazy("Amazon's total"))
    def amazon_total(self, order: SalesOrder) -> str:
        binding = binding_of(order)
        if binding is None:
            return "—"
        latest = binding.events.order_by("-amazon_updated_at", "-pk").first()
        total = amazon_order_total(latest.payload) if latest is not None else None
        if total is None:
            return _("not given by Amazon")
        amount, currency = total
        ours = f"{order.amount_total} {order.currency_id}"
        if amount == order.amount_total:
            return format_html("{} {} ({} {})", amount, currency, _("ours:"), ours)
        return format_html(
            '<strong style="color:#a94442">{} {} ({} {})</strong>', amount, currency, _("ours:"), ours
        )

    @admin.display(description=gettext_lazy("deliveries"))
    def linked_deliveries(self, order: SalesOrder) -> str:
        pickings = list(Picking.objects.filter(sales_order=order).order_by("pk"))
        states = dict(
            OutboundMessage.objects.filter(
                kind=OutboundKind.SHIPMENT, reference__in=[f"picking:{p.pk}" for p in pickings]
            ).values_list("reference", "state")
        )
        rows = []
        for picking in pickings:
            tag = states.get(f"picking:{picking.pk}")
            note = picking.get_state_display() + (f" · {TAGS[tag]}" if tag else "")
            rows.append((reverse("admin:stock_picking_change", args=(picking.pk,)), picking.reference, note))
        return _links(rows)

    @admin.display(description=gettext_lazy("invoices and credit notes"))
    def linked_invoices(self, order: SalesOrder) -> str:
        """The order's invoices and credit notes (payment state, Amazon upload state), then Amazon's refunds
        that have no credit note yet, with the reason."""
        rows = []
        invoices = list(Invoice.objects.filter(sales_order=order).order_by("pk"))
        uploads = dict(
            OutboundMessage.objects.filter(
                kind=OutboundKind.INVOICE, reference__in=[f"invoice:{invoice.pk}" for invoice in invoices]
            ).values_list("reference", "state")
        )
        for invoice in invoices:
            state = payment_state(invoice)
            note = f"{invoice.get_kind_display()} · {invoice.amount_total} {invoice.currency_id} · " + (
                state.label if state else invoice.get_state_display()
            )
            upload = uploads.get(f"invoice:{invoice.pk}")
            if upload:
                note += f" · {OutboundState(upload).label}"
            rows.append((reverse("admin:accounting_invoice_change", args=(invoice.pk,)), str(invoice), note))
        binding = binding_of(order)
        waiting = AmazonRefund.objects.none()
        if binding is not None:
            waiting = AmazonRefund.objects.filter(
                account_id=binding.account_id, amazon_order_id=binding.amazon_id, credit_note__isnull=True
            )
        for refund in waiting.order_by("posted_at", "pk"):
            url = reverse("admin:amazon_amazonrefund_change", args=(refund.pk,))
            label = _("Amazon refund of %(date)s") % {"date": refund.posted_at.date().isoformat()}
            amount = f"{refund.amount_refunded} {refund.currency_code}"
            note = f"{amount} · {refund.get_state_display()}: {refund.error}"
            rows.append((url, label, note))
        return _links(rows)

    @admin.display(description=gettext_lazy("payments"))
    def linked_payments(self, order: SalesOrder) -> str:
        """The entries of the money that settled the order's invoices and credit notes (a settlement paying
        an invoice and a refund is listed once)."""
        entries = {}
        for invoice in Invoice.objects.filter(sales_order=order).order_by("pk"):
            state = payment_state(invoice)
            for entry in state.settled_by if state else []:
                entries.setdefault(entry.pk, entry)
        rows = [
            (reverse("admin:accounting_journalentry_change", args=(entry.pk,)), str(entry), f"{entry.date}")
            for entry in sorted(entries.values(), key=lambda entry: (entry.date, entry.pk))
        ]
        return _links(rows)

    @admin.display(description=gettext_lazy("settlement lines"))
    def linked_settlement_lines(self, order: SalesOrder) -> str:
        binding = binding_of(order)
        if binding is None:
            return "—"
        lines = AmazonSettlementLine.objects.filter(
            settlement__account_id=binding.account_id, amazon_order_id=binding.amazon_id
        ).order_by("pk")[:50]
        rows = [
            (
                reverse("admin:amazon_amazonsettlementline_change", args=(line.pk,)),
                str(line),
                str(line.settlement),
            )
            for line in lines
        ]
        return _links(rows)

    @admin.display(description=gettext_lazy("returns"))
    def linked_returns(self, order: SalesOrder) -> str:
        """Amazon's returns of the order: SKU and units, what became of them (stock or incoming return), and
        the credit notes of the refunds of the same SKU."""
        returns = AmazonReturn.objects.filter(sales_order=order).select_related(
            "picking", "move__destination_location"
        )
        rows = []
        for row in returns.order_by("pk"):
            note = format_html(
                "{} × {} · {} · {}", row.sku, row.quantity, row.get_state_display(), return_outcome(row)
            )
            notes = credit_notes_of(row)
            if notes:
                note = format_html("{} · {} {}", note, _("credit notes"), credit_note_links(notes))
            rows.append(
                (
                    reverse("admin:amazon_amazonreturn_change", args=(row.pk,)),
                    _("Return %(rma)s") % {"rma": row.rma_id or row.license_plate_number or row.pk},
                    note,
                )
            )
        return _links(rows)
