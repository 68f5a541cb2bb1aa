"""Sellers API v1 payloads."""

from __future__ import annotations

from sellersync.spapi.models.base import CamelModel


class MarketplaceInfo(CamelModel):
    """A marketplace as described by the Sellers API."""

    id: str
    name: str
    country_code: str
    default_currency_code: str
    default_language_code: str
    domain_name: str


class Participation(CamelModel):
    """Whether the seller sells in the marketplace."""

    is_participating: bool
    has_suspended_listings: bool


class MarketplaceParticipation(CamelModel):
    """One marketplace the seller can sell in, and the store name there."""

    marketplace: MarketplaceInfo
    participation: Participation
    store_name: str
