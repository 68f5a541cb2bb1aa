"""The single table of SP-API operations the client calls: method, path and documented usage plan.

Rates and bursts are the defaults quoted in each operation's description in Amazon's models
(see shared/spapi-models/BRIEF.md). Rate is in requests per second.

`idempotent` says whether sending the request twice does no more than sending it once. GET, PUT and DELETE
are; a POST is not unless marked so here (createFeedDocument and createRestrictedDataToken only make a
spare document or token; patchListingsItem sets values). The client never resends a non-idempotent request
whose answer it did not get: it raises `OutcomeUnknown` and the caller asks Amazon whether it was taken.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OperationSpec:
    """One SP-API operation: its operationId-based name, HTTP method, path template and usage plan."""

    name: str
    method: str
    path: str
    rate: float
    burst: int
    idempotent: bool = True


def _spec(
    name: str, method: str, path: str, rate: float, burst: int, *, idempotent: bool | None = None
) -> tuple[str, OperationSpec]:
    if idempotent is None:
        idempotent = method in ("GET", "PUT", "DELETE")
    return name, OperationSpec(name, method, path, rate, burst, idempotent)


_ORDERS_V0 = "/orders/v0/orders"
_FEEDS = "/feeds/2021-06-30"
_REPORTS = "/reports/2021-06-30"
_FIN_V0 = "/finances/v0"
_LISTINGS_ITEM = "/listings/2021-08-01/items/{sellerId}/{sku}"

OPERATIONS: dict[str, OperationSpec] = dict(
    [
        _spec("orders_v0.getOrders", "GET", _ORDERS_V0, 0.0167, 20),
        _spec("orders_v0.getOrder", "GET", _ORDERS_V0 + "/{orderId}", 0.5, 30),
        _spec("orders_v0.getOrderBuyerInfo", "GET", _ORDERS_V0 + "/{orderId}/buyerInfo", 0.5, 30),
        _spec("orders_v0.getOrderAddress", "GET", _ORDERS_V0 + "/{orderId}/address", 0.5, 30),
        _spec("orders_v0.getOrderItems", "GET", _ORDERS_V0 + "/{orderId}/orderItems", 0.5, 30),
        _spec(
            "orders_v0.getOrderItemsBuyerInfo", "GET", _ORDERS_V0 + "/{orderId}/orderItems/buyerInfo", 0.5, 30
        ),
        _spec("orders_v0.confirmShipment", "POST", _ORDERS_V0 + "/{orderId}/shipmentConfirmation", 2, 10),
        _spec("orders_2026.searchOrders", "GET", "/orders/2026-01-01/orders", 0.0056, 20),
        _spec("orders_2026.getOrder", "GET", "/orders/2026-01-01/orders/{orderId}", 0.5, 30),
        _spec("feeds.getFeeds", "GET", _FEEDS + "/feeds", 0.0222, 10),
        _spec("feeds.createFeed", "POST", _FEEDS + "/feeds", 0.0083, 15),
        _spec("feeds.getFeed", "GET", _FEEDS + "/feeds/{feedId}", 2, 15),
        _spec("feeds.cancelFeed", "DELETE", _FEEDS + "/feeds/{feedId}", 2, 15),
        _spec("feeds.createFeedDocument", "POST", _FEEDS + "/documents", 0.5, 15, idempotent=True),
        _spec("feeds.getFeedDocument", "GET", _FEEDS + "/documents/{feedDocumentId}", 0.0222, 10),
        _spec("reports.getReports", "GET", _REPORTS + "/reports", 0.0222, 10),
        _spec("reports.createReport", "POST", _REPORTS + "/reports", 0.0167, 15),
        _spec("reports.getReport", "GET", _REPORTS + "/reports/{reportId}", 2, 15),
        _spec("reports.cancelReport", "DELETE", _REPORTS + "/reports/{reportId}", 0.0222, 10),
        _spec("reports.getReportDocument", "GET", _REPORTS + "/documents/{reportDocumentId}", 0.0167, 15),
        _spec(
            "tokens.createRestrictedDataToken",
            "POST",
            "/tokens/2021-03-01/restrictedDataToken",
            1,
            10,
            idempotent=True,
        ),
        _spec(
            "sellers.getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations", 0.016, 15
        ),
        _spec("finances_v0.listFinancialEventGroups", "GET", _FIN_V0 + "/financialEventGroups", 0.5, 30),
        _spec(
            "finances_v0.listFinancialEventsByGroupId",
            "GET",
            _FIN_V0 + "/financialEventGroups/{eventGroupId}/financialEvents",
            0.5,
            30,
        ),
        _spec(
            "finances_v0.listFinancialEventsByOrderId",
            "GET",
            _FIN_V0 + "/orders/{orderId}/financialEvents",
            0.5,
            30,
        ),
        _spec("finances_v0.listFinancialEvents", "GET", _FIN_V0 + "/financialEvents", 0.5, 30),
        _spec("listings.getListingsItem", "GET", _LISTINGS_ITEM, 5, 10),
        _spec("listings.patchListingsItem", "PATCH", _LISTINGS_ITEM, 5, 5, idempotent=True),
        _spec("fba_inventory.getInventorySummaries", "GET", "/fba/inventory/v1/summaries", 2, 2),
    ]
)
