"""Shipments of FBM orders back to Amazon: validate a picking, record exactly what left, send it.

`validate_amazon_picking` validates the picking (stock's `validate_picking`, a partial one leaves a
backorder) and records an `OutboundMessage(kind=shipment, reference="picking:<id>")` in the same transaction;
the message holds exactly what left (order item ids and quantities, carrier, tracking number, ship date).
After the commit the account's pending shipments are sent:

- up to `AMAZON_SHIPMENT_FEED_THRESHOLD` pending (default 10, confirmShipment's burst): one confirmShipment
  per package. Amazon answers at once, so the message is synced or failed with Amazon's error right away.
- more than that: one POST_ORDER_FULFILLMENT_DATA feed for all of them (three calls whatever the count);
  the messages are `sent` until the processing report is read (`feed_results.check_feed_results`).

confirmShipment is not idempotent. When its answer is lost (`OutcomeUnknown`), and before any message that
was attempted already is sent again, the order's packages on Amazon (2026 getOrder, PACKAGES) are read: one
carrying a packageReferenceId of this message's earlier attempts means Amazon took it (synced, not resent).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellersync.amazon import carriers
from sellersync.amazon.choices import FulfillmentChannel, OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.sync import feed_results
from sellersync.core.errors import DomainError
from sellersync.spapi import order_feeds
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import InvalidInput, NotFound, OutcomeUnknown, SpApiError
from sellersync.spapi.models.orders_v0 import ConfirmShipmentOrderItem, PackageDetail
from sellersync.stock import services as stock_services
from sellersync.stock.choices import MoveState, PickingKind
from sellersync.stock.models import Carrier, Picking
from sellersync.stock.services import ValidationResult

logger = logging.getLogger(__name__)

DEFAULT_FEED_THRESHOLD = 10
SHIPPED_ON_AMAZON = frozenset({"Shipped"})


class ShipmentRefused(DomainError):
    """The picking cannot be confirmed to Amazon as it is (no carrier, no tracking reference...)."""


@dataclass
class SendResult:
    """What one sending pass did: messages synced or failed at once, sent in a feed, left pending."""

    synced: list[OutboundMessage] = field(default_factory=list)
    failed: list[OutboundMessage] = field(default_factory=list)
    sent: list[OutboundMessage] = field(default_factory=list)
    pending: list[OutboundMessage] = field(default_factory=list)
    feed_id: str = ""


def picking_reference(picking: Picking) -> str:
    return f"picking:{picking.pk}"


def binding_of(picking: Picking) -> AmazonOrder | None:
    """The Amazon FBM order the picking delivers, or None for any other picking (a return is received)."""
    if picking.sales_order_id is None or picking.kind != PickingKind.OUTGOING:
        return None
    return (
        AmazonOrder.objects.select_related("account")
        .filter(sales_order_id=picking.sales_order_id, fulfillment_channel=FulfillmentChannel.FBM)
        .first()
    )


def feed_threshold() -> int:
    return int(getattr(settings, "AMAZON_SHIPMENT_FEED_THRESHOLD", DEFAULT_FEED_THRESHOLD))


# --- validating ----------------------------------------------------------------------------------------


def validate_amazon_picking(
    picking: Picking,
    quantities: Mapping[int, Decimal] | None = None,
    *,
    carrier: Carrier | None = None,
    tracking_ref: str | None = None,
    send_on_commit: bool = True,
) -> ValidationResult:
    """Validate a picking; for an Amazon FBM order, check carrier + tracking first and record the shipment.

    Nothing is written when the carrier or the tracking reference is missing, or the carrier's Amazon code
    is not Amazon's. The shipment is sent after the commit (see the module docstring), unless the caller
    sends once for many (`send_on_commit=False`, e.g. the admin's bulk Validate).
    """
    binding = binding_of(picking)
    if binding is None:
        return stock_services.validate_picking(picking, quantities, carrier, tracking_ref)
    carrier = carrier or picking.carrier
    tracking = (tracking_ref if tracking_ref is not None else picking.tracking_reference).strip()
    _check_shippable(picking, carrier, tracking)
    assert carrier is not None
    amazon_carrier = carriers.amazon_carrier(carrier)
    with transaction.atomic():
        result = stock_services.validate_picking(picking, quantities, carrier, tracking)
        OutboundMessage.objects.create(
            account=binding.account,
            kind=OutboundKind.SHIPMENT,
            reference=picking_reference(picking),
            amazon_order_id=binding.amazon_id,
            payload=shipment_payload(result.picking, binding, amazon_carrier),
        )
        account_id = binding.account_id
        if send_on_commit:
            transaction.on_commit(lambda: send_after_commit(account_id))
    return result


def _check_shippable(picking: Picking, carrier: Carrier | None, tracking: str) -> None:
    if carrier is None:
        raise ShipmentRefused(_("%(picking)s: choose a carrier; Amazon needs it.") % {"picking": picking})
    if not tracking:
        raise ShipmentRefused(
            _("%(picking)s: enter the tracking reference; Amazon needs it.") % {"picking": picking}
        )
    carriers.amazon_carrier(carrier)  # raises UnknownCarrierCode before anything is written


def shipment_payload(
    picking: Picking, binding: AmazonOrder, amazon_carrier: carriers.AmazonCarrier
) -> dict[str, Any]:
    """What leaves for Amazon: the order items and quantities of the done moves, carrier, tracking, date."""
    item_ids = order_item_ids_by_line(binding)
    quantities: dict[str, int] = defaultdict(int)
    done_moves = picking.moves.filter(state=MoveState.DONE, quantity_done__gt=0).order_by("pk")
    for move in done_moves:
        item_id = item_ids.get(move.sales_line_id or 0)
        if item_id is None:
            raise ShipmentRefused(
                _("%(picking)s: %(product)s is not an item of Amazon order %(order)s.")
                % {"picking": picking, "product": move.product, "order": binding.amazon_id}
            )
        quantities[item_id] += _whole_units(move.quantity_done, picking)
    ship_date = picking.done_at or timezone.now()
    return {
        "amazon_order_id": binding.amazon_id,
        "marketplace_id": binding.marketplace_id,
        "picking": picking.reference,
        "items": [{"order_item_id": item_id, "quantity": qty} for item_id, qty in quantities.items()],
        "carrier_code": amazon_carrier.code,
        "carrier_name": amazon_carrier.name,
        "tracking_number": picking.tracking_reference,
        "ship_date": order_feeds.iso_utc(ship_date),
    }


def _whole_units(quantity: Decimal, picking: Picking) -> int:
    if quantity != quantity.to_integral_value():
        raise ShipmentRefused(
            _("%(picking)s: Amazon ships whole units, not %(quantity)s.")
            % {"picking": picking, "quantity": quantity}
        )
    return int(quantity)


def order_item_ids_by_line(binding: AmazonOrder) -> dict[int, str]:
    """Sales order line id -> Amazon order item id.

    The mappers make one PRODUCT line per Amazon item, in item order, and apply creates the sales lines
    in that order; the item ids come from the first version of the order stored on the binding that has
    them (an order booked from an order report has none until the Orders API serves a version of it).
    """
    if binding.sales_order is None:
        return {}
    events = binding.events.order_by("amazon_updated_at", "pk").only("payload")
    item_ids = next((ids for event in events if (ids := _item_ids_of_payload(event.payload))), [])
    product_lines = binding.sales_order.lines.filter(line_kind="product").order_by("sequence", "pk")
    return {line.pk: item_id for line, item_id in zip(product_lines, item_ids, strict=False)}


def _item_ids_of_payload(payload: Any) -> list[str]:
    if not isinstance(payload, dict):
        return []
    if isinstance(payload.get("orderItems"), list):  # Orders 2026-01-01
        return [str(item.get("orderItemId", "")) for item in payload["orderItems"]]
    if isinstance(payload.get("items"), list):  # Orders v0: {"order": ..., "items": [...]}
        return [str(item.get("OrderItemId", "")) for item in payload["items"]]
    return []


# --- retrying and recognizing shipped orders ---------------------------------------------------------------


def retry_shipment(picking: Picking) -> OutboundMessage:
    """Retry Amazon Sync: rebuild the message from the picking as it is now (e.g. a corrected tracking
    reference) and put it back to pending; the caller sends it (or the next Sync Pickings does)."""
    binding = binding_of(picking)
    if binding is None:
        raise ShipmentRefused(_("%(picking)s is not an Amazon FBM delivery.") % {"picking": picking})
    with transaction.atomic():
        picking = Picking.objects.select_related("carrier").get(pk=picking.pk)
        message = OutboundMessage.objects.select_for_update().get(
            account=binding.account, kind=OutboundKind.SHIPMENT, reference=picking_reference(picking)
        )
        if message.state not in (OutboundState.FAILED, OutboundState.PENDING):
            raise ShipmentRefused(
                _("%(picking)s: the shipment is %(state)s; only a failed one is sent again.")
                % {"picking": picking, "state": message.get_state_display()}
            )
        _check_shippable(picking, picking.carrier, picking.tracking_reference.strip())
        assert picking.carrier is not None
        message.payload = shipment_payload(picking, binding, carriers.amazon_carrier(picking.carrier))
        message.state, message.feed_id = OutboundState.PENDING, ""
        message.save(update_fields=["payload", "state", "feed_id"])
    return message


def mark_shipments_synced_for(binding: AmazonOrder) -> int:
    """When Amazon shows the order as Shipped, its shipments not yet known as synced become synced (the
    next order sync or Recover Order tells us so). Returns how many changed."""
    if binding.amazon_status not in SHIPPED_ON_AMAZON:
        return 0
    return (
        OutboundMessage.objects.filter(
            account_id=binding.account_id, kind=OutboundKind.SHIPMENT, amazon_order_id=binding.amazon_id
        )
        .exclude(state=OutboundState.SYNCED)
        .update(state=OutboundState.SYNCED, synced_at=timezone.now())
    )


# --- sending ---------------------------------------------------------------------------------------------


def send_after_commit(account_id: int) -> None:
    """After a validation commits: send the account's pending shipments (never raises to the caller)."""
    from sellersync.amazon.services import client_for_account

    account = AmazonAccount.objects.get(pk=account_id)
    try:
        with client_for_account(account) as client:
            send_pending_shipments(account, client)
    except Exception as exc:  # noqa: BLE001 - the message stays pending; Sync Pickings sends it later
        logger.warning("sending shipments of account %s failed: %s", account_id, type(exc).__name__)


def pending_shipments(account: AmazonAccount) -> list[OutboundMessage]:
    return list(
        OutboundMessage.objects.filter(
            account=account, kind=OutboundKind.SHIPMENT, state=OutboundState.PENDING
        ).order_by("pk")
    )


def send_pending_shipments(
    account: AmazonAccount, client: SpApiClient, *, use_feed: bool | None = None
) -> SendResult:
    """Send every pending shipment of the account: confirmShipment for a few, one feed for many."""
    messages = pending_shipments(account)
    if not messages:
        return SendResult()
    if use_feed is None:
        use_feed = len(messages) > feed_threshold()
    if use_feed:
        return _send_as_feed(account, client, messages)
    return _confirm_each(account, client, messages)


def _confirm_each(
    account: AmazonAccount, client: SpApiClient, messages: Sequence[OutboundMessage]
) -> SendResult:
    result = SendResult()
    for index, message in enumerate(messages):
        try:
            _confirm_once(client, message)
        except (InvalidInput, NotFound) as error:
            feed_results.mark_failed(message, amazon_error_text(error))
            result.failed.append(message)
        except SpApiError as error:
            # Amazon unavailable or credentials refused: not this message's fault, keep the rest pending
            logger.warning("confirmShipment unavailable for account %s: %s", account.pk, type(error).__name__)
            result.pending.extend(messages[index:])
            break
        else:
            feed_results.mark_synced(message, channel="confirmShipment")
            result.synced.append(message)
    if result.failed:
        from sellersync.amazon.notifications import notify_failed_shipments

        notify_failed_shipments(account, result.failed, feed_id="")
    return result


def _confirm_once(client: SpApiClient, message: OutboundMessage) -> None:
    """confirmShipment, never taken twice: an attempted message is first looked for on Amazon.

    When the answer is lost, Amazon is asked at once; if it did not take the package, it is sent once more
    (a new packageReferenceId). An error of that look-up or of the resend leaves the message pending, and
    the next pass looks again before sending.
    """
    if message.attempts and confirmed_on_amazon(client, message):
        return
    try:
        _confirm(client, message)
    except OutcomeUnknown:
        if confirmed_on_amazon(client, message):
            return
        logger.info("confirmShipment of message %s was not taken by Amazon: sent again", message.pk)
        _confirm(client, message)


def package_reference_id(message: OutboundMessage, attempt: int) -> str:
    """Numeric and unique per order, also across retries (Amazon refuses a reused one)."""
    return str(message.pk * 1000 + attempt)


def confirmed_on_amazon(client: SpApiClient, message: OutboundMessage) -> bool:
    """Whether Amazon lists a package of one of this message's attempts on the order."""
    ours = {package_reference_id(message, attempt) for attempt in range(1, message.attempts + 1)}
    order = client.orders.get_order(message.amazon_order_id, included_data=["PACKAGES"])
    return any(package.package_reference_id in ours for package in order.packages)


def _confirm(client: SpApiClient, message: OutboundMessage) -> None:
    payload = message.payload
    message.attempts += 1
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "sent_at"])
    package = PackageDetail(
        package_reference_id=package_reference_id(message, message.attempts),
        carrier_code=payload["carrier_code"],
        carrier_name=payload["carrier_name"] or None,
        tracking_number=payload["tracking_number"],
        ship_date=payload["ship_date"],
        order_items=[
            ConfirmShipmentOrderItem(order_item_id=item["order_item_id"], quantity=item["quantity"])
            for item in payload["items"]
        ],
    )
    client.orders_v0.confirm_shipment(payload["amazon_order_id"], payload["marketplace_id"], package)


