"""Vocabularies of the core master data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductType(models.TextChoices):
    """What kind of thing a product is, which decides whether it is tracked in stock."""

    # Goods whose quantity on hand is tracked per location.
    STOCKABLE = "stockable", _("Stockable")
    # Goods that are moved but whose quantity on hand is not managed.
    CONSUMABLE = "consumable", _("Consumable")
    # Work or fees (shipping, gift wrap): never moved in stock.
    SERVICE = "service", _("Service")
