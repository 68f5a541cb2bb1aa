"""The sales order screen with the Amazon data beside the local record.

The amazon app re-registers sales' SalesOrderAdmin as a subclass (the ERP apps never import amazon): an
Amazon panel (id, marketplace, channel, status, status history), filters by account/marketplace/channel,
and a Cancel action that tells Amazon when the order came from it (`services.cancel_sales_order`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.models import Invoice
from sellersync.amazon import services
from sellersync.amazon.admin.filters import OrderMarketplaceFilter
from sellersync.amazon.admin.outcomes import SalesOrderSyncFilter
from sellersync.amazon.admin.sales_links import LINK_FIELDS, LinkedRecordsMixin
from sellersync.amazon.models import AmazonOrder
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from sellersync.core.errors import DomainError
from sellersync.sales.admin import SalesOrderAdmin, run_on_each
from sellersync.sales.models import SalesOrder
from sellersync.stock.services import cancel_order_with_deliveries

AMAZON_FIELDS = (
    "amazon_order_id",
    "amazon_marketplace",
    "amazon_channel",
    "amazon_status",
    "amazon_status_history",
)


def _binding(order: SalesOrder) -> AmazonOrder | None:
    try:
        return order.amazon_order  # type: ignore[attr-defined, no-any-return]
    except AmazonOrder.DoesNotExist:
        return None


def cancel_from_back_office(order: SalesOrder) -> None:
    """Cancel an order; an Amazon order is canceled through the connector, which queues Amazon's notice."""
    reason = str(_("Canceled from the back office"))
    if _binding(order) is not None:
        services.cancel_sales_order(order, reason)
    else:
        cancel_order_with_deliveries(order, reason)


def why_not_invoiced(order: SalesOrder) -> str:
    """Why the invoicing made nothing for an order it did not refuse: it is invoiced already, or not
    confirmed."""
    invoice = (
        Invoice.objects.filter(sales_order=order, kind=InvoiceKind.INVOICE)
        .exclude(state=InvoiceState.CANCELED)
        .first()
    )
    if invoice is not None:
        return _("%(order)s is already invoiced (%(invoice)s): no new invoice was made.") % {
            "order": order,
            "invoice": invoice,
        }
    return _("%(order)s is %(state)s: only confirmed or done orders are invoiced.") % {
        "order": order,
        "state": order.get_state_display(),
    }


admin.site.unregister(SalesOrder)


@admin.register(SalesOrder)
class AmazonSalesOrderAdmin(LinkedRecordsMixin, SalesOrderAdmin):
    list_display = (*SalesOrderAdmin.list_display, "amazon_order_id")
    list_filter = (
        SalesOrderSyncFilter,
        *SalesOrderAdmin.list_filter,
        "amazon_order__account",
        OrderMarketplaceFilter,
        "amazon_order__fulfillment_channel",
    )
    search_fields = (*SalesOrderAdmin.search_fields, "amazon_order__amazon_id")
    actions = (*SalesOrderAdmin.actions, "create_invoices_selected")
    readonly_fields = (*SalesOrderAdmin.readonly_fields, *AMAZON_FIELDS, *LINK_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SalesOrder]:
        return (
            super()
            .get_queryset(request)
            .select_related("amazon_order", "partner", "currency", "team", "company")
        )

    def get_fieldsets(self, request: HttpRequest, obj: SalesOrder | None = None) -> Any:
        panels = (*AMAZON_FIELDS, *LINK_FIELDS)
        fields = [name for name in self.get_fields(request, obj) if name not in panels]
        fieldsets: list[tuple[Any, dict[str, Any]]] = [(None, {"fields": fields})]
        if obj is not None and _binding(obj) is not None:
            fieldsets.append((gettext_lazy("Amazon"), {"fields": AMAZON_FIELDS}))
        if obj is not None:
            links = LINK_FIELDS if _binding(obj) is not None else LINK_FIELDS[1:4]
            fieldsets.append((gettext_lazy("Linked records"), {"fields": links}))
        return fieldsets

    @admin.display(description=gettext_lazy("Amazon order id"), ordering="amazon_order__amazon_id")
    def amazon_order_id(self, order: SalesOrder) -> str:
        binding = _binding(order)
        if binding is None:
            return "—"
        url = reverse("admin:amazon_amazonorder_change", args=(binding.pk,))
        return format_html('<a href="{}">{}</a>', url, binding.amazon_id)

    @admin.display(description=gettext_lazy("marketplace"))
    def amazon_marketplace(self, order: SalesOrder) -> str:
        binding = _binding(order)
        if binding is None:
            return "—"
        marketplace = binding.account.marketplaces.filter(marketplace_id=binding.marketplace_id).first()
        return str(marketplace) if marketplace else binding.marketplace_id

    @admin.display(description=gettext_lazy("fulfillment channel"))
    def amazon_channel(self, order: SalesOrder) -> str:
        binding = _binding(order)
        return binding.get_fulfillment_channel_display() if binding else "—"

    @admin.display(description=gettext_lazy("Amazon status"))
    def amazon_status(self, order: SalesOrder) -> str:
        binding = _binding(order)
        return binding.amazon_status if binding else "—"

    @admin.display(description=gettext_lazy("status history"))
    def amazon_status_history(self, order: SalesOrder) -> str:
        binding = _binding(order)
        if binding is None:
            return "—"
        rows = format_html_join(
            "",
            "<li>{} — {}</li>",
            (
                (f"{event.amazon_updated_at:%Y-%m-%d %H:%M}", event.amazon_status)
                for event in binding.events.all()
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.action(description=gettext_lazy("Cancel"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        run_on_each(
            self,
            request,
            queryset,
            cancel_from_back_office,
            ngettext_lazy("%(count)d order canceled.", "%(count)d orders canceled.", "count"),
        )

    @admin.action(description=gettext_lazy("Create invoices"))
    def create_invoices_selected(self, request: HttpRequest, queryset: QuerySet[SalesOrder]) -> None:
        """Invoice and post the selected orders not invoiced yet; EU Amazon orders get their PDF uploaded.

        An order that cannot be invoiced is reported with the reason; the others are invoiced.
        """
        refused: set[int] = set()

        def report(order: SalesOrder, error: DomainError) -> None:
            refused.add(order.pk)
            self.message_user(
                request,
                _("%(order)s was not invoiced: %(error)s") % {"order": order, "error": error},
                messages.ERROR,
            )

        invoices = create_amazon_invoices(queryset.order_by("pk"), on_refused=report)
        made = {invoice.sales_order_id for invoice in invoices}
        for order in queryset.exclude(pk__in=made | refused).order_by("pk"):
            self.message_user(request, why_not_invoiced(order), messages.WARNING)
        if invoices:
            text = ngettext(
                "%(count)d invoice created and posted.",
                "%(count)d invoices created and posted.",
                len(invoices),
            ) % {"count": len(invoices)}
            self.message_user(request, text, messages.SUCCESS)
