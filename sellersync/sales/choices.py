"""Vocabularies of sales orders."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderState(models.TextChoices):
    """Where a sales order is in its life."""

    # Being prepared: lines may change, nothing is promised yet.
    DRAFT = "draft", _("Quotation")
    # Promised to the customer: deliveries and invoices follow.
    CONFIRMED = "confirmed", _("Sales order")
    # Closed: fully handled, locked against changes.
    DONE = "done", _("Locked")
    # Given up (by the customer, the marketplace or us): nothing more happens.
    CANCELED = "canceled", _("Canceled")


class DeliveryStatus(models.TextChoices):
    """How much of what was ordered has left the warehouse (derived, see status.py)."""

    # Nothing delivered yet (or nothing to deliver).
    NOTHING = "nothing", _("Not delivered")
    # Some goods delivered, some still to go.
    PARTIAL = "partial", _("Partially delivered")
    # Everything ordered has been delivered.
    FULL = "full", _("Fully delivered")


class LineKind(models.TextChoices):
    """What an order line stands for; only product lines are delivered."""

    # Goods sold.
    PRODUCT = "product", _("Product")
    # Shipping fee charged to the customer.
    SHIPPING = "shipping", _("Shipping")
    # Gift wrapping fee charged to the customer.
    GIFT_WRAP = "gift_wrap", _("Gift wrap")
    # A discount (negative amount) granted by a promotion.
    PROMOTION = "promotion", _("Promotion")


class OrderEventKind(models.TextChoices):
    """What happened to a sales order (its audit trail)."""

    # The order was created.
    CREATED = "created", _("Created")
    # The order was confirmed.
    CONFIRMED = "confirmed", _("Confirmed")
    # The order was canceled.
    CANCELED = "canceled", _("Canceled")
    # The order was locked as done.
    DONE = "done", _("Locked")
    # Goods of the order were delivered.
    DELIVERED = "delivered", _("Delivered")
