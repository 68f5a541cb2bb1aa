"""Order money, computed once from the canonical record so both Orders API versions agree to the cent.

Tax-exclusive marketplaces (US, CA): the buyer pays price + tax (marketplace-facilitator tax).
VAT-inclusive marketplaces (EU, UK, MX, JP): the prices already contain the VAT; ItemTax reports that VAT.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sellersync.sandbox.records import Item, Order


@dataclass(frozen=True)
class ItemMoney:
    """The amounts of one item line, gross (what the buyer sees) and tax."""

    item_price: Decimal
    item_tax: Decimal
    shipping_price: Decimal
    shipping_tax: Decimal
    gift_wrap_price: Decimal
    gift_wrap_tax: Decimal
    promotion_discount: Decimal
    promotion_discount_tax: Decimal

    @property
    def tax(self) -> Decimal:
        return self.item_tax + self.shipping_tax + self.gift_wrap_tax - self.promotion_discount_tax


def item_money(item: Item) -> ItemMoney:
    return ItemMoney(
        item_price=item.item_price,
        item_tax=Decimal(item.item_tax),
        shipping_price=Decimal(item.shipping_price),
        shipping_tax=Decimal(item.shipping_tax),
        gift_wrap_price=Decimal(item.gift_wrap_price),
        gift_wrap_tax=Decimal(item.gift_wrap_tax),
        promotion_discount=Decimal(item.promotion_discount),
        promotion_discount_tax=Decimal(item.promotion_discount_tax),
    )


def item_total(item: Item, tax_inclusive: bool) -> Decimal:
    """What the buyer paid for this line."""
    money = item_money(item)
    gross = money.item_price + money.shipping_price + money.gift_wrap_price - money.promotion_discount
    return gross if tax_inclusive else gross + money.tax


def order_total(order: Order) -> Decimal:
    return sum((item_total(item, order.tax_inclusive) for item in order.items), Decimal(0))


def proceeds_breakdown(item: Item, tax_inclusive: bool) -> dict[str, Decimal]:
    """2026-01-01 breakdown of a line: net ITEM/SHIPPING/GIFT_WRAP, TAX, negative DISCOUNT; sums to total."""
    money = item_money(item)
    if tax_inclusive:
        net = {
            "ITEM": money.item_price - money.item_tax,
            "SHIPPING": money.shipping_price - money.shipping_tax,
            "GIFT_WRAP": money.gift_wrap_price - money.gift_wrap_tax,
            "DISCOUNT": -(money.promotion_discount - money.promotion_discount_tax),
        }
    else:
        net = {
            "ITEM": money.item_price,
            "SHIPPING": money.shipping_price,
            "GIFT_WRAP": money.gift_wrap_price,
            "DISCOUNT": -money.promotion_discount,
        }
    net["TAX"] = money.tax
    return net
