"""Orders API v0: getOrders, getOrder, address, buyer info, items, item buyer info, confirmShipment."""

from __future__ import annotations

from typing import Any

from sellersync.sandbox import render_v0
from sellersync.sandbox.api import Call, Operation, Reply, invalid_input, not_found
from sellersync.sandbox.records import Order
from sellersync.sandbox.routes import order_search
from sellersync.sandbox.routes.order_search import OrderQuery, WindowParams
from sellersync.sandbox.routes.shipping import confirm_shipment

BASE = "/orders/v0/orders"
V0_STATUSES = {
    "PendingAvailability",
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "InvoiceUnconfirmed",
    "Canceled",
    "Unfulfillable",
}


def get_orders(call: Call) -> Reply:
    now = call.sandbox.now()
    token = call.param("NextToken")
    query = order_search.decode_token(token, call.seller_id) if token else _new_query(call)
    orders, next_token = order_search.run(query, call.sandbox.orders_of(call.seller_id), now)
    rendered = [render_v0.order(order, now, call.data_elements()) for order in orders]
    if rendered and call.sandbox.faults.take(call.operation_id, ("invalid_order",)):
        rendered[0]["OrderTotal"]["Amount"] = "12.3O"
    payload: dict[str, Any] = {"Orders": rendered}
    payload["LastUpdatedBefore" if query.by_update else "CreatedBefore"] = query.before
    if next_token:
        payload["NextToken"] = next_token
    return Reply(200, {"payload": payload})


def _new_query(call: Call) -> OrderQuery:
    marketplace_ids = call.param_list("MarketplaceIds")
    if not marketplace_ids:
        raise invalid_input("Missing required parameter MarketplaceIds.")
    statuses = call.param_list("OrderStatuses")
    if set(statuses) - V0_STATUSES:
        raise invalid_input(f"Invalid OrderStatuses: {', '.join(sorted(set(statuses) - V0_STATUSES))}.")
    channels = call.param_list("FulfillmentChannels")
    if set(channels) - {"AFN", "MFN"}:
        raise invalid_input("FulfillmentChannels must be AFN or MFN.")
    order_ids = call.param_list("AmazonOrderIds")
    window = WindowParams(
        call.param("CreatedAfter"),
        call.param("CreatedBefore"),
        call.param("LastUpdatedAfter"),
        call.param("LastUpdatedBefore"),
    )
    by_update, after, before = order_search.resolve_window(window, call.sandbox.now(), bool(order_ids))
    return OrderQuery(
        call.seller_id,
        by_update,
        after,
        before,
        marketplace_ids,
        statuses,
        channels,
        order_ids,
        order_search.page_size(call.param("MaxResultsPerPage")),
    )


def find_order(call: Call) -> Order:
    order = call.sandbox.order(call.path_params["orderId"], call.seller_id)
    if order is None:
        raise not_found(f"Order {call.path_params['orderId']} was not found.")
    return order


def get_order(call: Call) -> Reply:
    order = find_order(call)
    return Reply(200, {"payload": render_v0.order(order, call.sandbox.now(), call.data_elements())})


def get_order_buyer_info(call: Call) -> Reply:
    order = find_order(call)
    info = render_v0.buyer_info(order, call.data_elements())
    return Reply(200, {"payload": {"AmazonOrderId": order.order_id, **info}})


def get_order_address(call: Call) -> Reply:
    order = find_order(call)
    payload: dict[str, Any] = {"AmazonOrderId": order.order_id}
    if order.status_at(call.sandbox.now()) in render_v0.ADDRESS_VISIBLE_STATUSES:
        payload["ShippingAddress"] = render_v0.address(order, call.data_elements())
    if order.buyer.company_name and "shippingAddress" in call.data_elements():
        payload["BuyerCompanyName"] = order.buyer.company_name
    return Reply(200, {"payload": payload})


def get_order_items(call: Call) -> Reply:
    order = find_order(call)
    now = call.sandbox.now()
    items = [render_v0.order_item(order, item, now, call.data_elements()) for item in order.items]
    return Reply(200, {"payload": {"AmazonOrderId": order.order_id, "OrderItems": items}})


def get_order_items_buyer_info(call: Call) -> Reply:
    order = find_order(call)
    elements = call.data_elements()
    items = [
        {"OrderItemId": item.order_item_id, **render_v0.item_buyer_info(order, item, elements)}
        for item in order.items
    ]
    return Reply(200, {"payload": {"AmazonOrderId": order.order_id, "OrderItems": items}})


def post_confirm_shipment(call: Call) -> Reply:
    order = find_order(call)
    confirm_shipment(call.sandbox, order, call.body)
    return Reply(204)


OPERATIONS = [
    Operation("GET", BASE, "getOrders", get_orders),
    Operation("GET", BASE + "/{orderId}", "ordersV0.getOrder", get_order),
    Operation("GET", BASE + "/{orderId}/buyerInfo", "getOrderBuyerInfo", get_order_buyer_info),
    Operation("GET", BASE + "/{orderId}/address", "getOrderAddress", get_order_address),
    Operation("GET", BASE + "/{orderId}/orderItems", "getOrderItems", get_order_items),
    Operation(
        "GET", BASE + "/{orderId}/orderItems/buyerInfo", "getOrderItemsBuyerInfo", get_order_items_buyer_info
    ),
    Operation("POST", BASE + "/{orderId}/shipmentConfirmation", "confirmShipment", post_confirm_shipment),
]
