"""Orders API 2026-01-01 (searchOrders/getOrder, items embedded) -> `OrderData`.

Money conventions of 2026-01-01 (orders_2026-01-01.json): each item's `proceeds` breaks its total into
ITEM, SHIPPING, GIFT_WRAP, COD_FEE and DISCOUNT amounts before tax plus one TAX amount whose
`detailedBreakdowns` say which part each tax belongs to; `product.price.unitPrice` is the unit price the
buyer saw. On VAT-inclusive marketplaces that unit price contains the VAT (unit x quantity = ITEM + its
tax); elsewhere it does not (unit x quantity = ITEM). The items' prices therefore say which convention
applies; orders without tax fall back on the marketplace (`lines.marketplace_prices_include_tax`).
The same order read through v0 maps to the same lines and totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from sellersync.amazon.mappers.customers import BuyerFacts, first_text, make_customer
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.lines import (
    ZERO,
    Charge,
    ItemCharges,
    build_lines,
    check_total,
    currency_decimals,
    marketplace_prices_include_tax,
    round_trips,
)
from sellersync.amazon.mappers.statuses import STATUSES_WITHOUT_PRICES, fulfillment_channel, v0_status
from sellersync.amazon.mappers.types import AddressData, CustomerData, OrderData
from sellersync.spapi.marketplaces import Marketplace
from sellersync.spapi.models import orders_2026 as api

# The includedData a synchronizer must ask for so that an order maps completely.
REQUIRED_INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "TAX",
)
MARKETPLACE_FACILITATOR = "MARKETPLACE_FACILITATOR"
CHARGE_TYPES = ("ITEM", "SHIPPING", "GIFT_WRAP", "COD_FEE", "DISCOUNT")


def map_order(order: api.Order) -> OrderData:
    """Map an order fetched with at least `REQUIRED_INCLUDED_DATA`."""
    order_id = order.order_id
    status, channel = _status_and_channel(order)
    if not order.order_items:
        raise MappingError(order_id, "orderItems", "the order has no items")
    marketplace_id = order.sales_channel.marketplace_id
    if not marketplace_id:
        raise MappingError(order_id, "salesChannel.marketplaceId", "missing")
    priced = order.proceeds is not None and order.proceeds.grand_total is not None
    if not priced and status not in STATUSES_WITHOUT_PRICES:
        raise MappingError(order_id, "proceeds.grandTotal", f"missing on a {status} order")
    currency = _order_currency(order)
    charges = [
        _item_charges(order_id, currency, index, item, priced) for index, item in enumerate(order.order_items)
    ]
    decimals = currency_decimals(currency)
    prices_include_tax = _prices_include_tax(order_id, marketplace_id, charges, decimals)
    charges = [_with_displayed_amounts(item, prices_include_tax) for item in charges]
    lines = build_lines(order_id, charges, prices_include_tax=prices_include_tax, decimals=decimals)
    grand_total = order.proceeds.grand_total if order.proceeds else None
    order_total = _amount(order_id, currency, grand_total, "proceeds.grandTotal") if grand_total else None
    if order_total is None:
        order_total = sum((line.total for line in lines), ZERO)
    check_total(order_id, "proceeds.grandTotal", lines, order_total)
    fulfillment = order.fulfillment
    return OrderData(
        amazon_order_id=order_id,
        marketplace_id=marketplace_id,
        fulfillment_channel=channel,
        status=status,
        purchase_date=_utc(order.created_time),
        last_update=_utc(order.last_updated_time),
        currency=currency,
        order_total=order_total,
        customer=map_customer(order),
        lines=lines,
        is_business_order="AMAZON_BUSINESS" in order.programs,
        is_prime="PRIME" in order.programs,
        latest_ship_date=_latest(fulfillment.ship_by_window if fulfillment else None),
        latest_delivery_date=_latest(fulfillment.deliver_by_window if fulfillment else None),
        buyer_requested_cancel=any(_buyer_requested_cancel(item) for item in order.order_items),
        sales_channel=order.sales_channel.marketplace_name or "",
        ship_from_country=_ship_from_country(order),
        extra=_extra(order),
    )


def map_customer(order: api.Order) -> CustomerData:
    """The buyer from the BUYER, RECIPIENT and TAX sections (their PII parts only with an RDT)."""
    buyer = order.buyer
    registration = _buyer_tax_registration(order)
    facts = BuyerFacts(
        buyer_name=first_text(buyer.buyer_name if buyer else None),
        email=first_text(buyer.buyer_email if buyer else None),
        company_name=first_text(
            buyer.buyer_company_name if buyer else None,
            registration.legal_name if registration else None,
        ),
        vat_number=first_text(registration.tax_registration_number if registration else None),
        is_business="AMAZON_BUSINESS" in order.programs,
    )
    recipient = order.recipient
    return make_customer(facts, _address(recipient.delivery_address if recipient else None))


def _status_and_channel(order: api.Order) -> tuple[str, str]:
    fulfillment = order.fulfillment
    if fulfillment is None:
        raise MappingError(
            order.order_id, "fulfillment", "missing: fetch the order with includedData FULFILLMENT"
        )
    status = v0_status(fulfillment.fulfillment_status)
    if status is None:
        raise MappingError(
            order.order_id,
            "fulfillment.fulfillmentStatus",
            f"unknown status {fulfillment.fulfillment_status!r}",
        )
    channel = fulfillment_channel(fulfillment.fulfilled_by or "")
    if channel is None:
        raise MappingError(
            order.order_id, "fulfillment.fulfilledBy", f"unknown fulfiller {fulfillment.fulfilled_by!r}"
        )
    return status, channel


def _address(address: api.CustomerAddress | None) -> AddressData:
    if address is None:
        return AddressData()
    return AddressData(
        name=first_text(address.name),
        company_name=first_text(address.company_name),
        street=first_text(address.address_line1),
        street2=", ".join(line.strip() for line in (address.address_line2, address.address_line3) if line),
        city=first_text(address.city),
        state=first_text(address.state_or_region),
        postal_code=first_text(address.postal_code),
        country_code=first_text(address.country_code),
        phone=first_text(address.phone),
    )


def _buyer_tax_registration(order: api.Order) -> api.OrderTaxRegistration | None:
    if order.tax is None:
        return None
    for registration in order.tax.tax_registrations:
        if (registration.entity_type or "BUYER") == "BUYER":
            return registration
    return None


def _order_currency(order: api.Order) -> str:
    if order.proceeds and order.proceeds.grand_total:
        return order.proceeds.grand_total.currency_code
    for item in order.order_items:
        price = item.product.price
        if price and price.unit_price:
            return price.unit_price.currency_code
    try:  # an order sent without prices (canceled before Amazon priced it): the marketplace's currency
        return Marketplace.from_id(order.sales_channel.marketplace_id or "").currency
    except ValueError as error:
        raise MappingError(order.order_id, "proceeds.grandTotal.currencyCode", "no currency") from error


def _amount(order_id: str, currency: str, money: api.Money | None, field: str) -> Decimal:
    if money is None:
        return ZERO
    if money.currency_code != currency:
        raise MappingError(
            order_id, field, f"currency {money.currency_code} differs from the order's {currency}"
        )
    return money.amount


def _item_charges(order_id: str, currency: str, index: int, item: api.OrderItem, priced: bool) -> ItemCharges:
    """The item's charges as net amounts + tax (made buyer-facing by `_with_displayed_amounts`)."""
    path = f"orderItems[{index}]"
    net, tax = _proceeds_parts(order_id, currency, path, item) if priced else ({}, {})
    price = item.product.price
    unit_price = price.unit_price if price and priced else None
    fulfilled = item.fulfillment.quantity_fulfilled if item.fulfillment else None
    return ItemCharges(
        path=path,
        order_item_id=item.order_item_id,
        sku=item.product.seller_sku or "",
        asin=item.product.asin or "",
        title=item.product.title or "",
        quantity=item.quantity_ordered,
        quantity_shipped=fulfilled or 0,
        tax_collected_by_marketplace=_collected_by_marketplace(item),
        product=Charge(net.get("ITEM", ZERO), tax.get("ITEM", ZERO)),
        shipping=Charge(net.get("SHIPPING", ZERO), tax.get("SHIPPING", ZERO)),
        gift_wrap=Charge(net.get("GIFT_WRAP", ZERO), tax.get("GIFT_WRAP", ZERO)),
        cod_fee=Charge(net.get("COD_FEE", ZERO), tax.get("COD_FEE", ZERO)),
        promotion=Charge(net.get("DISCOUNT", ZERO), tax.get("DISCOUNT", ZERO)),
        promotion_ids=_promotion_ids(item),
        unit_price=_amount(order_id, currency, unit_price, f"{path}.product.price.unitPrice")
        if unit_price
        else None,
    )


