"""Warehouses, locations, carriers, pickings (transfers), stock moves and reordering rules.

Stock on hand is never stored: it is the sum of done moves into a location minus those out of it
(`selectors.stock_on_hand`). Stock depends on sales (a delivery's origin order, the order line a move
ships); sales never imports stock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import QUANTITY_DIGITS, Company, Partner, Product
from sellersync.core.scoping import refuse_other_companies
from sellersync.sales.models import SalesOrder, SalesOrderLine
from sellersync.stock.choices import LocationKind, MoveState, PickingKind, PickingState


class Location(models.Model):
    """A place goods are in, or a virtual counterpart (customers, vendors, adjustments).

    `code` is unique per company and lets services find the standard locations again
    (e.g. "CUSTOMERS", "AMAZON"); `is_amazon` marks stock held in Amazon's warehouses (FBA).
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=128)
    code = models.CharField(_("code"), max_length=64)
    kind = models.CharField(
        _("kind"), max_length=16, choices=LocationKind.choices, default=LocationKind.INTERNAL
    )
    is_amazon = models.BooleanField(_("Amazon location"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ("company", "code", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "code"), name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    """A warehouse of the company with its stock location; a company's first warehouse is its default."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=128)
    code = models.CharField(_("short name"), max_length=8)
    stock_location = models.OneToOneField(
        Location, on_delete=models.PROTECT, related_name="warehouse", verbose_name=_("stock location")
    )

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ("company", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "code"), name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_other_companies(self)


class Carrier(models.Model):
    """A shipping carrier; names are matched case-insensitively (as Amazon does)."""

    name = models.CharField(_("name"), max_length=128)
    amazon_carrier_code = models.CharField(
        _("Amazon carrier code"),
        max_length=64,
        blank=True,
        help_text=_("Amazon's code, e.g. UPS; blank: Other."),
    )
    is_self_delivery = models.BooleanField(_("self delivery"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Picking(models.Model):
    """A transfer of goods: a delivery, a receipt or an internal transfer, shipped at once or in parts.

    A partial validation leaves the rest in a backorder (`backorder_of` points to the picking it comes from).
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    reference = models.CharField(_("reference"), max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=PickingKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=PickingState.choices, default=PickingState.DRAFT, editable=False
    )
    sales_order = models.ForeignKey(
        SalesOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickings",
        verbose_name=_("origin sales order"),
    )
    origin = models.CharField(_("source document"), max_length=128, blank=True)
    source_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("source location")
    )
    destination_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination location")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("partner")
    )
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("carrier")
    )
    tracking_reference = models.CharField(_("tracking reference"), max_length=128, blank=True)
    scheduled_date = models.DateTimeField(_("scheduled date"), default=timezone.now)
    deadline = models.DateTimeField(_("ship by"), null=True, blank=True)
    delivery_deadline = models.DateTimeField(_("deliver by"), null=True, blank=True)
    done_at = models.DateTimeField(_("date done"), null=True, blank=True, editable=False)
    shipped_outside = models.BooleanField(
        _("shipped on Amazon"),
        default=False,
        editable=False,
        help_text=_(
            "Done because Amazon reported these goods shipped (e.g. from Seller Central): nothing was sent "
            "to Amazon for this delivery."
        ),
    )
    backorder_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="backorders",
        verbose_name=_("backorder of"),
        editable=False,
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ("-scheduled_date", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("company", "reference"), name="%(app_label)s_%(class)s_unique_reference"
            ),
        ]
        indexes = [
            models.Index(fields=("company", "state"), name="stock_picking_state_idx"),
            models.Index(fields=("state", "deadline"), name="stock_picking_deadline_idx"),  # due soon
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        refuse_other_companies(self)


class Move(models.Model):
    """A quantity of one product going from one location to another; done moves make stock on hand."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    picking = models.ForeignKey(
        Picking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves",
        verbose_name=_("transfer"),
    )
    sales_line = models.ForeignKey(
        SalesOrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves",
        verbose_name=_("sales order line"),
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, verbose_name=_("product"))
    quantity = models.DecimalField(_("demand"), **QUANTITY_DIGITS)
    quantity_done = models.DecimalField(_("quantity done"), **QUANTITY_DIGITS, default=Decimal(0))
    source_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="moves_out", verbose_name=_("source location")
    )
    destination_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="moves_in", verbose_name=_("destination location")
    )
    state = models.CharField(_("state"), max_length=16, choices=MoveState.choices, default=MoveState.DRAFT)
    date = models.DateTimeField(_("date"), default=timezone.now)
    origin = models.CharField(_("source document"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ("-date", "-pk")
        indexes = [
            models.Index(fields=("product", "destination_location", "state"), name="stock_move_in_idx"),
            models.Index(fields=("product", "source_location", "state"), name="stock_move_out_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.source_location} > {self.destination_location}"

    def clean(self) -> None:
        refuse_other_companies(self)


class ReorderRule(models.Model):
    """Keep a location between `min_quantity` and `max_quantity` by transfers from `source_location`."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="reorder_rules", verbose_name=_("location")
    )
    source_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("replenish from")
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, verbose_name=_("product"))
    min_quantity = models.DecimalField(_("minimum quantity"), **QUANTITY_DIGITS)
    max_quantity = models.DecimalField(_("maximum quantity"), **QUANTITY_DIGITS)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reordering rule")
        verbose_name_plural = _("reordering rules")
        ordering = ("company", "location", "product", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("location", "product"), name="%(app_label)s_%(class)s_unique_location_product"
            ),
            models.CheckConstraint(
                condition=models.Q(max_quantity__gte=models.F("min_quantity")),
                name="%(app_label)s_%(class)s_max_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.location}"

    def clean(self) -> None:
        refuse_other_companies(self)
