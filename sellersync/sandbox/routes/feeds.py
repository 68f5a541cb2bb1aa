"""Feeds API 2021-06-30: feed documents, feeds processed on the simulated clock through feed_documents."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sellersync.sandbox import feed_documents, invoice_feed, listings_feed
from sellersync.sandbox.api import ApiError, Call, Operation, Reply, created_window, invalid_input, not_found
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.feed_documents import OrderItemView, OrderView
from sellersync.sandbox.records import Package
from sellersync.sandbox.routes.documents import presigned_url, store_gzipped
from sellersync.sandbox.routes.shipping import ship
from sellersync.sandbox.service import Sandbox

BASE = "/feeds/2021-06-30"
QUEUE_DELAY = timedelta(seconds=30)
PROCESSING_TIME = timedelta(seconds=90)
CONTENT_TYPES = ("text/xml", "text/tab-separated-values", "application/json", "application/pdf", "text/plain")
STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED")


class SellerOrders:
    """feed_documents.OrderLookup over one seller's orders."""

    def __init__(self, sandbox: Sandbox, seller_id: str) -> None:
        self.sandbox = sandbox
        self.seller_id = seller_id

    def get(self, amazon_order_id: str) -> OrderView | None:
        order = self.sandbox.order(amazon_order_id, self.seller_id)
        if order is None:
            return None
        now = self.sandbox.now()
        items = tuple(
            OrderItemView(item.order_item_id, item.sku, item.quantity, order.shipped_quantity(item, now))
            for item in order.items
        )
        return OrderView(order.order_id, order.status_at(now), order.fulfillment_channel, items)


def create_feed_document(call: Call) -> Reply:
    content_type = str((call.body or {}).get("contentType", "")) if isinstance(call.body, dict) else ""
    if not content_type.lower().startswith(CONTENT_TYPES):
        raise invalid_input("contentType is required and must be a supported content type.")
    document_id = "amzn1.tortuga.4." + secrets.token_hex(16)
    record = {"seller_id": call.seller_id, "contentType": content_type, "kind": "feed", "uploaded": False}
    call.sandbox.state.put("document", document_id, call.seller_id, record)
    url = presigned_url(
        call.sandbox, call.base_url, "PUT", "feed-documents", document_id, expired=_url_expired(call)
    )
    return Reply(201, {"feedDocumentId": document_id, "url": url})


def create_feed(call: Call) -> Reply:
    body: dict[str, Any] = call.body if isinstance(call.body, dict) else {}
    feed_type, marketplace_ids = body.get("feedType"), body.get("marketplaceIds")
    document_id = str(body.get("inputFeedDocumentId", ""))
    if not feed_type or not isinstance(marketplace_ids, list) or not marketplace_ids or not document_id:
        raise invalid_input("feedType, marketplaceIds and inputFeedDocumentId are required.")
    document = call.sandbox.state.get("document", document_id)
    if document is None or document["seller_id"] != call.seller_id or document["kind"] != "feed":
        raise invalid_input(f"Invalid inputFeedDocumentId {document_id}.")
    feed_id = str(50_000_000_000 + secrets.randbelow(10**10))
    feed = {
        "feedId": feed_id,
        "seller_id": call.seller_id,
        "feedType": feed_type,
        "marketplaceIds": [str(marketplace) for marketplace in marketplace_ids],
        "createdTime": iso(call.sandbox.now()),
        "processingStatus": "IN_QUEUE",
        "inputFeedDocumentId": document_id,
        "unspecifiedErrors": bool(call.sandbox.faults.take(call.operation_id, ("feed_unspecified_errors",))),
        "feedOptions": body.get("feedOptions") if isinstance(body.get("feedOptions"), dict) else {},
    }
    call.sandbox.state.put("feed", feed_id, call.seller_id, feed)
    return Reply(202, {"feedId": feed_id})


def progress_feeds(sandbox: Sandbox, seller_id: str) -> None:
    """Move the seller's feeds along the simulated clock; a feed is processed when its time has come."""
    now = sandbox.now()
    for feed in sandbox.state.all("feed", seller_id):
        if feed["processingStatus"] not in ("IN_QUEUE", "IN_PROGRESS"):
            continue
        created = parse_iso(feed["createdTime"])
        if now >= created + QUEUE_DELAY + PROCESSING_TIME:
            _process(sandbox, seller_id, feed)
        elif now >= created + QUEUE_DELAY and feed["processingStatus"] == "IN_QUEUE":
            feed.update(processingStatus="IN_PROGRESS", processingStartTime=iso(created + QUEUE_DELAY))
        else:
            continue
        sandbox.state.put("feed", feed["feedId"], seller_id, feed)


