"""Listings Items API 2021-08-01 payloads (unwrapped, camelCase) and the JSON Patch operations we send."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sellersync.spapi.models.base import CamelModel

#: Amazon's channel code of merchant-fulfilled (FBM) quantity; FBA listings use AMAZON_NA, AMAZON_EU...
FBM_CHANNEL_CODE = "DEFAULT"
#: The product type that lets a patch touch offer-only attributes without knowing the catalogue's type.
OFFER_ONLY_PRODUCT_TYPE = "PRODUCT"


class FulfillmentAvailability(CamelModel):
    """How many units one fulfilment network offers (``DEFAULT`` = the seller ships)."""

    fulfillment_channel_code: str
    quantity: int | None = None


class ItemSummaryByMarketplace(CamelModel):
    """What a listing looks like in one marketplace."""

    marketplace_id: str
    asin: str | None = None
    product_type: str | None = None
    condition_type: str | None = None
    status: list[str] = Field(default_factory=list)
    item_name: str | None = None
    created_date: AwareDatetime | None = None
    last_updated_date: AwareDatetime | None = None


class Money(CamelModel):
    """An amount in a currency; exact."""

    currency_code: str
    amount: Decimal


class ItemOfferByMarketplace(CamelModel):
    """The listing's offer (price) in one marketplace."""

    marketplace_id: str
    offer_type: str
    price: Money


class Issue(CamelModel):
    """A problem Amazon found with a listing or a submission (ERROR blocks it, WARNING/INFO do not)."""

    code: str
    message: str
    severity: str
    attribute_names: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    marketplace_ids: list[str] = Field(default_factory=list)


class ListingsItem(CamelModel):
    """getListingsItem: a listing with the sections asked for in ``includedData``."""

    sku: str
    summaries: list[ItemSummaryByMarketplace] = Field(default_factory=list)
    offers: list[ItemOfferByMarketplace] = Field(default_factory=list)
    fulfillment_availability: list[FulfillmentAvailability] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)

    def fbm_quantity(self) -> int | None:
        """The quantity offered by the seller's own fulfilment (channel DEFAULT), None when absent."""
        for availability in self.fulfillment_availability:
            if availability.fulfillment_channel_code == FBM_CHANNEL_CODE:
                return availability.quantity
        return None


class ItemIdentifiersByMarketplace(CamelModel):
    """The ASIN of the listing in one marketplace."""

    marketplace_id: str
    asin: str | None = None


class ListingsItemSubmissionResponse(CamelModel):
    """What Amazon made of a put/patch: ACCEPTED (queued), INVALID (see issues) or VALID (preview only)."""

    sku: str
    status: str
    submission_id: str
    issues: list[Issue] = Field(default_factory=list)
    identifiers: list[ItemIdentifiersByMarketplace] = Field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status == "ACCEPTED"

    def error_text(self) -> str:
        """Amazon's ERROR issues as one line each (empty when there is none)."""
        return "\n".join(f"{i.code}: {i.message}" for i in self.issues if i.severity == "ERROR")


class PatchOperation(BaseModel):
    """One JSON Patch operation of patchListingsItem (``op`` add|replace|merge|delete)."""

    model_config = ConfigDict(frozen=True)

    op: str
    path: str
    value: list[dict[str, Any]] | None = None

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def fbm_quantity_patch(quantity: int) -> PatchOperation:
    """The patch that sets the merchant-fulfilled quantity (``fulfillment_availability``, channel DEFAULT)."""
    if quantity < 0:
        raise ValueError("an offered quantity cannot be negative")
    return PatchOperation(
        op="replace",
        path="/attributes/fulfillment_availability",
        value=[{"fulfillment_channel_code": FBM_CHANNEL_CODE, "quantity": quantity}],
    )
