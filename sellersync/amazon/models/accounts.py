"""Amazon accounts (the backend of every sync), their marketplaces, and offers (SKU -> product)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import (
    Environment,
    FulfillmentChannel,
    OrdersApi,
    PiiAccess,
    Region,
    UnknownSkuPolicy,
)
from sellersync.amazon.fields import EncryptedTextField
from sellersync.core.scoping import refuse_other_companies


def _default_last_order_sync():  # type: ignore[no-untyped-def]
    return timezone.now() - timedelta(days=3)


class AmazonAccount(models.Model):
    """One registration of a seller: credentials, the marketplaces to synchronize, where orders land.

    The same seller may be registered twice with disjoint marketplaces (each with its own team and location).
    """

    name = models.CharField(_("name"), max_length=100)
    company = models.ForeignKey("core.Company", models.PROTECT, verbose_name=_("company"))
    seller_id = models.CharField(
        _("seller id"),
        max_length=40,
        blank=True,
        help_text=_("Amazon's merchant token; filled in by Link with Amazon"),
    )
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, default=Region.NA)
    environment = models.CharField(
        _("environment"),
        max_length=10,
        choices=Environment.choices,
        default=Environment.PRODUCTION,
        help_text=_(
            "Production: Amazon's own endpoints of the region. Sandbox: the local SP-API sandbox that the "
            "server's SPAPI_SANDBOX_URL points at."
        ),
    )
    lwa_client_id = models.CharField(_("LWA client id"), max_length=200, blank=True)
    lwa_client_secret = EncryptedTextField(_("LWA client secret"), blank=True)
    refresh_token = EncryptedTextField(_("refresh token"), blank=True)
    orders_api = models.CharField(
        _("orders API"), max_length=12, choices=OrdersApi.choices, default=OrdersApi.V2026
    )
    pii_access = models.CharField(
        _("access to buyer data"), max_length=8, choices=PiiAccess.choices, default=PiiAccess.UNKNOWN
    )
    sales_team = models.ForeignKey(
        "sales.SalesTeam", models.PROTECT, null=True, blank=True, verbose_name=_("sales team")
    )
    location = models.ForeignKey(
        "stock.Location",
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("Amazon stock location"),
        help_text=_("Where FBA stock is kept; empty: the company's Amazon location"),
    )
    responsible_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, verbose_name=_("responsible users"), related_name="+"
    )
    sync_interval_minutes = models.PositiveIntegerField(_("sync interval (minutes)"), default=30)
    last_order_sync = models.DateTimeField(_("last order sync"), default=_default_last_order_sync)
    unknown_sku_policy = models.CharField(
        _("unknown SKU"),
        max_length=8,
        choices=UnknownSkuPolicy.choices,
        default=UnknownSkuPolicy.CREATE_PRODUCT,
    )
    default_product = models.ForeignKey(
        "core.Product",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default product"),
    )
    shipping_product = models.ForeignKey(
        "core.Product",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shipping product"),
    )
    gift_wrap_product = models.ForeignKey(
        "core.Product",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gift wrap product"),
    )
    promotion_product = models.ForeignKey(
        "core.Product",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promotion product"),
    )
    synchronize_fbm_stock = models.BooleanField(_("synchronize FBM stock"), default=False)
    book_orders_shipped_outside = models.BooleanField(
        _("book orders shipped outside sellersync"),
        default=True,
        help_text=_(
            "FBM orders that Amazon reports shipped before sellersync shipped them (in Seller Central, or "
            "while synchronization was failing) become sales orders whose shipped part is delivered from the "
            "warehouse, without sending anything back to Amazon; open deliveries Amazon reports shipped are "
            'closed as "Shipped on Amazon". Off: such orders are ignored, as the original connector does.'
        ),
    )
    audit_days = models.PositiveSmallIntegerField(
        _("gap audit window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Every day, the order ids Amazon lists for this many past days are compared with the books; "
            "orders missing or behind are fetched again and applied."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Amazon account")
        verbose_name_plural = _("Amazon accounts")
        ordering = ("company_id", "name", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "name"), name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_other_companies(self)

    @property
    def has_credentials(self) -> bool:
        """Whether the seller authorized the application (a refresh token). The application's own client
        id and secret are the server's (or the account's private pair): see `application_credentials`."""
        return bool(self.refresh_token)


class AmazonMarketplace(models.Model):
    """A marketplace an account sells on; only synchronized ones are fetched.

    A (seller, marketplace) pair is synchronized by one account at most, which makes registering a seller
    twice with disjoint marketplaces safe.
    """

    account = models.ForeignKey(
        AmazonAccount, models.CASCADE, related_name="marketplaces", verbose_name=_("account")
    )
    seller_id = models.CharField(_("seller id"), max_length=40, editable=False)
    marketplace_id = models.CharField(_("marketplace id"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    country_code = models.CharField(_("country"), max_length=2)
    currency_code = models.CharField(_("currency"), max_length=3)
    is_synchronized = models.BooleanField(_("synchronize"), default=True)

    class Meta:
        verbose_name = _("Amazon marketplace")
        verbose_name_plural = _("Amazon marketplaces")
        ordering = ("account_id", "name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("account", "marketplace_id"), name="%(app_label)s_%(class)s_unique_per_account"
            ),
            models.UniqueConstraint(
                fields=("seller_id", "marketplace_id"),
                condition=Q(is_synchronized=True),
                name="%(app_label)s_%(class)s_unique_synchronized_per_seller",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.marketplace_id})"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.seller_id = self.account.seller_id
        super().save(*args, **kwargs)


class AmazonOffer(models.Model):
    """A SKU of the account, bound to the product it sells."""

    account = models.ForeignKey(
        AmazonAccount, models.CASCADE, related_name="offers", verbose_name=_("account")
    )
    sku = models.CharField(_("SKU"), max_length=200)
    product = models.ForeignKey("core.Product", models.PROTECT, verbose_name=_("product"))
    marketplace_id = models.CharField(_("marketplace id"), max_length=20, blank=True)
    asin = models.CharField(_("ASIN"), max_length=20, blank=True)
    fulfillment_channel = models.CharField(
        _("fulfillment channel"), max_length=3, choices=FulfillmentChannel.choices, blank=True
    )
    last_stock_sent = models.DecimalField(
        _("last stock sent"), max_digits=14, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Amazon offer")
        verbose_name_plural = _("Amazon offers")
        ordering = ("account_id", "sku", "pk")
        constraints = [
            models.UniqueConstraint(fields=("account", "sku"), name="%(app_label)s_%(class)s_unique_sku"),
        ]

    def __str__(self) -> str:
        return self.sku

    def clean(self) -> None:
        refuse_other_companies(self, self.account.company_id if self.account_id else None)
