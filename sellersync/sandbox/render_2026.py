"""Canonical orders in the Orders API 2026-01-01 shape (camelCase, embedded items, `includedData`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES
from sellersync.sandbox.money import item_total, order_total, proceeds_breakdown
from sellersync.sandbox.records import Item, Order
from sellersync.sandbox.render_v0 import ADDRESS_VISIBLE_STATUSES, amount_text

FULFILLMENT_STATUSES = {
    "PendingAvailability": "PENDING_AVAILABILITY",
    "Pending": "PENDING",
    "Unshipped": "UNSHIPPED",
    "PartiallyShipped": "PARTIALLY_SHIPPED",
    "Shipped": "SHIPPED",
    "Canceled": "CANCELLED",
    "Unfulfillable": "UNFULFILLABLE",
}
FULFILLED_BY = {"AFN": "AMAZON", "MFN": "MERCHANT"}
INCLUDED_DATA = {
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
}


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": amount_text(amount, currency), "currencyCode": currency}


def order(record: Order, now: datetime, included: set[str], elements: set[str]) -> dict[str, Any]:
    market = MARKETPLACES[record.marketplace_id]
    status = record.status_at(now)
    rendered: dict[str, Any] = {
        "orderId": record.order_id,
        "createdTime": record.purchase_date,
        "lastUpdatedTime": iso(record.last_update(now)),
        "programs": _programs(record),
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": market.marketplace_id,
            "marketplaceName": market.sales_channel,
        },
        "orderItems": [order_item(record, item, now, included, elements) for item in record.items],
    }
    if record.seller_order_id:
        rendered["orderAliases"] = [{"aliasId": record.seller_order_id, "aliasType": "SELLER_ORDER_ID"}]
    if "BUYER" in included:
        rendered["buyer"] = _buyer(record, elements)
    if "RECIPIENT" in included and status in ADDRESS_VISIBLE_STATUSES:
        rendered["recipient"] = {"deliveryAddress": _address(record, elements)}
    if "PROCEEDS" in included:
        rendered["proceeds"] = _order_proceeds(record)
    if "FULFILLMENT" in included:
        rendered["fulfillment"] = _order_fulfillment(record, status)
    if "PACKAGES" in included and record.fulfillment_channel == "MFN":
        rendered["packages"] = _packages(record, now)
    if "TAX" in included and record.is_business and record.buyer.vat_number and "buyerInfo" in elements:
        rendered["tax"] = {
            "taxRegistrations": [
                {
                    "entityType": "BUYER",
                    "legalName": record.buyer.company_name,
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": record.buyer.vat_number,
                }
            ]
        }
    return rendered


def order_item(
    record: Order, item: Item, now: datetime, included: set[str], elements: set[str]
) -> dict[str, Any]:
    currency = record.currency
    rendered: dict[str, Any] = {
        "orderItemId": item.order_item_id,
        "quantityOrdered": item.quantity,
        "product": {
            "asin": item.asin,
            "title": item.title,
            "sellerSku": item.sku,
            "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
            "price": {"unitPrice": money(Decimal(item.unit_price), currency)},
        },
    }
    if "PROCEEDS" in included:
        rendered["proceeds"] = _item_proceeds(record, item)
    if "PROMOTION" in included and item.promotion_ids:
        rendered["promotion"] = {
            "breakdowns": [{"promotionId": promotion} for promotion in item.promotion_ids]
        }
    if "CANCELLATION" in included:
        cancellation = _cancellation(record, item, now)
        if cancellation:
            rendered["cancellation"] = cancellation
    if "FULFILLMENT" in included:
        shipped = record.shipped_quantity(item, now)
        fulfillment: dict[str, Any] = {
            "quantityFulfilled": shipped,
            "quantityUnfulfilled": item.quantity - shipped,
        }
        if item.gift_message or Decimal(item.gift_wrap_price):
            gift: dict[str, Any] = {"giftWrapLevel": "CLASSIC"}
            if "buyerInfo" in elements and item.gift_message:
                gift["giftMessage"] = item.gift_message
            fulfillment["packing"] = {"giftOption": gift}
        rendered["fulfillment"] = fulfillment
    if "TAX" in included and record.marketplace_id == "ATVPDKIKX0DER":
        rendered["tax"] = {
            "taxCollections": [
                {"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services, Inc."}
            ]
        }
    return rendered


def _programs(record: Order) -> list[str]:
    programs = []
    if record.is_prime:
        programs.append("PRIME")
    if record.is_business:
        programs.append("AMAZON_BUSINESS")
    return programs


def _buyer(record: Order, elements: set[str]) -> dict[str, Any]:
    buyer: dict[str, Any] = {"buyerEmail": record.buyer.email}
    if "buyerInfo" in elements:
        buyer["buyerName"] = record.buyer.name
        if record.buyer.company_name:
            buyer["buyerCompanyName"] = record.buyer.company_name
        if record.buyer.purchase_order_number:
            buyer["buyerPurchaseOrderNumber"] = record.buyer.purchase_order_number
    return buyer


def _address(record: Order, elements: set[str]) -> dict[str, Any]:
    source = record.address
    rendered: dict[str, Any] = {
        "city": source.city,
        "stateOrRegion": source.state_or_region,
        "postalCode": source.postal_code,
        "countryCode": source.country_code,
    }
    if "shippingAddress" in elements:
        rendered.update(
            {"name": source.name, "addressLine1": source.line1, "addressType": source.address_type.upper()}
        )
        if record.buyer.company_name:
            rendered["companyName"] = record.buyer.company_name
        if record.fulfillment_channel == "MFN":
            rendered["phone"] = source.phone
    return rendered


def _order_proceeds(record: Order) -> dict[str, Any]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for item in record.items:
        for kind, amount in proceeds_breakdown(item, record.tax_inclusive).items():
            totals[kind] += amount
    return {
        "grandTotal": money(order_total(record), record.currency),
        "breakdowns": [
            {"type": kind, "subtotal": money(amount, record.currency)}
            for kind, amount in totals.items()
            if amount or kind in ("ITEM", "TAX")
        ],
    }


def _item_proceeds(record: Order, item: Item) -> dict[str, Any]:
    currency = record.currency
    breakdowns = []
    for kind, amount in proceeds_breakdown(item, record.tax_inclusive).items():
        if not amount and kind not in ("ITEM", "TAX"):
            continue
        entry: dict[str, Any] = {"type": kind, "subtotal": money(amount, currency)}
        if kind == "TAX":
            entry["detailedBreakdowns"] = _tax_details(item, currency)
        breakdowns.append(entry)
    return {
        "proceedsTotal": money(item_total(item, record.tax_inclusive), currency),
        "breakdowns": breakdowns,
    }


def _tax_details(item: Item, currency: str) -> list[dict[str, Any]]:
    parts = [("ITEM", item.item_tax), ("SHIPPING", item.shipping_tax), ("GIFT_WRAP", item.gift_wrap_tax)]
    details = [
        {"subtype": kind, "value": money(Decimal(amount), currency)}
        for kind, amount in parts
        if Decimal(amount) or kind == "ITEM"
    ]
    if Decimal(item.promotion_discount_tax):
        details.append(
            {"subtype": "DISCOUNT", "value": money(-Decimal(item.promotion_discount_tax), currency)}
        )
    return details


def _cancellation(record: Order, item: Item, now: datetime) -> dict[str, Any]:
    cancellation: dict[str, Any] = {}
    if item.buyer_requested_cancel:
        cancellation["cancellationRequest"] = {"requester": "BUYER", "cancelReason": item.buyer_cancel_reason}
    if record.status_at(now) == "Canceled":
        cancelled_by = {"buyer": "BUYER", "amazon": "AMAZON"}.get(record.canceled_by, "MERCHANT")
        cancellation["cancellationExecution"] = {
            "cancelledBy": cancelled_by,
            "cancelReason": item.buyer_cancel_reason or "OTHER",
        }
    return cancellation


def _order_fulfillment(record: Order, status: str) -> dict[str, Any]:
    purchase = parse_iso(record.purchase_date)
    fulfillment: dict[str, Any] = {
        "fulfillmentStatus": FULFILLMENT_STATUSES[status],
        "fulfilledBy": FULFILLED_BY[record.fulfillment_channel],
        "fulfillmentServiceLevel": record.ship_service_category.upper(),
        "shipByWindow": {
            "earliestDateTime": iso(purchase + timedelta(days=1)),
            "latestDateTime": iso(purchase + timedelta(days=2)),
        },
    }
    if record.fulfillment_channel == "MFN":
        fulfillment["deliverByWindow"] = {
            "earliestDateTime": iso(purchase + timedelta(days=3)),
            "latestDateTime": iso(purchase + timedelta(days=7)),
        }
    return fulfillment


def _packages(record: Order, now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "packageReferenceId": package.package_reference_id,
            "createdTime": package.at or package.ship_date,
            "packageStatus": {"status": "SHIPPED"},
            "carrier": package.carrier_name or package.carrier_code,
            "shipTime": package.ship_date,
            "shippingService": package.shipping_method,
            "trackingNumber": package.tracking_number,
            "packageItems": [
                {"orderItemId": item_id, "quantity": quantity} for item_id, quantity in package.items
            ],
        }
        for package in record.packages_by(now)
    ]