def _proceeds_parts(
    order_id: str, currency: str, path: str, item: api.OrderItem
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Net amounts by charge type and taxes by the part they belong to; checked against proceedsTotal."""
    proceeds = item.proceeds
    if proceeds is None or proceeds.proceeds_total is None:
        raise MappingError(
            order_id, f"{path}.proceeds", "missing: fetch the order with includedData PROCEEDS"
        )
    net: dict[str, Decimal] = {}
    tax: dict[str, Decimal] = {}
    for position, breakdown in enumerate(proceeds.breakdowns):
        field = f"{path}.proceeds.breakdowns[{position}]"
        amount = _amount(order_id, currency, breakdown.subtotal, f"{field}.subtotal")
        if breakdown.type == "TAX":
            for part, value in _tax_parts(order_id, currency, field, breakdown, amount).items():
                tax[part] = tax.get(part, ZERO) + value
        elif breakdown.type in CHARGE_TYPES:
            net[breakdown.type] = net.get(breakdown.type, ZERO) + amount
        elif amount:
            raise MappingError(
                order_id, f"{field}.type", f"unsupported charge {breakdown.type!r} of {amount}"
            )
    stated = _amount(order_id, currency, proceeds.proceeds_total, f"{path}.proceeds.proceedsTotal")
    summed = sum(net.values(), ZERO) + sum(tax.values(), ZERO)
    if summed != stated:
        raise MappingError(
            order_id,
            f"{path}.proceeds.proceedsTotal",
            f"item total {stated} differs from its breakdowns {summed}",
        )
    return net, tax


def _tax_parts(
    order_id: str, currency: str, field: str, breakdown: api.ItemProceedsBreakdown, amount: Decimal
) -> dict[str, Decimal]:
    """A TAX breakdown split by subtype; without details the whole tax belongs to the item itself."""
    if not breakdown.detailed_breakdowns:
        return {"ITEM": amount}
    parts: dict[str, Decimal] = {}
    for position, detail in enumerate(breakdown.detailed_breakdowns):
        detail_field = f"{field}.detailedBreakdowns[{position}]"
        value = _amount(order_id, currency, detail.value, f"{detail_field}.value")
        subtype = detail.subtype or "ITEM"
        if subtype not in CHARGE_TYPES and value:
            raise MappingError(
                order_id, f"{detail_field}.subtype", f"unsupported tax part {subtype!r} of {value}"
            )
        parts[subtype] = parts.get(subtype, ZERO) + value
    if sum(parts.values(), ZERO) != amount:
        raise MappingError(
            order_id, f"{field}.detailedBreakdowns", f"details do not add up to the tax {amount}"
        )
    return parts


def _prices_include_tax(
    order_id: str, marketplace_id: str, charges: Sequence[ItemCharges], decimals: int
) -> bool:
    """Read from unit prices of taxed items: do they contain the tax or not? All items must agree."""
    verdicts: set[bool] = set()
    for item in charges:
        if item.unit_price is None or not item.product.tax or item.quantity <= 0:
            continue
        net, tax = item.product.amount, item.product.tax
        if round_trips(item.unit_price, item.quantity, net + tax, decimals):
            verdicts.add(True)
        elif round_trips(item.unit_price, item.quantity, net, decimals):
            verdicts.add(False)
        else:
            raise MappingError(
                order_id,
                f"{item.path}.product.price.unitPrice",
                f"unit price {item.unit_price} x {item.quantity} matches neither {net} nor {net + tax}",
            )
    if len(verdicts) > 1:
        raise MappingError(order_id, "orderItems", "items disagree on whether prices include tax")
    return verdicts.pop() if verdicts else marketplace_prices_include_tax(marketplace_id)


def _with_displayed_amounts(item: ItemCharges, prices_include_tax: bool) -> ItemCharges:
    """Net amounts -> amounts as the buyer saw them (tax included on VAT-inclusive marketplaces)."""
    if not prices_include_tax:
        return item

    def gross(charge: Charge) -> Charge:
        return Charge(charge.amount + charge.tax, charge.tax)

    return replace(
        item,
        product=gross(item.product),
        shipping=gross(item.shipping),
        gift_wrap=gross(item.gift_wrap),
        cod_fee=gross(item.cod_fee),
        promotion=gross(item.promotion),
    )


def _collected_by_marketplace(item: api.OrderItem) -> bool:
    collections = item.tax.tax_collections if item.tax else []
    return any(collection.model == MARKETPLACE_FACILITATOR for collection in collections)


def _promotion_ids(item: api.OrderItem) -> tuple[str, ...]:
    breakdowns = item.promotion.breakdowns if item.promotion else []
    return tuple(entry.promotion_id for entry in breakdowns if entry.promotion_id)


def _ship_from_country(order: api.Order) -> str:
    countries = (
        package.ship_from_address.country_code for package in order.packages if package.ship_from_address
    )
    return first_text(*countries).upper()


def _buyer_requested_cancel(item: api.OrderItem) -> bool:
    request = item.cancellation.cancellation_request if item.cancellation else None
    return bool(request and (request.requester or "BUYER") == "BUYER")


def _extra(order: api.Order) -> dict[str, str]:
    seller_order_id = next(
        (alias.alias_id for alias in order.order_aliases if alias.alias_type == "SELLER_ORDER_ID"), ""
    )
    extra = {
        "seller_order_id": seller_order_id,
        "purchase_order_number": (order.buyer.buyer_purchase_order_number if order.buyer else None) or "",
    }
    return {key: value for key, value in extra.items() if value}


def _latest(window: api.DateTimeRange | None) -> datetime | None:
    if window is None or window.latest_date_time is None:
        return None
    return _utc(window.latest_date_time)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
