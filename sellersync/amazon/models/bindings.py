"""Bindings: an Amazon order bound to its local sales order, exactly once per account."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import FulfillmentChannel, OrderSyncState
from sellersync.amazon.fields import EncryptedTextField


class AmazonOrder(models.Model):
    """An Amazon order of an account and the sales order it became.

    Unique per (account, Amazon order id): fetching an order twice, or two workers at once, never
    duplicates it.
    A failed order keeps its binding (without sales order) so that it is retried and visible; past a bound
    of attempts or days it "needs attention" (no more automatic retries) until a look at it succeeds.
    """

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.PROTECT, related_name="orders", verbose_name=_("account")
    )
    amazon_id = models.CharField(_("Amazon order id"), max_length=40)
    sales_order = models.OneToOneField(
        "sales.SalesOrder",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amazon_order",
        verbose_name=_("sales order"),
    )
    marketplace_id = models.CharField(_("marketplace id"), max_length=20, blank=True)
    fulfillment_channel = models.CharField(
        _("fulfillment channel"), max_length=3, choices=FulfillmentChannel.choices, blank=True
    )
    amazon_status = models.CharField(_("Amazon status"), max_length=30, blank=True)
    purchase_date = models.DateTimeField(_("purchase date"), null=True, blank=True)
    amazon_updated_at = models.DateTimeField(_("last update on Amazon"), null=True, blank=True)
    is_business_order = models.BooleanField(_("business order"), default=False)
    is_prime = models.BooleanField(_("Prime"), default=False)
    buyer_vat_number = models.CharField(_("buyer VAT number"), max_length=40, blank=True)
    latest_ship_date = models.DateTimeField(_("ship by"), null=True, blank=True)
    latest_delivery_date = models.DateTimeField(_("deliver by"), null=True, blank=True)
    sync_state = models.CharField(
        _("sync state"), max_length=12, choices=OrderSyncState.choices, default=OrderSyncState.SYNCED
    )
    last_error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    failed_since = models.DateTimeField(
        _("failing since"), null=True, blank=True, help_text=_("First failure of the current series")
    )
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    synced_at = models.DateTimeField(_("synchronized at"), auto_now=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("A tax amount matched no official rate: it was booked as Amazon stated it; check it."),
    )
    review_reason = models.TextField(_("review reason"), blank=True)

    class Meta:
        verbose_name = _("Amazon order")
        verbose_name_plural = _("Amazon orders")
        ordering = ("-purchase_date", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("account", "amazon_id"), name="%(app_label)s_%(class)s_unique_binding"
            ),
        ]
        indexes = [
            models.Index(fields=("sync_state", "next_retry_at"), name="amazon_order_retry_idx"),
            models.Index(
                fields=("-purchase_date", "id"), name="amazon_order_purchase_idx"
            ),  # the list's order
        ]

    def __str__(self) -> str:
        return self.amazon_id


class AmazonOrderEvent(models.Model):
    """One version of an Amazon order as received: its status history and raw payload.

    The payload is kept without buyer data; buyer data (if any) is encrypted apart and erased on request or
    after the company's retention period.
    """

    order = models.ForeignKey(
        AmazonOrder, models.CASCADE, related_name="events", verbose_name=_("Amazon order")
    )
    amazon_status = models.CharField(_("Amazon status"), max_length=30)
    amazon_updated_at = models.DateTimeField(_("last update on Amazon"))
    api_version = models.CharField(_("API version"), max_length=12)
    payload = models.JSONField(_("payload (without buyer data)"))
    buyer_data = EncryptedTextField(_("buyer data (encrypted)"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Amazon order version")
        verbose_name_plural = _("Amazon order versions")
        ordering = ("order_id", "amazon_updated_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("order", "amazon_updated_at", "amazon_status"),
                name="%(app_label)s_%(class)s_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.amazon_status} @ {self.amazon_updated_at:%Y-%m-%d %H:%M}"
