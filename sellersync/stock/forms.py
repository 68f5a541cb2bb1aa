"""Forms of the inventory screens; their choices are the records of the user's companies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import Company, Product
from sellersync.core.scoping import scope
from sellersync.stock.choices import LocationKind
from sellersync.stock.models import Location


class TransferForm(forms.Form):
    """A manual transfer between two internal locations, e.g. replenishing the Amazon location."""

    company = forms.ModelChoiceField(Company.objects.all(), label=_("company"))
    source = forms.ModelChoiceField(
        Location.objects.filter(kind=LocationKind.INTERNAL, is_active=True), label=_("from")
    )
    destination = forms.ModelChoiceField(
        Location.objects.filter(kind=LocationKind.INTERNAL, is_active=True), label=_("to")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices_to_companies_of(self, user)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        source, destination, company = data.get("source"), data.get("destination"), data.get("company")
        if source and destination and source == destination:
            raise forms.ValidationError(_("The source and the destination must differ."))
        for location in (source, destination):
            if location and company and location.company_id != company.pk:
                raise forms.ValidationError(_("Both locations must belong to the company."))
        return data


class TransferLineForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.filter(is_active=True), label=_("product"))
    quantity = forms.DecimalField(label=_("quantity"), min_value=Decimal("0.001"), decimal_places=3)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices_to_companies_of(self, user)


def limit_choices_to_companies_of(form: forms.Form, user: Any) -> None:
    """Narrow every model choice of `form` to the records of the user's companies."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = scope(field.queryset, user)


TransferLineFormSet = forms.formset_factory(TransferLineForm, extra=5, min_num=1, validate_min=True)
