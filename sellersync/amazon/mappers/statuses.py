"""Orders 2026-01-01 vocabularies translated to the Orders v0 words the rest of sellersync uses."""

from __future__ import annotations

# fulfillment.fulfillmentStatus (2026-01-01) -> OrderStatus (v0).
V0_STATUS_BY_FULFILLMENT_STATUS: dict[str, str] = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}

# fulfillment.fulfilledBy (2026-01-01) -> FulfillmentChannel (v0).
CHANNEL_BY_FULFILLED_BY: dict[str, str] = {"AMAZON": "AFN", "MERCHANT": "MFN"}

# v0 statuses in which Amazon may leave the order total and item prices out.
STATUSES_WITHOUT_PRICES = frozenset({"Pending", "PendingAvailability", "Canceled"})


def v0_status(fulfillment_status: str) -> str | None:
    """The v0 status for a 2026-01-01 fulfillment status; None when Amazon sent a value we do not know."""
    return V0_STATUS_BY_FULFILLMENT_STATUS.get(fulfillment_status)


def fulfillment_channel(fulfilled_by: str) -> str | None:
    """ "AFN" (fulfilled by Amazon) or "MFN" (by the merchant); None for an unknown value."""
    return CHANNEL_BY_FULFILLED_BY.get(fulfilled_by)
