"""Back-office screens for inventory: locations, warehouses, carriers, transfers with moves, rules."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.scoping import SHARED, scope
from sellersync.sales.admin import run_on_each
from sellersync.stock import selectors, services
from sellersync.stock.admin_on_hand import OnHandPageMixin
from sellersync.stock.admin_validate import ValidatePageMixin
from sellersync.stock.choices import LocationKind, PickingState
from sellersync.stock.forms import TransferForm, TransferLineFormSet
from sellersync.stock.models import Carrier, Location, Move, Picking, ReorderRule, Warehouse
from sellersync.stock.pdf import SlipExtras, render_delivery_slip, slip_filename


@admin.register(Location)
class LocationAdmin(OnHandPageMixin, CompanyScopedAdmin):
    list_display = ("name", "code", "kind", "is_amazon", "is_active", "company")
    list_filter = ("company", "kind", "is_amazon", "is_active")
    search_fields = ("name", "code")


@admin.register(Warehouse)
class WarehouseAdmin(CompanyScopedAdmin):
    list_display = ("name", "code", "stock_location", "company")
    list_filter = ("company",)
    search_fields = ("name", "code")


@admin.register(Carrier)
class CarrierAdmin(CompanyScopedAdmin):
    company_path = SHARED  # every company uses them
    list_display = ("name", "amazon_carrier_code", "is_self_delivery", "is_active")
    list_filter = ("is_self_delivery", "is_active")
    search_fields = ("name", "amazon_carrier_code")


class MoveInline(admin.TabularInline):
    model = Move
    extra = 0
    fields = ("product", "quantity", "quantity_done", "source_location", "destination_location", "state")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Picking)
class PickingAdmin(ValidatePageMixin, CompanyScopedAdmin):
    list_display = (
        "reference",
        "kind",
        "partner",
        "sales_order",
        "scheduled_date",
        "deadline",
        "carrier",
        "tracking_reference",
        "state",
        "validate_link",
        "company",
    )
    list_filter = ("state", "kind", "shipped_outside", "company", "carrier", "scheduled_date", "deadline")
    search_fields = ("reference", "origin", "tracking_reference", "partner__name", "sales_order__name")
    date_hierarchy = "scheduled_date"
    # Only what the shipper types is editable; the rest comes from the order and the services (stock is
    # marked done through the Validate page only).
    readonly_fields = (
        "reference",
        "kind",
        "state",
        "sales_order",
        "origin",
        "source_location",
        "destination_location",
        "partner",
        "deadline",
        "delivery_deadline",
        "done_at",
        "shipped_outside",
        "backorder_of",
        "company",
    )
    inlines = (MoveInline,)
    actions = ("cancel_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # transfers are created by services, which number them (see "New transfer")

    def get_readonly_fields(self, request: HttpRequest, obj: Picking | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state in (PickingState.DONE, PickingState.CANCELED):
            # what was shipped, with which carrier and tracking, is what Amazon and the customer were told
            return (*fields, "carrier", "tracking_reference", "scheduled_date")
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Picking | None = None) -> bool:
        # a ready or done transfer is canceled or returned, never deleted: its moves are the stock's history
        if obj is not None and obj.state in (PickingState.READY, PickingState.DONE):
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self) -> list[URLPattern]:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        new_transfer = path(
            "new-transfer/",
            self.admin_site.admin_view(self.new_transfer_view),
            name="{}_{}_new_transfer".format(*info),
        )
        delivery_slip = path(
            "<path:object_id>/delivery-slip/",
            self.admin_site.admin_view(self.delivery_slip_view),
            name="{}_{}_delivery_slip".format(*info),
        )
        return [new_transfer, delivery_slip, *super().get_urls()]  # the mixin adds the Validate page

    def delivery_slip_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The transfer's delivery slip as a PDF download (in the user's language)."""
        picking = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, picking):
            raise PermissionDenied
        content = render_delivery_slip(picking, self.delivery_slip_extras(picking))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{slip_filename(picking)}"'
        return response

    def delivery_slip_extras(self, picking: Picking) -> SlipExtras:
        """What a connector adds to the slip (its references, gift messages): nothing here."""
        return SlipExtras()

    def new_transfer_view(self, request: HttpRequest) -> HttpResponse:
        """A manual transfer (e.g. replenishing the Amazon location), created through the stock service."""
        if not request.user.has_perm("stock.add_picking"):
            raise PermissionDenied
        form = TransferForm(request.POST or None, user=request.user)
        lines = TransferLineFormSet(request.POST or None, prefix="lines", form_kwargs={"user": request.user})
        if request.method == "POST" and form.is_valid() and lines.is_valid():
            transfer_lines = [
                services.TransferLine(product=line["product"], quantity=line["quantity"])
                for line in lines.cleaned_data
                if line
            ]
            picking = services.create_transfer(
                form.cleaned_data["company"],
                form.cleaned_data["source"],
                form.cleaned_data["destination"],
                transfer_lines,
                origin=str(_("Manual transfer")),
            )
            self.message_user(
                request, _("Transfer %(reference)s created.") % {"reference": picking.reference}
            )
            return redirect(reverse("admin:stock_picking_change", args=[picking.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "lines": lines,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/stock/picking/new_transfer.html", context)

    @admin.action(description=_("Cancel"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Picking]) -> None:
        run_on_each(
            self,
            request,
            queryset,
            services.cancel_picking,
            ngettext_lazy("%(count)d transfer canceled.", "%(count)d transfers canceled.", "count"),
        )


class LocationInOrOutFilter(admin.SimpleListFilter):
    """Moves into or out of one internal location: the history of what it holds."""

    title = _("location (in or out)")
    parameter_name = "location"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        internal = scope(Location.objects.filter(kind=LocationKind.INTERNAL), request.user)
        internal = internal.order_by("company", "code", "pk")
        return [(str(location.pk), str(location)) for location in internal]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Move]) -> QuerySet[Move]:
        if not self.value():
            return queryset
        return queryset.filter(Q(source_location_id=self.value()) | Q(destination_location_id=self.value()))


@admin.register(Move)
class MoveAdmin(CompanyScopedAdmin):
    list_display = (
        "date",
        "product",
        "quantity_done",
        "source_location",
        "destination_location",
        "origin",
        "state",
        "company",
    )
    list_filter = (
        "state",
        "company",
        "date",
        LocationInOrOutFilter,
        "source_location",
        "destination_location",
        "product",
    )
    search_fields = ("product__name", "product__default_code", "origin", "picking__reference")
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stock moves come from transfers and adjustments only

    def has_change_permission(self, request: HttpRequest, obj: Move | None = None) -> bool:
        return False  # a move's state and done quantity change only through its transfer's Validate page

    def has_delete_permission(self, request: HttpRequest, obj: Move | None = None) -> bool:
        return False  # deleting a done move would change what is on hand behind the ledger's back


@admin.register(ReorderRule)
class ReorderRuleAdmin(CompanyScopedAdmin):
    list_display = ("product", "location", "min_quantity", "max_quantity", "on_hand", "is_active", "company")
    list_filter = ("company", "location", "is_active")
    search_fields = ("product__name", "product__default_code")
    actions = ("replenish_selected",)

    @admin.display(description=_("on hand"))
    def on_hand(self, rule: ReorderRule) -> Decimal:
        return selectors.stock_on_hand(rule.product, rule.location)

    @admin.action(description=_("Propose replenishment"))
    def replenish_selected(self, request: HttpRequest, queryset: QuerySet[ReorderRule]) -> None:
        run_on_each(
            self,
            request,
            queryset,
            services.propose_replenishment,
            ngettext_lazy("%(count)d rule checked.", "%(count)d rules checked.", "count"),
        )
