"""SP-API regions (endpoints) and marketplaces (ids, countries, currencies, languages, Seller Central).

The one table of Amazon's production hosts: each region's SP-API host and Seller Central (where sellers
consent to an application), each marketplace's own Seller Central. `sellersync.spapi.endpoints` sends
credentials to these hosts only (or to the configured local sandbox).
"""

from __future__ import annotations

from enum import Enum


class Region(Enum):
    """An SP-API endpoint region: production host, AWS region, Amazon's static sandbox, Seller Central."""

    NA = (
        "https://sellingpartnerapi-na.amazon.com",
        "us-east-1",
        "https://sandbox.sellingpartnerapi-na.amazon.com",
        "https://sellercentral.amazon.com",
    )
    EU = (
        "https://sellingpartnerapi-eu.amazon.com",
        "eu-west-1",
        "https://sandbox.sellingpartnerapi-eu.amazon.com",
        "https://sellercentral-europe.amazon.com",
    )
    FE = (
        "https://sellingpartnerapi-fe.amazon.com",
        "us-west-2",
        "https://sandbox.sellingpartnerapi-fe.amazon.com",
        "https://sellercentral.amazon.co.jp",
    )

    def __init__(self, host: str, aws_region: str, sandbox_host: str, seller_central: str) -> None:
        self.host = host
        self.aws_region = aws_region
        self.sandbox_host = sandbox_host
        self.seller_central = seller_central


class Marketplace(Enum):
    """An Amazon marketplace: id, country code, region, currency, default language and Seller Central."""

    US = ("ATVPDKIKX0DER", "US", Region.NA, "USD", "en_US", "https://sellercentral.amazon.com")
    CA = ("A2EUQ1WTGCTBG2", "CA", Region.NA, "CAD", "en_CA", "https://sellercentral.amazon.ca")
    MX = ("A1AM78C64UM0Y8", "MX", Region.NA, "MXN", "es_MX", "https://sellercentral.amazon.com.mx")
    BR = ("A2Q3Y263D00KWC", "BR", Region.NA, "BRL", "pt_BR", "https://sellercentral.amazon.com.br")
    UK = ("A1F83G8C2ARO7P", "GB", Region.EU, "GBP", "en_GB", "https://sellercentral-europe.amazon.com")
    DE = ("A1PA6795UKMFR9", "DE", Region.EU, "EUR", "de_DE", "https://sellercentral-europe.amazon.com")
    FR = ("A13V1IB3VIYZZH", "FR", Region.EU, "EUR", "fr_FR", "https://sellercentral-europe.amazon.com")
    IT = ("APJ6JRA9NG5V4", "IT", Region.EU, "EUR", "it_IT", "https://sellercentral-europe.amazon.com")
    ES = ("A1RKKUPIHCS9HS", "ES", Region.EU, "EUR", "es_ES", "https://sellercentral-europe.amazon.com")
    NL = ("A1805IZSGTT6HS", "NL", Region.EU, "EUR", "nl_NL", "https://sellercentral.amazon.nl")
    SE = ("A2NODRKZP88ZB9", "SE", Region.EU, "SEK", "sv_SE", "https://sellercentral.amazon.se")
    PL = ("A1C3SOZRARQ6R3", "PL", Region.EU, "PLN", "pl_PL", "https://sellercentral.amazon.pl")
    BE = ("AMEN7PMS3EDWL", "BE", Region.EU, "EUR", "fr_BE", "https://sellercentral.amazon.com.be")
    IE = ("A28R8C7NBKEWEA", "IE", Region.EU, "EUR", "en_IE", "https://sellercentral.amazon.ie")
    TR = ("A33AVAJ2PDY3EV", "TR", Region.EU, "TRY", "tr_TR", "https://sellercentral.amazon.com.tr")
    AE = ("A2VIGQ35RCS4UG", "AE", Region.EU, "AED", "en_AE", "https://sellercentral.amazon.ae")
    SA = ("A17E79C6D8DWNP", "SA", Region.EU, "SAR", "ar_SA", "https://sellercentral.amazon.sa")
    EG = ("ARBP9OOSHTCHU", "EG", Region.EU, "EGP", "ar_EG", "https://sellercentral.amazon.eg")
    IN = ("A21TJRUUN4KGV", "IN", Region.EU, "INR", "en_IN", "https://sellercentral.amazon.in")
    ZA = ("AE08WJ6YKNBMC", "ZA", Region.EU, "ZAR", "en_ZA", "https://sellercentral.amazon.co.za")
    JP = ("A1VC38T7YXB528", "JP", Region.FE, "JPY", "ja_JP", "https://sellercentral.amazon.co.jp")
    AU = ("A39IBJ37TRP1C6", "AU", Region.FE, "AUD", "en_AU", "https://sellercentral.amazon.com.au")
    SG = ("A19VAU5U5O7RUS", "SG", Region.FE, "SGD", "en_SG", "https://sellercentral.amazon.sg")

    def __init__(
        self,
        marketplace_id: str,
        country_code: str,
        region: Region,
        currency: str,
        language: str,
        seller_central: str,
    ) -> None:
        self.marketplace_id = marketplace_id
        self.country_code = country_code
        self.region = region
        self.currency = currency
        self.language = language
        self.seller_central = seller_central

    @classmethod
    def from_id(cls, marketplace_id: str) -> Marketplace:
        """The marketplace with this Amazon id; ``ValueError`` for an unknown id."""
        for marketplace in cls:
            if marketplace.marketplace_id == marketplace_id:
                return marketplace
        raise ValueError(f"unknown Amazon marketplace id: {marketplace_id!r}")


# The language sellersync prints a marketplace's invoices and credit notes in when the customer has none of
# their own: the marketplace's language where sellersync has a catalogue for it (the back office speaks en,
# zh-hans, es). Spain and Mexico: Spanish, their buyers' language (es_ES, es_MX). Every other marketplace is
# absent and gets English: either English is its language already (US, CA, UK, IE, AU, SG, IN, AE, ZA), or
# sellersync has no catalogue for it yet (de, fr, it, nl, sv, pl, pt, tr, ar, ja), and an English invoice
# is read more widely than one in a language the buyer may not read either. Add a marketplace here when its
# language gets a catalogue.
DOCUMENT_LANGUAGES: dict[Marketplace, str] = {
    Marketplace.ES: "es",
    Marketplace.MX: "es",
}
