"""Orders API 2026-01-01: search orders (items embedded) and read one order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sellersync.spapi.apis._base import ApiSection, Timestamp
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.orders_2026 import GetOrderResponse, Order, SearchOrdersResponse


class Orders20260101(ApiSection):
    """Orders API, version 2026-01-01 (unwrapped responses, camelCase)."""

    def search_orders(
        self,
        *,
        marketplace_ids: Sequence[str] | None = None,
        created_after: Timestamp | None = None,
        created_before: Timestamp | None = None,
        last_updated_after: Timestamp | None = None,
        last_updated_before: Timestamp | None = None,
        fulfillment_statuses: Sequence[str] | None = None,
        fulfilled_by: Sequence[str] | None = None,
        max_results_per_page: int | None = None,
        included_data: Sequence[str] | None = None,
        pagination_token: str | None = None,
    ) -> SearchOrdersResponse:
        """searchOrders: one page; ``included_data`` (BUYER, RECIPIENT...) adds optional sections."""
        query = {
            "createdAfter": created_after,
            "createdBefore": created_before,
            "lastUpdatedAfter": last_updated_after,
            "lastUpdatedBefore": last_updated_before,
            "fulfillmentStatuses": fulfillment_statuses,
            "marketplaceIds": marketplace_ids,
            "fulfilledBy": fulfilled_by,
            "maxResultsPerPage": max_results_per_page,
            "paginationToken": pagination_token,
            "includedData": included_data,
        }
        operation = "orders_2026.searchOrders"
        data = self._client.call_json(operation, query=query)
        return parse(SearchOrdersResponse, data, operation=operation)

    def iter_search_orders(
        self,
        *,
        marketplace_ids: Sequence[str] | None = None,
        created_after: Timestamp | None = None,
        created_before: Timestamp | None = None,
        last_updated_after: Timestamp | None = None,
        last_updated_before: Timestamp | None = None,
        fulfillment_statuses: Sequence[str] | None = None,
        fulfilled_by: Sequence[str] | None = None,
        max_results_per_page: int | None = None,
        included_data: Sequence[str] | None = None,
    ) -> Iterator[Order]:
        """Every order matching the filters, following ``pagination.nextToken`` lazily."""
        token: str | None = None
        while True:
            page = self.search_orders(
                marketplace_ids=marketplace_ids,
                created_after=created_after,
                created_before=created_before,
                last_updated_after=last_updated_after,
                last_updated_before=last_updated_before,
                fulfillment_statuses=fulfillment_statuses,
                fulfilled_by=fulfilled_by,
                max_results_per_page=max_results_per_page,
                included_data=included_data,
                pagination_token=token,
            )
            yield from page.orders
            token = page.pagination.next_token if page.pagination else None
            if not token:
                return

    def get_order(self, order_id: str, *, included_data: Sequence[str] | None = None) -> Order:
        """getOrder: one order with its items."""
        operation = "orders_2026.getOrder"
        data = self._client.call_json(
            operation, path_params={"orderId": order_id}, query={"includedData": included_data}
        )
        return parse(GetOrderResponse, data, operation=operation, order_id=order_id).order
