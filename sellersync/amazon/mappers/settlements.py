"""Financial events (Finances API v0 payload models) -> the flat amounts a settlement is made of.

Pure functions: no ORM, no I/O. Every amount Amazon sends becomes one `SettlementAmount` (zero amounts are
dropped), so the sum of the amounts is the sum of the events, to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sellersync.spapi.models.finances_v0 import (
    ChargeComponent,
    Currency,
    FeeComponent,
    FinancialEvents,
    Promotion,
    ShipmentEvent,
    ShipmentItem,
    TaxWithheldComponent,
)

# event types and amount kinds (the values of amazon.models.settlements' choices)
SHIPMENT, REFUND, SERVICE_FEE, ADJUSTMENT, OTHER = "shipment", "refund", "service_fee", "adjustment", "other"
CHARGE, PROMOTION, TAX_WITHHELD, FEE = "charge", "promotion", "tax_withheld", "fee"


@dataclass(frozen=True)
class SettlementAmount:
    """One amount of a financial event: positive is money for the seller, negative money taken."""

    event_type: str
    kind: str
    amount_type: str
    amount: Decimal
    currency: str
    order_id: str = ""
    sku: str = ""
    posted_at: datetime | None = None


def settlement_amounts(events: Iterable[FinancialEvents]) -> list[SettlementAmount]:
    """The amounts of all pages of a group's events, in Amazon's order."""
    amounts: list[SettlementAmount] = []
    for page in events:
        for shipment in page.shipment_event_list:
            amounts += _order_event(shipment, SHIPMENT)
        for refund in page.refund_event_list:
            amounts += _order_event(refund, REFUND)
        for claim in [*page.guarantee_claim_event_list, *page.chargeback_event_list]:
            amounts += _order_event(claim, OTHER)
        for service_fee in page.service_fee_event_list:
            for fee in service_fee.fee_list:
                amounts += _fee(
                    fee, SERVICE_FEE, service_fee.amazon_order_id or "", service_fee.seller_sku or ""
                )
        for adjustment in page.adjustment_event_list:
            amounts += _amount(
                ADJUSTMENT,
                ADJUSTMENT,
                adjustment.adjustment_type or "Adjustment",
                adjustment.adjustment_amount,
                posted_at=adjustment.posted_date,
            )
    return [amount for amount in amounts if amount.amount]


def _amount(
    event_type: str,
    kind: str,
    amount_type: str,
    money: Currency | None,
    *,
    order_id: str = "",
    sku: str = "",
    posted_at: datetime | None = None,
) -> list[SettlementAmount]:
    if money is None or money.currency_amount is None:
        return []
    return [
        SettlementAmount(
            event_type,
            kind,
            amount_type,
            money.currency_amount,
            money.currency_code or "",
            order_id,
            sku,
            posted_at,
        )
    ]


def _order_event(event: ShipmentEvent, event_type: str) -> list[SettlementAmount]:
    order_id, posted = event.amazon_order_id or "", event.posted_date
    amounts: list[SettlementAmount] = []
    for charge in [*event.order_charge_list, *event.order_charge_adjustment_list]:
        amounts += _charge(charge, event_type, CHARGE, order_id, "", posted)
    for fee in [*event.shipment_fee_list, *event.shipment_fee_adjustment_list]:
        amounts += _fee(fee, event_type, order_id, "", posted)
    for fee in [*event.order_fee_list, *event.order_fee_adjustment_list]:
        amounts += _fee(fee, event_type, order_id, "", posted)
    for item in [*event.shipment_item_list, *event.shipment_item_adjustment_list]:
        amounts += list(_item_amounts(item, event_type, order_id, posted))
    return amounts


def _item_amounts(
    item: ShipmentItem, event_type: str, order_id: str, posted: datetime | None
) -> Iterator[SettlementAmount]:
    sku = item.seller_sku or ""
    for charge in [*item.item_charge_list, *item.item_charge_adjustment_list]:
        yield from _charge(charge, event_type, CHARGE, order_id, sku, posted)
    for fee in [*item.item_fee_list, *item.item_fee_adjustment_list]:
        yield from _fee(fee, event_type, order_id, sku, posted)
    for withheld in item.item_tax_withheld_list:
        yield from _withheld(withheld, event_type, order_id, sku, posted)
    for promotion in [*item.promotion_list, *item.promotion_adjustment_list]:
        yield from _promotion(promotion, event_type, order_id, sku, posted)


def _charge(
    charge: ChargeComponent, event_type: str, kind: str, order_id: str, sku: str, posted: datetime | None
) -> list[SettlementAmount]:
    return _amount(
        event_type,
        kind,
        charge.charge_type or "Charge",
        charge.charge_amount,
        order_id=order_id,
        sku=sku,
        posted_at=posted,
    )


def _fee(
    fee: FeeComponent, event_type: str, order_id: str, sku: str, posted: datetime | None = None
) -> list[SettlementAmount]:
    return _amount(
        event_type, FEE, fee.fee_type or "Fee", fee.fee_amount, order_id=order_id, sku=sku, posted_at=posted
    )


def _withheld(
    withheld: TaxWithheldComponent, event_type: str, order_id: str, sku: str, posted: datetime | None
) -> list[SettlementAmount]:
    return [
        amount
        for tax in withheld.taxes_withheld
        for amount in _charge(tax, event_type, TAX_WITHHELD, order_id, sku, posted)
    ]


def _promotion(
    promotion: Promotion, event_type: str, order_id: str, sku: str, posted: datetime | None
) -> list[SettlementAmount]:
    return _amount(
        event_type,
        PROMOTION,
        promotion.promotion_type or "Promotion",
        promotion.promotion_amount,
        order_id=order_id,
        sku=sku,
        posted_at=posted,
    )
