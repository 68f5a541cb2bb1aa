"""Sellers API v1."""

from __future__ import annotations

from pydantic import TypeAdapter

from sellersync.spapi.apis._base import ApiSection, unwrap_payload
from sellersync.spapi.errors import PayloadError
from sellersync.spapi.models.sellers import MarketplaceParticipation

_PARTICIPATIONS = TypeAdapter(list[MarketplaceParticipation])


class SellersV1(ApiSection):
    """Sellers API, version v1 (responses wrapped in ``{"payload": ...}``)."""

    def get_marketplace_participations(self) -> list[MarketplaceParticipation]:
        """getMarketplaceParticipations: the marketplaces the seller can sell in."""
        operation = "sellers.getMarketplaceParticipations"
        payload = unwrap_payload(self._client.call_json(operation), operation)
        try:
            return _PARTICIPATIONS.validate_python(payload)
        except ValueError as exc:
            raise PayloadError(
                f"{operation}: response does not fit the model: {exc}", operation=operation
            ) from exc
