"""Orders API 2026-01-01: searchOrders (items embedded, `includedData`) and getOrder."""

from __future__ import annotations

from typing import Any

from sellersync.sandbox import render_2026
from sellersync.sandbox.api import Call, Operation, Reply, invalid_input, not_found
from sellersync.sandbox.routes import order_search
from sellersync.sandbox.routes.order_search import OrderQuery, WindowParams

BASE = "/orders/2026-01-01/orders"
STATUS_TO_V0 = {value: key for key, value in render_2026.FULFILLMENT_STATUSES.items()}
FULFILLED_BY_TO_V0 = {"AMAZON": "AFN", "MERCHANT": "MFN"}


def _included(call: Call) -> set[str]:
    included = set(call.param_list("includedData"))
    unknown = included - render_2026.INCLUDED_DATA
    if unknown:
        raise invalid_input(f"Invalid includedData: {', '.join(sorted(unknown))}.")
    return included


def search_orders(call: Call) -> Reply:
    now = call.sandbox.now()
    token = call.param("paginationToken")
    query = order_search.decode_token(token, call.seller_id) if token else _new_query(call)
    included = set(query.included)
    orders, next_token = order_search.run(query, call.sandbox.orders_of(call.seller_id), now)
    elements = call.data_elements()
    rendered = [render_2026.order(order, now, included, elements) for order in orders]
    if rendered and call.sandbox.faults.take(call.operation_id, ("invalid_order",)):
        rendered[0]["orderItems"][0]["product"]["price"]["unitPrice"]["amount"] = "12.3O"
    if rendered and call.sandbox.faults.take(call.operation_id, ("unknown_currency",)):
        _recurrency(_middle_booked_order(rendered), "XXX")
    body: dict[str, Any] = {"orders": rendered}
    body["lastUpdatedBefore" if query.by_update else "createdBefore"] = query.before
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    return Reply(200, body)


#: (fulfilledBy, fulfillmentStatus) of the orders that a seller's books take in: FBM to ship, FBA shipped.
_BOOKED = {("MERCHANT", "UNSHIPPED"), ("MERCHANT", "PARTIALLY_SHIPPED"), ("AMAZON", "SHIPPED")}


def _middle_booked_order(rendered: list[dict[str, Any]]) -> dict[str, Any]:
    """The middle order of a page, or the next one that the books take in (others may be skipped)."""
    middle = len(rendered) // 2
    for candidate in rendered[middle:] + rendered[:middle]:
        fulfillment = candidate.get("fulfillment", {})
        if (fulfillment.get("fulfilledBy"), fulfillment.get("fulfillmentStatus")) in _BOOKED:
            return candidate
    return rendered[middle]


def _recurrency(value: Any, code: str) -> None:
    """Every amount of an order in another currency (valid as a payload, unknown to the books)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "currencyCode":
                value[key] = code
            else:
                _recurrency(item, code)
    elif isinstance(value, list):
        for item in value:
            _recurrency(item, code)


def _new_query(call: Call) -> OrderQuery:
    statuses = call.param_list("fulfillmentStatuses")
    if set(statuses) - set(STATUS_TO_V0):
        raise invalid_input("Invalid fulfillmentStatuses.")
    fulfilled_by = call.param_list("fulfilledBy")
    if set(fulfilled_by) - set(FULFILLED_BY_TO_V0):
        raise invalid_input("fulfilledBy must be MERCHANT or AMAZON.")
    window = WindowParams(
        call.param("createdAfter"),
        call.param("createdBefore"),
        call.param("lastUpdatedAfter"),
        call.param("lastUpdatedBefore"),
    )
    by_update, after, before = order_search.resolve_window(window, call.sandbox.now(), False)
    return OrderQuery(
        call.seller_id,
        by_update,
        after,
        before,
        call.param_list("marketplaceIds"),
        [STATUS_TO_V0[status] for status in statuses],
        [FULFILLED_BY_TO_V0[value] for value in fulfilled_by],
        [],
        order_search.page_size(call.param("maxResultsPerPage")),
        sorted(_included(call)),
    )


def get_order(call: Call) -> Reply:
    order = call.sandbox.order(call.path_params["orderId"], call.seller_id)
    if order is None:
        raise not_found(f"Order {call.path_params['orderId']} was not found.")
    included = _included(call)
    rendered = render_2026.order(order, call.sandbox.now(), included, call.data_elements())
    fault = call.sandbox.faults.take(call.operation_id, ("invalid_order", "unknown_currency"))
    if fault == "invalid_order":
        rendered["orderItems"][0]["product"]["price"]["unitPrice"]["amount"] = "12.3O"
    elif fault == "unknown_currency":
        _recurrency(rendered, "XXX")
    return Reply(200, {"order": rendered})


OPERATIONS = [
    Operation("GET", BASE, "searchOrders", search_orders),
    Operation("GET", BASE + "/{orderId}", "orders_2026-01-01.getOrder", get_order),
]
