"""Sales, margins and refund rates net of refunds: posted credit notes count against the order they refund
(its day, account, marketplace), drafts do not; refund rates are refunded over sold, in untaxed amounts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sellersync.accounting.invoicing import CreditLine, create_credit_note, create_invoice_from_order
from sellersync.accounting.models import ExchangeRate
from sellersync.amazon.models import AmazonOffer
from sellersync.dashboard.choices import Dimension
from sellersync.dashboard.margins import order_margins, product_report
from sellersync.dashboard.selectors import ReportFilters, sales_cube
from sellersync.sales.models import SalesOrder
from tests.dashboard.fixtures import CA, US, Shop, book_sale
from tests.dashboard.test_margins import settle

pytestmark = pytest.mark.django_db

MARCH_10 = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def refunded(shop: Shop) -> tuple[SalesOrder, SalesOrder, SalesOrder]:
    """Order A (US): 2 mugs at 12.50 and a lamp at 40.00, invoiced; refunded in April one mug (12.50) and
    4.00 off the lamp (a price adjustment, no unit back): 16.50. Order B (US): 1 mug at 12.50, invoiced,
    with a draft credit note only. Order C (CA): 1 mug at 16.00 CAD, not refunded."""
    for code in ("USD", "CAD"):
        ExchangeRate.objects.create(company=shop.company, currency_id=code, date=date(2020, 1, 1), rate=2)
    AmazonOffer.objects.create(account=shop.us_account, sku="MUG-US", product=shop.mug)
    AmazonOffer.objects.create(account=shop.us_account, sku="LAMP-US", product=shop.lamp, marketplace_id=US)
    AmazonOffer.objects.create(account=shop.ca_account, sku="MUG-CA", product=shop.mug)
    order_a = book_sale(
        shop, shop.us_account, [(shop.mug, "2", "12.50", "0"), (shop.lamp, "1", "40.00", "0")], when=MARCH_10
    )
    order_b = book_sale(shop, shop.us_account, [(shop.mug, "1", "12.50", "0")], when=MARCH_10)
    order_c = book_sale(shop, shop.ca_account, [(shop.mug, "1", "16.00", "0")], when=MARCH_10)
    invoice_a = create_invoice_from_order(order_a, date=date(2026, 3, 10), post=True)
    mugs = invoice_a.lines.get(product=shop.mug)
    lamp = invoice_a.lines.get(product=shop.lamp)
    refund = [CreditLine(mugs, quantity=Decimal(1)), CreditLine(lamp, subtotal=Decimal("4.00"))]
    create_credit_note(invoice_a, refund, "Broken mug, scratched lamp", date=date(2026, 4, 2), post=True)
    invoice_b = create_invoice_from_order(order_b, date=date(2026, 3, 10), post=True)
    create_credit_note(invoice_b, None, "Not posted yet", date=date(2026, 4, 2))
    settle(shop.us_account, order_a, [("fee", "Commission", "", "-6.50")])
    return order_a, order_b, order_c


def test_sales_are_net_of_posted_credit_notes_in_each_dimension(shop: Shop, refunded: object) -> None:
    # when
    cube = sales_cube(ReportFilters(company=shop.company))

    # then USD: 65.00 + 12.50 = 77.50 sold, 16.50 refunded (B's draft is not), 61.00 net; CAD untouched
    assert [(row.currency, row.untaxed, row.refunded, row.net) for row in cube.totals()] == [
        ("CAD", Decimal("16.00"), Decimal("0.00"), Decimal("16.00")),
        ("USD", Decimal("77.50"), Decimal("16.50"), Decimal("61.00")),
    ]
    by_marketplace = cube.by(Dimension.MARKETPLACE)
    assert [(row.key, row.currency, row.refunded, row.net) for row in by_marketplace] == [
        (CA, "CAD", Decimal("0.00"), Decimal("16.00")),
        (US, "USD", Decimal("16.50"), Decimal("61.00")),
    ]
    by_team = cube.by(Dimension.TEAM)
    assert [(row.label, row.refunded, row.net) for row in by_team] == [
        ("Amazon CA", Decimal("0.00"), Decimal("16.00")),
        ("Amazon US", Decimal("16.50"), Decimal("61.00")),
    ]
    # the April refund counts on the March day of its order
    assert [(row.label, row.currency, row.net) for row in cube.by(Dimension.DAY)] == [
        ("2026-03-10", "CAD", Decimal("16.00")),
        ("2026-03-10", "USD", Decimal("61.00")),
    ]


def test_refunds_follow_their_order_through_the_date_filter(shop: Shop, refunded: object) -> None:
    # when
    march = sales_cube(
        ReportFilters(company=shop.company, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    )
    april = sales_cube(
        ReportFilters(company=shop.company, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    )

    # then
    assert [(row.currency, row.refunded) for row in march.totals()] == [
        ("CAD", Decimal("0.00")),
        ("USD", Decimal("16.50")),
    ]
    assert april.totals() == []


def test_order_and_product_margins_are_net_of_refunds_and_fees(
    shop: Shop, refunded: tuple[SalesOrder, SalesOrder, SalesOrder]
) -> None:
    # given
    order_a, order_b, _order_c = refunded

    # when
    orders = {row.order_id: row for row in order_margins(ReportFilters(company=shop.company))}
    products = product_report(ReportFilters(company=shop.company)).margins

    # then A: 65.00 - 16.50 refunded - 6.50 fees = 42.00; B: not settled
    a, b = orders[order_a.pk], orders[order_b.pk]
    assert (a.untaxed, a.refunded, a.net, a.fees, a.margin) == (
        Decimal("65.00"),
        Decimal("16.50"),
        Decimal("48.50"),
        Decimal("6.50"),
        Decimal("42.00"),
    )
    assert (b.refunded, b.fees, b.margin) == (Decimal("0.00"), None, None)
    # fees 6.50 shared 25:40 on A (2.50 mug, 4.00 lamp); mug 37.50 - 12.50 - 2.50; lamp 40.00 - 4.00 - 4.00
    assert [
        (row.product, row.currency, row.untaxed, row.refunded, row.refund_rate, row.fees, row.margin)
        for row in products
    ] == [
        ("Mug", "CAD", Decimal("16.00"), Decimal("0.00"), Decimal("0.0"), Decimal("0.00"), Decimal("16.00")),
        (
            "Lamp",
            "USD",
            Decimal("40.00"),
            Decimal("4.00"),
            Decimal("10.0"),
            Decimal("4.00"),
            Decimal("32.00"),
        ),
        (
            "Mug",
            "USD",
            Decimal("37.50"),
            Decimal("12.50"),
            Decimal("33.3"),
            Decimal("2.50"),
            Decimal("22.50"),
        ),
    ]


def test_refund_rate_per_sku_and_marketplace_is_refunded_over_sold_amounts(
    shop: Shop, refunded: object
) -> None:
    # when
    rates = product_report(ReportFilters(company=shop.company)).refund_rates

    # then the lamp's rate is 4.00 / 40.00 = 10.0 % although no lamp came back (in units it would be 0 %,
    # or 100 % if the adjusted line were counted); the mug's 12.50 / 37.50 = 33.3 %
    assert [
        (row.sku, row.product, row.marketplace, row.currency, row.quantity, row.sold, row.refunded, row.rate)
        for row in rates
    ] == [
        (
            "MUG-CA",
            "Mug",
            "Amazon.ca (CA)",
            "CAD",
            Decimal("1.000"),
            Decimal("16.00"),
            Decimal("0.00"),
            Decimal("0.0"),
        ),
        (
            "LAMP-US",
            "Lamp",
            "Amazon.com (US)",
            "USD",
            Decimal("1.000"),
            Decimal("40.00"),
            Decimal("4.00"),
            Decimal("10.0"),
        ),
        (
            "MUG-US",
            "Mug",
            "Amazon.com (US)",
            "USD",
            Decimal("3.000"),
            Decimal("37.50"),
            Decimal("12.50"),
            Decimal("33.3"),
        ),
    ]


def test_page_and_csv_exports_show_refunds_and_rates(client: Client, shop: Shop, refunded: object) -> None:
    # given
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))
    query = {"company": shop.company.pk}

    # when
    page = client.get(reverse("dashboard:index"), query).content.decode()
    by_marketplace = client.get(reverse("dashboard:export", args=("marketplace",)), query)
    refunds = client.get(reverse("dashboard:export", args=("refunds",)), query)

    # then
    totals = page.split('id="report-totals"')[1].split('class="report-section')[0]
    assert '<span class="refunded">16.50</span>' in totals and '<span class="net">61.00 USD</span>' in totals
    assert 'data-label="Amazon.com (US)" data-value="61.00"' in page  # the charts draw net sales
    assert "<td>MUG-US</td><td>Mug</td><td>Amazon.com (US)</td>" in page.split('id="refund-rates"')[1]
    assert list(csv.reader(io.StringIO(by_marketplace.content.decode()))) == [
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
        ["Amazon.ca (CA)", "CAD", "1", "16.00", "0.00", "16.00", "0.00", "16.00"],
        ["Amazon.com (US)", "USD", "2", "77.50", "0.00", "77.50", "16.50", "61.00"],
    ]
    assert list(csv.reader(io.StringIO(refunds.content.decode()))) == [
        [
            "SKU",
            "Product",
            "Marketplace",
            "Currency",
            "Quantity",
            "Sold (untaxed)",
            "Refunded (untaxed)",
            "Refund rate (%)",
        ],
        ["MUG-CA", "Mug", "Amazon.ca (CA)", "CAD", "1.000", "16.00", "0.00", "0.0"],
        ["LAMP-US", "Lamp", "Amazon.com (US)", "USD", "1.000", "40.00", "4.00", "10.0"],
        ["MUG-US", "Mug", "Amazon.com (US)", "USD", "3.000", "37.50", "12.50", "33.3"],
    ]
