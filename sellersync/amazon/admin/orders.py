"""Amazon orders (bindings) with their version history, and offers (SKU -> product)."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy, ngettext

from sellersync.amazon import services
from sellersync.amazon.admin.filters import AmazonStatusFilter, MarketplaceFilter
from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.models import AmazonOffer, AmazonOrder, AmazonOrderEvent
from sellersync.amazon.sync.failures import FAILURE_STATES
from sellersync.core.admin_scoping import CompanyScopedAdmin


def pretty_json(value: object) -> str:
    return format_html(
        "<pre style='white-space:pre-wrap'>{}</pre>", json.dumps(value, indent=2, sort_keys=True)
    )


class AmazonOrderEventInline(admin.TabularInline):
    """Status history: every version received, its payload without buyer data (buyer data is never shown)."""

    model = AmazonOrderEvent
    extra = 0
    fields = ("amazon_status", "amazon_updated_at", "api_version", "received_at", "payload_pretty")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("payload (without buyer data)"))
    def payload_pretty(self, event: AmazonOrderEvent) -> str:
        return pretty_json(event.payload)


@admin.register(AmazonOrder)
class AmazonOrderAdmin(CompanyScopedAdmin):
    company_path = "account__company"
    list_display = (
        "amazon_id",
        "account",
        "marketplace_id",
        "fulfillment_channel",
        "amazon_status",
        "purchase_date",
        "sales_order_link",
        "sync_state",
        "needs_review",
        "last_error_excerpt",
    )
    list_filter = (
        "account",
        MarketplaceFilter,
        "fulfillment_channel",
        AmazonStatusFilter,
        "sync_state",
        "needs_review",
        "purchase_date",
    )
    search_fields = ("amazon_id", "sales_order__name")
    list_per_page = 50  # rendering a row costs ~3 ms (the admin's own); 50 keep the page under 300 ms
    show_full_result_count = False  # a filtered list does not count all 100,000 orders again
    # no date_hierarchy: its DISTINCT over every order's month cost 2 s with 100,000 orders; the
    # purchase date filter stays
    list_select_related = ("account", "sales_order")
    readonly_fields = (
        "account",
        "amazon_id",
        "sales_order_link",
        "marketplace_id",
        "fulfillment_channel",
        "amazon_status",
        "purchase_date",
        "amazon_updated_at",
        "is_business_order",
        "is_prime",
        "buyer_vat_number",
        "latest_ship_date",
        "latest_delivery_date",
        "sync_state",
        "last_error",
        "attempts",
        "failed_since",
        "next_retry_at",
        "synced_at",
        "needs_review",
        "review_reason",
    )
    exclude = ("sales_order",)
    inlines = (AmazonOrderEventInline,)
    actions = ("retry_selected", "mark_reviewed")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bindings are created by the synchronization

    @admin.display(description=gettext_lazy("sales order"), ordering="sales_order__name")
    def sales_order_link(self, binding: AmazonOrder) -> str:
        if binding.sales_order is None:
            return "—"
        url = reverse("admin:sales_salesorder_change", args=(binding.sales_order_id,))
        return format_html('<a href="{}">{}</a>', url, binding.sales_order.name)

    @admin.display(description=gettext_lazy("last error"))
    def last_error_excerpt(self, binding: AmazonOrder) -> str:
        return binding.last_error[:80]

    @admin.action(description=gettext_lazy("Retry (fetch again from Amazon)"))
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[AmazonOrder]) -> None:
        selected = queryset.count()  # before retrying: a list filtered on the state would shrink
        failed = list(queryset.filter(sync_state__in=FAILURE_STATES).select_related("account").order_by("pk"))
        recovered = 0
        for binding in failed:
            result = services.recover_order(binding.account, binding.amazon_id)
            if result.sync_state == OrderSyncState.SYNCED:
                recovered += 1
            else:
                self.message_user(request, f"{result.amazon_id}: {result.last_error}", messages.ERROR)
        skipped = selected - len(failed)
        if recovered:
            self.message_user(
                request,
                ngettext("%(count)d order synchronized.", "%(count)d orders synchronized.", recovered)
                % {"count": recovered},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d order was not failed: left as it is.",
                    "%(count)d orders were not failed: left as they are.",
                    skipped,
                )
                % {"count": skipped},
            )

    @admin.action(description=gettext_lazy("Mark taxes as reviewed"))
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[AmazonOrder]) -> None:
        count = queryset.filter(needs_review=True).update(needs_review=False)
        self.message_user(
            request,
            ngettext("%(count)d order marked as reviewed.", "%(count)d orders marked as reviewed.", count)
            % {"count": count},
        )


@admin.register(AmazonOffer)
class AmazonOfferAdmin(CompanyScopedAdmin):
    company_path = "account__company"
    list_display = ("sku", "product", "account", "marketplace_id", "asin", "fulfillment_channel")
    list_filter = ("account", "marketplace_id", "fulfillment_channel")
    search_fields = ("sku", "asin", "product__name", "product__default_code")
    list_select_related = ("product", "account")
    raw_id_fields = ("product",)
