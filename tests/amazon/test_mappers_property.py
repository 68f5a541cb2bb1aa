"""Property: for generated orders, the lines add up to Amazon's OrderTotal and both API versions agree.

The test renders each generated order the way Amazon states it in v0 (ItemPrice = unit x quantity,
positive discounts, OrderTotal = amounts [+ taxes where tax is added at checkout]) and in 2026-01-01
(unit price, net breakdowns + TAX split by part, proceedsTotal, grandTotal).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sellersync.amazon.mappers import orders_2026, orders_v0
from sellersync.spapi.models import orders_2026 as api
from sellersync.spapi.models import orders_v0 as v0

# (marketplace id, currency, decimals, prices include tax) - the convention each marketplace uses.
MARKETPLACES = [
    ("ATVPDKIKX0DER", "USD", 2, False),
    ("A2EUQ1WTGCTBG2", "CAD", 2, False),
    ("A1PA6795UKMFR9", "EUR", 2, True),
    ("A1F83G8C2ARO7P", "GBP", 2, True),
    ("A1VC38T7YXB528", "JPY", 0, True),
]


@dataclass(frozen=True)
class GeneratedItem:
    quantity: int
    unit: int  # in minor units (cents; yen)
    item_tax: int
    shipping: int
    shipping_tax: int
    gift_wrap: int
    gift_wrap_tax: int
    promotion: int
    promotion_tax: int
    shipping_discount: int
    shipping_discount_tax: int


@st.composite
def generated_items(draw: st.DrawFn) -> GeneratedItem:
    quantity = draw(st.integers(1, 5))
    unit = draw(st.integers(1, 50_000))
    price = unit * quantity
    shipping = draw(st.sampled_from([0, 0, 499, 1299, draw(st.integers(1, 5_000))]))
    gift_wrap = draw(st.sampled_from([0, 0, 0, 399]))
    promotion = draw(st.integers(0, price)) if draw(st.booleans()) else 0
    shipping_discount = draw(st.integers(0, shipping)) if draw(st.booleans()) else 0
    return GeneratedItem(
        quantity=quantity,
        unit=unit,
        item_tax=draw(st.integers(0, price // 4)),
        shipping=shipping,
        shipping_tax=draw(st.integers(0, shipping // 4)),
        gift_wrap=gift_wrap,
        gift_wrap_tax=draw(st.integers(0, gift_wrap // 4)),
        promotion=promotion,
        promotion_tax=draw(st.integers(0, promotion // 4)),
        shipping_discount=shipping_discount,
        shipping_discount_tax=draw(st.integers(0, shipping_discount // 4)),
    )


def amount(minor: int, decimals: int) -> Decimal:
    return Decimal(minor).scaleb(-decimals)


def v0_money(minor: int, currency: str, decimals: int) -> dict[str, str]:
    return {"CurrencyCode": currency, "Amount": str(amount(minor, decimals))}


def amazon_order_total(items: list[GeneratedItem], inclusive: bool) -> int:
    """OrderTotal as Amazon states it: what the buyer pays, tax included or added."""
    total = 0
    for item in items:
        total += (
            item.unit * item.quantity
            + item.shipping
            + item.gift_wrap
            - item.promotion
            - item.shipping_discount
        )
        if not inclusive:
            total += item.item_tax + item.shipping_tax + item.gift_wrap_tax
            total -= item.promotion_tax + item.shipping_discount_tax
    return total


def render_v0(
    items: list[GeneratedItem], marketplace: tuple[str, str, int, bool]
) -> tuple[v0.Order, list[v0.OrderItem]]:
    marketplace_id, currency, decimals, inclusive = marketplace

    def m(minor: int) -> dict[str, str]:
        return v0_money(minor, currency, decimals)

    order = v0.Order.model_validate(
        {
            "AmazonOrderId": "111-0000000-0000000",
            "PurchaseDate": "2026-03-01T10:00:00Z",
            "LastUpdateDate": "2026-03-01T11:00:00Z",
            "OrderStatus": "Shipped",
            "FulfillmentChannel": "AFN",
            "MarketplaceId": marketplace_id,
            "OrderTotal": m(amazon_order_total(items, inclusive)),
        }
    )
    rendered = [
        v0.OrderItem.model_validate(
            {
                "ASIN": f"B0{index:08d}",
                "SellerSKU": f"SKU-{index}",
                "OrderItemId": f"{index:014d}",
                "QuantityOrdered": item.quantity,
                "ItemPrice": m(item.unit * item.quantity),
                "ItemTax": m(item.item_tax),
                "ShippingPrice": m(item.shipping),
                "ShippingTax": m(item.shipping_tax),
                "PromotionDiscount": m(item.promotion),
                "PromotionDiscountTax": m(item.promotion_tax),
                "ShippingDiscount": m(item.shipping_discount),
                "ShippingDiscountTax": m(item.shipping_discount_tax),
                "BuyerInfo": {"GiftWrapPrice": m(item.gift_wrap), "GiftWrapTax": m(item.gift_wrap_tax)},
            }
        )
        for index, item in enumerate(items)
    ]
    return order, rendered


def render_2026(items: list[GeneratedItem], marketplace: tuple[str, str, int, bool]) -> api.Order:
    marketplace_id, currency, decimals, inclusive = marketplace

    def m(minor: int) -> dict[str, Any]:
        return {"amount": str(amount(minor, decimals)), "currencyCode": currency}

    def net(gross: int, tax: int) -> int:
        return gross - tax if inclusive else gross

    def render_item(index: int, item: GeneratedItem) -> dict[str, Any]:
        discount = item.promotion + item.shipping_discount
        discount_tax = item.promotion_tax + item.shipping_discount_tax
        parts = {
            "ITEM": net(item.unit * item.quantity, item.item_tax),
            "SHIPPING": net(item.shipping, item.shipping_tax),
            "GIFT_WRAP": net(item.gift_wrap, item.gift_wrap_tax),
            "DISCOUNT": -net(discount, discount_tax),
        }
        taxes = {"ITEM": item.item_tax, "SHIPPING": item.shipping_tax, "GIFT_WRAP": item.gift_wrap_tax}
        taxes["DISCOUNT"] = -discount_tax
        breakdowns: list[dict[str, Any]] = [
            {"type": kind, "subtotal": m(value)} for kind, value in parts.items() if value
        ]
        breakdowns.append(
            {
                "type": "TAX",
                "subtotal": m(sum(taxes.values())),
                "detailedBreakdowns": [{"subtype": kind, "value": m(value)} for kind, value in taxes.items()],
            }
        )
        return {
            "orderItemId": f"{index:014d}",
            "quantityOrdered": item.quantity,
            "product": {
                "asin": f"B0{index:08d}",
                "sellerSku": f"SKU-{index}",
                "price": {"unitPrice": m(item.unit)},
            },
            "proceeds": {
                "proceedsTotal": m(sum(parts.values()) + sum(taxes.values())),
                "breakdowns": breakdowns,
            },
        }

    return api.Order.model_validate(
        {
            "orderId": "111-0000000-0000000",
            "createdTime": "2026-03-01T10:00:00Z",
            "lastUpdatedTime": "2026-03-01T11:00:00Z",
            "salesChannel": {"channelName": "AMAZON", "marketplaceId": marketplace_id},
            "fulfillment": {"fulfillmentStatus": "SHIPPED", "fulfilledBy": "AMAZON"},
            "proceeds": {"grandTotal": m(amazon_order_total(items, inclusive))},
            "orderItems": [render_item(index, item) for index, item in enumerate(items)],
        }
    )


@settings(max_examples=300, deadline=None)
@given(items=st.lists(generated_items(), min_size=1, max_size=4), marketplace=st.sampled_from(MARKETPLACES))
def test_lines_add_up_to_amazons_order_total_and_both_versions_agree(
    items: list[GeneratedItem], marketplace: tuple[str, str, int, bool]
) -> None:
    # given
    _, currency, decimals, _ = marketplace
    order, order_items = render_v0(items, marketplace)
    expected_total = amount(amazon_order_total(items, marketplace[3]), decimals)

    # when
    through_v0 = orders_v0.map_order(order, order_items)
    through_2026 = orders_2026.map_order(render_2026(items, marketplace))

    # then
    assert sum(line.total for line in through_v0.lines) == expected_total == through_v0.order_total
    assert through_2026.order_total == expected_total
    assert through_2026.lines == through_v0.lines
    products = [line for line in through_v0.lines if line.kind == "product"]
    assert [(line.quantity, line.unit_price) for line in products] == [
        (Decimal(item.quantity), amount(item.unit, decimals)) for item in items
    ]
    assert [line.tax_amount for line in products] == [amount(item.item_tax, decimals) for item in items]
    assert through_v0.currency == through_2026.currency == currency
