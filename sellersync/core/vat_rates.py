"""Official VAT/GST rates by country, and which of them a taxed amount was computed at.

European rates (EU-27, the UK, Norway, Switzerland, Turkey...) come from the `eu-vat-rates-data` package
(the European Commission's TEDB, checked daily and released when a rate changes): upgrading the package
is how a rate change reaches the books. The other countries Amazon sells in are a small table below.
The United States has no national rate (state and local sales taxes vary by address): its taxes are
named without a rate and never matched.

`match_rate` finds the official rate that Amazon's tax on an amount was computed at, allowing Amazon's
rounding: half a minor unit per unit of quantity (Amazon may round each unit's tax, then multiply).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import eu_vat_rates_data

HUNDRED = Decimal(100)

# Rates of the marketplaces outside the dataset: (name of the tax, standard rate, other rates).
_OTHER_COUNTRIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "CA": ("GST/HST", "5", ("13", "14", "14.975", "15", "11", "12")),  # GST, HST, GST+QST, GST+PST
    "MX": ("IVA", "16", ("8",)),
    "BR": ("ICMS", "18", ("17", "19", "20", "12", "7")),
    "JP": ("JCT", "10", ("8",)),
    "AU": ("GST", "10", ()),
    "SG": ("GST", "9", ()),
    "IN": ("GST", "18", ("5", "12", "28", "3")),
    "AE": ("VAT", "5", ()),
    "SA": ("VAT", "15", ()),
    "EG": ("VAT", "14", ("5",)),
    "ZA": ("VAT", "15", ()),
}
#: Countries whose sales tax depends on the buyer's address below the country (no rate to match).
VARYING_RATE_COUNTRIES = frozenset({"US"})
SALES_TAX_NAME = "sales tax"


@dataclass(frozen=True)
class CountryRates:
    """A country's tax name ("VAT", "GST"...) and official rates, the standard rate first."""

    country_code: str
    tax_name: str
    rates: tuple[Decimal, ...]
    in_eu: bool = False


@cache
def country_rates(country_code: str) -> CountryRates | None:
    """The official rates of a country; None for a country without fixed rates (US) or unknown."""
    code = country_code.upper()
    if code in _OTHER_COUNTRIES:
        name, standard, others = _OTHER_COUNTRIES[code]
        return CountryRates(code, name, tuple(Decimal(rate) for rate in (standard, *others)))
    if not eu_vat_rates_data.has_rate(code):
        return None
    entry = eu_vat_rates_data.get_rate(code)
    listed = [entry["standard"], *entry["reduced"], entry["super_reduced"], entry["parking"]]
    rates = tuple(dict.fromkeys(Decimal(str(rate)) for rate in listed if rate is not None))
    return CountryRates(code, "VAT", rates, in_eu=bool(entry["eu_member"]))


def is_eu_member(country_code: str) -> bool:
    rates = country_rates(country_code)
    return bool(rates and rates.in_eu)


def tax_name(country_code: str) -> str:
    """What the tax is called in this country's invoices ("VAT", "GST", "sales tax")."""
    rates = country_rates(country_code)
    return rates.tax_name if rates else SALES_TAX_NAME


def expected_tax(rate: Decimal, amount: Decimal, *, amount_includes_tax: bool) -> Decimal:
    """The exact (unrounded) tax at `rate` % on `amount`, gross or net."""
    if amount_includes_tax:
        return amount * rate / (HUNDRED + rate)
    return amount * rate / HUNDRED


def match_rate(
    candidates: Iterable[Decimal],
    amount: Decimal,
    tax: Decimal,
    *,
    amount_includes_tax: bool,
    quantity: Decimal = Decimal(1),
    places: int = 2,
) -> Decimal | None:
    """The candidate rate whose tax on `amount` rounds to `tax` within Amazon's rounding, else None.

    The tolerance is half a minor unit per unit of quantity (at least one unit). When several rates
    fit (tiny amounts), the closest wins, ties going to the earlier candidate (callers list the item's
    own rate first, then the standard rate).
    """
    tolerance = Decimal(1).scaleb(-places) / 2 * max(abs(quantity), Decimal(1))
    best: tuple[Decimal, Decimal] | None = None
    for rate in candidates:
        distance = abs(expected_tax(rate, amount, amount_includes_tax=amount_includes_tax) - tax)
        if distance <= tolerance and (best is None or distance < best[0]):
            best = (distance, rate)
    return best[1] if best else None


def format_rate(rate: Decimal) -> str:
    """19.0000 -> "19", 5.5 -> "5.5", 14.975 -> "14.975"."""
    text = f"{rate.normalize():f}"
    return text


def data_version() -> str:
    """The date of the European rates in use (shown in the docs and the admin)."""
    return str(eu_vat_rates_data.data_version)
