"""FBA Inventory API v1 payloads: inventory summaries per seller SKU (``payload`` + top-level pagination)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field, field_validator

from sellersync.spapi.models.base import CamelModel


class ReservedQuantity(CamelModel):
    """Units Amazon holds back: being picked for customer orders, transshipped or in FC processing."""

    total_reserved_quantity: int = 0
    pending_customer_order_quantity: int = 0
    pending_transshipment_quantity: int = 0
    fc_processing_quantity: int = 0


class UnfulfillableQuantity(CamelModel):
    """Units in unsellable condition."""

    total_unfulfillable_quantity: int = 0


class ResearchingQuantity(CamelModel):
    """Misplaced or damaged units being researched."""

    total_researching_quantity: int = 0


class InventoryDetails(CamelModel):
    """The breakdown of a SKU's units (present only when ``details=true`` was asked)."""

    fulfillable_quantity: int = 0
    inbound_working_quantity: int = 0
    inbound_shipped_quantity: int = 0
    inbound_receiving_quantity: int = 0
    reserved_quantity: ReservedQuantity | None = None
    researching_quantity: ResearchingQuantity | None = None
    unfulfillable_quantity: UnfulfillableQuantity | None = None


class InventorySummary(CamelModel):
    """One seller SKU's FBA inventory in the asked marketplace."""

    asin: str | None = None
    fn_sku: str | None = None
    seller_sku: str | None = None
    condition: str | None = None
    inventory_details: InventoryDetails | None = None
    last_updated_time: AwareDatetime | None = None
    product_name: str | None = None
    total_quantity: int = 0

    @field_validator("last_updated_time", mode="before")
    @classmethod
    def _empty_time_is_none(cls, value: Any) -> Any:
        return None if value == "" else value  # Amazon sends "" for SKUs that never moved

    @property
    def fulfillable_quantity(self) -> int | None:
        """Units Amazon can ship now; None when the summary was fetched without details."""
        return None if self.inventory_details is None else self.inventory_details.fulfillable_quantity


class Granularity(CamelModel):
    """The aggregation level of the summaries (``Marketplace`` + its id)."""

    granularity_type: str | None = None
    granularity_id: str | None = None


class InventorySummariesResult(CamelModel):
    """The ``payload`` of getInventorySummaries."""

    granularity: Granularity
    inventory_summaries: list[InventorySummary] = Field(default_factory=list)


class Pagination(CamelModel):
    """``nextToken`` of the next page, absent on the last one."""

    next_token: str | None = None


class InventorySummariesPage(CamelModel):
    """One page of getInventorySummaries; the pagination sits beside the payload, not in it."""

    payload: InventorySummariesResult
    pagination: Pagination | None = None

    @property
    def next_token(self) -> str | None:
        return self.pagination.next_token if self.pagination else None
