"""Orders API v0 (getOrders/getOrder + getOrderItems [+ address, buyer info]) -> `OrderData`.

Money conventions of v0 (ordersV0.json): `ItemPrice` is unit price x quantity (not the unit price),
shipping and gift wrap are apart (`ShippingPrice`, `BuyerInfo.GiftWrapPrice`), discounts are positive
amounts to subtract (`PromotionDiscount`, `ShippingDiscount`), and each has its tax (`ItemTax`...).
Whether prices include the tax is read from the order itself: `OrderTotal` equals either the sum of the
amounts (VAT-inclusive) or the sum of amounts and taxes (tax added at checkout). When the order has no
tax the marketplace decides (`lines.marketplace_prices_include_tax`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sellersync.amazon.mappers.customers import BuyerFacts, first_text, make_customer, pick_vat_number
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.lines import (
    ZERO,
    Charge,
    ItemCharges,
    build_lines,
    check_total,
    currency_decimals,
    marketplace_prices_include_tax,
)
from sellersync.amazon.mappers.statuses import STATUSES_WITHOUT_PRICES
from sellersync.amazon.mappers.types import AddressData, CustomerData, OrderData
from sellersync.spapi.marketplaces import Marketplace
from sellersync.spapi.models import orders_v0 as v0

MARKETPLACE_FACILITATOR = "MarketplaceFacilitator"


def map_order(
    order: v0.Order,
    items: Sequence[v0.OrderItem],
    *,
    address: v0.OrderAddress | None = None,
    buyer: v0.OrderBuyerInfo | None = None,
) -> OrderData:
    """Map an order, all of its items, and the restricted address/buyer info when fetched with an RDT."""
    order_id = order.amazon_order_id
    if not items:
        raise MappingError(order_id, "OrderItems", "the order has no items")
    if not order.marketplace_id:
        raise MappingError(order_id, "MarketplaceId", "missing")
    if order.fulfillment_channel not in ("AFN", "MFN"):
        raise MappingError(order_id, "FulfillmentChannel", f"unknown channel {order.fulfillment_channel!r}")
    currency = _order_currency(order, items)
    reader = _MoneyReader(order_id, currency)
    charges = [_item_charges(reader, index, item) for index, item in enumerate(items)]
    order_total = _order_total(order, reader)
    prices_include_tax = _prices_include_tax(order, charges, order_total)
    lines = build_lines(
        order_id, charges, prices_include_tax=prices_include_tax, decimals=currency_decimals(currency)
    )
    if order_total is None:
        order_total = sum((line.total for line in lines), ZERO)
    check_total(order_id, "OrderTotal.Amount", lines, order_total)
    return OrderData(
        amazon_order_id=order_id,
        marketplace_id=order.marketplace_id,
        fulfillment_channel=order.fulfillment_channel,
        status=order.order_status,
        purchase_date=_utc(order.purchase_date),
        last_update=_utc(order.last_update_date),
        currency=currency,
        order_total=order_total,
        customer=map_customer(order, address=address, buyer=buyer),
        lines=lines,
        is_business_order=bool(order.is_business_order),
        is_prime=bool(order.is_prime),
        latest_ship_date=_utc_or_none(order.latest_ship_date),
        latest_delivery_date=_utc_or_none(order.latest_delivery_date),
        buyer_requested_cancel=any(_buyer_requested_cancel(item) for item in items),
        sales_channel=order.sales_channel or "",
        ship_from_country=_ship_from_country(order),
        extra=_extra(order, buyer),
    )


def map_customer(
    order: v0.Order, *, address: v0.OrderAddress | None = None, buyer: v0.OrderBuyerInfo | None = None
) -> CustomerData:
    """The buyer from getOrderAddress/getOrderBuyerInfo when given, else from the order's own sections."""
    shipping = address.shipping_address if address and address.shipping_address else order.shipping_address
    info: v0.BuyerInfo | None = buyer or order.buyer_info
    tax_info = info.buyer_tax_info if info else None
    tr_tax = order.buyer_tax_information
    facts = BuyerFacts(
        buyer_name=first_text(info.buyer_name if info else None),
        email=first_text(info.buyer_email if info else None),
        company_name=first_text(
            address.buyer_company_name if address else None,
            tax_info.company_legal_name if tax_info else None,
            tr_tax.buyer_legal_company_name if tr_tax else None,
        ),
        vat_number=first_text(
            pick_vat_number(_classifications(tax_info)),
            tr_tax.buyer_tax_registration_id if tr_tax else None,
        ),
        is_business=bool(order.is_business_order),
    )
    return make_customer(facts, _address(shipping))


def _address(shipping: v0.Address | None) -> AddressData:
    if shipping is None:
        return AddressData()
    return AddressData(
        name=first_text(shipping.name),
        company_name=first_text(shipping.company_name),
        street=first_text(shipping.address_line1),
        street2=", ".join(line.strip() for line in (shipping.address_line2, shipping.address_line3) if line),
        city=first_text(shipping.city),
        state=first_text(shipping.state_or_region),
        postal_code=first_text(shipping.postal_code),
        country_code=first_text(shipping.country_code),
        phone=first_text(shipping.phone),
    )


