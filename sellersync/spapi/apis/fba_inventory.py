"""FBA Inventory API v1: getInventorySummaries, one page or every page lazily."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sellersync.spapi.apis._base import ApiSection, Timestamp
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.fba_inventory import InventorySummariesPage, InventorySummary
from sellersync.spapi.transport import QueryValue

GRANULARITY_MARKETPLACE = "Marketplace"


class FbaInventoryV1(ApiSection):
    """FBA Inventory API, version v1 (``payload`` wrapper, ``pagination`` beside it)."""

    def get_inventory_summaries(
        self,
        marketplace_id: str,
        *,
        details: bool = False,
        start_date_time: Timestamp | None = None,
        seller_skus: Sequence[str] | None = None,
        next_token: str | None = None,
    ) -> InventorySummariesPage:
        """getInventorySummaries: one page of a marketplace's FBA inventory (``details``: the breakdown)."""
        query: dict[str, QueryValue] = {
            "details": details,
            "granularityType": GRANULARITY_MARKETPLACE,
            "granularityId": marketplace_id,
            "startDateTime": start_date_time,
            "sellerSkus": seller_skus,
            "nextToken": next_token,
            "marketplaceIds": [marketplace_id],
        }
        operation = "fba_inventory.getInventorySummaries"
        return parse(
            InventorySummariesPage, self._client.call_json(operation, query=query), operation=operation
        )

    def iter_inventory_summaries(
        self,
        marketplace_id: str,
        *,
        details: bool = False,
        start_date_time: Timestamp | None = None,
        seller_skus: Sequence[str] | None = None,
    ) -> Iterator[InventorySummary]:
        """Every summary of the marketplace, the next page fetched only when the previous one is used up."""
        token: str | None = None
        while True:
            page = self.get_inventory_summaries(
                marketplace_id,
                details=details,
                start_date_time=start_date_time,
                seller_skus=seller_skus,
                next_token=token,
            )
            yield from page.payload.inventory_summaries
            token = page.next_token
            if not token:
                return
