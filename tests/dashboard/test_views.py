"""The dashboard page and its CSV exports: login required, charts per marketplace, exact CSV figures."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.dashboard.fixtures import Shop, book_sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def test_dashboard_needs_a_login(client: Client, shop: Shop) -> None:
    # when
    page = client.get(reverse("dashboard:index"))
    export = client.get(reverse("dashboard:export", args=("marketplace",)))

    # then
    assert page.status_code == export.status_code == 302
    assert page["Location"].startswith(reverse("admin:login"))


def test_dashboard_draws_a_bar_per_marketplace_in_its_currency(staff_client: Client, shop: Shop) -> None:
    # given sales on both registrations of the seller
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    book_sale(shop, shop.ca_account, [(shop.mug, "2", "7.25", "0")])

    # when
    response = staff_client.get(reverse("dashboard:index"), {"company": shop.company.pk})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    section = html.split('id="sales-by-marketplace"')[1].split('class="report-section')[0]
    assert section.count("<svg") == 2
    assert section.count('<g class="bar"') == 2
    assert 'data-label="Amazon.com (US)" data-value="10.00"' in section
    assert 'data-label="Amazon.ca (CA)" data-value="14.50"' in section
    assert 'aria-label="Marketplace (CAD)"' in section and 'aria-label="Marketplace (USD)"' in section
    assert 'id="menu-sales-reporting"' in html


def test_dashboard_filters_narrow_the_charts(staff_client: Client, shop: Shop) -> None:
    # given sales on both registrations
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    book_sale(shop, shop.ca_account, [(shop.mug, "2", "7.25", "0")])

    # when filtered on the CA account
    response = staff_client.get(
        reverse("dashboard:index"), {"company": shop.company.pk, "account": shop.ca_account.pk}
    )

    # then only CAD figures show
    html = response.content.decode()
    assert 'data-currency="CAD"' in html
    assert 'data-currency="USD"' not in html
    assert "Amazon.com (US)" not in html.split('id="report-totals"')[1]


def test_inverted_date_range_is_refused_with_a_message(staff_client: Client, shop: Shop) -> None:
    # when
    response = staff_client.get(
        reverse("dashboard:index"),
        {"company": shop.company.pk, "date_from": "2026-03-10", "date_to": "2026-03-01"},
    )

    # then
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    assert 'id="report-totals"' not in response.content.decode()


def test_csv_export_by_marketplace_has_exact_figures_for_the_filtered_dates(
    staff_client: Client, shop: Shop
) -> None:
    # given a March and an April sale on the US account, a March sale on the CA account
    book_sale(shop, shop.us_account, [(shop.mug, "3", "3.33", "0.80")], when=datetime(2026, 3, 2, tzinfo=UTC))
    book_sale(shop, shop.us_account, [(shop.mug, "1", "99.00", "0")], when=datetime(2026, 4, 2, tzinfo=UTC))
    book_sale(
        shop, shop.ca_account, [(shop.lamp, "1", "45.45", "5.91")], when=datetime(2026, 3, 3, tzinfo=UTC)
    )

    # when
    response = staff_client.get(
        reverse("dashboard:export", args=("marketplace",)),
        {"company": shop.company.pk, "date_from": "2026-03-01", "date_to": "2026-03-31"},
    )

    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "Marketplace",
            "Currency",
            "Orders",
            "Untaxed",
            "Taxes",
            "Total",
            "Refunded (untaxed)",
            "Net untaxed",
        ],
        ["Amazon.ca (CA)", "CAD", "1", "45.45", "5.91", "51.36", "0.00", "45.45"],
        ["Amazon.com (US)", "USD", "1", "9.99", "0.80", "10.79", "0.00", "9.99"],
    ]


def test_csv_export_of_order_margins_leaves_unsettled_fees_empty(staff_client: Client, shop: Shop) -> None:
    # given one order, not settled yet
    order = book_sale(shop, shop.us_account, [(shop.mug, "2", "5.05", "0")])

    # when
    response = staff_client.get(reverse("dashboard:export", args=("orders",)), {"company": shop.company.pk})

    # then
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [
        [order.name, order.amazon_order.amazon_id, "2026-03-10", "USD", "10.10", "0.00", "", ""]
    ]


def test_unknown_export_is_not_found(staff_client: Client, shop: Shop) -> None:
    # when
    response = staff_client.get(
        reverse("dashboard:export", args=("everything",)), {"company": shop.company.pk}
    )

    # then
    assert response.status_code == 404