def _classifications(tax_info: v0.BuyerTaxInfo | None) -> list[tuple[str, str]]:
    if tax_info is None:
        return []
    return [(entry.name or "", entry.value or "") for entry in tax_info.tax_classifications]


class _MoneyReader:
    """Reads v0 `Money` fields of one order, all in the order's currency."""

    def __init__(self, order_id: str, currency: str) -> None:
        self.order_id = order_id
        self.currency = currency

    def amount(self, money: v0.Money | None, field: str) -> Decimal:
        if money is None or money.amount is None:
            return ZERO
        if money.currency_code and money.currency_code != self.currency:
            raise MappingError(
                self.order_id,
                field,
                f"currency {money.currency_code} differs from the order's {self.currency}",
            )
        return money.amount


def _item_charges(reader: _MoneyReader, index: int, item: v0.OrderItem) -> ItemCharges:
    path = f"OrderItems[{index}]"

    def read(money: v0.Money | None, name: str) -> Decimal:
        return reader.amount(money, f"{path}.{name}")

    wrap = item.buyer_info
    discount = Charge(
        -(
            read(item.promotion_discount, "PromotionDiscount")
            + read(item.shipping_discount, "ShippingDiscount")
        ),
        -(
            read(item.promotion_discount_tax, "PromotionDiscountTax")
            + read(item.shipping_discount_tax, "ShippingDiscountTax")
        ),
    )
    return ItemCharges(
        path=path,
        order_item_id=item.order_item_id,
        sku=item.seller_sku or "",
        asin=item.asin,
        title=item.title or "",
        quantity=item.quantity_ordered,
        quantity_shipped=item.quantity_shipped or 0,
        tax_collected_by_marketplace=bool(
            item.tax_collection and item.tax_collection.model == MARKETPLACE_FACILITATOR
        ),
        product=Charge(read(item.item_price, "ItemPrice"), read(item.item_tax, "ItemTax")),
        shipping=Charge(read(item.shipping_price, "ShippingPrice"), read(item.shipping_tax, "ShippingTax")),
        gift_wrap=Charge(
            read(wrap.gift_wrap_price if wrap else None, "BuyerInfo.GiftWrapPrice"),
            read(wrap.gift_wrap_tax if wrap else None, "BuyerInfo.GiftWrapTax"),
        ),
        cod_fee=Charge(read(item.cod_fee, "CODFee") - read(item.cod_fee_discount, "CODFeeDiscount")),
        promotion=discount,
        promotion_ids=tuple(item.promotion_ids),
    )


def _order_currency(order: v0.Order, items: Sequence[v0.OrderItem]) -> str:
    if order.order_total and order.order_total.currency_code:
        return order.order_total.currency_code
    for item in items:
        for money in (item.item_price, item.item_tax, item.shipping_price):
            if money and money.currency_code:
                return money.currency_code
    try:
        return Marketplace.from_id(order.marketplace_id or "").currency
    except ValueError as error:
        raise MappingError(order.amazon_order_id, "OrderTotal.CurrencyCode", "no currency") from error


def _order_total(order: v0.Order, reader: _MoneyReader) -> Decimal | None:
    """Amazon's total; only orders Amazon has not priced yet (or canceled) may come without one."""
    if order.order_total is not None and order.order_total.amount is not None:
        return reader.amount(order.order_total, "OrderTotal")
    if order.order_status in STATUSES_WITHOUT_PRICES:
        return None
    raise MappingError(order.amazon_order_id, "OrderTotal", f"missing on a {order.order_status} order")


def _prices_include_tax(order: v0.Order, charges: Sequence[ItemCharges], order_total: Decimal | None) -> bool:
    amounts = sum((charge.amount for item in charges for charge in _all_charges(item)), ZERO)
    taxes = sum((charge.tax for item in charges for charge in _all_charges(item)), ZERO)
    if order_total is None or not taxes:
        return marketplace_prices_include_tax(order.marketplace_id or "")
    if order_total == amounts:
        return True
    if order_total == amounts + taxes:
        return False
    raise MappingError(
        order.amazon_order_id,
        "OrderTotal.Amount",
        f"order total {order_total} is neither the VAT-inclusive sum {amounts} "
        f"nor the tax-exclusive sum {amounts + taxes} of its items",
    )


def _all_charges(item: ItemCharges) -> tuple[Charge, ...]:
    return (item.product, item.shipping, item.gift_wrap, item.cod_fee, item.promotion)


def _ship_from_country(order: v0.Order) -> str:
    address = order.default_ship_from_location_address
    return first_text(address.country_code if address else None).upper()


def _buyer_requested_cancel(item: v0.OrderItem) -> bool:
    request = item.buyer_requested_cancel
    return bool(request and (request.is_buyer_requested_cancel or "").lower() == "true")


def _extra(order: v0.Order, buyer: v0.OrderBuyerInfo | None) -> dict[str, str]:
    info = buyer or order.buyer_info
    extra = {
        "seller_order_id": order.seller_order_id or "",
        "purchase_order_number": (info.purchase_order_number if info else None) or "",
    }
    return {key: value for key, value in extra.items() if value}


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _utc_or_none(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None
