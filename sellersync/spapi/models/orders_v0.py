"""Orders API v0 payloads (ordersV0.json): orders, items, addresses, buyer info, shipment confirmation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, Field

from sellersync.spapi.models.base import CamelModel, PascalModel


class Money(PascalModel):
    """An amount in a currency; Amazon sends the amount as a decimal string."""

    currency_code: str | None = None
    amount: Decimal | None = None


class AddressExtendedFields(PascalModel):
    """Street details some marketplaces split out of the address lines (BR, MX)."""

    street_name: str | None = None
    street_number: str | None = None
    complement: str | None = None
    neighborhood: str | None = None


class Address(PascalModel):
    """A shipping or ship-from address. Name, lines and phone are PII (need an RDT)."""

    name: str | None = None
    company_name: str | None = None
    address_line1: str | None = Field(default=None, alias="AddressLine1")
    address_line2: str | None = Field(default=None, alias="AddressLine2")
    address_line3: str | None = Field(default=None, alias="AddressLine3")
    city: str | None = None
    county: str | None = None
    district: str | None = None
    state_or_region: str | None = None
    municipality: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    extended_fields: AddressExtendedFields | None = None
    address_type: str | None = None


class TaxClassification(PascalModel):
    """A buyer tax classification (e.g. a VAT or CNPJ number)."""

    name: str | None = None
    value: str | None = None


class BuyerTaxInfo(PascalModel):
    """Tax information of a business buyer (BR, MX, IN)."""

    company_legal_name: str | None = None
    taxing_region: str | None = None
    tax_classifications: list[TaxClassification] = Field(default_factory=list)


class BuyerTaxInformation(PascalModel):
    """Tax information of a business buyer (TR)."""

    buyer_legal_company_name: str | None = None
    buyer_business_address: str | None = None
    buyer_tax_registration_id: str | None = None
    buyer_tax_office: str | None = None


class BuyerInfo(PascalModel):
    """Buyer of an order. Email is anonymized; name, tax info and PO number are PII."""

    buyer_email: str | None = None
    buyer_name: str | None = None
    buyer_county: str | None = None
    buyer_tax_info: BuyerTaxInfo | None = None
    purchase_order_number: str | None = None


class FulfillmentInstruction(PascalModel):
    """Where the seller fulfils the order from."""

    fulfillment_supply_source_id: str | None = None


class AutomatedShippingSettings(PascalModel):
    """Shipping settings Amazon applied automatically."""

    has_automated_shipping_settings: bool | None = None
    automated_carrier: str | None = None
    automated_ship_method: str | None = None


class PaymentExecutionDetailItem(PascalModel):
    """One payment (COD, gift card...) applied to an order."""

    payment: Money
    payment_method: str


class Order(PascalModel):
    """An order as returned by getOrders / getOrder (no items: those come from getOrderItems)."""

    amazon_order_id: str
    seller_order_id: str | None = None
    purchase_date: AwareDatetime
    last_update_date: AwareDatetime
    order_status: str
    fulfillment_channel: str | None = None
    sales_channel: str | None = None
    order_channel: str | None = None
    ship_service_level: str | None = None
    order_total: Money | None = None
    number_of_items_shipped: int | None = None
    number_of_items_unshipped: int | None = None
    payment_execution_detail: list[PaymentExecutionDetailItem] = Field(default_factory=list)
    payment_method: str | None = None
    payment_method_details: list[str] = Field(default_factory=list)
    marketplace_id: str | None = None
    shipment_service_level_category: str | None = None
    easy_ship_shipment_status: str | None = None
    cba_displayable_shipping_label: str | None = None
    order_type: str | None = None
    earliest_ship_date: AwareDatetime | None = None
    latest_ship_date: AwareDatetime | None = None
    earliest_delivery_date: AwareDatetime | None = None
    latest_delivery_date: AwareDatetime | None = None
    is_business_order: bool | None = None
    is_prime: bool | None = None
    is_premium_order: bool | None = None
    is_global_express_enabled: bool | None = None
    replaced_order_id: str | None = None
    is_replacement_order: bool | None = None
    promise_response_due_date: AwareDatetime | None = None
    is_estimated_ship_date_set: bool | None = None
    is_sold_by_ab: bool | None = Field(default=None, alias="IsSoldByAB")
    is_iba: bool | None = Field(default=None, alias="IsIBA")
    default_ship_from_location_address: Address | None = None
    buyer_invoice_preference: str | None = None
    buyer_tax_information: BuyerTaxInformation | None = None
    fulfillment_instruction: FulfillmentInstruction | None = None
    is_ispu: bool | None = Field(default=None, alias="IsISPU")
    is_access_point_order: bool | None = None
    seller_display_name: str | None = None
    shipping_address: Address | None = None
    buyer_info: BuyerInfo | None = None
    automated_shipping_settings: AutomatedShippingSettings | None = None
    has_regulated_items: bool | None = None
    electronic_invoice_status: str | None = None


class OrdersList(PascalModel):
    """One page of getOrders. ``created_before``/``last_updated_before`` are kept as Amazon's raw strings."""

    orders: list[Order]
    next_token: str | None = None
    last_updated_before: str | None = None
    created_before: str | None = None


