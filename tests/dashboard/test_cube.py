"""The dashboard's figures come from one grouped query (`sales_cube`) rolled up per dimension: every roll-up
must give the same cents as summing the orders by hand, per account, marketplace, team, channel and
currency, and days must be the site's calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sellersync.dashboard.choices import Dimension
from sellersync.dashboard.selectors import ReportFilters, SalesRow, sales_cube
from sellersync.sales.models import SalesTeam
from tests.dashboard.fixtures import Shop, book_sale

pytestmark = pytest.mark.django_db


def untaxed(rows: list[SalesRow]) -> list[tuple[str, str, int, Decimal]]:
    return [(row.label, row.currency, row.orders, row.untaxed) for row in rows]


def test_every_dimension_rolls_up_to_the_cent_from_one_grouped_query(
    shop: Shop, django_assert_max_num_queries: object
) -> None:
    # given US sales (USD) on two days, one of them FBM and one in CAD, CA sales (CAD), and an order
    # outside Amazon (EUR, no team); amounts chosen so that binary floating point would not add them exactly
    book_sale(
        shop, shop.us_account, [(shop.mug, "3", "0.10", "0.03")], when=datetime(2026, 3, 1, 8, tzinfo=UTC)
    )
    book_sale(
        shop, shop.us_account, [(shop.mug, "1", "0.20", "0.02")], when=datetime(2026, 3, 1, 9, tzinfo=UTC)
    )
    book_sale(
        shop,
        shop.us_account,
        [(shop.lamp, "1", "19.99", "1.60")],
        when=datetime(2026, 3, 2, 23, 59, tzinfo=UTC),
        channel="MFN",
    )
    book_sale(shop, shop.us_account, [(shop.lamp, "1", "25.00", "0")], currency="CAD")
    book_sale(
        shop, shop.ca_account, [(shop.mug, "2", "33.33", "4.99")], when=datetime(2026, 4, 1, tzinfo=UTC)
    )
    book_sale(shop, None, [(shop.lamp, "1", "35.00", "7.00")], when=datetime(2026, 3, 2, tzinfo=UTC))

    # when
    with django_assert_max_num_queries(2):  # type: ignore[operator]  # the orders, the credit notes
        cube = sales_cube(ReportFilters(company=shop.company))

    # then: 0.30 + 0.20 + 19.99 = 20.49 USD; 25.00 + 66.66 = 91.66 CAD; 35.00 EUR
    assert untaxed(cube.totals()) == [
        ("CAD", "CAD", 2, Decimal("91.66")),
        ("EUR", "EUR", 1, Decimal("35.00")),
        ("USD", "USD", 3, Decimal("20.49")),
    ]
    assert [(row.currency, row.tax, row.total) for row in cube.totals()] == [
        ("CAD", Decimal("4.99"), Decimal("96.65")),
        ("EUR", Decimal("7.00"), Decimal("42.00")),
        ("USD", Decimal("1.65"), Decimal("22.14")),
    ]
    assert untaxed(cube.by(Dimension.ACCOUNT)) == [
        ("Seller (CA)", "CAD", 1, Decimal("66.66")),
        ("Seller (US)", "CAD", 1, Decimal("25.00")),
        ("Not from Amazon", "EUR", 1, Decimal("35.00")),
        ("Seller (US)", "USD", 3, Decimal("20.49")),
    ]
    assert untaxed(cube.by(Dimension.MARKETPLACE)) == [
        ("Amazon.ca (CA)", "CAD", 1, Decimal("66.66")),
        ("Amazon.com (US)", "CAD", 1, Decimal("25.00")),
        ("Not from Amazon", "EUR", 1, Decimal("35.00")),
        ("Amazon.com (US)", "USD", 3, Decimal("20.49")),
    ]
    assert untaxed(cube.by(Dimension.TEAM)) == [
        ("Amazon CA", "CAD", 1, Decimal("66.66")),
        ("Amazon US", "CAD", 1, Decimal("25.00")),
        ("No sales team", "EUR", 1, Decimal("35.00")),
        ("Amazon US", "USD", 3, Decimal("20.49")),
    ]
    assert untaxed(cube.by(Dimension.CHANNEL)) == [
        ("Fulfilled by Amazon (FBA)", "CAD", 2, Decimal("91.66")),
        ("Not from Amazon", "EUR", 1, Decimal("35.00")),
        ("Fulfilled by merchant (FBM)", "USD", 1, Decimal("19.99")),
        ("Fulfilled by Amazon (FBA)", "USD", 2, Decimal("0.50")),
    ]
    assert untaxed(cube.by(Dimension.DAY)) == [
        ("2026-03-01", "USD", 2, Decimal("0.50")),
        ("2026-03-02", "EUR", 1, Decimal("35.00")),
        ("2026-03-02", "USD", 1, Decimal("19.99")),
        ("2026-03-10", "CAD", 1, Decimal("25.00")),
        ("2026-04-01", "CAD", 1, Decimal("66.66")),
    ]
    assert untaxed(cube.by(Dimension.MONTH)) == [
        ("2026-03", "CAD", 1, Decimal("25.00")),
        ("2026-03", "EUR", 1, Decimal("35.00")),
        ("2026-03", "USD", 3, Decimal("20.49")),
        ("2026-04", "CAD", 1, Decimal("66.66")),
    ]


def test_two_teams_on_one_account_are_reported_apart(shop: Shop) -> None:
    # given two US orders, the second one moved to another team by hand
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.01", "0")])
    moved = book_sale(shop, shop.us_account, [(shop.mug, "1", "20.02", "0")])
    moved.team = SalesTeam.objects.create(company=shop.company, name="Key accounts")
    moved.save(update_fields=["team"])

    # when
    cube = sales_cube(ReportFilters(company=shop.company))

    # then the account has both; each team its own
    assert untaxed(cube.by(Dimension.ACCOUNT)) == [("Seller (US)", "USD", 2, Decimal("30.03"))]
    assert untaxed(cube.by(Dimension.TEAM)) == [
        ("Key accounts", "USD", 1, Decimal("20.02")),
        ("Amazon US", "USD", 1, Decimal("10.01")),
    ]


def test_days_and_date_filters_follow_the_site_time_zone(shop: Shop) -> None:
    # given orders at 03:00 and 09:00 UTC on March 10: in Los Angeles (UTC-7 in March, DST) the first
    # one is still on March 9
    book_sale(
        shop, shop.us_account, [(shop.mug, "1", "1.00", "0")], when=datetime(2026, 3, 10, 3, tzinfo=UTC)
    )
    book_sale(
        shop, shop.us_account, [(shop.mug, "1", "2.00", "0")], when=datetime(2026, 3, 10, 9, tzinfo=UTC)
    )
    march_10 = ReportFilters(company=shop.company, date_from=date(2026, 3, 10), date_to=date(2026, 3, 10))

    # when
    with timezone.override("America/Los_Angeles"):
        days_la = untaxed(sales_cube(ReportFilters(company=shop.company)).by(Dimension.DAY))
        on_the_10th_la = untaxed(sales_cube(march_10).totals())
    days_utc = untaxed(sales_cube(ReportFilters(company=shop.company)).by(Dimension.DAY))
    on_the_10th_utc = untaxed(sales_cube(march_10).totals())

    # then
    assert days_la == [("2026-03-09", "USD", 1, Decimal("1.00")), ("2026-03-10", "USD", 1, Decimal("2.00"))]
    assert on_the_10th_la == [("USD", "USD", 1, Decimal("2.00"))]
    assert days_utc == [("2026-03-10", "USD", 2, Decimal("3.00"))]
    assert on_the_10th_utc == [("USD", "USD", 2, Decimal("3.00"))]
