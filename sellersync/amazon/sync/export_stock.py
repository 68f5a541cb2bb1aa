"""FBM stock push: the quantity we can ship ourselves, sent to Amazon for each FBM offer whose level changed.

Available quantity of a product = stock on hand in the company's warehouse stock location minus what open
(draft/ready) moves are about to take out of it (deliveries to customers, transfers to the Amazon location):
goods already promised are not offered again. Amazon takes whole units, so the quantity is rounded down,
never below 0.

Only offers fulfilled by the merchant (`fulfillment_channel == MFN`) of stockable, active products are
pushed — an FBA offer never is (a DEFAULT quantity would turn it into a merchant-fulfilled listing) — and
only when the level differs from `AmazonOffer.last_stock_sent`. Each offer has one outbound message
(kind=stock, reference "offer:<id>") re-armed with the new level at every change:

- up to `AMAZON_STOCK_FEED_THRESHOLD` changed offers (default 20): one patchListingsItem each (rate 5/s,
  burst 5); Amazon validates at once, so the message is synced or failed with Amazon's issues right away.
- more: one JSON_LISTINGS_FEED (three calls whatever the count); the messages are `sent` and
  `check_stock_feeds` reads the JSON processing report later. The feed id is kept in the message payload,
  not in `feed_id`, which the order-feed reader (`feed_results`) polls for XML reports.

`last_stock_sent` moves when the level is sent; a rejection clears it so that the next run sends again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sellersync.amazon.choices import FulfillmentChannel, OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOffer, OutboundMessage
from sellersync.core.choices import ProductType
from sellersync.core.models import Product
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import PermanentError, SpApiError
from sellersync.spapi.models.listings import FBM_CHANNEL_CODE, OFFER_ONLY_PRODUCT_TYPE
from sellersync.stock import selectors as stock_selectors
from sellersync.stock import services as stock_services
from sellersync.stock.models import Location, Move

logger = logging.getLogger(__name__)

DEFAULT_FEED_THRESHOLD = 20
LISTINGS_FEED_TYPE = "JSON_LISTINGS_FEED"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
FEED_FINISHED_STATUSES = ("DONE", "FATAL", "CANCELLED")
ZERO = Decimal(0)


@dataclass(frozen=True)
class StockLevel:
    """The whole units an FBM offer can sell now."""

    offer: AmazonOffer
    quantity: int


@dataclass
class StockPushResult:
    """What one push did: synced or failed at once, sent in a feed, left pending (transient error)."""

    synced: list[OutboundMessage] = field(default_factory=list)
    failed: list[OutboundMessage] = field(default_factory=list)
    sent: list[OutboundMessage] = field(default_factory=list)
    pending: list[OutboundMessage] = field(default_factory=list)


# --- what to send ----------------------------------------------------------------------------------------


def open_outgoing_quantity(product: Product, location: Location) -> Decimal:
    """Units that open (draft/ready) moves are about to take out of `location`."""
    moves = Move.objects.filter(
        product=product, source_location=location, state__in=stock_selectors.OPEN_MOVE_STATES
    )
    total = moves.aggregate(total=Coalesce(Sum("quantity"), Value(ZERO), output_field=DecimalField()))[
        "total"
    ]
    return Decimal(total)


def fbm_available_quantity(product: Product, location: Location) -> int:
    """Whole units of `product` we can still promise from `location` (on hand minus reserved), at least 0."""
    available = stock_selectors.stock_on_hand(product, location) - open_outgoing_quantity(product, location)
    return max(0, int(available.to_integral_value(rounding=ROUND_FLOOR)))


def fbm_offers(account: AmazonAccount) -> list[AmazonOffer]:
    """The account's merchant-fulfilled offers of active stockable products (never an FBA offer)."""
    offers = AmazonOffer.objects.filter(
        account=account,
        fulfillment_channel=FulfillmentChannel.FBM,
        product__product_type=ProductType.STOCKABLE,
        product__is_active=True,
    )
    return list(offers.select_related("product").order_by("sku", "pk"))


