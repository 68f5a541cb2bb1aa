"""Orders API 2026-01-01 payloads (orders_2026-01-01.json): orders with embedded items, proceeds, packages."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field

from sellersync.spapi.models.base import CamelModel


class Money(CamelModel):
    """An amount in a currency; in this API Amazon sends the amount as a JSON number."""

    amount: Decimal
    currency_code: str


class Alias(CamelModel):
    """Another id of the order, e.g. the seller's own order id (SELLER_ORDER_ID)."""

    alias_id: str
    alias_type: str


class AssociatedOrder(CamelModel):
    """An order this one replaces or exchanges."""

    order_id: str | None = None
    association_type: str | None = None


class SalesChannel(CamelModel):
    """Where the order was placed."""

    channel_name: str
    marketplace_id: str | None = None
    marketplace_name: str | None = None


class Buyer(CamelModel):
    """The buyer (name and purchase order number are PII)."""

    buyer_name: str | None = None
    buyer_email: str | None = None
    buyer_company_name: str | None = None
    buyer_purchase_order_number: str | None = None


class AddressExtendedFields(CamelModel):
    """Street details split out of the address lines (BR, MX)."""

    street_name: str | None = None
    street_number: str | None = None
    complement: str | None = None
    neighborhood: str | None = None


class CustomerAddress(CamelModel):
    """A delivery or tax-registration address."""

    name: str | None = None
    company_name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    district_or_county: str | None = None
    state_or_region: str | None = None
    municipality: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    phone: str | None = None
    extended_fields: AddressExtendedFields | None = None
    address_type: str | None = None


class DeliveryPreference(CamelModel):
    """Delivery instructions from the buyer."""

    drop_off_location: str | None = None
    address_instruction: str | None = None


class Recipient(CamelModel):
    """Who receives the order, and where."""

    delivery_address: CustomerAddress | None = None
    delivery_preference: DeliveryPreference | None = None


class OrderProceedsBreakdown(CamelModel):
    """A component of the order's grand total (ITEM, SHIPPING, TAX, DISCOUNT...)."""

    type: str
    status: str | None = None
    subtotal: Money


class OrderProceeds(CamelModel):
    """What the buyer pays for the order, with its breakdown."""

    grand_total: Money | None = None
    breakdowns: list[OrderProceedsBreakdown] = Field(default_factory=list)


class DateTimeRange(CamelModel):
    """A window between two instants."""

    earliest_date_time: AwareDatetime | None = None
    latest_date_time: AwareDatetime | None = None


class OrderFulfillment(CamelModel):
    """Fulfilment status and promised windows of the order."""

    fulfillment_status: str
    fulfilled_by: str | None = None
    fulfillment_service_level: str | None = None
    ship_by_window: DateTimeRange | None = None
    deliver_by_window: DateTimeRange | None = None
    label_printing_window: DateTimeRange | None = None


class PaymentExecution(CamelModel):
    """One payment applied to the order."""

    payment_method: str | None = None
    payment_amount: Money | None = None


class OrderPayment(CamelModel):
    """The payments of the order."""

    payment_executions: list[PaymentExecution] = Field(default_factory=list)


class TaxRegistrationAttribute(CamelModel):
    """A key/value attribute of a tax registration."""

    key: str | None = None
    value: str | None = None


class OrderTaxRegistration(CamelModel):
    """A buyer tax registration (VAT, CNPJ...)."""

    entity_type: str | None = None
    legal_name: str | None = None
    tax_registration_type: str | None = None
    tax_registration_number: str | None = None
    tax_registration_address: CustomerAddress | None = None
    tax_registration_attributes: list[TaxRegistrationAttribute] = Field(default_factory=list)


class OrderTaxInvoicing(CamelModel):
    """Invoice preference and status of the order."""

    buyer_invoice_preference: str | None = None
    invoice_status: str | None = None


class OrderTax(CamelModel):
    """Tax registrations and invoicing of the order."""

    tax_registrations: list[OrderTaxRegistration] = Field(default_factory=list)
    tax_invoicing: OrderTaxInvoicing | None = None


class ItemCondition(CamelModel):
    """Condition of the item sold."""

    condition_type: str | None = None
    condition_subtype: str | None = None
    condition_note: str | None = None


class ItemPrice(CamelModel):
    """Unit price of an item."""

    unit_price: Money | None = None
    price_designation: str | None = None


class ItemProduct(CamelModel):
    """The product of an order item."""

    asin: str | None = None
    title: str | None = None
    seller_sku: str | None = None
    condition: ItemCondition | None = None
    price: ItemPrice | None = None
    serial_numbers: list[str] = Field(default_factory=list)


class ItemProceedsDetailedBreakdown(CamelModel):
    """A detail of a proceeds breakdown."""

    subtype: str | None = None
    value: Money | None = None


