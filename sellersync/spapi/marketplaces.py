"""SP-API regions (endpoints) and marketplaces (ids, countries, currencies, languages)."""

from __future__ import annotations

from enum import Enum


class Region(Enum):
    """An SP-API endpoint region: production host, AWS region, sandbox host."""

    NA = (
        "https://sellingpartnerapi-na.amazon.com",
        "us-east-1",
        "https://sandbox.sellingpartnerapi-na.amazon.com",
    )
    EU = (
        "https://sellingpartnerapi-eu.amazon.com",
        "eu-west-1",
        "https://sandbox.sellingpartnerapi-eu.amazon.com",
    )
    FE = (
        "https://sellingpartnerapi-fe.amazon.com",
        "us-west-2",
        "https://sandbox.sellingpartnerapi-fe.amazon.com",
    )

    def __init__(self, host: str, aws_region: str, sandbox_host: str) -> None:
        self.host = host
        self.aws_region = aws_region
        self.sandbox_host = sandbox_host


class Marketplace(Enum):
    """An Amazon marketplace: id, country code, region, currency and default language."""

    US = ("ATVPDKIKX0DER", "US", Region.NA, "USD", "en_US")
    CA = ("A2EUQ1WTGCTBG2", "CA", Region.NA, "CAD", "en_CA")
    MX = ("A1AM78C64UM0Y8", "MX", Region.NA, "MXN", "es_MX")
    BR = ("A2Q3Y263D00KWC", "BR", Region.NA, "BRL", "pt_BR")
    UK = ("A1F83G8C2ARO7P", "GB", Region.EU, "GBP", "en_GB")
    DE = ("A1PA6795UKMFR9", "DE", Region.EU, "EUR", "de_DE")
    FR = ("A13V1IB3VIYZZH", "FR", Region.EU, "EUR", "fr_FR")
    IT = ("APJ6JRA9NG5V4", "IT", Region.EU, "EUR", "it_IT")
    ES = ("A1RKKUPIHCS9HS", "ES", Region.EU, "EUR", "es_ES")
    NL = ("A1805IZSGTT6HS", "NL", Region.EU, "EUR", "nl_NL")
    SE = ("A2NODRKZP88ZB9", "SE", Region.EU, "SEK", "sv_SE")
    PL = ("A1C3SOZRARQ6R3", "PL", Region.EU, "PLN", "pl_PL")
    BE = ("AMEN7PMS3EDWL", "BE", Region.EU, "EUR", "fr_BE")
    IE = ("A28R8C7NBKEWEA", "IE", Region.EU, "EUR", "en_IE")
    TR = ("A33AVAJ2PDY3EV", "TR", Region.EU, "TRY", "tr_TR")
    AE = ("A2VIGQ35RCS4UG", "AE", Region.EU, "AED", "en_AE")
    SA = ("A17E79C6D8DWNP", "SA", Region.EU, "SAR", "ar_SA")
    EG = ("ARBP9OOSHTCHU", "EG", Region.EU, "EGP", "ar_EG")
    IN = ("A21TJRUUN4KGV", "IN", Region.EU, "INR", "en_IN")
    ZA = ("AE08WJ6YKNBMC", "ZA", Region.EU, "ZAR", "en_ZA")
    JP = ("A1VC38T7YXB528", "JP", Region.FE, "JPY", "ja_JP")
    AU = ("A39IBJ37TRP1C6", "AU", Region.FE, "AUD", "en_AU")
    SG = ("A19VAU5U5O7RUS", "SG", Region.FE, "SGD", "en_SG")

    def __init__(
        self, marketplace_id: str, country_code: str, region: Region, currency: str, language: str
    ) -> None:
        self.marketplace_id = marketplace_id
        self.country_code = country_code
        self.region = region
        self.currency = currency
        self.language = language

    @classmethod
    def from_id(cls, marketplace_id: str) -> Marketplace:
        """The marketplace with this Amazon id; ``ValueError`` for an unknown id."""
        for marketplace in cls:
            if marketplace.marketplace_id == marketplace_id:
                return marketplace
        raise ValueError(f"unknown Amazon marketplace id: {marketplace_id!r}")
