"""Every line keeps one real rate: charges stay with their item, rates are countries' official ones."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from sellersync.amazon.mappers import orders_2026, orders_v0
from sellersync.amazon.mappers.types import OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.apply import ApplyOutcome, apply_order
from sellersync.core.models import Company
from sellersync.sales.models import SalesOrder
from sellersync.sales.selectors import tax_by_rate
from sellersync.stock.services import setup_company_stock
from tests.amazon import test_mappers_2026 as p26
from tests.amazon.test_mappers_v0 import item_payload, money, order_payload, us_facilitator_order

DE = "A1PA6795UKMFR9"
UK = "A1F83G8C2ARO7P"
BERLIN = {"City": "Berlin", "StateOrRegion": "Berlin", "PostalCode": "10115", "CountryCode": "DE"}


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Taxes", company=company, seller_id="TAXES")


def _apply(account: AmazonAccount, data: OrderData) -> tuple[SalesOrder, AmazonOrder]:
    result = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert result.outcome == ApplyOutcome.CREATED
    binding = result.binding
    assert binding is not None and binding.sales_order is not None
    return SalesOrder.objects.get(pk=binding.sales_order.pk), binding


# A DE order (VAT included): a book at 7 % and a lamp at 19 %, each with its own shipping charge.
#   book  2 x 19.99 = 39.98, VAT 39.98 x 7/107 = 2.6155 -> 2.62; shipping 4.89, VAT 0.3199 -> 0.32
#   lamp  1 x 109.99,        VAT 109.99 x 19/119 = 17.5614 -> 17.56; shipping 12.59, VAT 2.0102 -> 2.01
# VAT by rate: 7 %: 2.62 + 0.32 = 2.94; 19 %: 17.56 + 2.01 = 19.57; total 39.98+4.89+109.99+12.59 = 167.45
EXPECTED_DE = {D(7): D("2.94"), D(19): D("19.57")}


def de_order_v0() -> OrderData:
    eur = "EUR"
    book = item_payload(
        OrderItemId="30000000000001",
        SellerSKU="BOOK-1",
        Title="Cookbook",
        QuantityOrdered=2,
        ItemPrice=money("39.98", eur),
        ItemTax=money("2.62", eur),
        ShippingPrice=money("4.89", eur),
        ShippingTax=money("0.32", eur),
    )
    lamp = item_payload(
        OrderItemId="30000000000002",
        SellerSKU="LAMP-1",
        Title="Desk lamp",
        ItemPrice=money("109.99", eur),
        ItemTax=money("17.56", eur),
        ShippingPrice=money("12.59", eur),
        ShippingTax=money("2.01", eur),
    )
    order = order_payload(
        AmazonOrderId="302-0000007-0000019",
        MarketplaceId=DE,
        OrderTotal=money("167.45", eur),
        ShippingAddress=BERLIN,
    )
    return orders_v0.map_order(order, [book, lamp])


def de_order_2026() -> OrderData:
    eur = "EUR"
    book = p26.item(
        unit="19.99",
        quantity=2,
        total="44.87",
        currency=eur,
        breakdowns=[
            p26.breakdown("ITEM", "37.36", eur),
            p26.breakdown("SHIPPING", "4.57", eur),
            p26.breakdown("TAX", "2.94", eur, ITEM="2.62", SHIPPING="0.32"),
        ],
        orderItemId="30000000000001",
    )
    book["product"].update({"sellerSku": "BOOK-1", "title": "Cookbook"})
    lamp = p26.item(
        unit="109.99",
        quantity=1,
        total="122.58",
        currency=eur,
        breakdowns=[
            p26.breakdown("ITEM", "92.43", eur),
            p26.breakdown("SHIPPING", "10.58", eur),
            p26.breakdown("TAX", "19.57", eur, ITEM="17.56", SHIPPING="2.01"),
        ],
        orderItemId="30000000000002",
    )
    lamp["product"].update({"sellerSku": "LAMP-1", "title": "Desk lamp"})
    recipient = {"deliveryAddress": {key[0].lower() + key[1:]: value for key, value in BERLIN.items()}}
    order = p26.order(
        [book, lamp],
        p26.money("167.45", eur),
        orderId="302-0000007-0000019",
        salesChannel={"channelName": "AMAZON", "marketplaceId": DE, "marketplaceName": "Amazon.de"},
        recipient=recipient,
    )
    return orders_2026.map_order(order)


@pytest.mark.parametrize("_case, mapped", [("v0", de_order_v0), ("2026-01-01", de_order_2026)])
def test_de_order_with_7_and_19_percent_items_each_shipped_gives_vat_by_real_rate(
    _case: str, mapped: Any, account: AmazonAccount
) -> None:
    # when
    order, binding = _apply(account, mapped())

    # then
    assert tax_by_rate(order) == EXPECTED_DE
    assert order.amount_total == D("167.45")
    assert order.amount_tax == D("22.51")
    names = {line.description: line.tax.name for line in order.lines.select_related("tax") if line.tax}
    assert names == {
        "Cookbook": "DE VAT 7 % incl.",
        "Shipping (BOOK-1)": "DE VAT 7 % incl.",
        "Desk lamp": "DE VAT 19 % incl.",
        "Shipping (LAMP-1)": "DE VAT 19 % incl.",
    }
    assert binding.needs_review is False


def uk_order_v0() -> OrderData:
    # 3 x 19.99 = 59.97 incl. VAT 59.97/6 = 9.995 -> 10.00; 5 x 0.99 = 4.95 incl. VAT 0.825 -> 0.83;
    # a 6.00 promotion on the lanterns, VAT 1.00. Total 59.97 + 4.95 - 6.00 = 58.92.
    gbp = "GBP"
    lanterns = item_payload(
        OrderItemId="40000000000001",
        SellerSKU="UK-LANTERN",
        QuantityOrdered=3,
        ItemPrice=money("59.97", gbp),
        ItemTax=money("10.00", gbp),
        PromotionDiscount=money("6.00", gbp),
        PromotionDiscountTax=money("1.00", gbp),
        PromotionIds=["SPRING"],
    )
    pegs = item_payload(
        OrderItemId="40000000000002",
        SellerSKU="UK-PEG",
        Title="Tent peg",
        QuantityOrdered=5,
        ItemPrice=money("4.95", gbp),
        ItemTax=money("0.83", gbp),
    )
    order = order_payload(
        AmazonOrderId="203-0000005-0000020",
        MarketplaceId=UK,
        OrderTotal=money("58.92", gbp),
        ShippingAddress={"City": "Leeds", "PostalCode": "LS1 4AP", "CountryCode": "GB"},
    )
    return orders_v0.map_order(order, [lanterns, pegs])


def test_uk_vat_inclusive_order_with_a_promotion_has_one_20_percent_rate_and_exact_totals(
    account: AmazonAccount,
) -> None:
    # when
    order, binding = _apply(account, uk_order_v0())

    # then
    assert tax_by_rate(order) == {D(20): D("9.83")}  # 10.00 + 0.83 - 1.00
    assert (order.amount_untaxed, order.amount_tax, order.amount_total) == (D("49.09"), D("9.83"), D("58.92"))
    assert {line.tax.name for line in order.lines.select_related("tax")} == {"GB VAT 20 % incl."}
    assert binding.needs_review is False


def test_an_amount_matching_no_official_rate_is_booked_as_is_and_put_on_the_review_list(
    account: AmazonAccount,
) -> None:
    # given: 10.00 with 1.00 of VAT in Germany: 19 % would be 1.60 and 7 % 0.65
    eur = "EUR"
    item = item_payload(ItemPrice=money("10.00", eur), ItemTax=money("1.00", eur))
    order = order_payload(MarketplaceId=DE, OrderTotal=money("10.00", eur), ShippingAddress=BERLIN)

    # when
    sales_order, binding = _apply(account, orders_v0.map_order(order, [item]))

    # then
    (line,) = sales_order.lines.select_related("tax")
    assert (line.tax_amount, line.tax.name, line.tax.rate) == (
        D("1.00"),
        "DE VAT, rate to review incl.",
        None,
    )
    assert sales_order.amount_total == D("10.00")
    binding.refresh_from_db()
    assert binding.needs_review is True
    assert "tax 1.00 on 9.00 matches no official rate of DE" in binding.review_reason


def test_us_facilitator_tax_is_named_without_a_rate_and_needs_no_review(account: AmazonAccount) -> None:
    # given
    order, items = us_facilitator_order()

    # when
    sales_order, binding = _apply(account, orders_v0.map_order(order, items))

    # then
    assert {line.tax.name for line in sales_order.lines.select_related("tax")} == {
        "US sales tax (collected by Amazon)"
    }
    assert tax_by_rate(sales_order) == {None: D("2.88")}
    assert binding.needs_review is False
