"""Reporting queries: exact sums to the cent, one row per group and currency, filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from sellersync.core.models import Currency
from sellersync.dashboard.choices import Dimension
from sellersync.dashboard.margins import order_margins, product_margins
from sellersync.dashboard.selectors import ReportFilters, SalesRow, sales_by, sales_totals
from sellersync.sales.services import OrderLineData, cancel_order, create_sales_order
from tests.dashboard.fixtures import CA, US, Shop, book_sale

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def figures(rows: list[SalesRow]) -> list[tuple[str, str, int, Decimal, Decimal, Decimal]]:
    return [(row.label, row.currency, row.orders, row.untaxed, row.tax, row.total) for row in rows]


def test_sales_by_marketplace_sum_each_marketplace_to_the_cent_in_its_own_currency(shop: Shop) -> None:
    # given two US orders whose amounts do not add up exactly in binary floating point, and one CA order
    book_sale(shop, shop.us_account, [(shop.mug, "1", "0.10", "0.01")])
    book_sale(shop, shop.us_account, [(shop.mug, "2", "0.10", "0.02"), (shop.lamp, "1", "19.99", "1.60")])
    book_sale(shop, shop.ca_account, [(shop.lamp, "3", "33.33", "4.99")])

    # when
    rows = sales_by(ReportFilters(company=shop.company), Dimension.MARKETPLACE)

    # then
    assert figures(rows) == [
        ("Amazon.ca (CA)", "CAD", 1, Decimal("99.99"), Decimal("4.99"), Decimal("104.98")),
        ("Amazon.com (US)", "USD", 2, Decimal("20.29"), Decimal("1.63"), Decimal("21.92")),
    ]
    assert [row.key for row in rows] == [CA, US]


def test_totals_are_per_currency_and_never_add_different_currencies(shop: Shop) -> None:
    # given sales in USD, CAD and, outside Amazon, the company's EUR
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    book_sale(shop, shop.ca_account, [(shop.mug, "1", "13.50", "0")])
    book_sale(shop, None, [(shop.lamp, "1", "35.00", "7.00")])

    # when
    totals = sales_totals(ReportFilters(company=shop.company))
    by_account = sales_by(ReportFilters(company=shop.company), Dimension.ACCOUNT)

    # then
    assert figures(totals) == [
        ("CAD", "CAD", 1, Decimal("13.50"), Decimal("0.00"), Decimal("13.50")),
        ("EUR", "EUR", 1, Decimal("35.00"), Decimal("7.00"), Decimal("42.00")),
        ("USD", "USD", 1, Decimal("10.00"), Decimal("0.00"), Decimal("10.00")),
    ]
    assert figures(by_account) == [
        ("Seller (CA)", "CAD", 1, Decimal("13.50"), Decimal("0.00"), Decimal("13.50")),
        ("Not from Amazon", "EUR", 1, Decimal("35.00"), Decimal("7.00"), Decimal("42.00")),
        ("Seller (US)", "USD", 1, Decimal("10.00"), Decimal("0.00"), Decimal("10.00")),
    ]


def test_one_account_selling_in_two_currencies_gets_one_row_per_currency(shop: Shop) -> None:
    # given a US-account order paid in CAD (an unusual but possible currency) beside a USD one
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    book_sale(shop, shop.us_account, [(shop.mug, "1", "12.00", "0")], currency="CAD")

    # when
    rows = sales_by(ReportFilters(company=shop.company), Dimension.ACCOUNT)

    # then
    assert figures(rows) == [
        ("Seller (US)", "CAD", 1, Decimal("12.00"), Decimal("0.00"), Decimal("12.00")),
        ("Seller (US)", "USD", 1, Decimal("10.00"), Decimal("0.00"), Decimal("10.00")),
    ]


def test_canceled_orders_and_quotations_are_not_sales(shop: Shop) -> None:
    # given one confirmed order, one canceled, and one draft quotation
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    canceled = book_sale(shop, shop.us_account, [(shop.mug, "5", "10.00", "0")])
    cancel_order(canceled, "buyer canceled")
    lines = [OrderLineData(product=shop.mug, quantity=Decimal(7), unit_price=Decimal("10.00"))]
    create_sales_order(shop.company, shop.customer, Currency.objects.get(code="USD"), lines)

    # when
    totals = sales_totals(ReportFilters(company=shop.company))

    # then
    assert figures(totals) == [("USD", "USD", 1, Decimal("10.00"), Decimal("0.00"), Decimal("10.00"))]


def test_sales_by_team_and_channel(shop: Shop) -> None:
    # given an FBA and an FBM sale on the US account, an FBA sale on the CA account
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")], channel="AFN")
    book_sale(shop, shop.us_account, [(shop.mug, "1", "20.00", "0")], channel="MFN")
    book_sale(shop, shop.ca_account, [(shop.mug, "1", "30.00", "0")], channel="AFN")
    filters = ReportFilters(company=shop.company)

    # when
    by_team = sales_by(filters, Dimension.TEAM)
    by_channel = sales_by(filters, Dimension.CHANNEL)

    # then
    assert [(row.label, row.currency, row.untaxed) for row in by_team] == [
        ("Amazon CA", "CAD", Decimal("30.00")),
        ("Amazon US", "USD", Decimal("30.00")),
    ]
    assert [(row.key, row.currency, row.untaxed) for row in by_channel] == [
        ("AFN", "CAD", Decimal("30.00")),
        ("MFN", "USD", Decimal("20.00")),
        ("AFN", "USD", Decimal("10.00")),
    ]


def test_filters_by_account_marketplace_channel_team_and_inclusive_dates(shop: Shop) -> None:
    # given sales on the 1st, 15th and 31st of March and one in April
    for day, price in ((1, "1.00"), (15, "2.00"), (31, "4.00")):
        book_sale(shop, shop.us_account, [(shop.mug, "1", price, "0")], when=at(3, day, 23))
    book_sale(shop, shop.us_account, [(shop.mug, "1", "8.00", "0")], when=at(4, 1, 0))
    book_sale(shop, shop.ca_account, [(shop.mug, "1", "16.00", "0")], channel="MFN")
    company = shop.company

    def untaxed(**narrowing: object) -> list[tuple[str, Decimal]]:
        rows = sales_totals(ReportFilters(company=company, **narrowing))  # type: ignore[arg-type]
        return [(row.currency, row.untaxed) for row in rows]

    # when / then
    march = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
    assert untaxed(**march) == [("CAD", Decimal("16.00")), ("USD", Decimal("7.00"))]
    assert untaxed(date_from=date(2026, 3, 15), date_to=date(2026, 3, 15)) == [("USD", Decimal("2.00"))]
    assert untaxed(account_id=shop.us_account.pk) == [("USD", Decimal("15.00"))]
    assert untaxed(marketplace_id=CA) == [("CAD", Decimal("16.00"))]
    assert untaxed(channel="MFN") == [("CAD", Decimal("16.00"))]
    assert untaxed(team_id=shop.us_team.pk, date_from=date(2026, 4, 1)) == [("USD", Decimal("8.00"))]


def test_sales_by_day_and_month_in_date_order(shop: Shop) -> None:
    # given sales on two days of March and one of April
    book_sale(shop, shop.us_account, [(shop.mug, "1", "1.10", "0")], when=at(4, 2, 9))
    book_sale(shop, shop.us_account, [(shop.mug, "1", "2.20", "0")], when=at(3, 5, 9))
    book_sale(shop, shop.us_account, [(shop.mug, "1", "3.30", "0")], when=at(3, 5, 18))
    book_sale(shop, shop.us_account, [(shop.mug, "1", "4.40", "0")], when=at(3, 20, 9))
    filters = ReportFilters(company=shop.company)

    # when
    by_day = sales_by(filters, Dimension.DAY)
    by_month = sales_by(filters, Dimension.MONTH)

    # then
    assert [(row.label, row.orders, row.untaxed) for row in by_day] == [
        ("2026-03-05", 2, Decimal("5.50")),
        ("2026-03-20", 1, Decimal("4.40")),
        ("2026-04-02", 1, Decimal("1.10")),
    ]
    assert [(row.label, row.orders, row.untaxed) for row in by_month] == [
        ("2026-03", 3, Decimal("9.90")),
        ("2026-04", 1, Decimal("1.10")),
    ]


def test_order_margin_is_unknown_until_a_settlement_names_the_order(shop: Shop) -> None:
    # given an order without any settlement yet
    order = book_sale(shop, shop.us_account, [(shop.mug, "2", "12.50", "2.00")])

    # when
    (margin,) = order_margins(ReportFilters(company=shop.company))

    # then
    assert (margin.name, margin.currency, margin.untaxed) == (order.name, "USD", Decimal("25.00"))
    assert margin.amazon_order_id == order.amazon_order.amazon_id
    assert margin.fees is None and margin.margin is None


def test_product_sales_per_currency_without_fees(shop: Shop) -> None:
    # given mugs sold in USD on two orders and in CAD on one
    book_sale(shop, shop.us_account, [(shop.mug, "2", "12.50", "0"), (shop.lamp, "1", "40.00", "0")])
    book_sale(shop, shop.us_account, [(shop.mug, "1", "12.49", "0")])
    book_sale(shop, shop.ca_account, [(shop.mug, "1", "16.00", "0")])

    # when
    rows = product_margins(ReportFilters(company=shop.company))

    # then
    assert [(row.product, row.currency, row.quantity, row.untaxed, row.fees, row.margin) for row in rows] == [
        ("Mug", "CAD", Decimal("1.000"), Decimal("16.00"), Decimal("0.00"), Decimal("16.00")),
        ("Lamp", "USD", Decimal("1.000"), Decimal("40.00"), Decimal("0.00"), Decimal("40.00")),
        ("Mug", "USD", Decimal("3.000"), Decimal("37.49"), Decimal("0.00"), Decimal("37.49")),
    ]