class ProductInfoDetail(PascalModel):
    """Product information of an item."""

    number_of_items: int | None = None


class PointsGrantedDetail(PascalModel):
    """Amazon Points granted with the purchase (JP)."""

    points_number: int | None = None
    points_monetary_value: Money | None = None


class TaxCollection(PascalModel):
    """Who collected the tax (e.g. MarketplaceFacilitator / Amazon Services, Inc.)."""

    model: str | None = None
    responsible_party: str | None = None


class BuyerRequestedCancel(PascalModel):
    """A buyer's cancellation request; Amazon sends the flag as the string "true"/"false"."""

    is_buyer_requested_cancel: str | None = None
    buyer_cancel_reason: str | None = None


class ItemBuyerInfo(PascalModel):
    """Gift wrap and customization of an item (restricted)."""

    gift_wrap_price: Money | None = None
    gift_wrap_tax: Money | None = None
    gift_message_text: str | None = None
    gift_wrap_level: str | None = None


class OrderItem(PascalModel):
    """A line of an order; ``item_price`` is unit price x quantity, shipping and gift wrap excluded."""

    asin: str = Field(alias="ASIN")
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    order_item_id: str
    title: str | None = None
    quantity_ordered: int
    quantity_shipped: int | None = None
    product_info: ProductInfoDetail | None = None
    points_granted: PointsGrantedDetail | None = None
    item_price: Money | None = None
    shipping_price: Money | None = None
    item_tax: Money | None = None
    shipping_tax: Money | None = None
    shipping_discount: Money | None = None
    shipping_discount_tax: Money | None = None
    promotion_discount: Money | None = None
    promotion_discount_tax: Money | None = None
    promotion_ids: list[str] = Field(default_factory=list)
    cod_fee: Money | None = Field(default=None, alias="CODFee")
    cod_fee_discount: Money | None = Field(default=None, alias="CODFeeDiscount")
    is_gift: str | None = None
    condition_note: str | None = None
    condition_id: str | None = None
    condition_subtype_id: str | None = None
    scheduled_delivery_start_date: str | None = None
    scheduled_delivery_end_date: str | None = None
    price_designation: str | None = None
    tax_collection: TaxCollection | None = None
    serial_number_required: bool | None = None
    is_transparency: bool | None = None
    ioss_number: str | None = None
    store_chain_store_id: str | None = None
    deemed_reseller_category: str | None = None
    buyer_info: ItemBuyerInfo | None = None
    buyer_requested_cancel: BuyerRequestedCancel | None = None
    serial_numbers: list[str] = Field(default_factory=list)


class OrderItemsList(PascalModel):
    """One page of getOrderItems."""

    amazon_order_id: str
    order_items: list[OrderItem]
    next_token: str | None = None


class OrderBuyerInfo(BuyerInfo):
    """getOrderBuyerInfo payload."""

    amazon_order_id: str


class OrderAddress(PascalModel):
    """getOrderAddress payload."""

    amazon_order_id: str
    buyer_company_name: str | None = None
    shipping_address: Address | None = None


class OrderItemBuyerInfo(ItemBuyerInfo):
    """One item of getOrderItemsBuyerInfo."""

    order_item_id: str


class OrderItemsBuyerInfoList(PascalModel):
    """One page of getOrderItemsBuyerInfo."""

    amazon_order_id: str
    order_items: list[OrderItemBuyerInfo]
    next_token: str | None = None


class ConfirmShipmentOrderItem(CamelModel):
    """An item and quantity in a shipped package."""

    order_item_id: str
    quantity: int
    transparency_codes: list[str] | None = None


class PackageDetail(CamelModel):
    """The package sent to confirmShipment (what we WRITE: serialized by alias, None omitted).

    ``ship_date`` may be an aware datetime (sent as ISO 8601 UTC "Z") or a string sent verbatim.
    """

    model_config = CamelModel.model_config | {"frozen": True}

    package_reference_id: str
    carrier_code: str
    carrier_name: str | None = None
    shipping_method: str | None = None
    tracking_number: str
    ship_date: datetime | str
    ship_from_supply_source_id: str | None = None
    order_items: list[ConfirmShipmentOrderItem]
