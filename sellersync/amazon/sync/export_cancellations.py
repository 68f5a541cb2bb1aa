"""Local cancellations back to Amazon with the POST_ORDER_ACKNOWLEDGEMENT_DATA feed.

`services.cancel_sales_order` queues a pending `OutboundMessage(kind=cancellation, reference="sale:<id>")`
for a whole order; `cancel_amazon_backorder` cancels a backorder's remaining items and queues one with
reference "picking:<id>". `send_pending_cancellations` sends them all in one feed: one OrderAcknowledgement
per message, StatusCode Failure, every item with a CancelReason. They are then tracked like shipments
(`feed_results`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.sync import feed_results
from sellersync.amazon.sync.export_shipments import (
    SendResult,
    ShipmentRefused,
    binding_of,
    order_item_ids_by_line,
    picking_reference,
)
from sellersync.spapi import order_feeds
from sellersync.spapi.client import SpApiClient
from sellersync.stock import services as stock_services
from sellersync.stock.choices import MoveState
from sellersync.stock.models import Picking

#: Amazon's CancelReason values; a local reason that names one is sent as is, anything else as the default.
CANCEL_REASONS = (
    "NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled", "GeneralAdjustment",
    "CarrierCreditDecision", "RiskAssessmentInformationNotValid", "CarrierCoverageFailure", "CustomerReturn",
    "MerchandiseNotReceived",
)  # fmt: skip
DEFAULT_CANCEL_REASON = "NoInventory"  # what a seller cancelling an order it cannot ship means


def amazon_cancel_reason(reason: str) -> str:
    """Amazon's CancelReason for a local reason text (matched case-insensitively), else NoInventory."""
    by_folded = {value.casefold(): value for value in CANCEL_REASONS}
    return by_folded.get(reason.strip().replace(" ", "").casefold(), DEFAULT_CANCEL_REASON)


def cancel_amazon_backorder(picking: Picking, reason: str = "") -> OutboundMessage:
    """Cancel the remaining items of an Amazon order's backorder and queue the cancellation for Amazon."""
    binding = binding_of(picking)
    if binding is None or picking.backorder_of_id is None:
        raise ShipmentRefused(_("%(picking)s is not a backorder of an Amazon order.") % {"picking": picking})
    item_ids = order_item_ids_by_line(binding)
    quantities: dict[str, int] = defaultdict(int)
    for move in picking.moves.exclude(state=MoveState.CANCELED).order_by("pk"):
        if move.sales_line_id in item_ids:
            quantities[item_ids[move.sales_line_id]] += int(move.quantity)
    with transaction.atomic():
        stock_services.cancel_picking(picking)
        try:
            with transaction.atomic():
                return OutboundMessage.objects.create(
                    account=binding.account,
                    kind=OutboundKind.CANCELLATION,
                    reference=picking_reference(picking),
                    amazon_order_id=binding.amazon_id,
                    payload={
                        "amazon_order_id": binding.amazon_id,
                        "reason": reason[:200],
                        "items": [{"order_item_id": key, "quantity": qty} for key, qty in quantities.items()],
                    },
                )
        except IntegrityError:
            return OutboundMessage.objects.get(
                account=binding.account, kind=OutboundKind.CANCELLATION, reference=picking_reference(picking)
            )


def pending_cancellations(account: AmazonAccount) -> list[OutboundMessage]:
    return list(
        OutboundMessage.objects.filter(
            account=account, kind=OutboundKind.CANCELLATION, state=OutboundState.PENDING
        ).order_by("pk")
    )


def send_pending_cancellations(account: AmazonAccount, client: SpApiClient) -> SendResult:
    """Send every pending cancellation of the account in one acknowledgement feed."""
    messages = pending_cancellations(account)
    if not messages:
        return SendResult()
    cancellations = [_cancellation(account, message) for message in messages]
    content = order_feeds.build_acknowledgement_feed(account.seller_id, cancellations)
    feed_id = feed_results.submit(account, client, order_feeds.ACKNOWLEDGEMENT_FEED, messages, content)
    return SendResult(sent=list(messages), feed_id=feed_id)


def _cancellation(account: AmazonAccount, message: OutboundMessage) -> order_feeds.Cancellation:
    """The acknowledgement for one message; its payload is completed with exactly what is sent."""
    binding = AmazonOrder.objects.filter(account=account, amazon_id=message.amazon_order_id).first()
    reason = amazon_cancel_reason(str(message.payload.get("reason", "")))
    item_ids = _item_ids(message.payload, binding)
    message.payload = {
        **message.payload,
        "marketplace_id": binding.marketplace_id if binding is not None else "",
        "cancel_reason": reason,
        "items": _items_payload(message.payload, item_ids),
    }
    message.save(update_fields=["payload"])
    return order_feeds.Cancellation(
        message_id=message.pk,
        amazon_order_id=message.amazon_order_id,
        items=[order_feeds.CanceledItem(item_id, reason) for item_id in item_ids],
    )


def _item_ids(payload: dict[str, Any], binding: AmazonOrder | None) -> list[str]:
    if payload.get("items"):
        return [str(item["order_item_id"]) for item in payload["items"]]
    if binding is None:
        return []
    return list(dict.fromkeys(order_item_ids_by_line(binding).values()))  # the whole order


def _items_payload(payload: dict[str, Any], item_ids: Sequence[str]) -> list[dict[str, Any]]:
    if payload.get("items"):
        return list(payload["items"])
    return [{"order_item_id": item_id} for item_id in item_ids]