def changed_stock_levels(account: AmazonAccount) -> list[StockLevel]:
    """FBM offers whose available quantity differs from the last one sent."""
    location = stock_services.setup_company_stock(account.company).stock_location
    levels = []
    by_product: dict[int, int] = {}
    for offer in fbm_offers(account):
        if offer.product_id not in by_product:
            by_product[offer.product_id] = fbm_available_quantity(offer.product, location)
        quantity = by_product[offer.product_id]
        if offer.last_stock_sent is None or offer.last_stock_sent != quantity:
            levels.append(StockLevel(offer, quantity))
    return levels


def _arm_message(account: AmazonAccount, level: StockLevel) -> OutboundMessage:
    """The offer's stock message, pending with the new level (one row per offer, re-armed at each change)."""
    message, _created = OutboundMessage.objects.update_or_create(
        account=account,
        kind=OutboundKind.STOCK,
        reference=f"offer:{level.offer.pk}",
        defaults={
            "state": OutboundState.PENDING,
            "payload": {"sku": level.offer.sku, "quantity": level.quantity},
            "amazon_error": "",
            "feed_id": "",
            "sent_at": None,
            "synced_at": None,
        },
    )
    return message


# --- sending ---------------------------------------------------------------------------------------------


def _feed_threshold() -> int:
    return int(getattr(settings, "AMAZON_STOCK_FEED_THRESHOLD", DEFAULT_FEED_THRESHOLD))


def _marketplace_ids(account: AmazonAccount, offer: AmazonOffer) -> list[str]:
    if offer.marketplace_id:
        return [offer.marketplace_id]
    return list(
        account.marketplaces.filter(is_synchronized=True)
        .order_by("marketplace_id")
        .values_list("marketplace_id", flat=True)
    )


def push_fbm_stock(account: AmazonAccount, client: SpApiClient) -> StockPushResult:
    """Send the changed FBM stock levels of the account (nothing when its stock push is off)."""
    result = StockPushResult()
    if not account.synchronize_fbm_stock:
        return result
    levels = changed_stock_levels(account)
    if not levels:
        return result
    with transaction.atomic():
        messages = [_arm_message(account, level) for level in levels]
    if len(levels) > _feed_threshold():
        _send_feed(account, client, levels, messages, result)
    else:
        for level, message in zip(levels, messages, strict=True):
            _send_patch(account, client, level, message, result)
    return result


def _send_patch(
    account: AmazonAccount,
    client: SpApiClient,
    level: StockLevel,
    message: OutboundMessage,
    result: StockPushResult,
) -> None:
    message.attempts += 1
    message.sent_at = timezone.now()
    try:
        response = client.listings.set_fbm_quantity(
            account.seller_id, level.offer.sku, _marketplace_ids(account, level.offer), level.quantity
        )
    except PermanentError as error:
        _fail(message, level.offer, str(error), result)
        return
    except SpApiError as error:  # transient, retries exhausted: try again next run
        message.amazon_error = str(error)
        message.save(update_fields=["attempts", "sent_at", "amazon_error"])
        result.pending.append(message)
        return
    if response.accepted:
        _sync(message, level, result)
    else:
        _fail(message, level.offer, response.error_text() or response.status, result)


def _sync(message: OutboundMessage, level: StockLevel, result: StockPushResult) -> None:
    with transaction.atomic():
        message.state = OutboundState.SYNCED
        message.synced_at = timezone.now()
        message.amazon_error = ""
        message.save(update_fields=["state", "synced_at", "amazon_error", "attempts", "sent_at"])
        AmazonOffer.objects.filter(pk=level.offer.pk).update(last_stock_sent=level.quantity)
    result.synced.append(message)


def _fail(message: OutboundMessage, offer: AmazonOffer, error: str, result: StockPushResult) -> None:
    with transaction.atomic():
        message.state = OutboundState.FAILED
        message.amazon_error = error
        message.save(update_fields=["state", "amazon_error", "attempts", "sent_at"])
        AmazonOffer.objects.filter(pk=offer.pk).update(last_stock_sent=None)
    logger.warning("stock of offer %s refused by Amazon: %s", offer.pk, error)
    result.failed.append(message)


