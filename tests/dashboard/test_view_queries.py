"""The dashboard's query budget: more orders, days, products, accounts' sales and credit notes add no query
(every table and chart is a roll-up of a few grouped sums; bench/bench_pages.py measures its time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sellersync.accounting.invoicing import create_credit_note, create_invoice_from_order
from sellersync.accounting.models import ExchangeRate
from sellersync.sales.models import SalesOrder
from tests.dashboard.fixtures import Shop, book_sale
from tests.dashboard.test_margins import settle

pytestmark = pytest.mark.django_db


def dashboard(client: Client, shop: Shop) -> tuple[str, int]:
    url = reverse("dashboard:index")
    client.get(url, {"company": shop.company.pk})  # warm: session and preferences as on any later request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"company": shop.company.pk})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_more_orders_days_and_products_add_no_query(admin_client: Client, shop: Shop) -> None:
    # given one sale on one day
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    _page, few = dashboard(admin_client, shop)
    # when there are sales on ten more days, on both accounts, of both products, one outside Amazon
    for day in range(10):
        when = datetime(2026, 3, 1, 12, tzinfo=UTC) + timedelta(days=day)
        account = shop.us_account if day % 2 else shop.ca_account
        book_sale(shop, account, [(shop.mug, "1", "10.00", "0"), (shop.lamp, "2", "5.00", "1.00")], when=when)
    book_sale(shop, None, [(shop.lamp, "1", "35.00", "7.00")])
    page, many = dashboard(admin_client, shop)
    # then the page shows them with as many queries as for one sale
    assert "Amazon.ca (CA)" in page and "Lamp" in page
    assert many == few


def test_more_refunds_and_settled_fees_add_no_query(admin_client: Client, shop: Shop) -> None:
    # given two US sales, one refunded in full and settled with a commission
    ExchangeRate.objects.create(company=shop.company, currency_id="USD", date=date(2020, 1, 1), rate=2)
    orders = [book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")]) for _ in range(2)]
    refund_and_settle(shop, orders[0])
    _page, few = dashboard(admin_client, shop)
    # when four more, of both products, are refunded and settled
    for day in range(4):
        when = datetime(2026, 3, 2 + day, tzinfo=UTC)
        order = book_sale(shop, shop.us_account, [(shop.lamp, "1", "20.00", "0")], when=when)
        refund_and_settle(shop, order)
    page, many = dashboard(admin_client, shop)
    # then
    assert "Lamp" in page
    assert many == few


def refund_and_settle(shop: Shop, order: SalesOrder) -> None:
    invoice = create_invoice_from_order(order, date=date(2026, 3, 10), post=True)
    create_credit_note(invoice, None, "Returned", date=date(2026, 4, 2), post=True)
    settle(shop.us_account, order, [("fee", "Commission", "", "-1.50")])


def test_settled_orders_are_selected_in_the_database_not_sent_back_as_ids(
    admin_client: Client, shop: Shop
) -> None:
    # given three settled US sales
    ExchangeRate.objects.create(company=shop.company, currency_id="USD", date=date(2020, 1, 1), rate=2)
    orders = [book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")]) for _ in range(3)]
    for order in orders:
        settle(shop.us_account, order, [("fee", "Commission", "", "-1.50")])
    # when the dashboard (all its margins) is drawn
    url = reverse("dashboard:index")
    admin_client.get(url, {"company": shop.company.pk})
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(url, {"company": shop.company.pk}).content.decode()
    # then no query names a settled order's Amazon id: 100,000 of them as parameters took seconds
    amazon_ids = [order.amazon_order.amazon_id for order in orders]
    assert "4.50" in page  # the three commissions
    assert not [query for query in queries.captured_queries if any(i in query["sql"] for i in amazon_ids)]
