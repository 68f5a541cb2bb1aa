"""Where orders come from: one `OrderSource` interface over Orders 2026-01-01 (default) and v0 (fallback).

A source fetches raw pages through the client (rate limited, retried) and validates each order on its own,
so that one malformed order becomes a `MappingFailure` for that order while the rest of the page goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError

from sellersync.amazon.mappers import order_report
from sellersync.amazon.mappers import orders_2026 as map_2026
from sellersync.amazon.mappers import orders_v0 as map_v0
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.types import OrderData
from sellersync.spapi.apis._base import mark_pii, unwrap_payload
from sellersync.spapi.apis.tokens import RestrictedResource
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import NotFound, PayloadError, PiiAccessDenied, TransientError
from sellersync.spapi.models import orders_2026, orders_v0

#: Statuses fetched in one query; which (channel, status) pairs create orders is decided when applying.
STATUSES_V0 = ("Unshipped", "PartiallyShipped", "Shipped", "Canceled")
STATUSES_2026 = ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED")
INCLUDED_DATA_2026 = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "TAX",
)
PII_ELEMENTS = ("buyerInfo", "shippingAddress")
PAGE_SIZE = 100
IDS_PER_QUERY = 50  # getOrders accepts at most 50 AmazonOrderIds


@dataclass(frozen=True)
class MappingFailure:
    """An order that could not be validated or mapped: its id and the reason (naming the field)."""

    amazon_order_id: str
    reason: str


@dataclass(frozen=True)
class SourceEntry:
    """One order of a page: mapped (OrderData) or failed, with the raw payload it came from (as decoded)."""

    amazon_order_id: str
    result: OrderData | MappingFailure
    raw_payload: dict[str, Any]
    api_version: str


@dataclass
class SourcePage:
    """A page of orders and the upper bound Amazon applied to the query."""

    entries: list[SourceEntry] = field(default_factory=list)
    last_updated_before: datetime | None = None


class OrderSource(Protocol):
    """Fetches, validates and maps orders of the given marketplaces."""

    api_version: str

    def updated_since(self, marketplace_ids: Sequence[str], after: datetime) -> Iterator[SourcePage]: ...

    def by_ids(
        self, marketplace_ids: Sequence[str], amazon_order_ids: Sequence[str]
    ) -> list[SourceEntry]: ...


def _validation_reason(exc: ValidationError | PayloadError | MappingError) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "<root>"
        return f"invalid payload at {where}: {first['msg']}"
    return str(exc)


def _parse_instant(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class PiiGate:
    """Asks for a restricted data token unless Amazon already refused; remembers the answer."""

    def __init__(self, client: SpApiClient, allowed: bool) -> None:
        self._client = client
        self.allowed = allowed
        self.granted: bool | None = None

    def token(self, path: str) -> str | None:
        if not self.allowed:
            return None
        resource = RestrictedResource("GET", path, PII_ELEMENTS)
        try:
            token = self._client.restricted_data_tokens.token_for([resource])
        except PiiAccessDenied:
            self.granted = False
            self.allowed = False
            return None
        self.granted = True
        return token


class Orders2026Source:
    """searchOrders with items embedded: one call per page of up to 100 orders."""

    api_version = "2026-01-01"
    _PATH = "/orders/2026-01-01/orders"

    def __init__(self, client: SpApiClient, pii: PiiGate) -> None:
        self._client = client
        self._pii = pii

    def updated_since(self, marketplace_ids: Sequence[str], after: datetime) -> Iterator[SourcePage]:
        token: str | None = None
        while True:
            query: dict[str, Any] = {
                "marketplaceIds": list(marketplace_ids),
                "maxResultsPerPage": PAGE_SIZE,
                "includedData": list(INCLUDED_DATA_2026),
            }
            if token:
                query["paginationToken"] = token
            else:
                query["lastUpdatedAfter"] = after
                query["fulfillmentStatuses"] = list(STATUSES_2026)
            access_token = self._pii.token(self._PATH)
            data = self._client.call_json("orders_2026.searchOrders", query=query, access_token=access_token)
            yield self._page(data, access_token is not None)
            token = (data.get("pagination") or {}).get("nextToken")
            if not token:
                return

    def by_ids(self, marketplace_ids: Sequence[str], amazon_order_ids: Sequence[str]) -> list[SourceEntry]:
        entries = []
        for order_id in amazon_order_ids:
            access_token = self._pii.token(f"{self._PATH}/{order_id}")
            try:
                data = self._client.call_json(
                    "orders_2026.getOrder",
                    path_params={"orderId": order_id},
                    query={"includedData": list(INCLUDED_DATA_2026)},
                    access_token=access_token,
                )
            except NotFound:
                continue  # the caller reports the ids that were not found
            raw = data.get("order") if isinstance(data, dict) else None
            entries.append(
                self._entry(raw if isinstance(raw, dict) else {"orderId": order_id}, access_token is not None)
            )
        return entries

    def _page(self, data: Any, pii: bool) -> SourcePage:
        if not isinstance(data, dict) or not isinstance(data.get("orders"), list):
            raise PayloadError("orders_2026.searchOrders: response has no 'orders' list")
        page = SourcePage(last_updated_before=_parse_instant(data.get("lastUpdatedBefore")))
        page.entries = [self._entry(raw, pii) for raw in data["orders"]]
        return page

    def _entry(self, raw: dict[str, Any], pii: bool) -> SourceEntry:
        return entry_from_2026(raw, pii=pii)


def entry_from_2026(raw: dict[str, Any], *, pii: bool) -> SourceEntry:
    """Validate and map one raw 2026-01-01 order; a bad one becomes a MappingFailure naming the field."""
    order_id = str(raw.get("orderId", ""))
    result: OrderData | MappingFailure
    try:
        order = orders_2026.Order.model_validate(raw)
        mark_pii(order, pii)
        result = map_2026.map_order(order)
    except (ValidationError, MappingError) as exc:
        result = MappingFailure(order_id, _validation_reason(exc))
    return SourceEntry(order_id, result, raw, Orders2026Source.api_version)


class OrdersV0Source:
    """getOrders pages, then getOrderItems per order (the fallback: one more call per order)."""

    api_version = "v0"
    _PATH = "/orders/v0/orders"

    def __init__(self, client: SpApiClient, pii: PiiGate) -> None:
        self._client = client
        self._pii = pii

    def updated_since(self, marketplace_ids: Sequence[str], after: datetime) -> Iterator[SourcePage]:
        query: dict[str, Any] = {
            "MarketplaceIds": list(marketplace_ids),
            "LastUpdatedAfter": after,
            "OrderStatuses": list(STATUSES_V0),
            "MaxResultsPerPage": PAGE_SIZE,
        }
        yield from self._pages(query)

    def by_ids(self, marketplace_ids: Sequence[str], amazon_order_ids: Sequence[str]) -> list[SourceEntry]:
        entries: list[SourceEntry] = []
        for start in range(0, len(amazon_order_ids), IDS_PER_QUERY):
            chunk = list(amazon_order_ids[start : start + IDS_PER_QUERY])
            query: dict[str, Any] = {"MarketplaceIds": list(marketplace_ids), "AmazonOrderIds": chunk}
            for page in self._pages(query):
                entries.extend(page.entries)
        return entries

    def _pages(self, first_query: dict[str, Any]) -> Iterator[SourcePage]:
        query = first_query
        while True:
            access_token = self._pii.token(self._PATH)
            data = self._client.call_json("orders_v0.getOrders", query=query, access_token=access_token)
            payload = unwrap_payload(data, "orders_v0.getOrders")
            yield self._page(payload, access_token is not None)
            next_token = payload.get("NextToken") if isinstance(payload, dict) else None
            if not next_token:
                return
            query = {"MarketplaceIds": first_query["MarketplaceIds"], "NextToken": next_token}

    def _page(self, payload: Any, pii: bool) -> SourcePage:
        if not isinstance(payload, dict) or not isinstance(payload.get("Orders"), list):
            raise PayloadError("orders_v0.getOrders: payload has no 'Orders' list")
        page = SourcePage(last_updated_before=_parse_instant(payload.get("LastUpdatedBefore")))
        page.entries = [self._entry(raw, pii) for raw in payload["Orders"]]
        return page

    def _entry(self, raw: dict[str, Any], pii: bool) -> SourceEntry:
        order_id = str(raw.get("AmazonOrderId", ""))
        result: OrderData | MappingFailure
        items: list[orders_v0.OrderItem] = []
        try:
            order = orders_v0.Order.model_validate(raw)
            mark_pii(order, pii)
            items = list(self._client.orders_v0.iter_order_items(order_id))
            result = map_v0.map_order(order, items)
        except (ValidationError, PayloadError, MappingError) as exc:
            result = MappingFailure(order_id, _validation_reason(exc))
        except TransientError as exc:  # still failing after the client's retries: this order fails alone
            result = MappingFailure(order_id, f"getOrderItems: Amazon did not serve the items ({exc})")
        payload = {"order": raw, "items": [item.model_dump(by_alias=True, mode="json") for item in items]}
        return SourceEntry(order_id, result, payload, self.api_version)


REPORT_API_VERSION = "report"  # AmazonOrderEvent.api_version of orders read from an order report
#: FBM statuses in which the seller still ships (part of) the order.
STILL_TO_SHIP = frozenset({"Unshipped", "PartiallyShipped"})


def needs_order_item_ids(data: OrderData) -> bool:
    """Whether this order still needs Amazon's order item ids: an FBM order the seller must still ship
    (the shipment confirmation names the items). An order report has no item ids, so such an order is
    better read from the Orders API (`OrderSource.by_ids`) than booked from the report."""
    return data.fulfillment_channel == "MFN" and data.status in STILL_TO_SHIP


def entries_from_order_report(lines: Iterable[str]) -> Iterator[SourceEntry]:
    """The orders of an all-orders flat file report (its decoded lines, header first), one entry each.

    Streams: one order's rows at a time. The entries go to `import_orders.apply_entries` like API
    orders; an order already applied at the same or a newer last update is UNCHANGED there (the report's
    last-updated-date is the version), never downgraded. A bad order becomes a MappingFailure naming the
    column; a document that is no order report raises `order_report.ReportFormatError` before any entry
    (a row without order id raises it when reached).
    The raw payload stored with the order is its rows (`{"report_rows": [...]}`).
    """
    for order in order_report.iter_order_rows(lines):
        result: OrderData | MappingFailure
        if order.problem:
            result = MappingFailure(order.amazon_order_id, f"{order.amazon_order_id}: {order.problem}")
        else:
            try:
                result = order_report.map_order(order.rows)
            except MappingError as exc:
                result = MappingFailure(order.amazon_order_id, str(exc))
        payload = {"report_rows": [dict(row) for row in order.rows]}
        yield SourceEntry(order.amazon_order_id, result, payload, REPORT_API_VERSION)