def listings_feed_document(seller_id: str, levels: list[StockLevel]) -> bytes:
    """A JSON_LISTINGS_FEED (v2) with one PATCH of fulfillment_availability per offer, messageId 1..n."""
    messages = [
        {
            "messageId": index,
            "sku": level.offer.sku,
            "operationType": "PATCH",
            "productType": OFFER_ONLY_PRODUCT_TYPE,
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": FBM_CHANNEL_CODE, "quantity": level.quantity}],
                }
            ],
        }
        for index, level in enumerate(levels, start=1)
    ]
    return json.dumps({"header": {"sellerId": seller_id, "version": "2.0"}, "messages": messages}).encode()


def _send_feed(
    account: AmazonAccount,
    client: SpApiClient,
    levels: list[StockLevel],
    messages: list[OutboundMessage],
    result: StockPushResult,
) -> None:
    marketplace_ids = sorted({mp for level in levels for mp in _marketplace_ids(account, level.offer)})
    content = listings_feed_document(account.seller_id, levels)
    try:
        feed = client.feeds.submit_feed(LISTINGS_FEED_TYPE, marketplace_ids, content, JSON_CONTENT_TYPE)
    except SpApiError as error:
        for message in messages:
            message.attempts += 1
            message.amazon_error = str(error)
            message.save(update_fields=["attempts", "amazon_error"])
        result.pending += messages
        return
    now = timezone.now()
    with transaction.atomic():
        for index, (level, message) in enumerate(zip(levels, messages, strict=True), start=1):
            message.state = OutboundState.SENT
            message.attempts += 1
            message.sent_at = now
            message.payload = {**message.payload, "feed_id": feed.feed_id, "message_id": index}
            message.save(update_fields=["state", "attempts", "sent_at", "payload"])
            AmazonOffer.objects.filter(pk=level.offer.pk).update(last_stock_sent=level.quantity)
    result.sent += messages


# --- feed results ----------------------------------------------------------------------------------------


def check_stock_feeds(account: AmazonAccount, client: SpApiClient) -> StockPushResult:
    """Read the processing report of every listings feed Amazon finished; mark the stock messages."""
    result = StockPushResult()
    in_flight = OutboundMessage.objects.filter(
        account=account, kind=OutboundKind.STOCK, state=OutboundState.SENT
    ).order_by("pk")
    by_feed: dict[str, list[OutboundMessage]] = {}
    for message in in_flight:
        by_feed.setdefault(str(message.payload.get("feed_id", "")), []).append(message)
    for feed_id, messages in by_feed.items():
        if feed_id:
            _check_feed(account, client, feed_id, messages, result)
    return result


def _check_feed(
    account: AmazonAccount,
    client: SpApiClient,
    feed_id: str,
    messages: list[OutboundMessage],
    result: StockPushResult,
) -> None:
    feed = client.feeds.get_feed(feed_id)
    if feed.processing_status not in FEED_FINISHED_STATUSES:
        result.sent += messages
        return
    errors: dict[int, str] = {}
    if feed.processing_status == "DONE" and feed.result_feed_document_id:
        errors = report_errors(client.feeds.feed_document_content(feed.result_feed_document_id))
    elif feed.processing_status != "DONE":
        errors = {
            int(m.payload.get("message_id", 0)): f"Feed {feed_id}: {feed.processing_status}" for m in messages
        }
    offers = {offer.sku: offer for offer in AmazonOffer.objects.filter(account=account)}
    for message in messages:
        error = errors.get(int(message.payload.get("message_id", 0)))
        offer = offers.get(str(message.payload.get("sku")))
        if error is None:
            message.state, message.synced_at = OutboundState.SYNCED, timezone.now()
            message.save(update_fields=["state", "synced_at"])
            result.synced.append(message)
        elif offer is not None:
            _fail(message, offer, error, result)


def report_errors(content: bytes) -> dict[int, str]:
    """Per messageId, Amazon's ERROR issues of a JSON listings processing report (one line each)."""
    report: Any = json.loads(content)
    errors: dict[int, list[str]] = {}
    for issue in report.get("issues", []) if isinstance(report, dict) else []:
        if issue.get("severity") == "ERROR" and isinstance(issue.get("messageId"), int):
            errors.setdefault(issue["messageId"], []).append(f"{issue.get('code')}: {issue.get('message')}")
    return {message_id: "\n".join(lines) for message_id, lines in errors.items()}
