"""Exchange rates a company's books are converted with, entered by the user (no internet lookup).

Direction (as in Odoo): `rate` is how many units of the foreign `currency` make **one unit of the company
currency**. A USD company selling on amazon.ca with `rate` 1.3650 for CAD on 2026-01-10: 1 USD = 1.3650 CAD,
so 136.50 CAD are booked as 100.00 USD (company amount = foreign amount / rate, rounded half up to the company
currency's decimals). The rate of a day is the latest one dated on or before it (`accounting.rates.rate_on`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import Company, Currency

EXCHANGE_RATE_DIGITS = {"max_digits": 20, "decimal_places": 10}


class ExchangeRate(models.Model):
    """How many units of `currency` make one unit of the company currency, from `date` on."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="exchange_rates", verbose_name=_("company")
    )
    currency = models.ForeignKey(
        Currency, on_delete=models.PROTECT, related_name="+", verbose_name=_("currency")
    )
    date = models.DateField(_("date"), help_text=_("The rate applies from this day until the next rate."))
    rate = models.DecimalField(
        _("units of the currency per 1 company currency"),
        **EXCHANGE_RATE_DIGITS,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
        help_text=_(
            "How many units of this currency make one unit of the company's currency, e.g. 1.3650 CAD "
            "for 1 USD. An amount in this currency is booked as amount / rate."
        ),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ("company", "currency", "-date")
        constraints = [
            models.UniqueConstraint(
                fields=("company", "currency", "date"), name="%(app_label)s_%(class)s_unique_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="%(app_label)s_%(class)s_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} 1 {self.company.currency_id} = {self.rate.normalize()} {self.currency_id}"

    def clean(self) -> None:
        if self.company_id and self.currency_id and self.currency_id == self.company.currency_id:
            raise ValidationError({"currency": _("The company currency needs no rate: it is always 1.")})
