"""The Stock on hand page, a view of the locations' admin: product x location with on hand, reserved and
available, filtered by warehouse (or any internal location, the Amazon one included) and by product.
`OnHandPageMixin.extra_on_hand_context` lets the connector add Amazon's FBA counts beside it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellersync.stock.choices import LocationKind
from sellersync.stock.models import Location
from sellersync.stock.on_hand import on_hand_rows


class OnHandFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        Location.objects.none(), required=False, label=gettext_lazy("warehouse or location")
    )
    product = forms.CharField(required=False, label=gettext_lazy("product"))


class OnHandPageMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    def get_urls(self) -> list[URLPattern]:
        on_hand = path(
            "on-hand/", self.admin_site.admin_view(self.on_hand_view), name="stock_location_on_hand"
        )
        return [on_hand, *super().get_urls()]

    def on_hand_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("stock.view_move"):
            raise PermissionDenied
        locations = self.get_queryset(request).filter(kind=LocationKind.INTERNAL, is_active=True)
        form = OnHandFilterForm(request.GET or None)
        form.fields["location"].queryset = locations  # type: ignore[attr-defined]
        chosen, search = locations, ""
        if form.is_valid():
            if form.cleaned_data["location"] is not None:
                chosen = locations.filter(pk=form.cleaned_data["location"].pk)
            search = form.cleaned_data["product"].strip()
        rows = on_hand_rows(chosen, search)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Stock on hand"),
            "form": form,
            "rows": rows,
            **self.extra_on_hand_context(request, rows),
        }
        return TemplateResponse(request, "admin/stock/location/on_hand.html", context)

    def extra_on_hand_context(self, request: HttpRequest, rows: list[Any]) -> dict[str, Any]:
        return {}