def _send_as_feed(
    account: AmazonAccount, client: SpApiClient, messages: Sequence[OutboundMessage]
) -> SendResult:
    fulfillments = [
        order_feeds.Fulfillment(
            message_id=message.pk,
            amazon_order_id=message.payload["amazon_order_id"],
            ship_date=datetime.fromisoformat(message.payload["ship_date"].replace("Z", "+00:00")),
            carrier_code=message.payload["carrier_code"],
            carrier_name=message.payload["carrier_name"],
            tracking_number=message.payload["tracking_number"],
            items=[
                order_feeds.ShippedItem(item["order_item_id"], item["quantity"])
                for item in message.payload["items"]
            ],
        )
        for message in messages
    ]
    content = order_feeds.build_fulfillment_feed(account.seller_id, fulfillments)
    feed_id = feed_results.submit(account, client, order_feeds.FULFILLMENT_FEED, messages, content)
    return SendResult(sent=list(messages), feed_id=feed_id)


def amazon_error_text(error: SpApiError) -> str:
    """Amazon's own error text (messages and details of its `errors`), else the exception's."""
    parts = [
        " ".join(part for part in (entry.message, entry.details or "") if part)
        for entry in getattr(error, "errors", None) or ()
    ]
    return "; ".join(part for part in parts if part) or str(error)
