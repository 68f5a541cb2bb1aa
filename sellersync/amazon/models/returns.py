"""Amazon's customer returns (the FBA customer returns report and the merchant-fulfilled returns report)
and what became of each: units back into the Amazon location or "Damaged at Amazon" (FBA), an incoming
return to receive at the warehouse (FBM), or the reason it could not be applied."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import FulfillmentChannel


class ReturnState(models.TextChoices):
    """What became of a returned row."""

    RESTOCKED = "restocked", _("Back in stock")  # FBA: the units moved into the Amazon location
    DAMAGED = "damaged", _("Damaged at Amazon")  # FBA: the units moved into the damaged location
    TO_RECEIVE = "to_receive", _("Incoming return")  # FBM: a return picking waits for the parcel
    FAILED = "failed", _("Failed")  # not applied: see the reason; tried again at the next import


class AmazonReturn(models.Model):
    """One row of an Amazon returns report, applied at most once (unique per account and row key)."""

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.PROTECT, related_name="returns", verbose_name=_("account")
    )
    row_key = models.CharField(_("report row key"), max_length=64, editable=False)
    channel = models.CharField(_("fulfillment channel"), max_length=3, choices=FulfillmentChannel.choices)
    amazon_order_id = models.CharField(_("Amazon order id"), max_length=40)
    sales_order = models.ForeignKey(
        "sales.SalesOrder",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amazon_returns",
        verbose_name=_("sales order"),
    )
    sku = models.CharField(_("SKU"), max_length=200)
    product = models.ForeignKey(
        "core.Product", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    quantity = models.IntegerField(_("quantity"))
    returned_at = models.DateTimeField(_("return date"), null=True, blank=True)
    disposition = models.CharField(_("disposition"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    amazon_status = models.CharField(_("Amazon's status"), max_length=100, blank=True)
    rma_id = models.CharField(_("return authorization (RMA)"), max_length=64, blank=True)
    carrier_name = models.CharField(_("return carrier"), max_length=64, blank=True)
    tracking_id = models.CharField(_("tracking id"), max_length=128, blank=True)
    fulfillment_center = models.CharField(_("fulfillment center"), max_length=16, blank=True)
    license_plate_number = models.CharField(_("license plate number"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ReturnState.choices)
    error = models.TextField(_("reason not applied"), blank=True)
    move = models.ForeignKey(
        "stock.Move", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("stock move")
    )
    picking = models.ForeignKey(
        "stock.Picking",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amazon_returns",
        verbose_name=_("incoming return"),
    )
    row = models.JSONField(_("report row"), default=dict)
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("Amazon return")
        verbose_name_plural = _("Amazon returns")
        ordering = ("-returned_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("account", "row_key"), name="%(app_label)s_%(class)s_unique_row"),
        ]
        indexes = [models.Index(fields=("account", "amazon_order_id"), name="amazon_return_order_idx")]

    def __str__(self) -> str:
        return f"{self.amazon_order_id} {self.sku} × {self.quantity}"


class ReturnsReportCursor(models.Model):
    """Where the returns import of an account stands, per report type: the end of the data already read
    and the report requested but not read yet (its period), with the last error."""

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.CASCADE, related_name="+", verbose_name=_("account")
    )
    report_type = models.CharField(_("report type"), max_length=80)
    read_until = models.DateTimeField(_("read until"), null=True, blank=True)
    pending_report_id = models.CharField(_("report requested"), max_length=64, blank=True)
    pending_start = models.DateTimeField(_("requested from"), null=True, blank=True)
    pending_end = models.DateTimeField(_("requested to"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("returns report cursor")
        verbose_name_plural = _("returns report cursors")
        ordering = ("account_id", "report_type", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("account", "report_type"), name="%(app_label)s_%(class)s_unique_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.report_type}"
