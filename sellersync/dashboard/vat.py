"""The VAT report page and its CSV export (bookkeepers with the right to view journal entries)."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sellersync.accounting.vat_report import VatRow, totals_by_side, vat_report
from sellersync.core.models import Company
from sellersync.core.scoping import companies_of

PERMISSION = "accounting.view_journalentry"


class VatReportForm(forms.Form):
    """Company and period (the previous calendar month unless chosen)."""

    company = forms.ModelChoiceField(Company.objects.all(), label=gettext_lazy("Company"), empty_label=None)
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any, *, user: Any) -> None:
        """`user` sees only their companies (`sellersync.core.scoping`), the first one by default."""
        data = data.copy()
        companies = companies_of(user)
        last_month_end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        data.setdefault("date_from", last_month_end.replace(day=1).isoformat())
        data.setdefault("date_to", last_month_end.isoformat())
        if not data.get("company"):
            first = companies.order_by("name", "pk").first()
            data["company"] = str(first.pk) if first else ""
        super().__init__(data)
        company_field = self.fields["company"]
        assert isinstance(company_field, forms.ModelChoiceField)
        company_field.queryset = companies

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period starts after it ends."))
        return cleaned


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def vat_page(request: HttpRequest) -> HttpResponse:
    form = VatReportForm(request.GET, user=request.user)
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": _("VAT report"),
        "form": form,
        "query": request.GET.urlencode(),
    }
    if form.is_valid():
        rows = _rows(form)
        context["rows"] = rows
        context["totals"] = [(side.label, base, tax) for side, (base, tax) in totals_by_side(rows).items()]
    return render(request, "dashboard/vat.html", context)


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def vat_csv(request: HttpRequest) -> HttpResponse:
    form = VatReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    response["Content-Disposition"] = f'attachment; filename="vat-{start}-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Side"), _("Return"), _("Country"), _("Rate (%)"), _("Tax"), _("Taxable base"), _("Tax amount")]
    )
    for row in _rows(form):
        rate = "" if row.rate is None else row.rate
        writer.writerow(
            [row.side.label, row.scheme.label, row.country_code, rate, row.tax_name, row.base, row.tax]
        )
    return response


def _rows(form: VatReportForm) -> list[VatRow]:
    data = form.cleaned_data
    return vat_report(data["company"], data["date_from"], data["date_to"])
