"""Orders 2026-01-01 payloads -> OrderData, and the same orders through v0 giving the same lines."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from sellersync.amazon.mappers import orders_2026, orders_v0
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.statuses import fulfillment_channel, v0_status
from sellersync.amazon.mappers.types import AddressData, LineKind
from sellersync.spapi.models import orders_2026 as api
from tests.amazon.test_mappers_v0 import eu_order_with_gift_wrap_and_promotions as eu_order_v0
from tests.amazon.test_mappers_v0 import us_facilitator_order as us_order_v0

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
JP = "A1VC38T7YXB528"


def money(amount: str, currency: str = "USD") -> dict[str, str]:
    return {"amount": amount, "currencyCode": currency}


def breakdown(kind: str, amount: str, currency: str = "USD", **details: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": kind, "subtotal": money(amount, currency)}
    if details:
        entry["detailedBreakdowns"] = [
            {"subtype": subtype, "value": money(value, currency)} for subtype, value in details.items()
        ]
    return entry


def item(
    *,
    unit: str,
    quantity: int,
    total: str,
    breakdowns: list[dict[str, Any]],
    currency: str = "USD",
    **fields: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "orderItemId": "10000000000001",
        "quantityOrdered": quantity,
        "product": {
            "asin": "B00TEST001",
            "title": "Camping Lantern",
            "sellerSku": "SKU-1",
            "price": {"unitPrice": money(unit, currency)},
        },
        "proceeds": {"proceedsTotal": money(total, currency), "breakdowns": breakdowns},
        "fulfillment": {"quantityFulfilled": 0, "quantityUnfulfilled": quantity},
    }
    payload.update(fields)
    return payload


def order(items: list[dict[str, Any]], grand_total: dict[str, str] | None, **fields: Any) -> api.Order:
    payload: dict[str, Any] = {
        "orderId": "113-0000001-0000001",
        "createdTime": "2026-03-01T10:00:00Z",
        "lastUpdatedTime": "2026-03-01T12:00:00Z",
        "programs": [],
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": US, "marketplaceName": "Amazon.com"},
        "buyer": {"buyerEmail": "abc123@marketplace.amazon.com"},
        "recipient": {
            "deliveryAddress": {
                "city": "Seattle",
                "stateOrRegion": "WA",
                "postalCode": "98101",
                "countryCode": "US",
            }
        },
        "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "MERCHANT"},
        "orderItems": items,
    }
    if grand_total is not None:
        payload["proceeds"] = {"grandTotal": grand_total}
    payload.update(fields)
    return api.Order.model_validate(payload)


FACILITATOR = {
    "taxCollections": [{"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services, Inc."}]
}


def us_facilitator_order() -> api.Order:
    lantern = item(
        unit="9.99",
        quantity=3,
        total="37.84",
        breakdowns=[
            breakdown("ITEM", "29.97"),
            breakdown("SHIPPING", "4.99"),
            breakdown("TAX", "2.88", ITEM="2.47", SHIPPING="0.41"),
        ],
        tax=FACILITATOR,
    )
    return order([lantern], money("37.84"))


def test_us_marketplace_facilitator_order_uses_the_unit_price_and_adds_tax() -> None:
    # given
    payload = us_facilitator_order()

    # when
    data = orders_2026.map_order(payload)

    # then
    product, shipping = data.lines
    assert (product.quantity, product.unit_price, product.tax_amount, product.total) == (
        Decimal(3),
        Decimal("9.99"),
        Decimal("2.47"),
        Decimal("32.44"),
    )
    assert product.price_includes_tax is False
    assert product.tax_collected_by_marketplace is True
    assert (shipping.kind, shipping.unit_price, shipping.tax_amount, shipping.total) == (
        LineKind.SHIPPING,
        Decimal("4.99"),
        Decimal("0.41"),
        Decimal("5.40"),
    )
    assert data.order_total == data.lines_total == Decimal("37.84")


def test_us_order_maps_to_the_same_lines_and_totals_as_through_v0() -> None:
    # given
    v0_order, v0_items = us_order_v0()

    # when
    through_v0 = orders_v0.map_order(v0_order, v0_items)
    through_2026 = orders_2026.map_order(us_facilitator_order())

    # then
    assert through_2026.lines == through_v0.lines
    assert through_2026.order_total == through_v0.order_total
    assert through_2026.customer == through_v0.customer


def eu_order() -> api.Order:
    eur = "EUR"
    lantern = item(
        unit="29.99",
        quantity=2,
        total="53.98",
        currency=eur,
        breakdowns=[
            breakdown("ITEM", "50.40", eur),
            breakdown("SHIPPING", "4.19", eur),
            breakdown("DISCOUNT", "-9.23", eur),
            breakdown("TAX", "8.62", eur, ITEM="9.58", SHIPPING="0.80", DISCOUNT="-1.76"),
        ],
        orderItemId="20000000000001",
        promotion={"breakdowns": [{"promotionId": "PROMO-1"}]},
    )
    lantern["product"]["sellerSku"] = "EU-LANTERN"
    kettle = item(
        unit="19.99",
        quantity=1,
        total="21.98",
        currency=eur,
        breakdowns=[
            breakdown("ITEM", "16.80", eur),
            breakdown("GIFT_WRAP", "3.35", eur),
            breakdown("DISCOUNT", "-1.68", eur),
            breakdown("TAX", "3.51", eur, ITEM="3.19", GIFT_WRAP="0.64", DISCOUNT="-0.32"),
        ],
        orderItemId="20000000000002",
        promotion={"breakdowns": [{"promotionId": "PROMO-1"}]},
    )
    kettle["product"].update({"sellerSku": "EU-KETTLE", "title": "Tea Kettle"})
    return order(
        [lantern, kettle],
        money("75.96", eur),
        orderId="302-0000002-0000002",
        salesChannel={"channelName": "AMAZON", "marketplaceId": DE, "marketplaceName": "Amazon.de"},
        recipient={
            "deliveryAddress": {
                "city": "Berlin",
                "stateOrRegion": "Berlin",
                "postalCode": "10115",
                "countryCode": "DE",
            }
        },
    )


def test_eu_vat_inclusive_order_lines_show_gross_prices_with_amazons_vat() -> None:
    # given: net breakdowns + VAT; unit prices include the VAT
    payload = eu_order()

    # when
    data = orders_2026.map_order(payload)

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
    assert (shipping.unit_price, shipping.tax_amount, shipping.total) == (
        Decimal("4.99"),
        Decimal("0.80"),
        Decimal("4.99"),
    )
    assert (gift_wrap.unit_price, gift_wrap.tax_amount, gift_wrap.total) == (
        Decimal("3.99"),
        Decimal("0.64"),
        Decimal("3.99"),
    )
    # per item: the lantern's 9.23 + 1.76 VAT, the kettle's 1.68 + 0.32 VAT
    assert (lantern_promotion.unit_price, lantern_promotion.tax_amount, lantern_promotion.total) == (
        Decimal("-10.99"),
        Decimal("-1.76"),
        Decimal("-10.99"),
    )
    assert (kettle_promotion.unit_price, kettle_promotion.tax_amount, kettle_promotion.total) == (
        Decimal("-2.00"),
        Decimal("-0.32"),
        Decimal("-2.00"),
    )
    assert (shipping.order_item_id, gift_wrap.order_item_id) == ("20000000000001", "20000000000002")
    assert all(line.price_includes_tax for line in data.lines)
    assert data.order_total == data.lines_total == Decimal("75.96")


def test_eu_order_maps_to_the_same_lines_and_totals_as_through_v0() -> None:
    # given
    v0_order, v0_items = eu_order_v0()

    # when
    through_v0 = orders_v0.map_order(v0_order, v0_items)
    through_2026 = orders_2026.map_order(eu_order())

    # then
    assert through_2026.lines == through_v0.lines
    assert through_2026.order_total == through_v0.order_total == Decimal("75.96")
    assert through_2026.customer == through_v0.customer


def test_japanese_yen_order_keeps_whole_yen() -> None:
    # given: 2 x 1980 yen incl. 10% tax, 500 yen shipping incl. tax
    goods = item(
        unit="1980",
        quantity=2,
        total="4460",
        currency="JPY",
        breakdowns=[
            breakdown("ITEM", "3600", "JPY"),
            breakdown("SHIPPING", "455", "JPY"),
            breakdown("TAX", "405", "JPY", ITEM="360", SHIPPING="45"),
        ],
    )
    payload = order(
        [goods],
        money("4460", "JPY"),
        salesChannel={"channelName": "AMAZON", "marketplaceId": JP, "marketplaceName": "Amazon.co.jp"},
    )

    # when
    data = orders_2026.map_order(payload)

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
    assert (data.order_total, data.currency) == (Decimal(4460), "JPY")


def test_b2b_order_with_pii_has_company_vat_number_and_full_address() -> None:
    # given
    payload = eu_order().model_copy(
        update={
            "programs": ["AMAZON_BUSINESS"],
            "buyer": api.Buyer(
                buyer_name="Lukas Müller",
                buyer_email="xyz@marketplace.amazon.de",
                buyer_company_name="Müller GmbH",
                buyer_purchase_order_number="PO-4711",
            ),
            "recipient": api.Recipient(
                delivery_address=api.CustomerAddress(
                    name="Sophie Müller",
                    company_name="Müller GmbH",
                    address_line1="12 Hauptstraße",
                    city="Berlin",
                    state_or_region="Berlin",
                    postal_code="10115",
                    country_code="DE",
                    phone="+49 30 1234567",
                )
            ),
            "tax": api.OrderTax(
                tax_registrations=[
                    api.OrderTaxRegistration(
                        entity_type="BUYER",
                        legal_name="Müller GmbH",
                        tax_registration_type="VAT",
                        tax_registration_number="DE123456789",
                    )
                ]
            ),
        }
    )

    # when
    data = orders_2026.map_order(payload)

    # then
    customer = data.customer
    assert (customer.name, customer.is_anonymous, customer.is_business) == ("Lukas Müller", False, True)
    assert (customer.company_name, customer.vat_number) == ("Müller GmbH", "DE123456789")
    assert customer.address == AddressData(
        name="Sophie Müller",
        company_name="Müller GmbH",
        street="12 Hauptstraße",
        city="Berlin",
        state="Berlin",
        postal_code="10115",
        country_code="DE",
        phone="+49 30 1234567",
    )
    assert data.is_business_order is True
    assert data.extra == {"purchase_order_number": "PO-4711"}


def test_without_pii_the_customer_is_the_anonymous_amazon_customer() -> None:
    # given
    payload = us_facilitator_order()

    # when
    customer = orders_2026.map_order(payload).customer

    # then
    assert (customer.name, customer.is_anonymous) == ("Amazon Customer", True)
    assert customer.address == AddressData(city="Seattle", state="WA", postal_code="98101", country_code="US")


def test_canceled_order_without_proceeds_maps_to_zero_amounts() -> None:
    # given
    goods = item(unit="9.99", quantity=1, total="0", breakdowns=[])
    del goods["proceeds"]
    goods["cancellation"] = {
        "cancellationRequest": {"requester": "BUYER", "cancelReason": "Order placed by mistake"}
    }
    payload = order(
        [goods], None, fulfillment={"fulfillmentStatus": "CANCELLED", "fulfilledBy": "AMAZON"}, recipient=None
    )

    # when
    data = orders_2026.map_order(payload)

    # then
    assert (data.status, data.fulfillment_channel) == ("Canceled", "AFN")
    assert (data.order_total, data.currency) == (Decimal(0), "USD")
    (line,) = data.lines
    assert (line.quantity, line.unit_price, line.total) == (Decimal(1), Decimal(0), Decimal(0))
    assert data.buyer_requested_cancel is True


def test_order_fields_are_mapped_with_aware_utc_dates() -> None:
    # given
    payload = us_facilitator_order().model_copy(
        update={
            "created_time": datetime.fromisoformat("2026-03-01T12:00:00+02:00"),
            "programs": ["PRIME"],
            "order_aliases": [api.Alias(alias_id="SO-123", alias_type="SELLER_ORDER_ID")],
            "fulfillment": api.OrderFulfillment(
                fulfillment_status="SHIPPED",
                fulfilled_by="AMAZON",
                ship_by_window=api.DateTimeRange(
                    latest_date_time=datetime.fromisoformat("2026-03-03T07:59:59Z")
                ),
            ),
        }
    )

    # when
    data = orders_2026.map_order(payload)

    # then
    assert data.purchase_date == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert data.purchase_date.tzinfo is UTC
    assert data.latest_ship_date == datetime(2026, 3, 3, 7, 59, 59, tzinfo=UTC)
    assert (data.status, data.fulfillment_channel, data.is_prime) == ("Shipped", "AFN", True)
    assert (data.marketplace_id, data.sales_channel) == (US, "Amazon.com")
    assert data.extra == {"seller_order_id": "SO-123"}


@pytest.mark.parametrize(
    ("fulfillment_status", "v0_name"),
    [
        ("PENDING", "Pending"),
        ("UNSHIPPED", "Unshipped"),
        ("PARTIALLY_SHIPPED", "PartiallyShipped"),
        ("SHIPPED", "Shipped"),
        ("CANCELLED", "Canceled"),
        ("UNFULFILLABLE", "Unfulfillable"),
        ("PENDING_AVAILABILITY", "PendingAvailability"),
    ],
)
def test_fulfillment_statuses_become_v0_statuses(fulfillment_status: str, v0_name: str) -> None:
    # when / then
    assert v0_status(fulfillment_status) == v0_name


def test_fulfillers_become_v0_channels_and_unknown_values_are_none() -> None:
    # when / then
    assert (fulfillment_channel("AMAZON"), fulfillment_channel("MERCHANT")) == ("AFN", "MFN")
    assert v0_status("LOST_IN_SPACE") is None
    assert fulfillment_channel("DRONE") is None


def _with_first_item(**changes: Any) -> api.Order:
    payload = us_facilitator_order().model_dump(by_alias=True, mode="json")
    payload["orderItems"][0].update(changes)
    return api.Order.model_validate(payload)


@pytest.mark.parametrize(
    ("_case", "payload", "field"),
    [
        ("no items", order([], money("0.00")), "orderItems"),
        (
            "unknown status",
            order([], money("0.00"), fulfillment={"fulfillmentStatus": "LOST", "fulfilledBy": "MERCHANT"}),
            "fulfillment.fulfillmentStatus",
        ),
        ("no fulfillment section", order([], money("0.00"), fulfillment=None), "fulfillment"),
        (
            "no proceeds on a priced order",
            order([item(unit="1", quantity=1, total="1", breakdowns=[])], None),
            "proceeds.grandTotal",
        ),
        ("item proceeds missing", _with_first_item(proceeds=None), "orderItems[0].proceeds"),
        (
            "breakdowns not adding up",
            _with_first_item(
                proceeds={"proceedsTotal": money("40.00"), "breakdowns": [breakdown("ITEM", "29.97")]}
            ),
            "orderItems[0].proceeds.proceedsTotal",
        ),
        (
            "currency mix",
            _with_first_item(
                proceeds={"proceedsTotal": money("29.97"), "breakdowns": [breakdown("ITEM", "29.97", "EUR")]}
            ),
            "orderItems[0].proceeds.breakdowns[0].subtotal",
        ),
        ("quantity 0 with a price", _with_first_item(quantityOrdered=0), "orderItems[0].quantity"),
        (
            "unit price matching nothing",
            _with_first_item(product={"asin": "B1", "price": {"unitPrice": money("5.00")}}),
            "orderItems[0].product.price.unitPrice",
        ),
        (
            "grand total off by a cent",
            order(
                us_facilitator_order().model_dump(by_alias=True, mode="json")["orderItems"], money("37.85")
            ),
            "proceeds.grandTotal",
        ),
    ],
)
def test_payloads_that_cannot_be_mapped_faithfully_raise_with_the_field_path(
    _case: str, payload: api.Order, field: str
) -> None:
    # when
    with pytest.raises(MappingError) as raised:
        orders_2026.map_order(payload)

    # then
    assert raised.value.field == field
    assert raised.value.amazon_order_id == "113-0000001-0000001"
