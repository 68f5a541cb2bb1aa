"""Margins net of Amazon fees, once settlements name the orders (amazon.AmazonSettlementLine)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.amazon.models import AmazonAccount, AmazonOffer
from sellersync.amazon.models.settlements import AmazonSettlement, AmazonSettlementLine
from sellersync.dashboard.margins import order_margins, product_margins
from sellersync.dashboard.selectors import ReportFilters
from sellersync.sales.models import SalesOrder
from tests.dashboard.fixtures import Shop, book_sale

pytestmark = pytest.mark.django_db


def settle(account: AmazonAccount, order: SalesOrder, amounts: list[tuple[str, str, str, str]]) -> None:
    """Settlement lines (kind, amount type, SKU, amount) naming the order's Amazon id."""
    settlement, _created = AmazonSettlement.objects.get_or_create(
        account=account, group_id=f"GROUP-{account.pk}", defaults={"currency_code": "USD"}
    )
    start = settlement.lines.count()
    for sequence, (kind, amount_type, sku, amount) in enumerate(amounts, start=start + 1):
        AmazonSettlementLine.objects.create(
            settlement=settlement,
            sequence=sequence,
            event_type="shipment",
            amazon_order_id=order.amazon_order.amazon_id,
            sku=sku,
            kind=kind,
            amount_type=amount_type,
            amount=Decimal(amount),
            match="expense",
        )


def test_fees_reduce_the_order_margin_and_go_to_the_product_their_sku_names(shop: Shop) -> None:
    # given 2 mugs (25.00) and a lamp (40.00); the mug's SKU is known, fees partly named by SKU
    AmazonOffer.objects.create(account=shop.us_account, sku="MUG-SKU", product=shop.mug)
    order = book_sale(
        shop, shop.us_account, [(shop.mug, "2", "12.50", "2.00"), (shop.lamp, "1", "40.00", "3.20")]
    )
    settle(
        shop.us_account,
        order,
        [
            ("charge", "Principal", "MUG-SKU", "25.00"),
            ("fee", "Commission", "MUG-SKU", "-3.75"),
            ("fee", "FBAPerUnitFulfillmentFee", "", "-6.50"),
            ("fee", "RefundCommission", "MUG-SKU", "0.50"),
        ],
    )
    # and a fee of the same Amazon order id on the other registration, which is not this order's
    settle(shop.ca_account, order, [("fee", "Commission", "", "-99.00")])

    # when
    (margin,) = order_margins(ReportFilters(company=shop.company))
    products = product_margins(ReportFilters(company=shop.company))

    # then 3.75 + 6.50 - 0.50 = 9.75 of fees; the unnamed 6.50 shared 25:40 (2.50 / 4.00)
    assert (margin.untaxed, margin.fees, margin.margin) == (
        Decimal("65.00"),
        Decimal("9.75"),
        Decimal("55.25"),
    )
    assert [(row.product, row.untaxed, row.fees, row.margin) for row in products] == [
        ("Lamp", Decimal("40.00"), Decimal("4.00"), Decimal("36.00")),
        ("Mug", Decimal("25.00"), Decimal("5.75"), Decimal("19.25")),
    ]


def test_shared_fees_are_split_to_the_cent_with_the_rest_on_the_last_line(shop: Shop) -> None:
    # given three equal lines and an unnamed fee of 1.00 (not divisible by 3)
    order = book_sale(
        shop,
        shop.us_account,
        [(shop.mug, "1", "10.00", "0"), (shop.lamp, "1", "10.00", "0"), (shop.mug, "1", "10.00", "0")],
    )
    settle(shop.us_account, order, [("fee", "Commission", "", "-1.00")])

    # when
    products = product_margins(ReportFilters(company=shop.company))

    # then 0.33 to the first mug line, 0.33 to the lamp, 0.34 to the last mug line
    assert [(row.product, row.fees) for row in products] == [
        ("Mug", Decimal("0.67")),
        ("Lamp", Decimal("0.33")),
    ]
    assert sum(row.fees for row in products) == Decimal("1.00")
