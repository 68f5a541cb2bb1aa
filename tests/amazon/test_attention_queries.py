"""The attention page's missing exchange rates and accounts' last runs, and its query budget: more foreign
currencies and more accounts add no query (bench/bench_pages.py measures its time)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sellersync.accounting.models import ExchangeRate
from sellersync.amazon.choices import SyncKind
from sellersync.amazon.models import AmazonAccount, SyncRun
from sellersync.core.models import Company, Partner, Product
from sellersync.sales.models import SalesTeam
from tests.dashboard.fixtures import CA, US, Shop, book_sale, register

pytestmark = pytest.mark.django_db


@pytest.fixture(name="shop")
def seller_on_two_accounts(company: Company, customer: Partner, mug: Product, lamp: Product) -> Shop:
    us_team = SalesTeam.objects.create(company=company, name="Amazon US")
    ca_team = SalesTeam.objects.create(company=company, name="Amazon CA")
    us_account = register(company, "Seller (US)", us_team, (US, "Amazon.com", "US", "USD"))
    ca_account = register(company, "Seller (CA)", ca_team, (CA, "Amazon.ca", "CA", "CAD"))
    return Shop(company, customer, mug, lamp, us_account, ca_account, us_team, ca_team)


def attention_page(client: Client) -> tuple[str, int]:
    client.get(reverse("amazon:attention"))  # warm: session and preferences as on any later request
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("amazon:attention")).content.decode()
    return page, len(queries)


def rate(shop: Shop, currency: str, day_offset: int) -> None:
    day = (timezone.now() - timedelta(days=3) + timedelta(days=day_offset)).date()
    ExchangeRate.objects.create(company=shop.company, currency_id=currency, date=day, rate=Decimal("1.1"))


def test_missing_rates_are_the_foreign_currencies_without_a_rate_on_their_oldest_recent_order(
    admin_client: Client, shop: Shop
) -> None:
    # given a EUR company with orders of three days ago in USD, CAD and GBP, and in EUR (needs no rate);
    # CAD has a rate from the day before, GBP only from the day after, USD none; an old MXN order
    three_days_ago = timezone.now() - timedelta(days=3)
    for currency in ("USD", "CAD", "GBP", "EUR"):
        book_sale(shop, None, [(shop.mug, "1", "9.90", "0")], when=three_days_ago, currency=currency)
    book_sale(
        shop, None, [(shop.mug, "1", "9.90", "0")], when=three_days_ago - timedelta(days=60), currency="MXN"
    )
    rate(shop, "CAD", -1)
    rate(shop, "GBP", +1)
    # when
    page, _queries = attention_page(admin_client)
    # then USD and GBP are listed, not CAD (rated), EUR (the company's) nor MXN (not of the last month)
    section = page[page.index('id="missing-rates"') : page.index('id="accounts"')]
    assert "(2)" in section
    assert "USD for Fabrikam SARL" in section and "GBP for Fabrikam SARL" in section
    assert "CAD for" not in section and "EUR for" not in section and "MXN for" not in section


def test_each_account_shows_its_last_orders_run(admin_client: Client, shop: Shop) -> None:
    # given two runs of the US account, a gap audit after them, and one run of the CA account
    SyncRun.objects.create(account=shop.us_account, kind=SyncKind.ORDERS)
    us_last = SyncRun.objects.create(account=shop.us_account, kind=SyncKind.ORDERS)
    stock_run = SyncRun.objects.create(account=shop.us_account, kind=SyncKind.AUDIT)
    ca_last = SyncRun.objects.create(account=shop.ca_account, kind=SyncKind.ORDERS)
    # when
    page, _queries = attention_page(admin_client)
    # then each account links its own last orders run, and no other run
    links = [f'href="{reverse("admin:amazon_syncrun_change", args=(run.pk,))}"' for run in (us_last, ca_last)]
    assert all(link in page for link in links)
    assert len(re.findall(r"/amazon/syncrun/\d+/change/", page)) == 2
    assert f'href="{reverse("admin:amazon_syncrun_change", args=(stock_run.pk,))}"' not in page


def test_more_currencies_and_accounts_add_no_query(admin_client: Client, shop: Shop) -> None:
    # given one recent order in a foreign currency and the shop's two accounts, each with a run
    recently = timezone.now() - timedelta(days=2)
    book_sale(shop, None, [(shop.mug, "1", "9.90", "0")], when=recently, currency="USD")
    for account in (shop.us_account, shop.ca_account):
        SyncRun.objects.create(account=account, kind=SyncKind.ORDERS)
    _page, few = attention_page(admin_client)
    # when three more currencies have recent orders (one with a rate) and three more accounts run
    for currency in ("CAD", "GBP", "JPY"):
        book_sale(shop, None, [(shop.mug, "1", "9.90", "0")], when=recently, currency=currency)
    rate(shop, "JPY", -1)
    for number in range(3):
        account = AmazonAccount.objects.create(
            name=f"Seller {number}", company=shop.company, seller_id=f"S{number}"
        )
        SyncRun.objects.create(account=account, kind=SyncKind.ORDERS)
    page, many = attention_page(admin_client)
    # then the page lists them all with the same number of queries
    assert "CAD for Fabrikam SARL" in page and "JPY for" not in page
    assert len(re.findall(r"/amazon/syncrun/\d+/change/", page)) == 5
    assert many == few
