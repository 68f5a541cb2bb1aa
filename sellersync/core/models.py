"""Master data shared by every back-office app: companies, currencies, partners, products, taxes.

Money precision: amounts are `DecimalField(max_digits=14, decimal_places=2)`; unit prices carry 4 decimals
(`PRICE_DIGITS`) because a marketplace gives line totals, and a total divided by a quantity (10.00 / 3) needs
more than two decimals for `round(unit_price * quantity, 2)` to give the line total back to the cent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from sellersync.core.choices import ProductType
from sellersync.core.scoping import refuse_other_companies

AMOUNT_DIGITS = {"max_digits": 14, "decimal_places": 2}
PRICE_DIGITS = {"max_digits": 16, "decimal_places": 4}
QUANTITY_DIGITS = {"max_digits": 14, "decimal_places": 3}
RATE_DIGITS = {"max_digits": 7, "decimal_places": 4}


class Currency(models.Model):
    """An ISO 4217 currency; `decimal_places` is the precision amounts in it are rounded to."""

    code = models.CharField(
        _("code"), max_length=3, primary_key=True, help_text=_("ISO 4217 code, e.g. EUR.")
    )
    name = models.CharField(_("name"), max_length=64)
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.code


class Company(models.Model):
    """A legal entity whose books are kept: every business record belongs to exactly one company."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    country_code = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166-1 alpha-2."))
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    pii_retention_days = models.PositiveIntegerField(
        _("personal data retention (days)"),
        default=30,
        help_text=_("Customer names and addresses are erased this many days after the order is closed."),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class Sequence(models.Model):
    """A gapless counter per company and purpose (sales orders, deliveries...), advanced under a row lock."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=32, blank=True)
    padding = models.PositiveSmallIntegerField(_("padding"), default=5)
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        ordering = ("company", "code")
        constraints = [
            models.UniqueConstraint(fields=("company", "code"), name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.code}"


class Tax(models.Model):
    """A sales tax rate; `collected_by_marketplace` marks tax that Amazon collects and remits itself."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=64)
    rate = models.DecimalField(
        _("rate (%)"),
        **RATE_DIGITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Percentage, e.g. 20.0000; empty when the rate varies by address (US sales tax) or an amount "
            "matched no official rate."
        ),
    )
    price_include = models.BooleanField(_("included in price"), default=False)
    collected_by_marketplace = models.BooleanField(
        _("collected by the marketplace"),
        default=False,
        help_text=_("Marketplace-facilitator tax: collected and remitted by Amazon, not by the seller."),
    )
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        ordering = ("company", "name", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "name"), name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A customer or vendor: a company, a person, or a contact (`parent`) of a company.

    `match_key` finds a partner again on the next sync (an external key, or a hash of the normalized
    name and address); it is unique per company, which makes `find_or_create_partner` idempotent.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("parent company"),
    )
    match_key = models.CharField(_("matching key"), max_length=128, editable=False)
    name = models.CharField(_("name"), max_length=256)
    company_name = models.CharField(_("company name"), max_length=256, blank=True)
    is_company = models.BooleanField(_("is a company"), default=False)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("An 'Amazon Customer' created without personal data.")
    )
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    street = models.CharField(_("street"), max_length=256, blank=True)
    street2 = models.CharField(_("street 2"), max_length=256, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    state = models.CharField(_("state or region"), max_length=128, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=32, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of this customer's invoices and credit notes; empty: the marketplace's (English "
            "where sellersync has no translation)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("company", "match_key"), name="%(app_label)s_%(class)s_unique_match_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_other_companies(self)


class Product(models.Model):
    """Something sold or bought; `default_code` (the internal reference) is unique per company when set."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=256)
    default_code = models.CharField(_("internal reference"), max_length=64, blank=True)
    product_type = models.CharField(
        _("product type"), max_length=16, choices=ProductType.choices, default=ProductType.STOCKABLE
    )
    list_price = models.DecimalField(_("sales price"), **PRICE_DIGITS, default=0)
    sales_tax = models.ForeignKey(
        Tax, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("default sales tax")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("name", "pk")
        constraints = [
            models.UniqueConstraint(
                Upper("default_code"),
                "company",
                condition=~models.Q(default_code=""),
                name="%(app_label)s_%(class)s_unique_default_code",
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.default_code}] {self.name}" if self.default_code else self.name

    def clean(self) -> None:
        refuse_other_companies(self)

    @property
    def needs_delivery(self) -> bool:
        """Whether selling this product moves goods (services are never delivered)."""
        return self.product_type != ProductType.SERVICE


class UserPreference(models.Model):
    """Per-user switches of the back office: developer mode (technical fields, buttons) and the language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    developer_mode = models.BooleanField(
        _("developer mode"),
        default=False,
        help_text=_("Shows technical fields and actions, e.g. Last Order Sync and the Sync buttons."),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The back office's language for this user; empty: the browser's."),
    )

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")
        ordering = ("user_id",)

    def __str__(self) -> str:
        return str(self.user)


class CompanyMembership(models.Model):
    """A user belongs to a company: they see and change that company's records (superusers see all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_memberships",
        verbose_name=_("user"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )

    class Meta:
        verbose_name = _("company membership")
        verbose_name_plural = _("company memberships")
        ordering = ("company", "user_id")
        constraints = [
            models.UniqueConstraint(fields=("user", "company"), name="%(app_label)s_%(class)s_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"
