"""The Validate page of a transfer: one row per open move (product, demand, quantity to do, defaulting to
what remains), the carrier and the tracking reference. It is the only admin path that marks stock done:
it calls the stock service with exactly the quantities entered (a partial validation leaves a backorder).

`ValidatePageMixin.validate_transfer` is the hook a subclass overrides (the Amazon connector records and
sends the shipment there, and reports Amazon's answer)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellersync.core.errors import DomainError
from sellersync.stock import services
from sellersync.stock.choices import MoveState, PickingState
from sellersync.stock.models import Carrier, Move, Picking
from sellersync.stock.services import ValidationResult

OPEN_STATES = (PickingState.DRAFT, PickingState.READY)


class ValidateTransferForm(forms.Form):
    carrier = forms.ModelChoiceField(
        Carrier.objects.filter(is_active=True), required=False, label=capfirst(gettext_lazy("carrier"))
    )
    tracking_reference = forms.CharField(
        max_length=128, required=False, label=capfirst(gettext_lazy("tracking reference"))
    )


class ValidateLineForm(forms.Form):
    """One open move: how much of it leaves now (0 leaves it all for the backorder)."""

    move_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity_done = forms.DecimalField(
        label=gettext_lazy("quantity to do"), min_value=Decimal(0), decimal_places=3, max_digits=14
    )


ValidateLineFormSet = forms.formset_factory(ValidateLineForm, extra=0)


def open_moves(picking: Picking) -> QuerySet[Move]:
    return picking.moves.filter(state__in=(MoveState.DRAFT, MoveState.READY)).select_related("product")


def check_quantities(moves: list[Move], lines: ValidateLineFormSet) -> dict[int, Decimal] | None:
    """{move id: quantity} from the rows, or None with an error on each row that asks too much."""
    demand = {move.pk: move.quantity for move in moves}
    quantities: dict[int, Decimal] = {}
    for line in lines.forms:
        move_id, quantity = line.cleaned_data["move_id"], line.cleaned_data["quantity_done"]
        if move_id not in demand:
            raise PermissionDenied  # a forged row: not an open move of this transfer
        if quantity > demand[move_id]:
            line.add_error(
                "quantity_done",
                _("At most %(quantity)s remain to do.") % {"quantity": demand[move_id].normalize()},
            )
        quantities[move_id] = quantity
    if any(line.errors for line in lines.forms):
        return None
    if not any(quantities.values()):
        lines._non_form_errors = lines.error_class([_("Enter the quantity of at least one line.")])
        return None
    return quantities


class ValidatePageMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Adds /<id>/validate/ to a picking admin; linked from the change page and each list row."""

    validate_template = "admin/stock/picking/validate.html"

    def get_urls(self) -> list[URLPattern]:
        info = (self.model._meta.app_label, self.model._meta.model_name)
        validate = path(
            "<path:object_id>/validate/",
            self.admin_site.admin_view(self.validate_view),
            name="{}_{}_validate".format(*info),
        )
        return [validate, *super().get_urls()]

    @admin.display(description=gettext_lazy("validate"))
    def validate_link(self, picking: Picking) -> str:
        if picking.state not in OPEN_STATES:
            return "—"
        url = reverse("admin:stock_picking_validate", args=(picking.pk,))
        return format_html('<a class="validate-link" href="{}">{}</a>', url, _("Validate"))

    def validate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        picking = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, picking):
            raise PermissionDenied
        change_url = reverse("admin:stock_picking_change", args=(picking.pk,))
        if picking.state not in OPEN_STATES:
            self.message_user(
                request,
                _("%(picking)s is %(state)s: there is nothing left to validate.")
                % {"picking": picking, "state": picking.get_state_display()},
                messages.WARNING,
            )
            return redirect(change_url)
        moves = list(open_moves(picking).order_by("pk"))
        initial = {"carrier": picking.carrier_id, "tracking_reference": picking.tracking_reference}
        form = ValidateTransferForm(request.POST or None, initial=initial)
        lines = ValidateLineFormSet(
            request.POST or None,
            prefix="lines",
            initial=[{"move_id": move.pk, "quantity_done": move.quantity} for move in moves],
        )
        if request.method == "POST" and form.is_valid() and lines.is_valid():
            quantities = check_quantities(moves, lines)
            if quantities is not None:
                try:
                    result = self.validate_transfer(request, picking, quantities, **form.cleaned_data)
                except DomainError as error:
                    form.add_error(None, str(error))
                else:
                    self.report_backorder(request, result)
                    return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": picking,
            "title": _("Validate %(picking)s") % {"picking": picking.reference},
            "form": form,
            "lines": lines,
            "rows": list(zip(moves, lines.forms, strict=True)),
            "change_url": change_url,
            "carrier_help": self.carrier_help(picking),
        }
        return TemplateResponse(request, self.validate_template, context)

    def carrier_help(self, picking: Picking) -> str:
        return ""

    def validate_transfer(
        self,
        request: HttpRequest,
        picking: Picking,
        quantities: Mapping[int, Decimal],
        *,
        carrier: Carrier | None,
        tracking_reference: str,
    ) -> ValidationResult:
        result = services.validate_picking(picking, quantities, carrier, tracking_reference)
        self.message_user(request, _("%(picking)s validated.") % {"picking": picking}, messages.SUCCESS)
        return result

    def report_backorder(self, request: HttpRequest, result: ValidationResult) -> None:
        if result.backorder is None:
            return
        url = reverse("admin:stock_picking_change", args=(result.backorder.pk,))
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("What was not shipped waits in the backorder"),
                url,
                result.backorder.reference,
            ),
            messages.INFO,
        )
