"""Amazon's refunds (Finances API refund events) and the credit notes they became.

One row per refund, unique per account and Amazon's identity of the refund (`mappers/refunds.refund_key`):
seen in the events, then again in a settlement, it is still one row and one credit note. A refund of an order
not invoiced yet waits (pending, listed) and is credited when the invoice is posted.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import AMOUNT_DIGITS


class RefundState(models.TextChoices):
    """Where a refund is in the books."""

    PENDING = "pending", _("Waiting for the invoice")  # the order has no posted invoice yet
    CREDITED = "credited", _("Credit note made")  # its credit note is posted
    FAILED = "failed", _("Failed")  # it does not fit the invoice: see the error; tried again at each sync


class AmazonRefund(models.Model):
    """One refund Amazon reported for an order, with its amounts and its credit note."""

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.PROTECT, related_name="refunds", verbose_name=_("account")
    )
    refund_key = models.CharField(
        _("Amazon refund identity"),
        max_length=128,
        help_text=_("Order id, posted date and Amazon's adjustment item ids of the refund."),
    )
    amazon_order_id = models.CharField(_("Amazon order id"), max_length=40, db_index=True)
    posted_at = models.DateTimeField(_("posted at"))
    currency_code = models.CharField(_("currency"), max_length=3)
    amount_refunded = models.DecimalField(
        _("refunded to the buyer"),
        **AMOUNT_DIGITS,
        default=Decimal(0),
        help_text=_("Every charge refunded, tax included, restocking fee deducted."),
    )
    restocking_fee = models.DecimalField(_("restocking fee"), **AMOUNT_DIGITS, default=Decimal(0))
    facilitator_tax = models.DecimalField(
        _("facilitator tax returned"),
        **AMOUNT_DIGITS,
        default=Decimal(0),
        help_text=_("Tax Amazon had collected and remitted as marketplace facilitator, given back."),
    )
    payload = models.JSONField(_("refund as mapped"))
    state = models.CharField(
        _("state"), max_length=16, choices=RefundState.choices, default=RefundState.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    sales_order = models.ForeignKey(
        "sales.SalesOrder",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amazon_refunds",
        verbose_name=_("sales order"),
    )
    credit_note = models.OneToOneField(
        "accounting.Invoice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amazon_refund",
        verbose_name=_("credit note"),
    )
    created_at = models.DateTimeField(_("seen at"), auto_now_add=True)
    credited_at = models.DateTimeField(_("credited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Amazon refund")
        verbose_name_plural = _("Amazon refunds")
        ordering = ("-posted_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("account", "refund_key"), name="%(app_label)s_%(class)s_unique_refund"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amazon_order_id} {self.posted_at:%Y-%m-%d} {self.amount_refunded} {self.currency_code}"


class AmazonRefundCursor(models.Model):
    """How far an account's refund events were read: the PostedBefore of the last complete pass."""

    account = models.OneToOneField(
        "amazon.AmazonAccount", models.CASCADE, related_name="refund_cursor", verbose_name=_("account")
    )
    posted_before = models.DateTimeField(_("refunds read up to"))

    class Meta:
        verbose_name = _("Amazon refund cursor")
        verbose_name_plural = _("Amazon refund cursors")
        ordering = ("account_id",)

    def __str__(self) -> str:
        return f"{self.account_id} {self.posted_before:%Y-%m-%d %H:%M}"
