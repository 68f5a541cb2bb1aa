"""Customer invoices and credit notes, made from sales orders and booked in the sales journal.

An invoice copies its order's lines with the amounts as the order holds them (the tax as the marketplace
computed it, never recomputed), so its total equals the order's, which equals Amazon's OrderTotal. Posting
(`invoicing.post_invoice`) writes its journal entry and gives it the entry's gapless number.

`amount_tax_marketplace` is the part of the tax that the marketplace collects and remits itself
(marketplace-facilitator tax, e.g. US sales tax on Amazon.com): the buyer paid it, but to Amazon and for the
tax authority, so `amount_receivable` (what Amazon owes the seller for the sale) excludes it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.core.models import (
    AMOUNT_DIGITS,
    PRICE_DIGITS,
    QUANTITY_DIGITS,
    Company,
    Currency,
    Partner,
    Product,
    Tax,
)
from sellersync.core.scoping import refuse_other_companies


class Invoice(models.Model):
    """An invoice (or credit note) to a customer; `number` is empty until posted."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    journal = models.ForeignKey(
        "accounting.Journal", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("journal")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    number = models.CharField(_("number"), max_length=32, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=InvoiceState.choices, default=InvoiceState.DRAFT, editable=False
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer")
    )
    sales_order = models.ForeignKey(
        "sales.SalesOrder",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("sales order"),
    )
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("credited invoice"),
        help_text=_("For a credit note: the invoice it refunds."),
    )
    origin = models.CharField(
        _("source document"), max_length=128, blank=True, help_text=_("E.g. the Amazon order id.")
    )
    date = models.DateField(_("invoice date"))
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    amount_untaxed = models.DecimalField(_("untaxed amount"), **AMOUNT_DIGITS, default=Decimal(0))
    amount_tax = models.DecimalField(_("taxes"), **AMOUNT_DIGITS, default=Decimal(0))
    amount_tax_marketplace = models.DecimalField(
        _("tax collected by the marketplace"),
        **AMOUNT_DIGITS,
        default=Decimal(0),
        help_text=_("Part of the taxes that Amazon collects from the buyer and remits itself."),
    )
    amount_total = models.DecimalField(_("total"), **AMOUNT_DIGITS, default=Decimal(0))
    amount_receivable = models.DecimalField(
        _("receivable"),
        **AMOUNT_DIGITS,
        default=Decimal(0),
        help_text=_("The total minus the tax collected by the marketplace: what the seller is owed."),
    )
    is_business = models.BooleanField(_("business customer"), default=False)
    buyer_vat_number = models.CharField(_("buyer VAT number"), max_length=40, blank=True)
    vat_number_missing = models.BooleanField(
        _("VAT number missing"),
        default=False,
        help_text=_("A business order without the buyer's VAT number: ask the buyer or Amazon for it."),
    )
    buyer_vat_number_invalid = models.BooleanField(
        _("VAT number format not valid"),
        default=False,
        help_text=_("The buyer's VAT number fails the format check (country prefix, length, check digits)."),
    )
    reason = models.CharField(_("reason"), max_length=256, blank=True)
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The document is printed in it, whoever prints it; chosen when it is made (the customer's "
            "language, else the marketplace's) and kept once it is posted."
        ),
    )
    transaction_id = models.CharField(
        _("refund transaction id"),
        max_length=64,
        blank=True,
        help_text=_("For a credit note: Amazon's id of the refund it documents."),
    )
    entry = models.OneToOneField(
        "accounting.JournalEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice",
        editable=False,
        verbose_name=_("journal entry"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("-date", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("journal", "number"),
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_unique_number",
            ),
            # one live invoice per sales order: batch invoicing twice never invoices an order twice
            models.UniqueConstraint(
                fields=("sales_order",),
                condition=Q(kind=InvoiceKind.INVOICE) & ~Q(state=InvoiceState.CANCELED),
                name="%(app_label)s_%(class)s_unique_order_invoice",
            ),
            models.CheckConstraint(
                condition=Q(state=InvoiceState.DRAFT) | Q(state=InvoiceState.CANCELED) | ~Q(number=""),
                name="%(app_label)s_%(class)s_posted_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft %(kind)s #%(pk)s") % {"kind": self.get_kind_display(), "pk": self.pk}

    def clean(self) -> None:
        refuse_other_companies(self)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    """One line of an invoice, copied from a sales order line (amounts to the cent, as the order has them)."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=10)
    sales_line = models.ForeignKey(
        "sales.SalesOrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
        verbose_name=_("sales order line"),
    )
    credited_line = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_lines",
        verbose_name=_("credited line"),
        help_text=_("For a credit note line: the invoice line it refunds."),
    )
    line_kind = models.CharField(_("line kind"), max_length=16, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("product")
    )
    description = models.CharField(_("description"), max_length=512, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY_DIGITS, default=Decimal(1))
    unit_price = models.DecimalField(_("unit price"), **PRICE_DIGITS, default=Decimal(0))
    discount_amount = models.DecimalField(_("discount"), **AMOUNT_DIGITS, default=Decimal(0))
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tax"))
    tax_collected_by_marketplace = models.BooleanField(_("tax collected by the marketplace"), default=False)
    price_include = models.BooleanField(_("price includes tax"), default=False)
    subtotal = models.DecimalField(_("subtotal"), **AMOUNT_DIGITS, default=Decimal(0))
    tax_amount = models.DecimalField(_("tax amount"), **AMOUNT_DIGITS, default=Decimal(0))
    total = models.DecimalField(_("total"), **AMOUNT_DIGITS, default=Decimal(0))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ("invoice", "sequence", "pk")

    def __str__(self) -> str:
        return f"{self.invoice} / {self.description or self.product}"
