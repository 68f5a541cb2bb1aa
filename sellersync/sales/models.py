"""Sales teams, sales orders and their lines.

Amounts are stored and recomputed from the lines by `status.compute_totals` whenever lines are written
(through `services`); a line's `tax_amount` is the tax as the source (e.g. Amazon) computed it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
from sellersync.sales.choices import DeliveryStatus, LineKind, OrderEventKind, OrderState


class SalesTeam(models.Model):
    """A group of salespeople; orders are reported per team (e.g. one team per Amazon account)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=128)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sales_teams", verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sales team")
        verbose_name_plural = _("sales teams")
        ordering = ("company", "name", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "name"), name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SalesOrder(models.Model):
    """A customer's order; `name` is a gapless per-company reference such as S00042."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("reference"), max_length=64, editable=False)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="sales_orders", verbose_name=_("customer")
    )
    shipping_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipped_sales_orders",
        verbose_name=_("delivery address"),
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    team = models.ForeignKey(
        SalesTeam, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sales team")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=OrderState.choices, default=OrderState.DRAFT, editable=False
    )
    order_date = models.DateTimeField(_("order date"), default=timezone.now)
    client_order_ref = models.CharField(_("customer reference"), max_length=128, blank=True)
    note = models.TextField(_("note"), blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=256, blank=True, editable=False)
    amount_untaxed = models.DecimalField(_("untaxed amount"), **AMOUNT_DIGITS, default=0, editable=False)
    amount_tax = models.DecimalField(_("taxes"), **AMOUNT_DIGITS, default=0, editable=False)
    amount_total = models.DecimalField(_("total"), **AMOUNT_DIGITS, default=0, editable=False)
    delivery_status = models.CharField(
        _("delivery status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.NOTHING,
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ("-order_date", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "name"), name="%(app_label)s_%(class)s_unique_name"),
        ]
        indexes = [
            models.Index(fields=("company", "state"), name="sales_order_company_state_idx"),
            # the list's order (newest first): a page of 100 without sorting every order
            models.Index(fields=("-order_date", "-id"), name="sales_order_date_idx"),
            # one company's orders newest first, or within dates (the dashboard: 50 newest, date ranges)
            models.Index(fields=("company", "-order_date", "-id"), name="sales_order_company_date_idx"),
            # a company's recent orders in one currency (attention: currencies without an exchange rate)
            models.Index(fields=("company", "currency", "order_date"), name="sales_order_currency_date_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_other_companies(self)


class SalesOrderLine(models.Model):
    """One line of a sales order: goods, shipping, gift wrap or a promotion.

    Unit prices keep 4 decimals; `subtotal` (untaxed) and `total` are rounded to the currency.
    """

    order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("sales order")
    )
    sequence = models.PositiveIntegerField(_("sequence"), default=10)
    line_kind = models.CharField(
        _("line kind"), max_length=16, choices=LineKind.choices, default=LineKind.PRODUCT
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("product")
    )
    description = models.CharField(_("description"), max_length=512, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY_DIGITS, default=Decimal(1))
    unit_price = models.DecimalField(_("unit price"), **PRICE_DIGITS, default=0)
    discount_amount = models.DecimalField(_("discount"), **AMOUNT_DIGITS, default=0)
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tax"))
    price_include = models.BooleanField(_("price includes tax"), default=False)
    tax_amount = models.DecimalField(_("tax amount"), **AMOUNT_DIGITS, default=0)
    subtotal = models.DecimalField(_("subtotal"), **AMOUNT_DIGITS, default=0, editable=False)
    total = models.DecimalField(_("total"), **AMOUNT_DIGITS, default=0, editable=False)
    quantity_delivered = models.DecimalField(
        _("delivered quantity"), **QUANTITY_DIGITS, default=0, editable=False
    )

    class Meta:
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")
        ordering = ("order", "sequence", "pk")

    def __str__(self) -> str:
        return f"{self.order} / {self.description or self.product}"

    @property
    def is_deliverable(self) -> bool:
        """Whether this line ships goods (a product line of a non-service product)."""
        return self.line_kind == LineKind.PRODUCT and self.product is not None and self.product.needs_delivery


class SalesOrderEvent(models.Model):
    """One entry of a sales order's audit trail, written by the service that changed the order."""

    order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("sales order")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrderEventKind.choices)
    message = models.CharField(_("message"), max_length=512, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("sales order event")
        verbose_name_plural = _("sales order events")
        ordering = ("order", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.order}: {self.get_kind_display()}"
