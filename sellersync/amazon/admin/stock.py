"""Stock with Amazon in the back office: FBA inventory differences per account, and stock moves per account.

- FBA inventory levels: Amazon's count beside ours per SKU, with actions to read Amazon's count again and
  to set our Amazon location to Amazon's count (an inventory adjustment, when the user decides so).
- Stock moves: stock's "product moves" list gains an "Amazon account" filter (moves in or out of the
  account's Amazon location), for accounts that keep their FBA stock in different locations.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sellersync.amazon.models import AmazonAccount, FbaInventoryLevel
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_fba_inventory import (
    adopt_amazon_counts,
    amazon_location_of,
    import_fba_inventory,
)
from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.models import Product
from sellersync.core.scoping import scope
from sellersync.spapi.errors import SpApiError
from sellersync.stock.admin import LocationAdmin, MoveAdmin
from sellersync.stock.models import Location, Move


def report_fba_inventory(request: HttpRequest, account: AmazonAccount) -> None:
    """Read the account's FBA inventory from Amazon now; say how many SKUs were read, or Amazon's error."""
    try:
        with client_for_account(account) as client:
            levels = import_fba_inventory(account, client)
    except SpApiError as error:
        messages.error(request, f"{account}: {error}")
    else:
        text = ngettext(
            "%(account)s: %(count)d SKU read.", "%(account)s: %(count)d SKUs read.", len(levels)
        ) % {
            "account": account,
            "count": len(levels),
        }
        messages.success(request, text)


class DifferenceFilter(admin.SimpleListFilter):
    title = gettext_lazy("difference")
    parameter_name = "difference"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Amazon and we disagree")), ("no", _("In step"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[FbaInventoryLevel]
    ) -> QuerySet[FbaInventoryLevel]:
        if self.value() == "yes":
            return queryset.exclude(difference=0)
        if self.value() == "no":
            return queryset.filter(difference=0)
        return queryset


@admin.register(FbaInventoryLevel)
class FbaInventoryLevelAdmin(CompanyScopedAdmin):
    company_path = "account__company"
    list_display = (
        "sku",
        "product",
        "account",
        "marketplace_id",
        "amazon_fulfillable",
        "amazon_total",
        "our_quantity",
        "difference",
        "fetched_at",
    )
    list_filter = ("account", DifferenceFilter, "marketplace_id")
    search_fields = ("sku", "product__name", "product__default_code")
    readonly_fields = list_display
    actions = ("refresh_from_amazon", "adopt_amazon_count")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from Amazon's FBA inventory

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Read FBA inventory from Amazon again"))
    def refresh_from_amazon(self, request: HttpRequest, queryset: QuerySet[FbaInventoryLevel]) -> None:
        accounts = AmazonAccount.objects.filter(pk__in=queryset.values("account")).order_by("pk")
        for account in accounts:
            report_fba_inventory(request, account)

    @admin.action(description=gettext_lazy("Set our Amazon location to Amazon's count"))
    def adopt_amazon_count(self, request: HttpRequest, queryset: QuerySet[FbaInventoryLevel]) -> None:
        adjusted = 0
        for account in AmazonAccount.objects.filter(pk__in=queryset.values("account")).order_by("pk"):
            products = Product.objects.filter(pk__in=queryset.filter(account=account).values("product"))
            adjusted += adopt_amazon_counts(account, products)
        self.message_user(
            request,
            ngettext("%(count)d product adjusted.", "%(count)d products adjusted.", adjusted)
            % {"count": adjusted},
            messages.SUCCESS,
        )


class AmazonAccountMoveFilter(admin.SimpleListFilter):
    title = gettext_lazy("Amazon account")
    parameter_name = "amazon_account"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        accounts = scope(AmazonAccount.objects.order_by("name", "pk"), request.user)
        return [(str(account.pk), str(account)) for account in accounts]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Move]) -> QuerySet[Move]:
        if not self.value():
            return queryset
        account = scope(AmazonAccount.objects.filter(pk=self.value()), request.user).first()
        if account is None:
            return queryset.none()
        location = amazon_location_of(account)
        return queryset.filter(Q(source_location=location) | Q(destination_location=location))


class AmazonMoveAdmin(MoveAdmin):
    """Stock's product moves, filterable by Amazon account too."""

    list_filter = (*MoveAdmin.list_filter, AmazonAccountMoveFilter)


admin.site.unregister(Move)
admin.site.register(Move, AmazonMoveAdmin)


class AmazonLocationAdmin(LocationAdmin):
    """Locations, with Amazon's FBA counts beside the Amazon location on the Stock on hand page."""

    def extra_on_hand_context(self, request: HttpRequest, rows: list[Any]) -> dict[str, Any]:
        accounts = scope(AmazonAccount.objects.select_related("company", "location"), request.user)
        counts: dict[tuple[int, int], list[str]] = {}
        levels = FbaInventoryLevel.objects.filter(account__in=accounts, product__isnull=False).order_by("sku")
        locations = {account.pk: amazon_location_of(account).pk for account in accounts}
        for level in levels:
            key = (level.product_id or 0, locations[level.account_id])
            counts.setdefault(key, []).append(f"{level.amazon_fulfillable} ({level.sku})")
        for row in rows:
            row.fba = ", ".join(counts.get((row.product.pk, row.location.pk), []))
        return {"fba_levels": levels, "fba_url": reverse("admin:amazon_fbainventorylevel_changelist")}


admin.site.unregister(Location)
admin.site.register(Location, AmazonLocationAdmin)
