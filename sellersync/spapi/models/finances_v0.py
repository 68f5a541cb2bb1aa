"""Finances API v0 payloads: event groups (payouts) and financial events (charges, fees, refunds)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field

from sellersync.spapi.models.base import PascalModel


class Currency(PascalModel):
    """An amount in a currency (Amazon sends a JSON number; it is read as an exact Decimal)."""

    currency_code: str | None = None
    currency_amount: Decimal | None = None


class FinancialEventGroup(PascalModel):
    """A payout period (settlement): totals, status and transfer."""

    financial_event_group_id: str | None = None
    processing_status: str | None = None
    fund_transfer_status: str | None = None
    original_total: Currency | None = None
    converted_total: Currency | None = None
    fund_transfer_date: AwareDatetime | None = None
    trace_id: str | None = None
    account_tail: str | None = None
    beginning_balance: Currency | None = None
    financial_event_group_start: AwareDatetime | None = None
    financial_event_group_end: AwareDatetime | None = None


class ListFinancialEventGroupsPayload(PascalModel):
    """One page of listFinancialEventGroups."""

    next_token: str | None = None
    financial_event_group_list: list[FinancialEventGroup] = Field(default_factory=list)


class ChargeComponent(PascalModel):
    """A charge to the buyer (Principal, Tax, ShippingCharge...)."""

    charge_type: str | None = None
    charge_amount: Currency | None = None


class FeeComponent(PascalModel):
    """A fee charged to the seller (Commission, FBAPerUnitFulfillmentFee...)."""

    fee_type: str | None = None
    fee_amount: Currency | None = None


class Promotion(PascalModel):
    """A promotion applied to an item."""

    promotion_type: str | None = None
    promotion_id: str | None = None
    promotion_amount: Currency | None = None


class TaxWithheldComponent(PascalModel):
    """Taxes withheld by the marketplace facilitator."""

    tax_collection_model: str | None = None
    taxes_withheld: list[ChargeComponent] = Field(default_factory=list)


class DirectPayment(PascalModel):
    """A payment the buyer made directly to the seller (COD)."""

    direct_payment_type: str | None = None
    direct_payment_amount: Currency | None = None


class ShipmentItem(PascalModel):
    """An item of a shipment or refund event, with its charges, fees and promotions."""

    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    order_item_id: str | None = None
    order_adjustment_item_id: str | None = None
    quantity_shipped: int | None = None
    item_charge_list: list[ChargeComponent] = Field(default_factory=list)
    item_charge_adjustment_list: list[ChargeComponent] = Field(default_factory=list)
    item_fee_list: list[FeeComponent] = Field(default_factory=list)
    item_fee_adjustment_list: list[FeeComponent] = Field(default_factory=list)
    item_tax_withheld_list: list[TaxWithheldComponent] = Field(default_factory=list)
    promotion_list: list[Promotion] = Field(default_factory=list)
    promotion_adjustment_list: list[Promotion] = Field(default_factory=list)
    cost_of_points_granted: Currency | None = None
    cost_of_points_returned: Currency | None = None


class ShipmentEvent(PascalModel):
    """A shipment (or, in RefundEventList, a refund) of an order."""

    amazon_order_id: str | None = None
    seller_order_id: str | None = None
    marketplace_name: str | None = None
    store_name: str | None = None
    order_charge_list: list[ChargeComponent] = Field(default_factory=list)
    order_charge_adjustment_list: list[ChargeComponent] = Field(default_factory=list)
    shipment_fee_list: list[FeeComponent] = Field(default_factory=list)
    shipment_fee_adjustment_list: list[FeeComponent] = Field(default_factory=list)
    order_fee_list: list[FeeComponent] = Field(default_factory=list)
    order_fee_adjustment_list: list[FeeComponent] = Field(default_factory=list)
    direct_payment_list: list[DirectPayment] = Field(default_factory=list)
    posted_date: AwareDatetime | None = None
    shipment_item_list: list[ShipmentItem] = Field(default_factory=list)
    shipment_item_adjustment_list: list[ShipmentItem] = Field(default_factory=list)


class ServiceFeeEvent(PascalModel):
    """A fee not tied to a shipment (subscription, storage...)."""

    amazon_order_id: str | None = None
    fee_reason: str | None = None
    fee_list: list[FeeComponent] = Field(default_factory=list)
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    fn_sku: str | None = Field(default=None, alias="FnSKU")
    fee_description: str | None = None
    asin: str | None = Field(default=None, alias="ASIN")
    store_name: str | None = None


class AdjustmentItem(PascalModel):
    """An item of an adjustment event."""

    quantity: str | None = None
    per_unit_amount: Currency | None = None
    total_amount: Currency | None = None
    seller_sku: str | None = Field(default=None, alias="SellerSKU")
    fn_sku: str | None = Field(default=None, alias="FnSKU")
    product_description: str | None = None
    asin: str | None = Field(default=None, alias="ASIN")
    transaction_number: str | None = None


class AdjustmentEvent(PascalModel):
    """An adjustment to the seller's account (reimbursement, correction...)."""

    adjustment_type: str | None = None
    posted_date: AwareDatetime | None = None
    store_name: str | None = None
    adjustment_amount: Currency | None = None
    adjustment_item_list: list[AdjustmentItem] = Field(default_factory=list)


class FinancialEvents(PascalModel):
    """The event lists we read; the other 30-odd lists of the model are ignored."""

    shipment_event_list: list[ShipmentEvent] = Field(default_factory=list)
    refund_event_list: list[ShipmentEvent] = Field(default_factory=list)
    guarantee_claim_event_list: list[ShipmentEvent] = Field(default_factory=list)
    chargeback_event_list: list[ShipmentEvent] = Field(default_factory=list)
    service_fee_event_list: list[ServiceFeeEvent] = Field(default_factory=list)
    adjustment_event_list: list[AdjustmentEvent] = Field(default_factory=list)


class ListFinancialEventsPayload(PascalModel):
    """One page of listFinancialEvents / ...ByGroupId / ...ByOrderId."""

    next_token: str | None = None
    financial_events: FinancialEvents = Field(default_factory=FinancialEvents)
