"""Vocabularies of the sales reporting dashboard."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """What sales are grouped by (one row per group and currency)."""

    # The Amazon account (registration) the order came through.
    ACCOUNT = "account", _("Amazon account")
    # The Amazon marketplace the order was placed on.
    MARKETPLACE = "marketplace", _("Marketplace")
    # The sales team of the order (one per account when the seller wants separate reporting).
    TEAM = "team", _("Sales team")
    # Fulfilled by Amazon (FBA) or by the merchant (FBM).
    CHANNEL = "channel", _("Fulfillment channel")
    # The calendar day of the order date (in the site's time zone).
    DAY = "day", _("Day")
    # The calendar month of the order date (in the site's time zone).
    MONTH = "month", _("Month")


TIME_DIMENSIONS = (Dimension.DAY, Dimension.MONTH)
