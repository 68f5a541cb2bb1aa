"""In a real browser (Debian's chromium, driven by Playwright): the sales reporting opened from the admin
menu shows, per currency, the untaxed sales and the order count of the synchronized Amazon orders; its
"Sales by fulfillment channel" CSV, downloaded by clicking, has one row per channel and currency whose
figures are those of the database, summed here order by order."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.sales.choices import OrderState
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login, root_urls_with

urlpatterns = root_urls_with("dashboard", "dashboard/", "sellersync.dashboard.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]
ZERO = Decimal("0.00")


def expected_by_channel() -> dict[tuple[str, str], list[Any]]:
    """{(channel label, currency): [orders, untaxed, tax, total]} over the confirmed and locked Amazon
    orders, summed one sales order at a time."""
    sums: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ZERO, ZERO, ZERO])
    for binding in AmazonOrder.objects.select_related("sales_order"):
        order = binding.sales_order
        if order is None or order.state not in (OrderState.CONFIRMED, OrderState.DONE):
            continue
        row = sums[(str(FulfillmentChannel(binding.fulfillment_channel).label), order.currency_id)]
        row[0] += 1
        row[1] += order.amount_untaxed
        row[2] += order.amount_tax
        row[3] += order.amount_total
    return dict(sums)


def test_the_dashboard_totals_and_its_channel_csv_agree_with_the_books(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given the NA seller's orders synchronized (dollars, Canadian dollars, pesos), and a superuser
    sync_orders(account)
    expected = expected_by_channel()
    currencies = {currency for _channel, currency in expected}
    assert len(expected) >= 4 and len(currencies) >= 2
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when the reporting is opened from the admin menu
    page.goto(live_server.url + reverse("admin:sales_salesorder_changelist"))
    page.click("#menu-sales-reporting")
    expect(page.locator("#report-totals .report-total").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "dashboard_totals.png"), full_page=True)

    # then one card per currency, with the untaxed sales and the order count of that currency
    for currency in currencies:
        rows = [row for (_channel, code), row in expected.items() if code == currency]
        card = page.locator(f"#report-totals .report-total[data-currency='{currency}']")
        untaxed = card.locator("strong").inner_text().replace(",", "")
        assert untaxed == f"{sum((row[1] for row in rows), ZERO)} {currency}"
        orders = sum(row[0] for row in rows)
        expect(card).to_contain_text(f"{orders} order" if orders == 1 else f"{orders} orders")

    # when the channel section's CSV is downloaded
    section = page.locator("#sales-by-channel")
    with page.expect_download() as download_info:
        section.locator("a:text-is('Export to CSV')").click()
    download = download_info.value
    content = _read(download)

    # then the file has a header and one row per channel and currency, with the books' figures
    lines = list(csv.reader(io.StringIO(content)))
    assert download.suggested_filename == "sales-by-channel.csv"
    header = ["Fulfillment channel", "Currency", "Orders", "Untaxed", "Taxes", "Total"]
    assert lines[0] == [*header, "Refunded (untaxed)", "Net untaxed"]
    found = {
        (label, currency): [int(orders), Decimal(untaxed), Decimal(tax), Decimal(total)]
        for label, currency, orders, untaxed, tax, total, _refunded, _net in lines[1:]
    }
    assert len(found) == len(lines) - 1
    assert found == expected
    # nothing was refunded: the net is the untaxed sales
    assert all((row[6], row[7]) == ("0.00", row[3]) for row in lines[1:])


def _read(download: Any) -> str:
    with open(download.path(), encoding="utf-8") as file:
        return file.read()
