"""Sellers API v1: getMarketplaceParticipations."""

from __future__ import annotations

from sellersync.sandbox.api import Call, Operation, Reply, not_found
from sellersync.sandbox.marketplaces import MARKETPLACES


def get_marketplace_participations(call: Call) -> Reply:
    seller = call.sandbox.seller(call.seller_id)
    if seller is None:
        raise not_found("Seller not found.")
    payload = [
        {
            "marketplace": {
                "id": market.marketplace_id,
                "name": market.name,
                "countryCode": market.country_code,
                "defaultCurrencyCode": market.currency,
                "defaultLanguageCode": market.language,
                "domainName": market.domain,
            },
            "storeName": seller.name,
            "participation": {"isParticipating": True, "hasSuspendedListings": False},
        }
        for market in (MARKETPLACES[marketplace_id] for marketplace_id in seller.marketplace_ids)
    ]
    return Reply(200, {"payload": payload})


OPERATIONS = [
    Operation(
        "GET",
        "/sellers/v1/marketplaceParticipations",
        "getMarketplaceParticipations",
        get_marketplace_participations,
    ),
]
