"""Transfers with Amazon beside them: stock's transfer screen re-registered with an Amazon panel (the
shipment's tag and Amazon's error, ship-by/deliver-by deadlines with late ones in red, carrier and tracking
required for Amazon orders, said on the form), the Validate page going through the connector (records and
sends the shipment, then says what Amazon answered), a filter by Amazon sync state, and actions: Retry Amazon
Sync (each delivery's outcome reported), Cancel (a backorder's cancellation is sent to Amazon)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sellersync.amazon.admin.outcomes import PickingSyncFilter, report_shipment
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonOrder, OutboundMessage
from sellersync.amazon.selectors import gift_messages
from sellersync.amazon.sync.export_cancellations import cancel_amazon_backorder
from sellersync.amazon.sync.export_shipments import (
    binding_of,
    retry_shipment,
    send_after_commit,
    validate_amazon_picking,
)
from sellersync.core.errors import DomainError
from sellersync.stock import services as stock_services
from sellersync.stock.admin import PickingAdmin
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Picking
from sellersync.stock.pdf import SlipExtras
from sellersync.stock.services import ValidationResult

#: The tags of the seeds, per outbound state.
TAGS = {
    OutboundState.PENDING: gettext_lazy("Waiting for Amazon"),
    OutboundState.SENT: gettext_lazy("Sent to Amazon"),
    OutboundState.SYNCED: gettext_lazy("Synced with Amazon"),
    OutboundState.FAILED: gettext_lazy("Amazon Sync Failed"),
}
TAG_COLOURS = {
    OutboundState.PENDING: "#8a6d3b",
    OutboundState.SENT: "#31708f",
    OutboundState.SYNCED: "#3c763d",
    OutboundState.FAILED: "#a94442",
}
#: The tag of a delivery closed because Amazon reported it shipped (e.g. from Seller Central).
SHIPPED_OUTSIDE = gettext_lazy("Shipped on Amazon")
SHIPPED_OUTSIDE_COLOUR = "#3c763d"
AMAZON_HELP = gettext_lazy("Required for Amazon orders: Amazon is told the carrier and tracking reference.")


def _shipment_messages() -> QuerySet[OutboundMessage]:
    reference = Concat(Value("picking:"), Cast(OuterRef("pk"), CharField()))
    return OutboundMessage.objects.filter(kind=OutboundKind.SHIPMENT, reference=reference)


if admin.site.is_registered(Picking):
    admin.site.unregister(Picking)


@admin.register(Picking)
class AmazonPickingAdmin(PickingAdmin):
    list_display = (
        "reference",
        "kind",
        "partner",
        "sales_order",
        "scheduled_date",
        "ship_by",
        "carrier",
        "tracking_reference",
        "state",
        "amazon_sync",
        "validate_link",
        "company",
    )
    list_filter = (PickingSyncFilter, *PickingAdmin.list_filter)
    actions = ("retry_amazon_sync", "cancel_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Picking]:
        shipments = _shipment_messages()
        return (
            super()
            .get_queryset(request)
            .select_related("carrier", "partner", "sales_order")
            .annotate(
                amazon_state=Subquery(shipments.values("state")[:1]),
                amazon_error=Subquery(shipments.values("amazon_error")[:1]),
            )
        )

    def get_fieldsets(self, request: HttpRequest, obj: Picking | None = None) -> Any:
        panel = ("amazon_order", "amazon_sync", "amazon_error_text", "ship_by", "deliver_by")
        fields = [name for name in self.get_fields(request, obj) if name not in panel]
        fieldsets: list[tuple[Any, dict[str, Any]]] = [(None, {"fields": fields})]
        if obj is not None and binding_of(obj) is not None:
            fieldsets.append((gettext_lazy("Amazon"), {"fields": panel}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Picking | None = None) -> Any:
        return (
            *super().get_readonly_fields(request, obj),
            "amazon_order",
            "amazon_sync",
            "amazon_error_text",
            "ship_by",
            "deliver_by",
        )

    def get_form(
        self, request: HttpRequest, obj: Picking | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and binding_of(obj) is not None:
            for name in ("carrier", "tracking_reference"):
                if name in form.base_fields:
                    form.base_fields[name].help_text = AMAZON_HELP
        return form

    # --- columns and panel ---------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("Amazon order"))
    def amazon_order(self, picking: Picking) -> str:
        binding = binding_of(picking)
        return binding.amazon_id if binding is not None else "—"

    @admin.display(description=gettext_lazy("Amazon"))
    def amazon_sync(self, picking: Picking) -> str:
        state = getattr(picking, "amazon_state", None)
        if state is None and not hasattr(picking, "amazon_state"):  # the change form's own instance
            shipment = OutboundMessage.objects.filter(
                kind=OutboundKind.SHIPMENT, reference=f"picking:{picking.pk}"
            )
            state = shipment.values_list("state", flat=True).first()
        if state is None and picking.shipped_outside:  # Amazon told us: nothing was sent for it
            return format_html(
                '<span class="amazon-tag" style="color:{}">{}</span>', SHIPPED_OUTSIDE_COLOUR, SHIPPED_OUTSIDE
            )
        if state is None:
            return "—"
        return format_html(
            '<span class="amazon-tag" style="color:{}">{}</span>', TAG_COLOURS[state], TAGS[state]
        )

    @admin.display(description=gettext_lazy("Amazon's error"))
    def amazon_error_text(self, picking: Picking) -> str:
        message = OutboundMessage.objects.filter(
            kind=OutboundKind.SHIPMENT, reference=f"picking:{picking.pk}"
        ).first()
        return message.amazon_error if message is not None and message.amazon_error else "—"

    @admin.display(description=gettext_lazy("ship by"), ordering="deadline")
    def ship_by(self, picking: Picking) -> str:
        return self._deadline(picking, picking.deadline)

    @admin.display(description=gettext_lazy("deliver by"), ordering="delivery_deadline")
    def deliver_by(self, picking: Picking) -> str:
        return self._deadline(picking, picking.delivery_deadline)

    def _deadline(self, picking: Picking, moment: Any) -> str:
        if moment is None:
            return "—"
        text = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
        late = picking.state in (PickingState.DRAFT, PickingState.READY) and moment < timezone.now()
        if late:
            return format_html('<strong class="late" style="color:#a94442">{} ({})</strong>', text, _("late"))
        return text

    # --- actions -------------------------------------------------------------------------------------

    def carrier_help(self, picking: Picking) -> str:
        return str(AMAZON_HELP) if binding_of(picking) is not None else ""

    def validate_transfer(
        self,
        request: HttpRequest,
        picking: Picking,
        quantities: Mapping[int, Decimal],
        *,
        carrier: Carrier | None,
        tracking_reference: str,
    ) -> ValidationResult:
        """An Amazon delivery: validated and its shipment recorded in one transaction, sent at once, and
        Amazon's answer told (a refusal in red with Amazon's words); any other: stock's validation."""
        binding = binding_of(picking)
        if binding is None:
            return super().validate_transfer(
                request, picking, quantities, carrier=carrier, tracking_reference=tracking_reference
            )
        result = validate_amazon_picking(
            picking, quantities, carrier=carrier, tracking_ref=tracking_reference, send_on_commit=False
        )
        send_after_commit(binding.account_id)
        report_shipment(self, request, result.picking)
        return result

    def delivery_slip_extras(self, picking: Picking) -> SlipExtras:
        """The Amazon order id and the buyer's gift messages (kept only where buyer data was granted)."""
        if picking.sales_order_id is None:
            return SlipExtras()
        order = AmazonOrder.objects.filter(sales_order_id=picking.sales_order_id).first()
        if order is None:
            return SlipExtras()
        return SlipExtras(
            references=[(_("Amazon order"), order.amazon_id)], gift_messages=gift_messages(order)
        )

    @admin.action(description=gettext_lazy("Retry Amazon Sync"))
    def retry_amazon_sync(self, request: HttpRequest, queryset: QuerySet[Picking]) -> None:
        """Rebuild and send each selected shipment, then report each one as Amazon answered it."""
        retried: list[Picking] = []
        accounts: set[int] = set()
        for picking in queryset.order_by("pk"):
            try:
                message = retry_shipment(picking)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            except OutboundMessage.DoesNotExist:
                text = _("%(picking)s: nothing was sent to Amazon for it yet; validate it first.")
                self.message_user(request, text % {"picking": picking}, messages.ERROR)
            else:
                accounts.add(message.account_id)
                retried.append(picking)
        for account_id in sorted(accounts):
            send_after_commit(account_id)
        for picking in retried:
            report_shipment(self, request, picking)

    @admin.action(description=gettext_lazy("Cancel"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Picking]) -> None:
        canceled = 0
        for picking in queryset.order_by("pk"):
            try:
                if picking.backorder_of_id is not None and binding_of(picking) is not None:
                    cancel_amazon_backorder(picking, "NoInventory")
                else:
                    stock_services.cancel_picking(picking)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                canceled += 1
        if canceled:
            self.message_user(
                request,
                ngettext("%(count)d transfer canceled.", "%(count)d transfers canceled.", canceled)
                % {"count": canceled},
            )
