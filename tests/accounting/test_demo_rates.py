"""The demo seeds plausible exchange rates, so that its CAD, MXN, GBP, EUR and JPY sales can be booked."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sellersync.accounting.rates import rate_on, set_rate
from sellersync.amazon.management.commands.demo import demo_exchange_rates
from sellersync.core.models import Currency
from sellersync.core.services import create_company

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_rates_once_and_keeps_the_users_own() -> None:
    # given the demo's USD company whose user already entered a CAD rate
    company = create_company("Demo Store", Currency.objects.get(code="USD"), "US")
    today = timezone.localdate()
    set_rate(company, "CAD", datetime.date(today.year - 1, 6, 1), Decimal("1.3333"))
    # when the demo seeds its rates, twice
    demo_exchange_rates(company)
    demo_exchange_rates(company)
    # then every marketplace currency has a rate for today; the user's CAD rate is untouched
    assert rate_on(company, "CAD", today) == Decimal("1.3333")
    assert rate_on(company, "MXN", today) == Decimal("17.1")
    assert rate_on(company, "GBP", today) == Decimal("0.79")
    assert rate_on(company, "EUR", today) == Decimal("0.92")
    assert rate_on(company, "JPY", today) == Decimal("150")
    assert company.exchange_rates.count() == 5
