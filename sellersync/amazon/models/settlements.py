"""Amazon's settlements (Finances API financial event groups) and the amounts they are made of.

A closed group becomes entries in the company's Amazon Payments journal (see docs/settlements.md); every
amount Amazon reported is kept as a line with what became of it, and the ones that could not be matched
to an invoice keep the reason, so nothing is lost.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import AMOUNT_DIGITS


class SettlementState(models.TextChoices):
    """Where a settlement is in our books."""

    OPEN = "open", _("Open on Amazon")  # the group still collects events; nothing booked yet
    POSTED = "posted", _("Booked")  # closed on Amazon, its entries posted and the intermediary reconciled
    FAILED = "failed", _("Failed")  # closed, but booking it was refused: see the error, retried next import


class SettlementEventType(models.TextChoices):
    """The Finances API event list an amount comes from."""

    SHIPMENT = "shipment", _("Shipment")  # the buyer paid for shipped items; fees charged
    REFUND = "refund", _("Refund")  # money given back to the buyer; fees partly given back
    SERVICE_FEE = "service_fee", _("Service fee")  # subscription and other fees without an order
    ADJUSTMENT = "adjustment", _("Adjustment")  # reimbursements and corrections, reviewed by hand
    OTHER = "other", _("Other")  # guarantee claims, chargebacks


class SettlementAmountKind(models.TextChoices):
    """What an amount is to the seller."""

    CHARGE = "charge", _("Charge to the buyer")  # Principal, Tax, ShippingCharge...
    PROMOTION = "promotion", _("Promotion")  # a discount the seller funds
    TAX_WITHHELD = "tax_withheld", _("Tax withheld")  # marketplace facilitator tax Amazon remits
    FEE = "fee", _("Fee")  # Commission, FBA fees, subscription
    ADJUSTMENT = "adjustment", _("Adjustment")  # an adjustment's total


class SettlementMatch(models.TextChoices):
    """How an amount was booked."""

    MATCHED = "matched", _("Matched")  # against the invoice (or credit note) of its order
    EXPENSE = "expense", _("Amazon fee")  # booked as an Amazon fee expense
    UNMATCHED = "unmatched", _("Unmatched")  # booked on the awaiting account: see the reason


class AmazonSettlement(models.Model):
    """One financial event group of an account: a payout period, its totals and its entries."""

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.PROTECT, related_name="settlements", verbose_name=_("account")
    )
    group_id = models.CharField(_("financial event group id"), max_length=128)
    state = models.CharField(
        _("state"), max_length=8, choices=SettlementState.choices, default=SettlementState.OPEN
    )
    processing_status = models.CharField(_("processing status on Amazon"), max_length=16, blank=True)
    fund_transfer_status = models.CharField(_("fund transfer status"), max_length=32, blank=True)
    fund_transfer_date = models.DateTimeField(_("fund transfer date"), null=True, blank=True)
    started_at = models.DateTimeField(_("period start"), null=True, blank=True)
    ended_at = models.DateTimeField(_("period end"), null=True, blank=True)
    currency_code = models.CharField(_("currency"), max_length=3, blank=True)
    original_total = models.DecimalField(_("payout"), **AMOUNT_DIGITS, default=Decimal(0))
    sales_total = models.DecimalField(_("sales proceeds"), **AMOUNT_DIGITS, default=Decimal(0))
    refunds_total = models.DecimalField(_("refunds"), **AMOUNT_DIGITS, default=Decimal(0))
    fees_total = models.DecimalField(_("fees"), **AMOUNT_DIGITS, default=Decimal(0))
    tax_withheld_total = models.DecimalField(_("tax withheld"), **AMOUNT_DIGITS, default=Decimal(0))
    other_total = models.DecimalField(_("other amounts"), **AMOUNT_DIGITS, default=Decimal(0))
    entry = models.ForeignKey(
        "accounting.JournalEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement entry"),
    )
    payout_entry = models.ForeignKey(
        "accounting.JournalEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payout entry"),
    )
    fee_bill = models.ForeignKey(
        "accounting.JournalEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Amazon fees bill"),
        help_text=_("The vendor bill of the settlement's fees, from Amazon's entity of the marketplace."),
    )
    error = models.TextField(_("error"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Amazon settlement")
        verbose_name_plural = _("Amazon settlements")
        ordering = ("account_id", "-started_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("account", "group_id"), name="%(app_label)s_%(class)s_unique_group"
            ),
        ]

    def __str__(self) -> str:
        start = self.started_at.date() if self.started_at else "?"
        return f"{self.account} {start} {self.original_total} {self.currency_code}"


class AmazonSettlementLine(models.Model):
    """One amount of a settlement as Amazon reported it, and what it became in the books."""

    settlement = models.ForeignKey(
        AmazonSettlement, models.CASCADE, related_name="lines", verbose_name=_("settlement")
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    event_type = models.CharField(_("event type"), max_length=16, choices=SettlementEventType.choices)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    amazon_order_id = models.CharField(_("Amazon order id"), max_length=40, blank=True)
    sku = models.CharField(_("SKU"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SettlementAmountKind.choices)
    amount_type = models.CharField(
        _("amount type"), max_length=64, help_text=_("Amazon's charge, fee or tax type, e.g. Commission.")
    )
    amount = models.DecimalField(_("amount"), **AMOUNT_DIGITS)
    match = models.CharField(_("booked as"), max_length=16, choices=SettlementMatch.choices)
    reason = models.CharField(_("why unmatched"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("Amazon settlement line")
        verbose_name_plural = _("Amazon settlement lines")
        ordering = ("settlement_id", "sequence")
        constraints = [
            models.UniqueConstraint(
                fields=("settlement", "sequence"), name="%(app_label)s_%(class)s_unique_sequence"
            ),
        ]
        # the dashboard's margins find an order's fee lines by its Amazon id (without it SQLite read every
        # settlement line once per order line: ~1 s with 2,000 settled orders, 0.24 s with it, bench_pages)
        indexes = [models.Index(fields=("amazon_order_id",), name="amazon_settle_line_order_idx")]

    def __str__(self) -> str:
        return f"{self.amazon_order_id or self.event_type} {self.amount_type} {self.amount}"
