"""FBA inventory as Amazon counts it, beside our count of the account's Amazon location, per SKU."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import QUANTITY_DIGITS


class FbaInventoryLevel(models.Model):
    """The last FBA inventory Amazon reported for one SKU of an account, and how far ours is from it.

    `amazon_total` is Amazon's totalQuantity (fulfillable + reserved for orders + inbound), the units our
    Amazon location should hold once transfers to Amazon are done. `difference` compares per product:
    the sum of Amazon's totals over the product's SKUs minus the product's stock on hand in the location
    (positive: Amazon has more than we think).
    """

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.CASCADE, related_name="fba_levels", verbose_name=_("account")
    )
    sku = models.CharField(_("SKU"), max_length=200)
    marketplace_id = models.CharField(_("marketplace id"), max_length=20)
    product = models.ForeignKey(
        "core.Product", models.PROTECT, null=True, blank=True, verbose_name=_("product"), related_name="+"
    )
    amazon_fulfillable = models.IntegerField(_("fulfillable on Amazon"), default=0)
    amazon_total = models.IntegerField(_("total on Amazon"), default=0)
    our_quantity = models.DecimalField(_("our quantity"), **QUANTITY_DIGITS, default=0)
    difference = models.DecimalField(_("difference"), **QUANTITY_DIGITS, default=0)
    fetched_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("FBA inventory level")
        verbose_name_plural = _("FBA inventory levels")
        ordering = ("account_id", "sku", "pk")
        constraints = [
            models.UniqueConstraint(fields=("account", "sku"), name="%(app_label)s_%(class)s_unique_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.sku}: {self.amazon_total}"
