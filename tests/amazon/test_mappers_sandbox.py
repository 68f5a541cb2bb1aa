"""The sandbox's own orders, rendered through Orders v0 and 2026-01-01, map to equal OrderData."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sellersync.amazon.mappers import orders_2026, orders_v0
from sellersync.amazon.mappers.types import OrderData
from sellersync.sandbox import render_2026, render_v0
from sellersync.sandbox.generators import OrderGenerator, generate_sellers
from sellersync.sandbox.records import Order
from sellersync.spapi.models import orders_2026 as api
from sellersync.spapi.models import orders_v0 as v0

PURCHASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = PURCHASE + timedelta(days=20)
ALL_PII = {"buyerInfo", "shippingAddress"}


def sandbox_orders(count_per_seller: int) -> list[Order]:
    orders = []
    for seller in generate_sellers(seed=7):
        generator = OrderGenerator(seller, random.Random(seller.seller_id))
        orders += [generator.order(PURCHASE + timedelta(minutes=n)) for n in range(count_per_seller)]
    return orders


def through_v0(record: Order, elements: set[str]) -> OrderData:
    order = v0.Order.model_validate(render_v0.order(record, LATER, elements))
    items = [
        v0.OrderItem.model_validate(render_v0.order_item(record, item, LATER, elements))
        for item in record.items
    ]
    return orders_v0.map_order(order, items)


def through_2026(record: Order, elements: set[str]) -> OrderData:
    rendered = render_2026.order(record, LATER, render_2026.INCLUDED_DATA, elements)
    return orders_2026.map_order(api.Order.model_validate(rendered))


@pytest.mark.parametrize("elements", [set(), ALL_PII], ids=["without PII", "with PII"])
def test_both_api_versions_of_every_sandbox_order_map_to_the_same_order(elements: set[str]) -> None:
    # given: 3 sellers x 60 orders over US, CA, MX, UK, DE, FR, IT, ES and JP
    records = sandbox_orders(60)

    # when
    pairs = [(through_v0(record, elements), through_2026(record, elements)) for record in records]

    # then
    assert [a for a, b in pairs if a != b] == []
    assert len({data.marketplace_id for data, _ in pairs}) == 9


def test_sandbox_orders_keep_amazons_totals_and_a_line_per_item() -> None:
    # given
    records = sandbox_orders(60)

    # when
    mapped = [(record, through_v0(record, ALL_PII)) for record in records]

    # then
    for record, data in mapped:
        products = [line for line in data.lines if line.kind == "product"]
        assert [line.order_item_id for line in products] == [item.order_item_id for item in record.items]
        assert [line.unit_price for line in products] == [Decimal(item.unit_price) for item in record.items]
        assert data.lines_total == data.order_total


def test_a_known_sandbox_order_maps_to_hand_checked_amounts() -> None:
    # given: a DE order of 2 x 29.99 with 4.99 shipping, VAT included (19%)
    record = sandbox_orders(1)[1]
    record.marketplace_id, record.currency, record.tax_inclusive = "A1PA6795UKMFR9", "EUR", True
    del record.items[1:]
    item = record.items[0]
    item.quantity, item.unit_price, item.item_tax = 2, "29.99", "9.58"
    item.shipping_price, item.shipping_tax = "4.99", "0.80"
    item.promotion_discount = item.promotion_discount_tax = item.gift_wrap_price = item.gift_wrap_tax = "0"

    # when
    data_v0, data_2026 = through_v0(record, set()), through_2026(record, set())

    # then
    assert data_v0.order_total == data_2026.order_total == Decimal("64.97")
    assert [(line.unit_price, line.tax_amount, line.total) for line in data_2026.lines] == [
        (Decimal("29.99"), Decimal("9.58"), Decimal("59.98")),
        (Decimal("4.99"), Decimal("0.80"), Decimal("4.99")),
    ]
    assert data_v0.lines == data_2026.lines
