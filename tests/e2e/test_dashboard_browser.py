"""In a real browser (Debian's chromium, driven by Playwright): with demo-like data (the demo's NA and EU
sellers synchronized from the sandbox), open the sales reporting from the admin menu and see the charts:
inline SVG with one bar per marketplace that sold, in each currency."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.models import AmazonMarketplace, AmazonOrder
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from sellersync.dashboard.selectors import SOLD_STATES
from tests.amazon.fixtures import Sandbox, make_account
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login, root_urls_with

urlpatterns = root_urls_with("dashboard", "dashboard/", "sellersync.dashboard.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]


def sold_marketplace_names() -> set[str]:
    """'Amazon.com (US)'-like names of the marketplaces with sold orders, read from the bindings."""
    sold = AmazonOrder.objects.filter(sales_order__state__in=SOLD_STATES)
    names = {}
    for marketplace in AmazonMarketplace.objects.all():
        names[marketplace.marketplace_id] = f"{marketplace.name} ({marketplace.country_code})"
    return {names[marketplace_id] for marketplace_id in sold.values_list("marketplace_id", flat=True)}


def test_dashboard_shows_a_bar_per_marketplace_for_the_demo_data(
    live_server: Any, sandbox: Sandbox, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given the demo's company with its NA and EU sellers synchronized, and a superuser
    company = create_company("Demo Store", Currency.objects.get(code="USD"), "US")
    for region in ("NA", "EU"):
        sync_orders(make_account(sandbox, company, region))
    expected_bars = sold_marketplace_names()
    assert len(expected_bars) >= 4
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)

    page = browser_page
    login(page, live_server)

    # when the reporting is opened from the admin menu (on the sales orders' page)
    page.goto(live_server.url + reverse("admin:sales_salesorder_changelist"))
    page.click("#menu-sales-reporting")
    section = page.locator("#sales-by-marketplace")
    expect(section.locator("svg.bar-chart").first).to_be_visible()
    bars = section.locator("svg.bar-chart g.bar")
    labels = {bars.nth(index).get_attribute("data-label") for index in range(bars.count())}
    bar_heights = section.locator("svg.bar-chart rect").evaluate_all(
        "rects => rects.map(rect => rect.getBBox().height)"
    )
    currencies = page.locator("#report-totals .report-total").evaluate_all(
        "cards => cards.map(card => card.dataset.currency)"
    )
    trend_points = page.locator("#sales-by-day svg.line-chart circle").count()
    page.screenshot(
        path=os.path.join(os.environ.get("SELLERSYNC_VAR_DIR", "/tmp"), "dashboard.png"), full_page=True
    )

    # then one bar per marketplace that sold, every bar drawn, one total per currency
    assert labels == expected_bars
    assert len(bar_heights) == len(expected_bars)
    assert all(height > 0 for height in bar_heights)
    assert len(currencies) == len(set(currencies)) >= 3
    assert trend_points >= 1
