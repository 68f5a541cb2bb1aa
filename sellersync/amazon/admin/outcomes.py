"""What Amazon answered, told truthfully: one message per shipment after a validation or a retry (green
only when Amazon accepted it, red with Amazon's words and a link when it refused, "Waiting for Amazon"
while a feed is processed or Amazon could not be reached), and the "Amazon sync" list filters of the
deliveries and the sales orders (Synced / Waiting / Failed / Not sent)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellersync.amazon.choices import FulfillmentChannel, OutboundKind, OutboundState
from sellersync.amazon.models import AmazonOrder, OutboundMessage
from sellersync.amazon.sync.failures import FAILURE_STATES
from sellersync.stock.models import Picking

WAITING = (OutboundState.PENDING, OutboundState.SENT)
SYNC_CHOICES = (
    ("synced", gettext_lazy("Synced with Amazon")),
    ("waiting", gettext_lazy("Waiting for Amazon")),
    ("failed", gettext_lazy("Amazon Sync Failed")),
    ("not_sent", gettext_lazy("Not sent")),
)


def shipment_message(picking: Picking) -> OutboundMessage | None:
    return OutboundMessage.objects.filter(
        kind=OutboundKind.SHIPMENT, reference=f"picking:{picking.pk}"
    ).first()


def report_shipment(modeladmin: admin.ModelAdmin, request: HttpRequest, picking: Picking) -> str:  # type: ignore[type-arg]
    """One message saying what Amazon did with the picking's shipment; returns the state reported."""
    message = shipment_message(picking)
    url = reverse("admin:stock_picking_change", args=(picking.pk,))
    link = format_html('<a href="{}">{}</a>', url, picking.reference)
    if message is None:
        modeladmin.message_user(request, format_html(_("{}: validated."), link), messages.SUCCESS)
        return ""
    if message.state == OutboundState.SYNCED:
        text = format_html(_("{}: Synced with Amazon."), link)
        modeladmin.message_user(request, text, messages.SUCCESS)
    elif message.state == OutboundState.FAILED:
        text = format_html(_("{}: Amazon Sync Failed. Amazon said: {}"), link, message.amazon_error)
        modeladmin.message_user(request, text, messages.ERROR)
    elif message.state == OutboundState.SENT:
        text = format_html(
            _("{}: Waiting for Amazon (sent in a feed; Amazon answers with its processing report)."), link
        )
        modeladmin.message_user(request, text, messages.WARNING)
    else:
        text = format_html(
            _("{}: Waiting for Amazon (not sent yet: Amazon could not be reached; Sync Pickings sends it)."),
            link,
        )
        modeladmin.message_user(request, text, messages.WARNING)
    return str(message.state)


class PickingSyncFilter(admin.SimpleListFilter):
    """Deliveries by the state of their shipment on Amazon ("Not sent": an Amazon delivery with none)."""

    title = gettext_lazy("Amazon sync")
    parameter_name = "amazon_sync"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return SYNC_CHOICES

    def queryset(self, request: HttpRequest, queryset: QuerySet[Picking]) -> QuerySet[Picking]:
        value = self.value()
        if not value:
            return queryset
        if value == "not_sent":
            fbm = AmazonOrder.objects.filter(
                sales_order_id=OuterRef("sales_order_id"), fulfillment_channel=FulfillmentChannel.FBM
            )
            # a delivery Amazon reported shipped (Seller Central) is closed without sending: not "not sent"
            return queryset.filter(Exists(fbm), amazon_state__isnull=True, shipped_outside=False)
        states = {"synced": (OutboundState.SYNCED,), "waiting": WAITING, "failed": (OutboundState.FAILED,)}
        return queryset.filter(amazon_state__in=states[value])


def _order_messages(*states: str) -> Exists:
    return Exists(
        OutboundMessage.objects.filter(
            account_id=OuterRef("amazon_order__account_id"),
            amazon_order_id=OuterRef("amazon_order__amazon_id"),
            state__in=states,
        )
    )


class SalesOrderSyncFilter(admin.SimpleListFilter):
    """Amazon orders by what Amazon knows of them: their own import failed or a message to Amazon failed;
    a message waits; every message synced; nothing sent to Amazon yet."""

    title = gettext_lazy("Amazon sync")
    parameter_name = "amazon_sync"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return SYNC_CHOICES

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        amazon = queryset.filter(amazon_order__isnull=False)
        failed = Q(amazon_order__sync_state__in=FAILURE_STATES) | _order_messages(OutboundState.FAILED)
        if value == "failed":
            return amazon.filter(failed)
        if value == "waiting":
            return amazon.exclude(failed).filter(_order_messages(*WAITING))
        if value == "synced":
            return (
                amazon.exclude(failed)
                .exclude(_order_messages(*WAITING))
                .filter(_order_messages(OutboundState.SYNCED))
            )
        return amazon.exclude(failed).exclude(_order_messages(*OutboundState.values))
