"""The sales order and Amazon order lists: a fixed number of queries whatever the number of rows shown (no
query per row), and no full count of a filtered list (bench/bench_pages.py measures their time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sellersync.amazon.models import AmazonOrder
from sellersync.sales.models import SalesOrder
from tests.amazon.test_attention_queries import seller_on_two_accounts  # noqa: F401  (the shop)
from tests.dashboard.fixtures import Shop, book_sale

pytestmark = pytest.mark.django_db

LISTS = {"admin:sales_salesorder_changelist": SalesOrder, "admin:amazon_amazonorder_changelist": AmazonOrder}


def book_orders(shop: Shop, count: int, start: int = 0) -> None:
    """`count` Amazon orders, alternately on the US and CA accounts, and one order outside Amazon."""
    for number in range(start, start + count):
        account = shop.us_account if number % 2 else shop.ca_account
        when = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=number)
        book_sale(shop, account, [(shop.mug, "1", "9.90", "0.99")], when=when)
    book_sale(shop, None, [(shop.lamp, "1", "35.00", "7.00")], when=datetime(2026, 2, 1, tzinfo=UTC))


def list_page(client: Client, url: str) -> tuple[str, list[str]]:
    client.get(url)  # warm: session and preferences as on any later request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("list_name", LISTS)
def test_more_rows_add_no_query(admin_client: Client, shop: Shop, list_name: str) -> None:
    # given a list of 2 Amazon orders and one from elsewhere
    book_orders(shop, 2)
    _page, few_queries = list_page(admin_client, reverse(list_name))
    # when it shows 12 more, on both accounts, with their partners, teams and sales orders
    book_orders(shop, 12, start=2)
    many_rows, many_queries = list_page(admin_client, reverse(list_name))
    # then every row is on the page (16 sales orders, 14 Amazon orders), with as many queries as before
    assert many_rows.count('class="action-select"') == LISTS[list_name].objects.count() > 13
    assert len(many_queries) == len(few_queries)


@pytest.mark.parametrize("list_name", LISTS)
def test_a_filtered_list_does_not_count_every_order(admin_client: Client, shop: Shop, list_name: str) -> None:
    # given orders on both accounts
    book_orders(shop, 4)
    # when the list is filtered on one account
    field = (
        "amazon_order__account__id__exact" if list_name.startswith("admin:sales") else "account__id__exact"
    )
    page, queries = list_page(admin_client, f"{reverse(list_name)}?{field}={shop.us_account.pk}")
    # then it counts the filtered rows only (show_full_result_count off): one count, with a WHERE
    counts = [sql for sql in queries if sql.startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and " WHERE " in counts[0]
    assert page.count('class="action-select"') == 2
