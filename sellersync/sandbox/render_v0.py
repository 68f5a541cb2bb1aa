"""Canonical orders rendered in the Orders API v0 shape (PascalCase, string amounts, `payload` wrapper).

`elements` are the RDT dataElements that cover the request ("buyerInfo", "shippingAddress"); without them the
restricted fields are left out exactly as Amazon does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.marketplaces import MARKETPLACES
from sellersync.sandbox.money import item_money, order_total
from sellersync.sandbox.records import Item, Order

ADDRESS_VISIBLE_STATUSES = {"Unshipped", "PartiallyShipped", "Shipped", "InvoiceUnconfirmed"}


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"CurrencyCode": currency, "Amount": amount_text(amount, currency)}


def amount_text(amount: Decimal, currency: str) -> str:
    """The amount with the currency's minor unit: "12.50", "0.00", yen "1200"."""
    exponent = Decimal(1) if currency == "JPY" else Decimal("0.01")
    return str(amount.quantize(exponent))


def order(record: Order, now: datetime, elements: set[str]) -> dict[str, Any]:
    market = MARKETPLACES[record.marketplace_id]
    status = record.status_at(now)
    shipped = sum(record.shipped_quantity(item, now) for item in record.items)
    ordered = sum(item.quantity for item in record.items)
    purchase = parse_iso(record.purchase_date)
    rendered: dict[str, Any] = {
        "AmazonOrderId": record.order_id,
        "PurchaseDate": record.purchase_date,
        "LastUpdateDate": iso(record.last_update(now)),
        "OrderStatus": status,
        "FulfillmentChannel": record.fulfillment_channel,
        "SalesChannel": market.sales_channel,
        "ShipServiceLevel": record.ship_service_level,
        "OrderTotal": money(order_total(record), record.currency),
        "NumberOfItemsShipped": shipped,
        "NumberOfItemsUnshipped": 0 if status == "Canceled" else ordered - shipped,
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "MarketplaceId": record.marketplace_id,
        "ShipmentServiceLevelCategory": record.ship_service_category,
        "OrderType": "StandardOrder",
        "EarliestShipDate": iso(purchase + timedelta(days=1)),
        "LatestShipDate": iso(purchase + timedelta(days=2)),
        "IsBusinessOrder": record.is_business,
        "IsPrime": record.is_prime,
        "IsPremiumOrder": False,
        "IsGlobalExpressEnabled": False,
        "IsReplacementOrder": False,
        "IsSoldByAB": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "HasRegulatedItems": False,
        "BuyerInfo": buyer_info(record, elements),
    }
    if record.seller_order_id:
        rendered["SellerOrderId"] = record.seller_order_id
    if record.fulfillment_channel == "MFN":
        rendered["EarliestDeliveryDate"] = iso(purchase + timedelta(days=3))
        rendered["LatestDeliveryDate"] = iso(purchase + timedelta(days=7))
    if status in ADDRESS_VISIBLE_STATUSES:
        rendered["ShippingAddress"] = address(record, elements)
    return rendered


def buyer_info(record: Order, elements: set[str]) -> dict[str, Any]:
    info: dict[str, Any] = {"BuyerEmail": record.buyer.email}
    if "buyerInfo" not in elements:
        return info
    info["BuyerName"] = record.buyer.name
    if record.buyer.purchase_order_number:
        info["PurchaseOrderNumber"] = record.buyer.purchase_order_number
    if record.is_business and record.buyer.company_name:
        tax_info: dict[str, Any] = {
            "CompanyLegalName": record.buyer.company_name,
            "TaxingRegion": record.address.country_code,
        }
        if record.buyer.vat_number:
            tax_info["TaxClassifications"] = [{"Name": "VATNumber", "Value": record.buyer.vat_number}]
        info["BuyerTaxInfo"] = tax_info
    return info


def address(record: Order, elements: set[str]) -> dict[str, Any]:
    source = record.address
    rendered: dict[str, Any] = {
        "City": source.city,
        "StateOrRegion": source.state_or_region,
        "PostalCode": source.postal_code,
        "CountryCode": source.country_code,
    }
    if "shippingAddress" in elements:
        rendered.update(
            {"Name": source.name, "AddressLine1": source.line1, "AddressType": source.address_type}
        )
        if source.line2:
            rendered["AddressLine2"] = source.line2
        if record.buyer.company_name:
            rendered["CompanyName"] = record.buyer.company_name
        if record.fulfillment_channel == "MFN":
            rendered["Phone"] = source.phone
    return rendered


def order_item(record: Order, item: Item, now: datetime, elements: set[str]) -> dict[str, Any]:
    amounts = item_money(item)
    currency = record.currency
    rendered: dict[str, Any] = {
        "ASIN": item.asin,
        "SellerSKU": item.sku,
        "OrderItemId": item.order_item_id,
        "Title": item.title,
        "QuantityOrdered": item.quantity,
        "QuantityShipped": record.shipped_quantity(item, now),
        "ProductInfo": {"NumberOfItems": "1"},
        "ItemPrice": money(amounts.item_price, currency),
        "ItemTax": money(amounts.item_tax, currency),
        "ShippingPrice": money(amounts.shipping_price, currency),
        "ShippingTax": money(amounts.shipping_tax, currency),
        "ShippingDiscount": money(Decimal(0), currency),
        "ShippingDiscountTax": money(Decimal(0), currency),
        "PromotionDiscount": money(amounts.promotion_discount, currency),
        "PromotionDiscountTax": money(amounts.promotion_discount_tax, currency),
        "PromotionIds": list(item.promotion_ids),
        "IsGift": "true" if item.gift_message else "false",
        "ConditionId": "New",
        "ConditionSubtypeId": "New",
        "IsTransparency": False,
        "SerialNumberRequired": False,
        "BuyerRequestedCancel": {
            "IsBuyerRequestedCancel": "true" if item.buyer_requested_cancel else "false",
            "BuyerCancelReason": item.buyer_cancel_reason,
        },
    }
    if record.marketplace_id == "ATVPDKIKX0DER":
        rendered["TaxCollection"] = {
            "Model": "MarketplaceFacilitator",
            "ResponsibleParty": "Amazon Services, Inc.",
        }
    if amounts.gift_wrap_price or item.gift_message:
        rendered["BuyerInfo"] = item_buyer_info(record, item, elements)
    return rendered


def item_buyer_info(record: Order, item: Item, elements: set[str]) -> dict[str, Any]:
    amounts = item_money(item)
    info: dict[str, Any] = {
        "GiftWrapPrice": money(amounts.gift_wrap_price, record.currency),
        "GiftWrapTax": money(amounts.gift_wrap_tax, record.currency),
        "GiftWrapLevel": "Classic",
    }
    if "buyerInfo" in elements and item.gift_message:
        info["GiftMessageText"] = item.gift_message
    return info