def _process(sandbox: Sandbox, seller_id: str, feed: dict[str, Any]) -> None:
    created = parse_iso(feed["createdTime"])
    feed["processingStartTime"] = iso(created + QUEUE_DELAY)
    feed["processingEndTime"] = iso(created + QUEUE_DELAY + PROCESSING_TIME)
    content = sandbox.state.get_blob(feed["inputFeedDocumentId"])
    if content is not None and feed["feedType"] == listings_feed.FEED_TYPE:
        _process_listings(sandbox, seller_id, feed, content)
        return
    if content is not None and feed["feedType"] == invoice_feed.FEED_TYPE:
        _store_result(
            sandbox, seller_id, feed, invoice_feed.process(sandbox, seller_id, feed, content), "text/xml"
        )
        return
    if content is None or feed["feedType"] not in feed_documents.ORDER_FEED_TYPES:
        feed["processingStatus"] = "FATAL"
        return
    outcome = feed_documents.process_feed(
        feed["feedType"],
        content,
        SellerOrders(sandbox, seller_id),
        unspecified_errors=feed["unspecifiedErrors"],
    )
    _apply(sandbox, seller_id, outcome)
    result_id = "amzn1.tortuga.4.result." + secrets.token_hex(12)
    sandbox.state.put(
        "document",
        result_id,
        seller_id,
        {"seller_id": seller_id, "kind": "feed-result", "contentType": "text/xml", "uploaded": True},
    )
    store_gzipped(sandbox, result_id, outcome.report)
    feed["processingStatus"] = "FATAL" if outcome.fatal else "DONE"
    feed["resultFeedDocumentId"] = result_id


def _process_listings(sandbox: Sandbox, seller_id: str, feed: dict[str, Any], content: bytes) -> None:
    try:
        report = listings_feed.process(sandbox, seller_id, feed["feedId"], content)
    except listings_feed.InvalidFeed:
        feed["processingStatus"] = "FATAL"
        return
    result_id = "amzn1.tortuga.4.result." + secrets.token_hex(12)
    record = {
        "seller_id": seller_id,
        "kind": "feed-result",
        "contentType": "application/json",
        "uploaded": True,
    }
    sandbox.state.put("document", result_id, seller_id, record)
    store_gzipped(sandbox, result_id, report)
    feed["processingStatus"] = "DONE"
    feed["resultFeedDocumentId"] = result_id


def _store_result(
    sandbox: Sandbox, seller_id: str, feed: dict[str, Any], report: bytes, content_type: str
) -> None:
    result_id = "amzn1.tortuga.4.result." + secrets.token_hex(12)
    record = {"seller_id": seller_id, "kind": "feed-result", "contentType": content_type, "uploaded": True}
    sandbox.state.put("document", result_id, seller_id, record)
    store_gzipped(sandbox, result_id, report)
    feed["processingStatus"] = "DONE"
    feed["resultFeedDocumentId"] = result_id


def _apply(sandbox: Sandbox, seller_id: str, outcome: feed_documents.FeedOutcome) -> None:
    for shipment in outcome.shipments:
        order = sandbox.order(shipment.order_id, seller_id)
        if order is None:
            continue
        reference = str(len(order.packages) + 1)
        ship(
            sandbox,
            order,
            Package(
                reference,
                shipment.carrier_code,
                shipment.carrier_name or shipment.carrier_code,
                shipment.shipping_method or "",
                shipment.tracking_number,
                iso(shipment.ship_date),
                list(shipment.items),
            ),
        )
    for cancellation in outcome.cancellations:
        order = sandbox.order(cancellation.order_id, seller_id)
        if order is None:
            continue
        all_items = {item.order_item_id for item in order.items}
        if cancellation.order_item_ids and set(cancellation.order_item_ids) != all_items:
            continue  # partial cancellations are not simulated: the order keeps its lines
        order.canceled_by = "seller"
        sandbox.transition(order, "Canceled")
        sandbox.save_order(order)


def _public(feed: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "feedId",
        "feedType",
        "marketplaceIds",
        "createdTime",
        "processingStatus",
        "processingStartTime",
        "processingEndTime",
        "resultFeedDocumentId",
    )
    return {key: feed[key] for key in keys if key in feed}


def _feed(call: Call) -> dict[str, Any]:
    progress_feeds(call.sandbox, call.seller_id)
    feed = call.sandbox.state.get("feed", call.path_params["feedId"])
    if feed is None or feed["seller_id"] != call.seller_id:
        raise not_found("The feed was not found.")
    return feed


def get_feed(call: Call) -> Reply:
    return Reply(200, _public(_feed(call)))


