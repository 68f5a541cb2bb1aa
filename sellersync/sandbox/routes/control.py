"""The control API `/_sandbox/...`: what tests and demos use to drive the simulated world (no auth)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sellersync.sandbox.clock import iso
from sellersync.sandbox.generators import OrderOptions
from sellersync.sandbox.money import order_total
from sellersync.sandbox.records import Order, Package
from sellersync.sandbox.refunds import Refund, RefundRequestError, order_refunds, plan_refund
from sellersync.sandbox.returns import ReturnRefused, record_return
from sellersync.sandbox.routes.finances import stored_refunds
from sellersync.sandbox.routes.shipping import SHIPPABLE_STATUSES, ship
from sellersync.sandbox.service import Sandbox
from sellersync.sandbox.settlements import refund_event, shipment_time


class ControlError(Exception):
    """A bad control request; answered 400 (or `status`) with {"error": message}."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


Endpoint = Callable[[Request], Awaitable[Response]]


def _json_endpoint(handler: Callable[[Request, Any], Any]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else {}
            result = handler(request, body)
        except (ValueError, TypeError, KeyError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except ControlError as error:
            return JSONResponse({"error": str(error)}, status_code=error.status)
        return JSONResponse(result)

    return endpoint


def routes(sandbox: Sandbox) -> list[Route]:
    def sellers(request: Request, body: Any) -> Any:
        return [seller.to_json() for seller in sandbox.sellers()]

    def reset(request: Request, body: Any) -> Any:
        sandbox.reset()
        return {"reset": True, "sellers": len(sandbox.sellers())}

    def create_orders(request: Request, body: Any) -> Any:
        seller = sandbox.seller(str(body.get("seller_id", "")))
        if seller is None:
            raise ControlError("unknown seller_id", 404)
        count = int(body.get("count", 1))
        if not 1 <= count <= 1000:
            raise ControlError("count must be between 1 and 1000")
        options = OrderOptions(
            marketplace_id=body.get("marketplace_id"),
            fulfillment_channel=body.get("fulfillment_channel"),
            status=body.get("status"),
            is_business=body.get("is_business"),
            gift_message=body.get("gift_message") or None,
        )
        if options.marketplace_id and options.marketplace_id not in seller.marketplace_ids:
            raise ControlError("the seller does not sell in that marketplace")
        if options.fulfillment_channel not in (None, "AFN", "MFN"):
            raise ControlError("fulfillment_channel must be AFN or MFN")
        if options.status not in (None, "Pending", "Unshipped", "Shipped", "Canceled"):
            raise ControlError("status must be Pending, Unshipped, Shipped or Canceled")
        orders = sandbox.create_orders(seller, count, options)
        return {"order_ids": [order.order_id for order in orders]}

    def advance(request: Request, body: Any) -> Any:
        seconds = float(body.get("seconds", 0))
        if seconds < 0:
            raise ControlError("seconds must not be negative")
        now = sandbox.clock.advance(seconds)
        sandbox.remember_clock()
        return {"now": iso(now)}

    def clock(request: Request, body: Any) -> Any:
        return {
            "now": iso(sandbox.now()),
            "time_scale": sandbox.clock.time_scale,
            "running": sandbox.clock.running,
        }

    def run_clock(request: Request, body: Any) -> Any:
        running = body.get("running")
        if not isinstance(running, bool):
            raise ControlError("running must be true or false")
        sandbox.clock.run(running)
        return clock(request, body)

    def faults(request: Request, body: Any) -> Any:
        timeout = body.get("timeout_seconds")
        fault = sandbox.faults.arm(
            str(body.get("operation", "*")),
            str(body.get("kind")),
            int(body.get("times", 1)),
            None if timeout is None else float(timeout),
        )
        return {"armed": [armed.to_json() for armed in sandbox.faults.armed()], "added": fault.to_json()}

    def armed_faults(request: Request, body: Any) -> Any:
        return {"armed": [armed.to_json() for armed in sandbox.faults.armed()]}

    def clear_faults(request: Request, body: Any) -> Any:
        return {"cleared": sandbox.faults.clear(), "armed": []}

    def stats(request: Request, body: Any) -> Any:
        keys = sorted(set(sandbox.limiter.calls) | set(sandbox.limiter.throttled))
        return [
            {
                "seller_id": seller_id,
                "operation": operation,
                "calls": sandbox.limiter.calls[(seller_id, operation)],
                "throttled": sandbox.limiter.throttled[(seller_id, operation)],
            }
            for seller_id, operation in keys
        ]

    def cancel(request: Request, body: Any) -> Any:
        order = _order(request)
        by = body.get("by", "buyer")
        if by not in ("buyer", "amazon"):
            raise ControlError("by must be buyer or amazon")
        if order.status_at(sandbox.now()) not in ("Pending", "Unshipped"):
            raise ControlError(f"a {order.status_at(sandbox.now())} order cannot be canceled", 409)
        order.canceled_by = by
        if by == "buyer":
            for item in order.items:
                item.buyer_requested_cancel = True
                item.buyer_cancel_reason = str(body.get("reason") or "Order placed by mistake")
        sandbox.transition(order, "Canceled")
        sandbox.save_order(order)
        return {"order_id": order.order_id, "status": "Canceled"}

    def list_orders(request: Request, body: Any) -> Any:
        seller_ids = [request.query_params["seller_id"]] if "seller_id" in request.query_params else None
        now = sandbox.now()
        return [
            _truth(order, now)
            for seller_id in seller_ids or [seller.seller_id for seller in sandbox.sellers()]
            for order in sorted(sandbox.orders_of(seller_id), key=lambda order: order.order_id)
        ]

    def list_feeds(request: Request, body: Any) -> Any:
        seller_ids = [request.query_params["seller_id"]] if "seller_id" in request.query_params else None
        keys = ("feedId", "seller_id", "feedType", "marketplaceIds", "createdTime", "inputFeedDocumentId")
        return [
            {key: feed[key] for key in keys}
            for seller_id in seller_ids or [seller.seller_id for seller in sandbox.sellers()]
            for feed in sorted(sandbox.state.all("feed", seller_id), key=lambda feed: feed["createdTime"])
        ]

    def ship_order(request: Request, body: Any) -> Any:
        order = _order(request)
        status = order.status_at(sandbox.now())
        if order.fulfillment_channel == "MFN":
            if status not in SHIPPABLE_STATUSES:
                raise ControlError(f"only an unshipped FBM order can be shipped (this one: {status})", 409)
            ship(sandbox, order, _package(order, body.get("items")))
            return {"order_id": order.order_id, "status": order.status_at(sandbox.now())}
        if status not in {"Pending", *SHIPPABLE_STATUSES}:
            raise ControlError(
                f"only a pending or unshipped FBA order can be shipped (this one: {status})", 409
            )
        sandbox.transition(order, "Shipped")
        sandbox.save_order(order)
        return {"order_id": order.order_id, "status": "Shipped"}

    def refund(request: Request, body: Any) -> Any:
        order = _order(request)
        now = sandbox.now()
        shipped_at = shipment_time(order, now)
        if shipped_at is None:
            raise ControlError(
                f"only a shipped order can be refunded (this one: {order.status_at(now)})", 409
            )
        explicit = stored_refunds(sandbox.state, order.seller_id).get(order.order_id, [])
        # a generated refund not posted yet gives way to the test's (see refunds.order_refunds)
        earlier = [
            refund
            for refund in order_refunds(order, shipped_at, explicit)
            if not refund.generated or refund.posted <= now
        ]
        try:
            planned = plan_refund(order, body, earlier, now)
        except RefundRequestError as error:
            raise ControlError(str(error)) from error
        sandbox.state.put("refund", planned.refund_id, order.seller_id, planned.to_json())
        return _refund_truth(order, planned)

    def refunds(request: Request, body: Any) -> Any:
        order = _order(request)
        now = sandbox.now()
        explicit = stored_refunds(sandbox.state, order.seller_id).get(order.order_id, [])
        shipped_at = shipment_time(order, now)
        return [_refund_truth(order, each) for each in order_refunds(order, shipped_at, explicit)]

    def return_order(request: Request, body: Any) -> Any:
        """A customer return of shipped units (sandbox/returns.py): FBA with a disposition, FBM an RMA."""
        order = _order(request)
        try:
            customer_return = record_return(sandbox, order, body)
        except ReturnRefused as error:
            raise ControlError(str(error), 409) from error
        return customer_return.to_json()

    def _package(order: Order, requested: Any) -> Package:
        """What Seller Central ships: the units asked for ({order_item_id: quantity}), else all unshipped."""
        now = sandbox.now()
        unshipped = {
            item.order_item_id: item.quantity - order.shipped_quantity(item, now) for item in order.items
        }
        wanted = {str(key): int(value) for key, value in (requested or unshipped).items()}
        for item_id, quantity in wanted.items():
            if not 0 <= quantity <= unshipped.get(item_id, -1):
                raise ControlError(f"item {item_id}: {quantity} is not between 0 and its unshipped quantity")
        items = [(item_id, quantity) for item_id, quantity in wanted.items() if quantity]
        if not items:
            raise ControlError("nothing to ship")
        reference = str(len(order.packages) + 1)
        return Package(
            reference, "UPS", "UPS", "Ground", f"1ZSC{order.order_id[-7:]}{reference}", iso(now), items
        )

    def _order(request: Request) -> Order:
        data = sandbox.state.get("order", request.path_params["order_id"])
        if data is None:
            raise ControlError("unknown order", 404)
        return Order.from_json(data)

    return [
        Route("/_sandbox/sellers", _json_endpoint(sellers), methods=["GET"]),
        Route("/_sandbox/reset", _json_endpoint(reset), methods=["POST"]),
        Route("/_sandbox/orders", _json_endpoint(create_orders), methods=["POST"]),
        Route("/_sandbox/orders", _json_endpoint(list_orders), methods=["GET"]),
        Route("/_sandbox/advance", _json_endpoint(advance), methods=["POST"]),
        Route("/_sandbox/clock", _json_endpoint(clock), methods=["GET"]),
        Route("/_sandbox/clock", _json_endpoint(run_clock), methods=["POST"]),
        Route("/_sandbox/faults", _json_endpoint(faults), methods=["POST"]),
        Route("/_sandbox/faults", _json_endpoint(armed_faults), methods=["GET"]),
        Route("/_sandbox/faults", _json_endpoint(clear_faults), methods=["DELETE"]),
        Route("/_sandbox/stats", _json_endpoint(stats), methods=["GET"]),
        Route("/_sandbox/feeds", _json_endpoint(list_feeds), methods=["GET"]),
        Route("/_sandbox/orders/{order_id}/cancel", _json_endpoint(cancel), methods=["POST"]),
        Route("/_sandbox/orders/{order_id}/ship", _json_endpoint(ship_order), methods=["POST"]),
        Route("/_sandbox/orders/{order_id}/refund", _json_endpoint(refund), methods=["POST"]),
        Route("/_sandbox/orders/{order_id}/refunds", _json_endpoint(refunds), methods=["GET"]),
        Route("/_sandbox/orders/{order_id}/return", _json_endpoint(return_order), methods=["POST"]),
    ]


def _refund_truth(order: Order, refund: Refund) -> dict[str, Any]:
    """A refund as the control API shows it: its lines, its posting, the event Amazon posts and its total."""
    event = refund_event(order, refund)
    return {
        **refund.to_json(),
        "currency": order.currency,
        "total": str(event.total),
        "event": event.body,
    }


def _truth(order: Order, now: datetime) -> dict[str, Any]:
    """What Amazon knows of an order now: status, money, shipped units (for tests comparing the books)."""
    return {
        "order_id": order.order_id,
        "seller_id": order.seller_id,
        "marketplace_id": order.marketplace_id,
        "fulfillment_channel": order.fulfillment_channel,
        "status": order.status_at(now),
        "purchase_date": order.purchase_date,
        "last_update": iso(order.last_update(now)),
        "currency": order.currency,
        "order_total": str(order_total(order)),
        "items": [
            {
                "order_item_id": item.order_item_id,
                "quantity": item.quantity,
                "shipped": order.shipped_quantity(item, now),
            }
            for item in order.items
        ],
        "packages": [package.package_reference_id for package in order.packages_by(now)],
    }
