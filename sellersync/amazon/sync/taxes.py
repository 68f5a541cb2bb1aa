"""The tax rows that label Amazon's tax on each line of an order: country and official rate, never a blend.

Amazon's amounts are kept as they are (invariant 3); this module only says which tax they are, e.g.
"DE VAT 19 % incl." or "FR VAT 5.5 % incl. (collected by Amazon)":

- **Taxing country** (the EU rules Amazon's VAT calculation applies): an EU cross-border sale to a consumer
  is taxed in the ship-to country (OSS distance sale) and otherwise in the departure country; elsewhere
  the ship-to country taxes its imports and domestic sales. The departure country is Amazon's own
  ship-from address when the order gives one, else the seller's company country for FBM and the
  marketplace's country for FBA (Amazon ships from that marketplace's warehouses). Since the amounts
  decide in the end, the candidates are tried in that order and the first country with a fitting rate wins.
- **Rate**: the official rate of that country (`core.vat_rates`) that Amazon's tax on the line matches
  within Amazon's rounding. A charge (shipping, gift wrap, promotion) tries its item's rate first.
- **No fitting rate**: the tax keeps its exact amount on a tax named "<country> VAT, rate to review" and
  the order goes on the review list with the reason (`AmazonOrder.needs_review`). Countries without a
  national rate (US sales tax) are named without a rate and need no review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.mappers.lines import currency_decimals
from sellersync.amazon.mappers.types import LineData, LineKind, OrderData
from sellersync.amazon.sync.lookups import ReferenceLookups
from sellersync.core import vat_rates
from sellersync.core.models import Company, Tax
from sellersync.spapi.marketplaces import Marketplace


@dataclass(frozen=True)
class TaxKind:
    """What names a tax row: country, rate (None: varies or not matched), inclusion, who collects it."""

    country_code: str
    rate: Decimal | None
    price_include: bool
    collected_by_marketplace: bool
    matched: bool = True

    @property
    def name(self) -> str:
        label = f"{self.country_code} {vat_rates.tax_name(self.country_code)}".strip()
        if self.rate is not None:
            label = f"{label} {vat_rates.format_rate(self.rate)} %"
        elif not self.matched:
            label = f"{label}, rate to review"
        if self.price_include:
            label = f"{label} incl."
        if self.collected_by_marketplace:
            label = f"{label} (collected by Amazon)"
        return label[:64]


@dataclass(frozen=True)
class OrderTaxes:
    """One tax row (or None for an untaxed line) per line of the order, and why it needs a review."""

    taxes: tuple[Tax | None, ...]
    review_reasons: tuple[str, ...] = ()


def order_taxes(company: Company, data: OrderData, lookups: ReferenceLookups) -> OrderTaxes:
    """The tax rows of every line of `data`, created when new."""
    kinds, reasons = tax_kinds(data, company.country_code)
    taxes = tuple(None if kind is None else _tax_row(company, kind, lookups) for kind in kinds)
    return OrderTaxes(taxes, reasons)


def tax_kinds(data: OrderData, company_country: str) -> tuple[list[TaxKind | None], tuple[str, ...]]:
    """Pure: the kind of tax of each line, and the reasons the order needs a review."""
    countries = taxing_countries(data, company_country)
    places = currency_decimals(data.currency)
    item_rates: dict[str, Decimal] = {}
    kinds: list[TaxKind | None] = [None] * len(data.lines)
    reasons: list[str] = []
    # products first, so that each charge can try its item's rate first
    order = sorted(range(len(data.lines)), key=lambda index: data.lines[index].kind != LineKind.PRODUCT)
    for index in order:
        line = data.lines[index]
        kind = _line_kind(line, countries, item_rates.get(line.order_item_id), places)
        if kind is not None and line.kind == LineKind.PRODUCT and kind.rate is not None:
            item_rates.setdefault(line.order_item_id, kind.rate)
        if kind is not None and not kind.matched:
            reasons.append(_reason(line, countries))
        kinds[index] = kind
    return kinds, tuple(reasons)


def taxing_countries(data: OrderData, company_country: str) -> tuple[str, ...]:
    """The countries whose tax the order's amounts may be, the likeliest first (see the module doc)."""
    marketplace_country = _marketplace_country(data.marketplace_id)
    ship_to = (data.customer.address.country_code or marketplace_country).upper()
    if data.ship_from_country:
        departure = data.ship_from_country
    elif data.fulfillment_channel == FulfillmentChannel.FBM:
        departure = (company_country or marketplace_country).upper()
    else:
        departure = marketplace_country
    return ordered_countries(ship_to, departure, marketplace_country)


def ordered_countries(ship_to: str, departure: str, marketplace_country: str) -> tuple[str, ...]:
    """The candidate taxing countries, likeliest first, without blanks or repeats."""
    return tuple(dict.fromkeys(country for country in (ship_to, departure, marketplace_country) if country))


def classify_line(line: LineData, countries: Sequence[str], places: int) -> TaxKind | None:
    """The kind of tax of one line on its own (no item rate to try first); None when it has no tax."""
    return _line_kind(line, countries, None, places)


def _marketplace_country(marketplace_id: str) -> str:
    try:
        return Marketplace.from_id(marketplace_id).country_code
    except ValueError:
        return ""


def _line_kind(
    line: LineData, countries: Sequence[str], item_rate: Decimal | None, places: int
) -> TaxKind | None:
    if not line.tax_amount:
        return None
    facts = (line.price_includes_tax, line.tax_collected_by_marketplace)
    for country in countries:
        rates = vat_rates.country_rates(country)
        if rates is None:
            if country in vat_rates.VARYING_RATE_COUNTRIES:
                return TaxKind(country, None, *facts)
            continue
        candidates = (item_rate, *rates.rates) if item_rate is not None else rates.rates
        rate = vat_rates.match_rate(
            candidates,
            line.total,
            line.tax_amount,
            amount_includes_tax=True,
            quantity=line.quantity if line.kind == LineKind.PRODUCT else Decimal(1),
            places=places,
        )
        if rate is not None:
            return TaxKind(country, rate, *facts)
    return TaxKind(countries[0] if countries else "", None, *facts, matched=False)


def _reason(line: LineData, countries: Sequence[str]) -> str:
    return (
        f"{line.description}: tax {line.tax_amount} on {line.total - line.tax_amount} matches no official "
        f"rate of {', '.join(countries) or 'an unknown country'}"
    )


def _tax_row(company: Company, kind: TaxKind, lookups: ReferenceLookups) -> Tax:
    defaults = {
        "rate": kind.rate,
        "price_include": kind.price_include,
        "collected_by_marketplace": kind.collected_by_marketplace,
        "country_code": kind.country_code,
    }
    return lookups.get("tax", kind.name, lambda: _get_or_create_tax(company, kind.name, defaults))


def _get_or_create_tax(company: Company, name: str, defaults: dict[str, Any]) -> tuple[Tax, bool]:
    try:
        with transaction.atomic():
            return Tax.objects.get_or_create(company=company, name=name, defaults=defaults)
    except IntegrityError:
        return Tax.objects.get(company=company, name=name), False