def cancel_feed(call: Call) -> Reply:
    feed = _feed(call)
    if feed["processingStatus"] != "IN_QUEUE":
        raise ApiError(400, "InvalidInput", "The feed cannot be cancelled: it is no longer IN_QUEUE.")
    feed["processingStatus"] = "CANCELLED"
    call.sandbox.state.put("feed", feed["feedId"], call.seller_id, feed)
    return Reply(200)


def get_feeds(call: Call) -> Reply:
    progress_feeds(call.sandbox, call.seller_id)
    token = call.param("nextToken")
    if not token and not call.param_list("feedTypes"):
        raise invalid_input("feedTypes or nextToken is required.")
    query = _FeedQuery.from_token(token) if token else _FeedQuery.from_call(call)
    feeds = [feed for feed in call.sandbox.state.all("feed", call.seller_id) if query.matches(feed)]
    feeds.sort(key=lambda feed: (feed["createdTime"], feed["feedId"]), reverse=True)
    end = query.offset + query.page_size
    body: dict[str, Any] = {"feeds": [_public(feed) for feed in feeds[query.offset : end]]}
    if len(feeds) > end:
        body["nextToken"] = query.token_for(end)
    return Reply(200, body)


@dataclass(frozen=True)
class _FeedQuery:
    """getFeeds' filters; the nextToken carries them (Amazon wants nextToken alone on later pages)."""

    offset: int
    page_size: int
    types: tuple[str, ...]
    statuses: tuple[str, ...]
    marketplaces: tuple[str, ...]
    since: str
    until: str

    @classmethod
    def from_call(cls, call: Call) -> _FeedQuery:
        size_text = call.param("pageSize") or "10"
        if not size_text.isdigit() or not 1 <= int(size_text) <= 100:
            raise invalid_input("pageSize must be between 1 and 100.")
        statuses = tuple(call.param_list("processingStatuses"))
        if set(statuses) - set(STATUSES):
            raise invalid_input("Invalid processingStatuses.")
        since, until = created_window(call)
        types, marketplaces = tuple(call.param_list("feedTypes")), tuple(call.param_list("marketplaceIds"))
        return cls(0, int(size_text), types, statuses, marketplaces, iso(since), iso(until))

    @classmethod
    def from_token(cls, token: str) -> _FeedQuery:
        try:
            offset, size, types, statuses, marketplaces, since, until = token.split("|")
            return cls(
                int(offset),
                int(size),
                _split(types),
                _split(statuses),
                _split(marketplaces),
                since,
                until,
            )
        except ValueError as error:
            raise invalid_input("Invalid nextToken.") from error

    def token_for(self, offset: int) -> str:
        parts = (self.types, self.statuses, self.marketplaces)
        return "|".join(
            [str(offset), str(self.page_size), *(",".join(part) for part in parts), self.since, self.until]
        )

    def matches(self, feed: dict[str, Any]) -> bool:
        return (
            feed["feedType"] in self.types
            and (not self.statuses or feed["processingStatus"] in self.statuses)
            and (not self.marketplaces or bool(set(self.marketplaces) & set(feed["marketplaceIds"])))
            and parse_iso(self.since) <= parse_iso(feed["createdTime"]) <= parse_iso(self.until)
        )


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def get_feed_document(call: Call) -> Reply:
    document_id = call.path_params["feedDocumentId"]
    document = call.sandbox.state.get("document", document_id)
    if document is None or document["seller_id"] != call.seller_id:
        raise not_found("The feed document was not found.")
    expired = _url_expired(call)
    if document["kind"] == "feed-result":
        url = presigned_url(call.sandbox, call.base_url, "GET", "feed-results", document_id, expired=expired)
        return Reply(200, {"feedDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"})
    url = presigned_url(call.sandbox, call.base_url, "GET", "feed-documents", document_id, expired=expired)
    return Reply(200, {"feedDocumentId": document_id, "url": url})


def _url_expired(call: Call) -> bool:
    return call.sandbox.faults.take(call.operation_id, ("expired_url",)) is not None


OPERATIONS = [
    Operation("POST", BASE + "/documents", "createFeedDocument", create_feed_document),
    Operation("GET", BASE + "/documents/{feedDocumentId}", "getFeedDocument", get_feed_document),
    Operation("POST", BASE + "/feeds", "createFeed", create_feed),
    Operation("GET", BASE + "/feeds", "getFeeds", get_feeds),
    Operation("GET", BASE + "/feeds/{feedId}", "getFeed", get_feed),
    Operation("DELETE", BASE + "/feeds/{feedId}", "cancelFeed", cancel_feed),
]
