"""Orders v0 payloads -> OrderData: lines, money to the cent, customers, statuses, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from sellersync.amazon.mappers import orders_v0
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.types import AddressData, LineKind
from sellersync.spapi.models import orders_v0 as v0

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"


def money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"CurrencyCode": currency, "Amount": amount}


def order_payload(**fields: Any) -> v0.Order:
    payload: dict[str, Any] = {
        "AmazonOrderId": "113-0000001-0000001",
        "PurchaseDate": "2026-03-01T10:00:00Z",
        "LastUpdateDate": "2026-03-01T12:00:00Z",
        "OrderStatus": "Unshipped",
        "FulfillmentChannel": "MFN",
        "SalesChannel": "Amazon.com",
        "MarketplaceId": US,
        "OrderTotal": money("0.00"),
        "IsBusinessOrder": False,
        "IsPrime": False,
        "ShippingAddress": {
            "City": "Seattle",
            "StateOrRegion": "WA",
            "PostalCode": "98101",
            "CountryCode": "US",
        },
        "BuyerInfo": {"BuyerEmail": "abc123@marketplace.amazon.com"},
    }
    payload.update(fields)
    return v0.Order.model_validate(payload)


def item_payload(**fields: Any) -> v0.OrderItem:
    payload: dict[str, Any] = {
        "ASIN": "B00TEST001",
        "SellerSKU": "SKU-1",
        "OrderItemId": "10000000000001",
        "Title": "Camping Lantern",
        "QuantityOrdered": 1,
        "QuantityShipped": 0,
    }
    payload.update(fields)
    return v0.OrderItem.model_validate(payload)


def us_facilitator_order() -> tuple[v0.Order, list[v0.OrderItem]]:
    item = item_payload(
        QuantityOrdered=3,
        ItemPrice=money("29.97"),
        ItemTax=money("2.47"),
        ShippingPrice=money("4.99"),
        ShippingTax=money("0.41"),
        TaxCollection={"Model": "MarketplaceFacilitator", "ResponsibleParty": "Amazon Services, Inc."},
    )
    return order_payload(OrderTotal=money("37.84")), [item]


def test_us_marketplace_facilitator_order_adds_tax_to_prices_and_marks_it_collected() -> None:
    # given
    order, items = us_facilitator_order()

    # when
    data = orders_v0.map_order(order, items)

    # then
    product, shipping = data.lines
    assert (product.kind, product.quantity, product.unit_price) == (
        LineKind.PRODUCT,
        Decimal(3),
        Decimal("9.99"),
    )
    assert (product.tax_amount, product.total) == (Decimal("2.47"), Decimal("32.44"))
    assert (product.sku, product.order_item_id, product.asin) == ("SKU-1", "10000000000001", "B00TEST001")
    assert product.price_includes_tax is False
    assert product.tax_collected_by_marketplace is True
    assert (shipping.kind, shipping.quantity, shipping.unit_price) == (
        LineKind.SHIPPING,
        Decimal(1),
        Decimal("4.99"),
    )
    assert (shipping.tax_amount, shipping.total) == (Decimal("0.41"), Decimal("5.40"))
    assert shipping.tax_collected_by_marketplace is True
    assert data.order_total == Decimal("37.84")
    assert data.lines_total == Decimal("37.84")
    assert data.currency == "USD"


def test_item_price_is_unit_price_times_quantity_not_the_unit_price() -> None:
    # given: 3 x 9.99, no tax, no shipping
    item = item_payload(QuantityOrdered=3, ItemPrice=money("29.97"), ItemTax=money("0.00"))
    order = order_payload(OrderTotal=money("29.97"))

    # when
    (line,) = orders_v0.map_order(order, [item]).lines

    # then
    assert line.unit_price == Decimal("9.99")
    assert line.quantity == Decimal(3)
    assert line.total == Decimal("29.97")


def eu_order_with_gift_wrap_and_promotions() -> tuple[v0.Order, list[v0.OrderItem]]:
    eur = "EUR"
    lantern = item_payload(
        OrderItemId="20000000000001",
        SellerSKU="EU-LANTERN",
        QuantityOrdered=2,
        ItemPrice=money("59.98", eur),
        ItemTax=money("9.58", eur),
        ShippingPrice=money("4.99", eur),
        ShippingTax=money("0.80", eur),
        ShippingDiscount=money("4.99", eur),
        ShippingDiscountTax=money("0.80", eur),
        PromotionDiscount=money("6.00", eur),
        PromotionDiscountTax=money("0.96", eur),
        PromotionIds=["PROMO-1"],
    )
    kettle = item_payload(
        OrderItemId="20000000000002",
        SellerSKU="EU-KETTLE",
        Title="Tea Kettle",
        ItemPrice=money("19.99", eur),
        ItemTax=money("3.19", eur),
        PromotionDiscount=money("2.00", eur),
        PromotionDiscountTax=money("0.32", eur),
        PromotionIds=["PROMO-1"],
        BuyerInfo={
            "GiftWrapPrice": money("3.99", eur),
            "GiftWrapTax": money("0.64", eur),
            "GiftWrapLevel": "Classic",
        },
    )
    order = order_payload(
        AmazonOrderId="302-0000002-0000002",
        MarketplaceId=DE,
        SalesChannel="Amazon.de",
        OrderTotal=money("75.96", eur),
        ShippingAddress={
            "City": "Berlin",
            "StateOrRegion": "Berlin",
            "PostalCode": "10115",
            "CountryCode": "DE",
        },
    )
    return order, [lantern, kettle]


def test_eu_vat_inclusive_order_with_gift_wrap_and_promotions() -> None:
    # given
    order, items = eu_order_with_gift_wrap_and_promotions()

    # when
    data = orders_v0.map_order(order, items)

    # then
    lantern, kettle, shipping, gift_wrap, lantern_promotion, kettle_promotion = data.lines
    assert (lantern.unit_price, lantern.tax_amount, lantern.total) == (
        Decimal("29.99"),
        Decimal("9.58"),
        Decimal("59.98"),
    )
    assert (kettle.unit_price, kettle.tax_amount, kettle.total) == (
        Decimal("19.99"),
        Decimal("3.19"),
        Decimal("19.99"),
    )
    # each charge stays with its item (and so keeps the item's rate)
    assert (shipping.kind, shipping.unit_price, shipping.tax_amount, shipping.total) == (
        LineKind.SHIPPING,
        Decimal("4.99"),
        Decimal("0.80"),
        Decimal("4.99"),
    )
    assert (shipping.order_item_id, shipping.description) == ("20000000000001", "Shipping (EU-LANTERN)")
    assert (gift_wrap.kind, gift_wrap.unit_price, gift_wrap.tax_amount, gift_wrap.total) == (
        LineKind.GIFT_WRAP,
        Decimal("3.99"),
        Decimal("0.64"),
        Decimal("3.99"),
    )
    assert gift_wrap.order_item_id == "20000000000002"
    # lantern: 6.00 promotion + 4.99 free shipping; kettle: 2.00 promotion
    assert (lantern_promotion.kind, lantern_promotion.total, lantern_promotion.tax_amount) == (
        LineKind.PROMOTION,
        Decimal("-10.99"),
        Decimal("-1.76"),
    )
    assert (kettle_promotion.kind, kettle_promotion.total, kettle_promotion.tax_amount) == (
        LineKind.PROMOTION,
        Decimal("-2.00"),
        Decimal("-0.32"),
    )
    assert lantern_promotion.description == "Promotion PROMO-1 (EU-LANTERN)"
    assert kettle_promotion.order_item_id == "20000000000002"
    assert all(line.price_includes_tax for line in data.lines)
    assert not any(line.tax_collected_by_marketplace for line in data.lines)
    assert data.order_total == data.lines_total == Decimal("75.96")
    assert data.currency == "EUR"


def test_japanese_yen_order_has_no_decimals_and_includes_consumption_tax() -> None:
    # given: 2 x 1980 yen, 500 yen shipping, 10% consumption tax included
    item = item_payload(
        QuantityOrdered=2,
        ItemPrice=money("3960", "JPY"),
        ItemTax=money("360", "JPY"),
        ShippingPrice=money("500", "JPY"),
        ShippingTax=money("45", "JPY"),
    )
    order = order_payload(MarketplaceId=JP, SalesChannel="Amazon.co.jp", OrderTotal=money("4460", "JPY"))

    # when
    data = orders_v0.map_order(order, [item])

    # then
    product, shipping = data.lines
    assert (product.unit_price, product.tax_amount, product.total) == (
        Decimal(1980),
        Decimal(360),
        Decimal(3960),
    )
    assert (shipping.unit_price, shipping.tax_amount, shipping.total) == (
        Decimal(500),
        Decimal(45),
        Decimal(500),
    )
    assert product.price_includes_tax is True
    assert data.order_total == Decimal(4460)
    assert data.currency == "JPY"


def test_order_without_tax_follows_the_marketplace_convention() -> None:
    # given: no tax anywhere, so the amounts cannot tell
    us_item = item_payload(ItemPrice=money("10.00"), ItemTax=money("0.00"))
    de_item = item_payload(ItemPrice=money("10.00", "EUR"), ItemTax=money("0.00", "EUR"))

    # when
    us = orders_v0.map_order(order_payload(OrderTotal=money("10.00")), [us_item])
    de = orders_v0.map_order(order_payload(MarketplaceId=DE, OrderTotal=money("10.00", "EUR")), [de_item])

    # then
    assert us.lines[0].price_includes_tax is False
    assert de.lines[0].price_includes_tax is True


def b2b_buyer_info() -> v0.OrderBuyerInfo:
    return v0.OrderBuyerInfo.model_validate(
        {
            "AmazonOrderId": "302-0000002-0000002",
            "BuyerEmail": "xyz@marketplace.amazon.de",
            "BuyerName": "Lukas Müller",
            "PurchaseOrderNumber": "PO-4711",
            "BuyerTaxInfo": {
                "CompanyLegalName": "Müller GmbH",
                "TaxingRegion": "DE",
                "TaxClassifications": [{"Name": "VATNumber", "Value": "DE123456789"}],
            },
        }
    )


def pii_address() -> v0.OrderAddress:
    return v0.OrderAddress.model_validate(
        {
            "AmazonOrderId": "302-0000002-0000002",
            "ShippingAddress": {
                "Name": "Sophie Müller",
                "CompanyName": "Müller GmbH",
                "AddressLine1": "12 Hauptstraße",
                "AddressLine2": "Hinterhaus",
                "City": "Berlin",
                "StateOrRegion": "Berlin",
                "PostalCode": "10115",
                "CountryCode": "DE",
                "Phone": "+49 30 1234567",
                "AddressType": "Commercial",
            },
        }
    )


def test_b2b_order_with_pii_has_company_vat_number_and_full_address() -> None:
    # given
    order, items = eu_order_with_gift_wrap_and_promotions()
    order = order.model_copy(update={"is_business_order": True})

    # when
    data = orders_v0.map_order(order, items, address=pii_address(), buyer=b2b_buyer_info())

    # then
    customer = data.customer
    assert customer.name == "Lukas Müller"
    assert customer.is_anonymous is False
    assert customer.is_business is True
    assert customer.company_name == "Müller GmbH"
    assert customer.vat_number == "DE123456789"
    assert customer.email == "xyz@marketplace.amazon.de"
    assert customer.address == AddressData(
        name="Sophie Müller",
        company_name="Müller GmbH",
        street="12 Hauptstraße",
        street2="Hinterhaus",
        city="Berlin",
        state="Berlin",
        postal_code="10115",
        country_code="DE",
        phone="+49 30 1234567",
    )
    assert data.is_business_order is True
    assert data.extra == {"purchase_order_number": "PO-4711"}


def test_without_pii_the_customer_is_the_anonymous_amazon_customer() -> None:
    # given: only what Amazon shares without a restricted data token
    order, items = us_facilitator_order()

    # when
    customer = orders_v0.map_order(order, items).customer

    # then
    assert customer.name == "Amazon Customer"
    assert customer.is_anonymous is True
    assert customer.address == AddressData(city="Seattle", state="WA", postal_code="98101", country_code="US")
    assert customer.email == "abc123@marketplace.amazon.com"
    assert (customer.company_name, customer.vat_number) == ("", "")


def test_pii_embedded_in_the_order_is_used_when_no_separate_calls_were_made() -> None:
    # given: getOrders fetched with an RDT covering buyerInfo and shippingAddress
    order, items = us_facilitator_order()
    order = order.model_copy(
        update={
            "buyer_info": v0.BuyerInfo(buyer_email="abc@marketplace.amazon.com", buyer_name="Alex Smith"),
            "shipping_address": v0.Address(
                name="Alex Smith",
                address_line1="1 Main Street",
                city="Seattle",
                postal_code="98101",
                country_code="US",
            ),
        }
    )

    # when
    customer = orders_v0.map_order(order, items).customer

    # then
    assert customer.name == "Alex Smith"
    assert customer.is_anonymous is False
    assert customer.address.street == "1 Main Street"


def test_canceled_order_without_prices_maps_to_zero_amounts() -> None:
    # given: Amazon drops OrderTotal and item prices on canceled orders
    order = order_payload(OrderStatus="Canceled", OrderTotal=None, ShippingAddress=None)
    item = item_payload(
        QuantityOrdered=1,
        BuyerRequestedCancel={
            "IsBuyerRequestedCancel": "true",
            "BuyerCancelReason": "Order placed by mistake",
        },
    )

    # when
    data = orders_v0.map_order(order, [item])

    # then
    assert data.status == "Canceled"
    assert data.order_total == Decimal(0)
    assert data.currency == "USD"
    (line,) = data.lines
    assert (line.quantity, line.unit_price, line.total) == (Decimal(1), Decimal(0), Decimal(0))
    assert data.buyer_requested_cancel is True


def test_order_fields_are_mapped_with_aware_utc_dates() -> None:
    # given
    order, items = us_facilitator_order()
    order = order_payload(
        OrderTotal=money("37.84"),
        PurchaseDate="2026-03-01T12:00:00+02:00",
        LatestShipDate="2026-03-03T07:59:59Z",
        FulfillmentChannel="AFN",
        IsPrime=True,
        SellerOrderId="SO-123",
    )

    # when
    data = orders_v0.map_order(order, items)

    # then
    assert data.purchase_date == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert data.purchase_date.tzinfo is UTC
    assert data.latest_ship_date == datetime(2026, 3, 3, 7, 59, 59, tzinfo=UTC)
    assert data.latest_delivery_date is None
    assert (data.fulfillment_channel, data.is_prime, data.status) == ("AFN", True, "Unshipped")
    assert (data.marketplace_id, data.sales_channel) == (US, "Amazon.com")
    assert data.extra == {"seller_order_id": "SO-123"}


def test_total_that_differs_from_the_lines_is_an_error_naming_the_amounts() -> None:
    # given: 10.00 + 0.83 tax cannot make 11.00
    item = item_payload(ItemPrice=money("10.00"), ItemTax=money("0.83"))
    order = order_payload(OrderTotal=money("11.00"))

    # when
    with pytest.raises(MappingError) as raised:
        orders_v0.map_order(order, [item])

    # then
    assert raised.value.amazon_order_id == "113-0000001-0000001"
    assert raised.value.field == "OrderTotal.Amount"
    assert "11.00" in str(raised.value) and "10.00" in str(raised.value) and "10.83" in str(raised.value)


@pytest.mark.parametrize(
    ("_case", "items", "total", "field"),
    [
        ("no items", [], money("0.00"), "OrderItems"),
        (
            "quantity 0 with a price",
            [item_payload(QuantityOrdered=0, ItemPrice=money("5.00"))],
            money("5.00"),
            "OrderItems[0].quantity",
        ),
        (
            "currency mix",
            [item_payload(ItemPrice=money("5.00"), ItemTax=money("0.40", "EUR"))],
            money("5.40"),
            "OrderItems[0].ItemTax",
        ),
        (
            "unit price not exact",
            [item_payload(QuantityOrdered=300, ItemPrice=money("1.00"))],
            money("1.00"),
            "OrderItems[0].price",
        ),
        ("shipped order without total", [item_payload(ItemPrice=money("5.00"))], None, "OrderTotal"),
    ],
)
def test_payloads_that_cannot_be_mapped_faithfully_raise_with_the_field_path(
    _case: str, items: list[v0.OrderItem], total: dict[str, str] | None, field: str
) -> None:
    # given
    order = order_payload(OrderTotal=total, OrderStatus="Shipped")

    # when
    with pytest.raises(MappingError) as raised:
        orders_v0.map_order(order, items)

    # then
    assert raised.value.field == field
