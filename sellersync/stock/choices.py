"""Vocabularies of locations, pickings and moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    """What a location stands for; only internal locations hold stock on hand."""

    # A place of ours that holds stock (a warehouse shelf, Amazon's warehouses for FBA).
    INTERNAL = "internal", _("Internal")
    # Where goods go when sold: they leave our stock.
    CUSTOMER = "customer", _("Customer")
    # Where purchased goods come from.
    VENDOR = "vendor", _("Vendor")
    # The counterpart of inventory adjustments (found or lost goods).
    INVENTORY_ADJUSTMENT = "inventory", _("Inventory adjustment")
    # Goods on their way between two internal locations.
    TRANSIT = "transit", _("Transit")


class PickingKind(models.TextChoices):
    """The direction of a picking."""

    # A delivery to a customer.
    OUTGOING = "outgoing", _("Delivery")
    # A receipt from a vendor.
    INCOMING = "incoming", _("Receipt")
    # A transfer between our own locations (e.g. replenishing Amazon).
    INTERNAL = "internal", _("Internal transfer")


class PickingState(models.TextChoices):
    """Where a picking is in its life."""

    # Being prepared, may still change.
    DRAFT = "draft", _("Draft")
    # Waiting to be shipped or received.
    READY = "ready", _("Ready")
    # Goods moved: quantities are final.
    DONE = "done", _("Done")
    # Given up: nothing moved.
    CANCELED = "canceled", _("Canceled")


class MoveState(models.TextChoices):
    """Where a stock move is in its life; only done moves change quantities on hand."""

    # Planned, not yet reserved for shipping.
    DRAFT = "draft", _("Draft")
    # Planned and waiting to be done.
    READY = "ready", _("Ready")
    # Goods moved.
    DONE = "done", _("Done")
    # Given up.
    CANCELED = "canceled", _("Canceled")
