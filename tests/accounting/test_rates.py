"""Exchange rates: the rate of a day is the latest on or before it, per company; the back-office list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.accounting.errors import MissingExchangeRate
from sellersync.accounting.rates import rate_on, set_rate, to_company_currency
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company

pytestmark = pytest.mark.django_db

D = Decimal


def test_the_rate_of_a_day_is_the_latest_on_or_before_it_and_of_the_company_only(company: Company) -> None:
    # given EUR company rates for GBP on Jan 1 and Jan 15, and another company's rate on Jan 10
    set_rate(company, "GBP", datetime.date(2026, 1, 1), D("0.8400"))
    set_rate(company, "GBP", datetime.date(2026, 1, 15), D("0.8600"))
    other = create_company("Other SARL", Currency.objects.get(code="EUR"), "FR")
    set_rate(other, "GBP", datetime.date(2026, 1, 10), D("0.9900"))
    # when / then
    assert rate_on(company, "GBP", datetime.date(2026, 1, 1)) == D("0.8400")
    assert rate_on(company, "GBP", datetime.date(2026, 1, 14)) == D("0.8400")
    assert rate_on(company, "GBP", datetime.date(2026, 1, 15)) == D("0.8600")
    assert rate_on(company, "GBP", datetime.date(2027, 6, 1)) == D("0.8600")
    assert rate_on(company, "EUR", datetime.date(2020, 1, 1)) == D(1)
    with pytest.raises(MissingExchangeRate) as refused:
        rate_on(company, "GBP", datetime.date(2025, 12, 31))
    assert "GBP" in str(refused.value) and "2025-12-31" in str(refused.value)


def test_setting_a_rate_twice_for_a_day_corrects_it(company: Company) -> None:
    # given
    set_rate(company, "GBP", datetime.date(2026, 1, 1), D("0.8400"))
    # when
    set_rate(company, "GBP", datetime.date(2026, 1, 1), D("0.8450"))
    # then
    assert company.exchange_rates.count() == 1
    assert rate_on(company, "GBP", datetime.date(2026, 1, 2)) == D("0.8450")


def test_conversion_divides_by_the_rate_and_rounds_half_up() -> None:
    # 100.00 GBP at 0.8400 GBP per EUR = 119.047.. EUR; 0.25 / 0.5 = 0.50; 0.01 / 8 = 0.00125 -> 0.00;
    # 0.05 / 2 = 0.025 -> 0.03 (half up, not to even); yen: 10.00 / 0.00665 = 1503.76 -> 1504
    assert to_company_currency(D("100.00"), D("0.8400"), 2) == D("119.05")
    assert to_company_currency(D("0.25"), D("0.5"), 2) == D("0.50")
    assert to_company_currency(D("0.01"), D("8"), 2) == D("0.00")
    assert to_company_currency(D("0.05"), D("2"), 2) == D("0.03")
    assert to_company_currency(D("-0.05"), D("2"), 2) == D("-0.03")
    assert to_company_currency(D("10.00"), D("0.00665"), 0) == D("1504")


def test_the_admin_lists_rates_with_filters(admin_client: Client, company: Company) -> None:
    # given
    set_rate(company, "GBP", datetime.date(2026, 1, 1), D("0.8400"))
    set_rate(company, "CAD", datetime.date(2026, 1, 1), D("1.5000"))
    url = reverse("admin:accounting_exchangerate_changelist")
    # when
    everything = admin_client.get(url)
    pounds = admin_client.get(url, {"currency__code__exact": "GBP"})
    added = admin_client.get(reverse("admin:accounting_exchangerate_add"))
    # then
    assert (everything.status_code, pounds.status_code, added.status_code) == (200, 200, 200)
    assert everything.context["cl"].result_count == 2
    assert pounds.context["cl"].result_count == 1
    assert "0.84" in pounds.content.decode()
