"""Shipping an order: confirmShipment's validation and the state change shared with fulfillment feeds."""

from __future__ import annotations

from typing import Any

from sellersync.sandbox.api import ApiError
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.records import Order, Package
from sellersync.sandbox.service import Sandbox

SHIPPABLE_STATUSES = {"Unshipped", "PartiallyShipped"}


def _invalid(details: str) -> ApiError:
    return ApiError(400, "InvalidInput", "Invalid Input", details)


def confirm_shipment(sandbox: Sandbox, order: Order, body: Any) -> None:
    """Validate a ConfirmShipmentRequest against the order and apply it; ApiError 400 when it is wrong."""
    if not isinstance(body, dict) or not isinstance(body.get("packageDetail"), dict):
        raise _invalid("packageDetail is required.")
    if body.get("marketplaceId") != order.marketplace_id:
        raise _invalid("marketplaceId does not match the order's marketplace.")
    detail: dict[str, Any] = body["packageDetail"]
    reference = str(detail.get("packageReferenceId", ""))
    if not reference.isdigit() or int(reference) < 1:
        raise _invalid("packageReferenceId must be a positive numeric string.")
    if any(package.package_reference_id == reference for package in order.packages):
        raise _invalid(f"packageReferenceId {reference} was already used for this order.")
    carrier_code = str(detail.get("carrierCode") or "")
    if not carrier_code:
        raise _invalid("carrierCode is required.")
    if carrier_code == "Other" and not detail.get("carrierName"):
        raise _invalid("carrierName is required when carrierCode is Other.")
    if not detail.get("trackingNumber"):
        raise _invalid("trackingNumber is required.")
    try:
        ship_date = parse_iso(str(detail.get("shipDate", "")))
    except ValueError as error:
        raise _invalid("shipDate must be an ISO 8601 date-time.") from error
    items = _items(order, detail.get("orderItems"), sandbox)
    ship(
        sandbox,
        order,
        Package(
            reference,
            carrier_code,
            str(detail.get("carrierName") or carrier_code),
            str(detail.get("shippingMethod") or ""),
            str(detail["trackingNumber"]),
            iso(ship_date),
            items,
        ),
    )


def _items(order: Order, requested: Any, sandbox: Sandbox) -> list[tuple[str, int]]:
    now = sandbox.now()
    if order.fulfillment_channel != "MFN":
        raise _invalid("Shipments can be confirmed only for merchant-fulfilled orders.")
    if order.status_at(now) not in SHIPPABLE_STATUSES:
        raise _invalid(f"The order is {order.status_at(now)}; only Unshipped or PartiallyShipped can ship.")
    if not isinstance(requested, list) or not requested:
        raise _invalid("orderItems is required.")
    by_id = {item.order_item_id: item for item in order.items}
    items: list[tuple[str, int]] = []
    for entry in requested:
        item = by_id.get(str(entry.get("orderItemId"))) if isinstance(entry, dict) else None
        if item is None:
            raise _invalid(
                f"orderItemId {entry.get('orderItemId') if isinstance(entry, dict) else entry} "
                "does not belong to this order."
            )
        quantity = entry.get("quantity")
        unshipped = item.quantity - order.shipped_quantity(item, now)
        if not isinstance(quantity, int) or not 1 <= quantity <= unshipped:
            raise _invalid(
                f"quantity for orderItemId {item.order_item_id} must be between 1 and {unshipped}."
            )
        items.append((item.order_item_id, quantity))
    return items


def ship(sandbox: Sandbox, order: Order, package: Package) -> None:
    """Record the package; the order becomes Shipped when every unit shipped, else PartiallyShipped."""
    order.packages = order.packages_by(sandbox.now()) + [package]
    complete = all(
        sum(
            quantity
            for shipped in order.packages
            for item_id, quantity in shipped.items
            if item_id == item.order_item_id
        )
        >= item.quantity
        for item in order.items
    )
    sandbox.transition(order, "Shipped" if complete else "PartiallyShipped")
    sandbox.save_order(order)
