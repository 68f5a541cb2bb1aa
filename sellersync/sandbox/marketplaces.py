"""The marketplaces the sandbox simulates: ids, currencies, tax conventions, domains."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace as the sandbox needs it."""

    marketplace_id: str
    country_code: str
    name: str
    domain: str
    currency: str
    language: str
    tax_rate: Decimal
    tax_inclusive: bool
    decimals: int
    price_factor: Decimal

    @property
    def sales_channel(self) -> str:
        return "Amazon." + self.domain.removeprefix("www.amazon.")

    def money(self, amount: Decimal) -> Decimal:
        """Round to the currency's minor unit (yen has none)."""
        return amount.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)


def _market(
    marketplace_id: str,
    country: str,
    domain: str,
    currency: str,
    language: str,
    rate: str,
    inclusive: bool,
    factor: str,
    decimals: int = 2,
) -> Marketplace:
    return Marketplace(
        marketplace_id,
        country,
        "Amazon." + domain.removeprefix("www.amazon."),
        domain,
        currency,
        language,
        Decimal(rate),
        inclusive,
        decimals,
        Decimal(factor),
    )


MARKETPLACES: dict[str, Marketplace] = {
    market.marketplace_id: market
    for market in (
        _market("ATVPDKIKX0DER", "US", "www.amazon.com", "USD", "en_US", "0.0825", False, "1"),
        _market("A2EUQ1WTGCTBG2", "CA", "www.amazon.ca", "CAD", "en_CA", "0.13", False, "1.35"),
        _market("A1AM78C64UM0Y8", "MX", "www.amazon.com.mx", "MXN", "es_MX", "0.16", True, "19"),
        _market("A1F83G8C2ARO7P", "GB", "www.amazon.co.uk", "GBP", "en_GB", "0.20", True, "0.85"),
        _market("A1PA6795UKMFR9", "DE", "www.amazon.de", "EUR", "de_DE", "0.19", True, "1"),
        _market("A13V1IB3VIYZZH", "FR", "www.amazon.fr", "EUR", "fr_FR", "0.20", True, "1"),
        _market("APJ6JRA9NG5V4", "IT", "www.amazon.it", "EUR", "it_IT", "0.22", True, "1"),
        _market("A1RKKUPIHCS9HS", "ES", "www.amazon.es", "EUR", "es_ES", "0.21", True, "1"),
        _market("A1VC38T7YXB528", "JP", "www.amazon.co.jp", "JPY", "ja_JP", "0.10", True, "150", decimals=0),
    )
}
