"""getOrders / searchOrders filtering and keyset pagination shared by both Orders API versions.

A page token freezes the query, including the upper time bound actually applied, and the last
(sort time, order id) seen, so the next page is the same even if orders change in between.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sellersync.sandbox.api import ApiError, invalid_input
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.records import Order

MIN_DISTANCE_FROM_NOW = timedelta(minutes=2)
MAX_PAGE_SIZE = 100


@dataclass
class OrderQuery:
    """The filters of one search; `by_update` chooses LastUpdated* (sorted by update) or Created*."""

    seller_id: str
    by_update: bool
    after: str
    before: str
    marketplace_ids: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    page_size: int = MAX_PAGE_SIZE
    included: list[str] = field(default_factory=list)
    last_key: tuple[str, str] | None = None


@dataclass
class WindowParams:
    """The raw time window parameters of a request."""

    created_after: str | None
    created_before: str | None
    updated_after: str | None
    updated_before: str | None


def resolve_window(params: WindowParams, now: datetime, ids_given: bool) -> tuple[bool, str, str]:
    """Check Amazon's rules on the time window; returns (by_update, after, before-applied)."""
    created = params.created_after or params.created_before
    updated = params.updated_after or params.updated_before
    if created and updated:
        raise invalid_input("LastUpdatedAfter/Before cannot be combined with CreatedAfter/Before.")
    after_text = params.updated_after if updated else params.created_after
    if not after_text and not ids_given:
        raise invalid_input("Exactly one of CreatedAfter and LastUpdatedAfter must be specified.")
    latest = now - MIN_DISTANCE_FROM_NOW
    after = _parse(after_text, "After") if after_text else datetime.fromtimestamp(0, latest.tzinfo)
    before_text = params.updated_before if updated else params.created_before
    before = _parse(before_text, "Before") if before_text else latest
    if before > latest:
        raise invalid_input("Before date must be at least 2 minutes before the time of the request.")
    if after > before:
        raise invalid_input("After date must be before the Before date.")
    return bool(updated), iso(after), iso(before)


def _parse(text: str, label: str) -> datetime:
    try:
        return parse_iso(text)
    except ValueError as error:
        raise invalid_input(f"Invalid {label} date: {text!r} is not ISO 8601.") from error


def page_size(text: str | None) -> int:
    if text is None:
        return MAX_PAGE_SIZE
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise invalid_input("MaxResultsPerPage must be between 1 and 100.")
    return int(text)


def run(query: OrderQuery, orders: list[Order], now: datetime) -> tuple[list[Order], str | None]:
    """One page of matching orders, sorted by (sort time, id), and the token of the next page."""
    keyed = sorted(
        (
            (_sort_time(order, query, now), order.order_id, order)
            for order in orders
            if _matches(order, query, now)
        ),
        key=lambda entry: (entry[0], entry[1]),
    )
    if query.last_key is not None:
        last = query.last_key
        keyed = [entry for entry in keyed if (entry[0], entry[1]) > last]
    page = keyed[: query.page_size]
    if len(keyed) <= query.page_size:
        return [entry[2] for entry in page], None
    next_query = OrderQuery(**{**asdict(query), "last_key": (page[-1][0], page[-1][1])})
    return [entry[2] for entry in page], encode_token(next_query)


def _sort_time(order: Order, query: OrderQuery, now: datetime) -> str:
    return iso(order.last_update(now)) if query.by_update else order.purchase_date


def _matches(order: Order, query: OrderQuery, now: datetime) -> bool:
    moment = _sort_time(order, query, now)
    if not query.after <= moment <= query.before:
        return False
    if query.marketplace_ids and order.marketplace_id not in query.marketplace_ids:
        return False
    if query.statuses and order.status_at(now) not in query.statuses:
        return False
    if query.channels and order.fulfillment_channel not in query.channels:
        return False
    return not query.order_ids or order.order_id in query.order_ids


def encode_token(query: OrderQuery) -> str:
    return base64.urlsafe_b64encode(json.dumps(asdict(query)).encode()).decode()


def decode_token(token: str, seller_id: str) -> OrderQuery:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        query = OrderQuery(**data)
    except (ValueError, TypeError, binascii.Error) as error:
        raise ApiError(400, "InvalidInput", "Invalid NextToken.", "The token is malformed.") from error
    if query.seller_id != seller_id:
        raise ApiError(400, "InvalidInput", "Invalid NextToken.", "The token belongs to another seller.")
    query.last_key = tuple(query.last_key) if query.last_key else None  # type: ignore[assignment]
    return query
