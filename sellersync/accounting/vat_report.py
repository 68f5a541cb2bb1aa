"""The VAT report: per period, side, country and rate, the taxable base and the tax, read from the ledger.

Every tax line that invoicing, credit notes and vendor bills post carries its tax and taxable base
(`JournalLine.tax`, `tax_base`), so the report is the ledger itself, grouped:

- **owed**: output tax the seller collected and remits (account 2200), by country and rate: the domestic
  rows fill the seller's own return, the other EU countries' rows its OSS return (one row per member
  state of consumption and rate, as the OSS return asks);
- **collected by Amazon**: tax Amazon collected and remits as marketplace facilitator (2210): shown for
  the record, never part of what the seller owes;
- **input**: tax charged to the seller (Amazon's fee invoices), deductible, by country and rate;
  reverse-charged fees appear both as owed and as input at the seller's own rate.

Amounts are in the company currency, as posted (foreign documents at their date's rate).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from sellersync.accounting.choices import AccountRole, EntryState
from sellersync.accounting.models import JournalLine
from sellersync.core import vat_rates
from sellersync.core.models import Company

ZERO = Decimal(0)


class VatSide(models.TextChoices):
    """Who the tax of a row is for."""

    OWED = "owed", _("Owed by the seller")  # output tax the seller remits
    COLLECTED = "collected", _("Collected by Amazon")  # marketplace-facilitator tax, remitted by Amazon
    INPUT = "input", _("Input tax (deductible)")  # tax on purchases, e.g. Amazon's fee invoices


class VatScheme(models.TextChoices):
    """Which return a row belongs in."""

    DOMESTIC = "domestic", _("Domestic return")
    OSS = "oss", _("OSS return (EU)")
    FOREIGN = "foreign", _("Other country's return")


_SIDE_OF_ROLE = {
    AccountRole.TAX_PAYABLE: VatSide.OWED,
    AccountRole.TAX_MARKETPLACE: VatSide.COLLECTED,
    AccountRole.TAX_RECEIVABLE: VatSide.INPUT,
}


@dataclass(frozen=True)
class VatRow:
    """One line of the report: the base and the tax of one tax in one side."""

    side: VatSide
    scheme: VatScheme
    country_code: str
    rate: Decimal | None
    tax_name: str
    base: Decimal
    tax: Decimal


def vat_report(company: Company, date_from: datetime.date, date_to: datetime.date) -> list[VatRow]:
    """The rows of the period (both dates included), side by side, then scheme, country and rate."""
    grouped = (
        JournalLine.objects.filter(
            entry__journal__company=company,
            entry__state=EntryState.POSTED,
            entry__date__gte=date_from,
            entry__date__lte=date_to,
            tax__isnull=False,
            account__role__in=list(_SIDE_OF_ROLE),
        )
        .values("account__role", "tax__country_code", "tax__rate", "tax__name")
        .annotate(debit=Sum("debit"), credit=Sum("credit"), base=Sum("tax_base"))
    )
    exponent = Decimal(1).scaleb(-company.currency.decimal_places)
    rows = [_row(company, group, exponent) for group in grouped]
    order = list(VatSide)
    schemes = list(VatScheme)
    return sorted(
        rows,
        key=lambda row: (
            order.index(row.side),
            schemes.index(row.scheme),
            row.country_code,
            row.rate if row.rate is not None else Decimal(-1),
            row.tax_name,
        ),
    )


def _row(company: Company, group: dict[str, object], exponent: Decimal) -> VatRow:
    side = _SIDE_OF_ROLE[AccountRole(str(group["account__role"]))]
    debit_minus_credit = _decimal(group["debit"]) - _decimal(group["credit"])
    base = _decimal(group["base"])
    sign = 1 if side == VatSide.INPUT else -1  # output tax is a credit, input tax a debit
    country = str(group["tax__country_code"] or "")
    rate = group["tax__rate"]
    return VatRow(
        side=side,
        scheme=_scheme(company.country_code.upper(), country),
        country_code=country,
        rate=rate.normalize() if isinstance(rate, Decimal) else None,
        tax_name=str(group["tax__name"]),
        base=(sign * base).quantize(exponent),  # sums of exact cents (SQLite returns more digits)
        tax=(sign * debit_minus_credit).quantize(exponent),
    )


def _scheme(company_country: str, country: str) -> VatScheme:
    if not country or country == company_country:
        return VatScheme.DOMESTIC
    if vat_rates.is_eu_member(country) and vat_rates.is_eu_member(company_country):
        return VatScheme.OSS
    return VatScheme.FOREIGN


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else ZERO


def totals_by_side(rows: list[VatRow]) -> dict[VatSide, tuple[Decimal, Decimal]]:
    """(base, tax) added up per side."""
    totals: dict[VatSide, tuple[Decimal, Decimal]] = {}
    for row in rows:
        base, tax = totals.get(row.side, (ZERO, ZERO))
        totals[row.side] = (base + row.base, tax + row.tax)
    return totals
