"""The dashboard's filter form (GET): company, date range, account, marketplace, channel, team, period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Company
from sellersync.core.scoping import companies_of
from sellersync.dashboard.choices import Dimension
from sellersync.dashboard.selectors import ReportFilters, marketplace_names
from sellersync.sales.models import SalesTeam

PERIOD_CHOICES = [(Dimension.DAY.value, Dimension.DAY.label), (Dimension.MONTH.value, Dimension.MONTH.label)]


class ReportFilterForm(forms.Form):
    """Filters of the dashboard; the choices of account, marketplace and team follow the chosen company."""

    company = forms.ModelChoiceField(Company.objects.all(), label=_("Company"), empty_label=None)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    account = forms.ModelChoiceField(
        AmazonAccount.objects.none(), label=_("Amazon account"), required=False, empty_label=_("All")
    )
    marketplace = forms.ChoiceField(label=_("Marketplace"), required=False)
    channel = forms.ChoiceField(
        label=_("Fulfillment channel"),
        required=False,
        choices=[("", _("All")), *FulfillmentChannel.choices],
    )
    team = forms.ModelChoiceField(
        SalesTeam.objects.none(), label=_("Sales team"), required=False, empty_label=_("All")
    )
    period = forms.ChoiceField(label=_("Per"), required=False, choices=PERIOD_CHOICES)

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, *, user: Any) -> None:
        """`user` sees only their companies (`sellersync.core.scoping`), the first one by default."""
        data = data.copy() if data is not None else {}
        companies = companies_of(user)
        if not data.get("company"):
            first = companies.order_by("name", "pk").first()
            data["company"] = str(first.pk) if first else ""
        super().__init__(data)
        company_field = self.fields["company"]
        assert isinstance(company_field, forms.ModelChoiceField)
        company_field.queryset = companies
        company = companies.filter(pk=data.get("company") or None).first()
        if company is not None:
            self._limit_choices_to(company)

    def _limit_choices_to(self, company: Company) -> None:
        account_field = self.fields["account"]
        team_field = self.fields["team"]
        marketplace_field = self.fields["marketplace"]
        assert isinstance(account_field, forms.ModelChoiceField)
        assert isinstance(team_field, forms.ModelChoiceField)
        assert isinstance(marketplace_field, forms.ChoiceField)
        account_field.queryset = AmazonAccount.objects.filter(company=company)
        team_field.queryset = SalesTeam.objects.filter(company=company)
        names = sorted(marketplace_names(company).items(), key=lambda item: item[1])
        marketplace_field.choices = [("", _("All")), *names]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def report_filters(self) -> ReportFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        account, team = data.get("account"), data.get("team")
        return ReportFilters(
            company=data["company"],
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            account_id=account.pk if account else None,
            marketplace_id=data.get("marketplace") or "",
            channel=data.get("channel") or "",
            team_id=team.pk if team else None,
        )

    def chosen_period(self) -> Dimension:
        """Day or month, for the trend chart (day unless chosen)."""
        return Dimension(self.cleaned_data.get("period") or Dimension.DAY)