class ItemProceedsBreakdown(CamelModel):
    """A component of an item's proceeds (ITEM, SHIPPING, TAX, DISCOUNT...)."""

    type: str
    subtotal: Money
    detailed_breakdowns: list[ItemProceedsDetailedBreakdown] = Field(default_factory=list)


class ItemProceeds(CamelModel):
    """What the buyer pays for an item, with its breakdown."""

    proceeds_total: Money | None = None
    breakdowns: list[ItemProceedsBreakdown] = Field(default_factory=list)


class PointsGranted(CamelModel):
    """Amazon Points granted (JP)."""

    points_number: int | None = None
    points_monetary_value: Money | None = None


class ItemPointsCost(CamelModel):
    """The cost of points granted."""

    points_granted: PointsGranted | None = None


class ItemExpense(CamelModel):
    """Expenses of an item borne by the seller."""

    points_cost: ItemPointsCost | None = None


class ItemPromotionBreakdown(CamelModel):
    """A promotion applied to an item."""

    promotion_id: str | None = None


class ItemPromotion(CamelModel):
    """The promotions applied to an item."""

    breakdowns: list[ItemPromotionBreakdown] = Field(default_factory=list)


class ItemCancellationRequest(CamelModel):
    """A cancellation requested by the buyer."""

    requester: str | None = None
    cancel_reason: str | None = None


class ItemCancellationExecution(CamelModel):
    """A cancellation carried out."""

    cancelled_by: str | None = None
    cancel_reason: str | None = None


class ItemCancellation(CamelModel):
    """Cancellation request and execution of an item."""

    cancellation_request: ItemCancellationRequest | None = None
    cancellation_execution: ItemCancellationExecution | None = None


class ItemFulfillment(CamelModel):
    """Fulfilled and unfulfilled quantities of an item."""

    quantity_fulfilled: int | None = None
    quantity_unfulfilled: int | None = None


class ItemTaxCollection(CamelModel):
    """Who collected the tax of an item."""

    model: str | None = None
    responsible_party: str | None = None


class ItemTax(CamelModel):
    """Tax collection of an item."""

    tax_collections: list[ItemTaxCollection] = Field(default_factory=list)


class OrderItem(CamelModel):
    """A line of an order, embedded in the order."""

    order_item_id: str
    quantity_ordered: int
    programs: list[str] = Field(default_factory=list)
    product: ItemProduct
    proceeds: ItemProceeds | None = None
    expense: ItemExpense | None = None
    promotion: ItemPromotion | None = None
    cancellation: ItemCancellation | None = None
    fulfillment: ItemFulfillment | None = None
    tax: ItemTax | None = None


class PackageStatus(CamelModel):
    """Status of a shipped package."""

    status: str
    detailed_status: str | None = None


class PackageItem(CamelModel):
    """An item and quantity in a package."""

    order_item_id: str
    quantity: int
    transparency_codes: list[str] = Field(default_factory=list)


class MerchantAddress(CamelModel):
    """The address a package ships from."""

    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    district_or_county: str | None = None
    state_or_region: str | None = None
    municipality: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


class OrderPackage(CamelModel):
    """A package shipped for the order."""

    package_reference_id: str
    created_time: AwareDatetime | None = None
    package_status: PackageStatus | None = None
    carrier: str | None = None
    ship_time: AwareDatetime | None = None
    shipping_service: str | None = None
    tracking_number: str | None = None
    ship_from_address: MerchantAddress | None = None
    package_items: list[PackageItem] = Field(default_factory=list)


class FulfillmentOrder(CamelModel):
    """A multi-channel fulfilment order linked to this order."""

    fulfillment_order_id: str


class Order(CamelModel):
    """An order with its items embedded; optional sections appear only when asked via ``includedData``."""

    order_id: str
    order_aliases: list[Alias] = Field(default_factory=list)
    created_time: AwareDatetime
    last_updated_time: AwareDatetime
    programs: list[str] = Field(default_factory=list)
    associated_orders: list[AssociatedOrder] = Field(default_factory=list)
    sales_channel: SalesChannel
    buyer: Buyer | None = None
    recipient: Recipient | None = None
    proceeds: OrderProceeds | None = None
    payment: OrderPayment | None = None
    tax: OrderTax | None = None
    fulfillment: OrderFulfillment | None = None
    order_items: list[OrderItem]
    packages: list[OrderPackage] = Field(default_factory=list)
    fulfillment_orders: list[FulfillmentOrder] = Field(default_factory=list)


class Pagination(CamelModel):
    """Pagination of searchOrders: pass ``next_token`` as ``paginationToken``."""

    next_token: str | None = None


class SearchOrdersResponse(CamelModel):
    """One page of searchOrders."""

    orders: list[Order]
    pagination: Pagination | None = None
    last_updated_before: AwareDatetime | None = None
    created_before: AwareDatetime | None = None


class GetOrderResponse(CamelModel):
    """getOrder response."""

    order: Order
