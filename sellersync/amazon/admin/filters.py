"""List filters whose choices come from small tables instead of a DISTINCT over every order (with
100,000 orders a DISTINCT per filter costs more than the whole page should, bench/bench_pages.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from sellersync.amazon.models import AmazonMarketplace

#: Amazon's order statuses (Orders v0 OrderStatus; 2026-01-01 maps onto them).
AMAZON_STATUSES = (
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "Canceled",
    "Unfulfillable",
    "InvoiceUnconfirmed",
    "PendingAvailability",
)


class _ValueFilter(admin.SimpleListFilter):
    field_path = ""

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field_path: value}) if value else queryset


class MarketplaceFilter(_ValueFilter):
    """By marketplace, the choices being the marketplaces known to the accounts."""

    title = gettext_lazy("marketplace")
    parameter_name = "marketplace"
    field_path = "marketplace_id"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        rows = AmazonMarketplace.objects.order_by("marketplace_id").values_list("marketplace_id", "name")
        return list(dict(rows).items())


class OrderMarketplaceFilter(MarketplaceFilter):
    """The same on sales orders (through their Amazon order)."""

    field_path = "amazon_order__marketplace_id"


class AmazonStatusFilter(_ValueFilter):
    title = gettext_lazy("Amazon status")
    parameter_name = "amazon_status"
    field_path = "amazon_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [(status, status) for status in AMAZON_STATUSES]
