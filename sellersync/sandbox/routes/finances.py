"""Finances API v0: financial event groups (payouts) and financial events, derived from the seller's orders.

The money itself is computed in `sellersync.sandbox.settlements`; this module reads the query, filters,
pages (NextToken = an offset) and wraps the result in Amazon's `{"payload": ...}`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sellersync.sandbox.api import Call, Operation, Reply, invalid_input
from sellersync.sandbox.clock import parse_iso
from sellersync.sandbox.refunds import Refund
from sellersync.sandbox.settlements import Event, Group, render_events, seller_events, seller_groups
from sellersync.sandbox.state import SandboxState

BASE = "/finances/v0"
GROUPS_PAGE_DEFAULT = 10
EVENTS_PAGE_DEFAULT = 100
MAX_WINDOW = timedelta(days=180)
POSTED_BEFORE_MARGIN = timedelta(minutes=2)


def _page_size(call: Call, default: int) -> int:
    text = call.param("MaxResultsPerPage")
    if text is None:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise invalid_input("MaxResultsPerPage must be between 1 and 100.")
    return int(text)


def _offset(call: Call) -> int:
    token = call.param("NextToken")
    if token is None:
        return 0
    if not token.isdigit():
        raise invalid_input("Invalid NextToken.")
    return int(token)


def _moment(call: Call, name: str) -> datetime | None:
    text = call.param(name)
    if text is None:
        return None
    try:
        return parse_iso(text)
    except ValueError as error:
        raise invalid_input(f"{name} is not an ISO 8601 date-time.") from error


def stored_refunds(state: SandboxState, seller_id: str) -> dict[str, list[Refund]]:
    """The refunds tests made through the control API (`POST /_sandbox/orders/{id}/refund`), by order id."""
    refunds: dict[str, list[Refund]] = {}
    for data in state.all("refund", seller_id):
        refund = Refund.from_json(data)
        refunds.setdefault(refund.order_id, []).append(refund)
    return refunds


def _events(call: Call) -> list[Event]:
    seller = call.sandbox.seller(call.seller_id)
    if seller is None:
        return []
    orders = call.sandbox.orders_of(call.seller_id)
    return seller_events(
        seller, orders, call.sandbox.now(), stored_refunds(call.sandbox.state, call.seller_id)
    )


def _groups(call: Call) -> list[Group]:
    seller = call.sandbox.seller(call.seller_id)
    return [] if seller is None else seller_groups(seller, _events(call), call.sandbox.now())


def list_financial_event_groups(call: Call) -> Reply:
    size, offset = _page_size(call, GROUPS_PAGE_DEFAULT), _offset(call)
    after = _moment(call, "FinancialEventGroupStartedAfter")
    before = _moment(call, "FinancialEventGroupStartedBefore")
    if after and before and before <= after:
        raise invalid_input("FinancialEventGroupStartedBefore must be after FinancialEventGroupStartedAfter.")
    groups = [
        group
        for group in _groups(call)
        if (after is None or group.start >= after) and (before is None or group.start < before)
    ]
    now = call.sandbox.now()
    payload: dict[str, Any] = {
        "FinancialEventGroupList": [group.render(now) for group in groups[offset : offset + size]]
    }
    if len(groups) > offset + size:
        payload["NextToken"] = str(offset + size)
    return Reply(200, {"payload": payload})


def _posted_window(call: Call) -> tuple[datetime | None, datetime | None]:
    after, before = _moment(call, "PostedAfter"), _moment(call, "PostedBefore")
    if before is not None and before > call.sandbox.now() - POSTED_BEFORE_MARGIN:
        raise invalid_input("PostedBefore must be at least 2 minutes before the time of the request.")
    if after is not None and before is not None and before <= after:
        raise invalid_input("PostedBefore must be after PostedAfter.")
    return after, before


def _page_of_events(call: Call, events: list[Event]) -> Reply:
    size, offset = _page_size(call, EVENTS_PAGE_DEFAULT), _offset(call)
    after, before = _posted_window(call)
    if after is not None and before is not None and before - after > MAX_WINDOW:
        events = []  # Amazon answers an empty list when the window is longer than 180 days
    chosen = [
        event
        for event in events
        if (after is None or event.posted >= after) and (before is None or event.posted < before)
    ]
    payload: dict[str, Any] = {"FinancialEvents": render_events(chosen[offset : offset + size])}
    if len(chosen) > offset + size:
        payload["NextToken"] = str(offset + size)
    return Reply(200, {"payload": payload})


def list_financial_events(call: Call) -> Reply:
    return _page_of_events(call, _events(call))


def list_financial_events_by_group_id(call: Call) -> Reply:
    group_id = call.path_params["eventGroupId"]
    group = next((group for group in _groups(call) if group.group_id == group_id), None)
    return _page_of_events(call, list(group.events) if group else [])


def list_financial_events_by_order_id(call: Call) -> Reply:
    order_id = call.path_params["orderId"]
    return _page_of_events(call, [event for event in _events(call) if event.order_id == order_id])


OPERATIONS = [
    Operation("GET", BASE + "/financialEventGroups", "listFinancialEventGroups", list_financial_event_groups),
    Operation(
        "GET",
        BASE + "/financialEventGroups/{eventGroupId}/financialEvents",
        "listFinancialEventsByGroupId",
        list_financial_events_by_group_id,
    ),
    Operation(
        "GET",
        BASE + "/orders/{orderId}/financialEvents",
        "listFinancialEventsByOrderId",
        list_financial_events_by_order_id,
    ),
    Operation("GET", BASE + "/financialEvents", "listFinancialEvents", list_financial_events),
]
