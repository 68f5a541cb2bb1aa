"""Orders API v0: list and read orders, items, addresses and buyer info; confirm shipments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sellersync.spapi.apis._base import ApiSection, Timestamp, mark_pii, unwrap_payload
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.orders_v0 import (
    Order,
    OrderAddress,
    OrderBuyerInfo,
    OrderItem,
    OrderItemsBuyerInfoList,
    OrderItemsList,
    OrdersList,
    PackageDetail,
)
from sellersync.spapi.transport import iso_utc

_ORDERS_PATH = "/orders/v0/orders"


class OrdersV0(ApiSection):
    """Orders API, version v0 (responses wrapped in ``{"payload": ...}``)."""

    def get_orders(
        self,
        marketplace_ids: Sequence[str],
        *,
        created_after: Timestamp | None = None,
        created_before: Timestamp | None = None,
        last_updated_after: Timestamp | None = None,
        last_updated_before: Timestamp | None = None,
        order_statuses: Sequence[str] | None = None,
        fulfillment_channels: Sequence[str] | None = None,
        max_results_per_page: int | None = 100,
        amazon_order_ids: Sequence[str] | None = None,
        next_token: str | None = None,
        data_elements: Sequence[str] = (),
    ) -> OrdersList:
        """getOrders: one page. ``data_elements`` (buyerInfo, shippingAddress...) asks for PII via an RDT."""
        query = {
            "MarketplaceIds": marketplace_ids,
            "CreatedAfter": created_after,
            "CreatedBefore": created_before,
            "LastUpdatedAfter": last_updated_after,
            "LastUpdatedBefore": last_updated_before,
            "OrderStatuses": order_statuses,
            "FulfillmentChannels": fulfillment_channels,
            "MaxResultsPerPage": max_results_per_page,
            "AmazonOrderIds": amazon_order_ids,
            "NextToken": next_token,
        }
        token = self._restricted_token("GET", _ORDERS_PATH, data_elements) if data_elements else None
        operation = "orders_v0.getOrders"
        data = self._client.call_json(operation, query=query, access_token=token)
        page = parse(OrdersList, unwrap_payload(data, operation), operation=operation)
        for order in page.orders:
            mark_pii(order, token is not None)
        return page

    def iter_order_pages(
        self,
        marketplace_ids: Sequence[str],
        *,
        created_after: Timestamp | None = None,
        created_before: Timestamp | None = None,
        last_updated_after: Timestamp | None = None,
        last_updated_before: Timestamp | None = None,
        order_statuses: Sequence[str] | None = None,
        fulfillment_channels: Sequence[str] | None = None,
        max_results_per_page: int | None = 100,
        amazon_order_ids: Sequence[str] | None = None,
        data_elements: Sequence[str] = (),
    ) -> Iterator[OrdersList]:
        """getOrders pages, following NextToken lazily (next page fetched only when asked for)."""
        next_token: str | None = None
        while True:
            page = self.get_orders(
                marketplace_ids,
                created_after=created_after,
                created_before=created_before,
                last_updated_after=last_updated_after,
                last_updated_before=last_updated_before,
                order_statuses=order_statuses,
                fulfillment_channels=fulfillment_channels,
                max_results_per_page=max_results_per_page,
                amazon_order_ids=amazon_order_ids,
                next_token=next_token,
                data_elements=data_elements,
            )
            yield page
            next_token = page.next_token
            if not next_token:
                return

    def iter_orders(
        self,
        marketplace_ids: Sequence[str],
        *,
        created_after: Timestamp | None = None,
        created_before: Timestamp | None = None,
        last_updated_after: Timestamp | None = None,
        last_updated_before: Timestamp | None = None,
        order_statuses: Sequence[str] | None = None,
        fulfillment_channels: Sequence[str] | None = None,
        max_results_per_page: int | None = 100,
        amazon_order_ids: Sequence[str] | None = None,
        data_elements: Sequence[str] = (),
    ) -> Iterator[Order]:
        """Every order matching the filters, across pages, lazily."""
        for page in self.iter_order_pages(
            marketplace_ids,
            created_after=created_after,
            created_before=created_before,
            last_updated_after=last_updated_after,
            last_updated_before=last_updated_before,
            order_statuses=order_statuses,
            fulfillment_channels=fulfillment_channels,
            max_results_per_page=max_results_per_page,
            amazon_order_ids=amazon_order_ids,
            data_elements=data_elements,
        ):
            yield from page.orders

    def get_order(self, order_id: str, *, data_elements: Sequence[str] = ()) -> Order:
        """getOrder: one order (no items)."""
        path = f"{_ORDERS_PATH}/{order_id}"
        token = self._restricted_token("GET", path, data_elements) if data_elements else None
        operation = "orders_v0.getOrder"
        data = self._client.call_json(operation, path_params={"orderId": order_id}, access_token=token)
        order = parse(Order, unwrap_payload(data, operation), operation=operation, order_id=order_id)
        mark_pii(order, token is not None)
        return order

    def get_order_items(
        self, order_id: str, *, next_token: str | None = None, data_elements: Sequence[str] = ()
    ) -> OrderItemsList:
        """getOrderItems: one page of an order's items."""
        path = f"{_ORDERS_PATH}/{order_id}/orderItems"
        token = self._restricted_token("GET", path, data_elements) if data_elements else None
        operation = "orders_v0.getOrderItems"
        data = self._client.call_json(
            operation, path_params={"orderId": order_id}, query={"NextToken": next_token}, access_token=token
        )
        page = parse(OrderItemsList, unwrap_payload(data, operation), operation=operation, order_id=order_id)
        mark_pii(page, token is not None)
        return page

    def iter_order_items(self, order_id: str, *, data_elements: Sequence[str] = ()) -> Iterator[OrderItem]:
        """Every item of an order, following NextToken lazily."""
        next_token: str | None = None
        while True:
            page = self.get_order_items(order_id, next_token=next_token, data_elements=data_elements)
            yield from page.order_items
            next_token = page.next_token
            if not next_token:
                return

    def get_order_address(self, order_id: str, *, pii: bool = False) -> OrderAddress:
        """getOrderAddress. ``pii=True`` uses an RDT; ``result.pii_granted`` says if Amazon allowed it."""
        path = f"{_ORDERS_PATH}/{order_id}/address"
        token = self._restricted_token("GET", path) if pii else None
        operation = "orders_v0.getOrderAddress"
        data = self._client.call_json(operation, path_params={"orderId": order_id}, access_token=token)
        address = parse(OrderAddress, unwrap_payload(data, operation), operation=operation, order_id=order_id)
        mark_pii(address, token is not None)
        return address

    def get_order_buyer_info(self, order_id: str, *, pii: bool = False) -> OrderBuyerInfo:
        """getOrderBuyerInfo. ``pii=True`` uses an RDT; ``result.pii_granted`` says if Amazon allowed it."""
        path = f"{_ORDERS_PATH}/{order_id}/buyerInfo"
        token = self._restricted_token("GET", path) if pii else None
        operation = "orders_v0.getOrderBuyerInfo"
        data = self._client.call_json(operation, path_params={"orderId": order_id}, access_token=token)
        buyer = parse(OrderBuyerInfo, unwrap_payload(data, operation), operation=operation, order_id=order_id)
        mark_pii(buyer, token is not None)
        return buyer

    def get_order_items_buyer_info(
        self, order_id: str, *, next_token: str | None = None, pii: bool = False
    ) -> OrderItemsBuyerInfoList:
        """getOrderItemsBuyerInfo: gift wrap and customization of an order's items (one page)."""
        path = f"{_ORDERS_PATH}/{order_id}/orderItems/buyerInfo"
        token = self._restricted_token("GET", path) if pii else None
        operation = "orders_v0.getOrderItemsBuyerInfo"
        data = self._client.call_json(
            operation, path_params={"orderId": order_id}, query={"NextToken": next_token}, access_token=token
        )
        page = parse(
            OrderItemsBuyerInfoList, unwrap_payload(data, operation), operation=operation, order_id=order_id
        )
        mark_pii(page, token is not None)
        return page

    def confirm_shipment(
        self,
        order_id: str,
        marketplace_id: str,
        package_detail: PackageDetail,
        *,
        cod_collection_method: str | None = None,
    ) -> None:
        """confirmShipment: tell Amazon a package left (carrier, tracking, items). Amazon answers 204."""
        package = package_detail.model_dump(by_alias=True, exclude_none=True, mode="json")
        package["shipDate"] = iso_utc(package_detail.ship_date)
        body: dict[str, object] = {"marketplaceId": marketplace_id, "packageDetail": package}
        if cod_collection_method is not None:
            body["codCollectionMethod"] = cod_collection_method
        self._client.call("orders_v0.confirmShipment", path_params={"orderId": order_id}, body=body)
