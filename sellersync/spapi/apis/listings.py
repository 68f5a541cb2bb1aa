"""Listings Items API 2021-08-01: read a listing, patch it (the FBM quantity among others)."""

from __future__ import annotations

from collections.abc import Sequence

from sellersync.spapi.apis._base import ApiSection
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.listings import (
    OFFER_ONLY_PRODUCT_TYPE,
    ListingsItem,
    ListingsItemSubmissionResponse,
    PatchOperation,
    fbm_quantity_patch,
)


class ListingsItems20210801(ApiSection):
    """Listings Items API, version 2021-08-01 (unwrapped responses, camelCase)."""

    def get_listings_item(
        self,
        seller_id: str,
        sku: str,
        marketplace_ids: Sequence[str],
        *,
        included_data: Sequence[str] | None = None,
        issue_locale: str | None = None,
    ) -> ListingsItem:
        """getListingsItem: one SKU; ``included_data`` (summaries, offers, fulfillmentAvailability...)."""
        query = {
            "marketplaceIds": marketplace_ids,
            "includedData": included_data,
            "issueLocale": issue_locale,
        }
        operation = "listings.getListingsItem"
        data = self._client.call_json(operation, path_params={"sellerId": seller_id, "sku": sku}, query=query)
        return parse(ListingsItem, data, operation=operation)

    def patch_listings_item(
        self,
        seller_id: str,
        sku: str,
        marketplace_ids: Sequence[str],
        patches: Sequence[PatchOperation],
        *,
        product_type: str = OFFER_ONLY_PRODUCT_TYPE,
        included_data: Sequence[str] | None = None,
        mode: str | None = None,
        issue_locale: str | None = None,
    ) -> ListingsItemSubmissionResponse:
        """patchListingsItem: apply JSON Patch operations; ``mode="VALIDATION_PREVIEW"`` only validates."""
        if not patches:
            raise ValueError("patchListingsItem needs at least one patch")
        query = {
            "marketplaceIds": marketplace_ids,
            "includedData": included_data,
            "mode": mode,
            "issueLocale": issue_locale,
        }
        body = {"productType": product_type, "patches": [patch.to_wire() for patch in patches]}
        operation = "listings.patchListingsItem"
        data = self._client.call_json(
            operation, path_params={"sellerId": seller_id, "sku": sku}, query=query, body=body
        )
        return parse(ListingsItemSubmissionResponse, data, operation=operation)

    def set_fbm_quantity(
        self, seller_id: str, sku: str, marketplace_ids: Sequence[str], quantity: int
    ) -> ListingsItemSubmissionResponse:
        """patchListingsItem of ``fulfillment_availability``: the quantity the seller ships itself."""
        return self.patch_listings_item(seller_id, sku, marketplace_ids, [fbm_quantity_patch(quantity)])
