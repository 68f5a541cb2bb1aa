"""Listings Items API 2021-08-01: getListingsItem and patchListingsItem over the seller's listings.

A listing exists for every SKU of the seller's generated catalogue (and for every SKU a patch or a
JSON_LISTINGS_FEED created). Its merchant-fulfilled quantity (channel DEFAULT) is kept in the sandbox
state, so what a client pushed is what getListingsItem answers afterwards.
"""

from __future__ import annotations

import uuid
from typing import Any

from sellersync.sandbox.api import Call, Operation, Reply, invalid_input, not_found
from sellersync.sandbox.clock import iso
from sellersync.sandbox.generators import Product, generate_catalogue
from sellersync.sandbox.service import Sandbox

BASE = "/listings/2021-08-01/items/{sellerId}/{sku}"
FBM_CHANNEL = "DEFAULT"
FULFILLMENT_PATH = "/attributes/fulfillment_availability"
PATCH_OPS = ("add", "replace", "merge", "delete")
INCLUDED_DATA = {
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
}
DEFAULT_INCLUDED = {"summaries"}
UNKNOWN_SKU_CODE = "4000001"


def issue(code: str, message: str, attribute: str = "") -> dict[str, Any]:
    """An ERROR issue in Amazon's shape."""
    found: dict[str, Any] = {"code": code, "message": message, "severity": "ERROR", "categories": []}
    if attribute:
        found["attributeNames"] = [attribute]
        found["categories"] = ["INVALID_ATTRIBUTE"]
    return found


def _record_id(seller_id: str, sku: str) -> str:
    return f"{seller_id}:{sku}"


def _catalogue_product(sandbox: Sandbox, seller_id: str, sku: str) -> Product | None:
    seller = sandbox.seller(seller_id)
    if seller is None:
        return None
    return next((product for product in generate_catalogue(seller) if product.sku == sku), None)


def listing(sandbox: Sandbox, seller_id: str, sku: str) -> dict[str, Any] | None:
    """The stored listing, or a fresh one (quantity 0) for a catalogue SKU; None for an unknown SKU."""
    stored = sandbox.state.get("listing", _record_id(seller_id, sku))
    if stored is not None:
        return stored
    product = _catalogue_product(sandbox, seller_id, sku)
    if product is None:
        return None
    return {"sku": sku, "asin": product.asin, "title": product.title, "fbm_quantity": 0, "updated": ""}


def fulfillment_problems(patch: Any) -> list[dict[str, Any]]:
    """Why a fulfillment_availability patch cannot apply (empty when it can)."""
    value = patch.get("value")
    if patch.get("op") == "delete":
        return []
    if not isinstance(value, list) or not value:
        return [issue("90000900", "fulfillment_availability needs a value.", "fulfillment_availability")]
    problems = []
    for entry in value:
        quantity = entry.get("quantity") if isinstance(entry, dict) else None
        code = entry.get("fulfillment_channel_code") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code:
            problems.append(
                issue("90000900", "fulfillment_channel_code is required.", "fulfillment_availability")
            )
        elif code == FBM_CHANNEL and (
            isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0
        ):
            problems.append(
                issue("90000900", "quantity must be a whole number of 0 or more.", "fulfillment_availability")
            )
    return problems


def patch_problems(sandbox: Sandbox, seller_id: str, sku: str, body: Any) -> list[dict[str, Any]]:
    """The ERROR issues of a patch request (unknown SKU, malformed patches); empty when it is valid."""
    if listing(sandbox, seller_id, sku) is None:
        return [issue(UNKNOWN_SKU_CODE, f"SKU {sku} was not found in the seller's catalog.")]
    patches = body.get("patches") if isinstance(body, dict) else None
    if not isinstance(patches, list) or not patches:
        return [issue("90000900", "patches must hold at least one operation.")]
    problems: list[dict[str, Any]] = []
    for patch in patches:
        if not isinstance(patch, dict) or patch.get("op") not in PATCH_OPS or not patch.get("path"):
            problems.append(
                issue("90000900", "Each patch needs an op (add, replace, merge, delete) and a path.")
            )
        elif patch["path"] == FULFILLMENT_PATH:
            problems += fulfillment_problems(patch)
    return problems


def apply_patches(sandbox: Sandbox, seller_id: str, sku: str, patches: list[dict[str, Any]]) -> None:
    """Apply valid patches: the DEFAULT quantity is simulated, other attributes are only accepted."""
    current = listing(sandbox, seller_id, sku)
    if current is None:
        return
    for patch in patches:
        if patch["path"] != FULFILLMENT_PATH:
            continue
        if patch["op"] == "delete":
            current["fbm_quantity"] = None
            continue
        for entry in patch["value"]:
            if entry["fulfillment_channel_code"] == FBM_CHANNEL:
                current["fbm_quantity"] = int(entry["quantity"])
    current["updated"] = iso(sandbox.now())
    sandbox.state.put("listing", _record_id(seller_id, sku), seller_id, current)


def _check_seller(call: Call) -> None:
    if call.path_params["sellerId"] != call.seller_id:
        raise invalid_input("sellerId does not match the access token's selling partner.")
    marketplaces = call.param_list("marketplaceIds")
    if not marketplaces:
        raise invalid_input("marketplaceIds is required.")
    seller = call.sandbox.seller(call.seller_id)
    if seller is None or set(marketplaces) - set(seller.marketplace_ids):
        raise invalid_input("The seller does not sell in every requested marketplace.")


def _render(current: dict[str, Any], marketplaces: list[str], included: set[str]) -> dict[str, Any]:
    body: dict[str, Any] = {"sku": current["sku"]}
    if "summaries" in included:
        body["summaries"] = [
            {
                "marketplaceId": marketplace,
                "asin": current["asin"],
                "productType": "PRODUCT",
                "conditionType": "new_new",
                "status": ["BUYABLE", "DISCOVERABLE"],
                "itemName": current["title"],
            }
            for marketplace in marketplaces
        ]
    if "fulfillmentAvailability" in included and current["fbm_quantity"] is not None:
        body["fulfillmentAvailability"] = [
            {"fulfillmentChannelCode": FBM_CHANNEL, "quantity": current["fbm_quantity"]}
        ]
    if "issues" in included:
        body["issues"] = []
    return body


def get_listings_item(call: Call) -> Reply:
    _check_seller(call)
    included = set(call.param_list("includedData")) or DEFAULT_INCLUDED
    if included - INCLUDED_DATA:
        raise invalid_input(f"Invalid includedData: {', '.join(sorted(included - INCLUDED_DATA))}.")
    current = listing(call.sandbox, call.seller_id, call.path_params["sku"])
    if current is None:
        raise not_found(f"SKU {call.path_params['sku']} was not found.")
    return Reply(200, _render(current, call.param_list("marketplaceIds"), included))


def patch_listings_item(call: Call) -> Reply:
    _check_seller(call)
    body = call.body if isinstance(call.body, dict) else {}
    if not body.get("productType"):
        raise invalid_input("productType is required.")
    sku = call.path_params["sku"]
    problems = patch_problems(call.sandbox, call.seller_id, sku, body)
    preview = call.param("mode") == "VALIDATION_PREVIEW"
    if not problems and not preview:
        apply_patches(call.sandbox, call.seller_id, sku, body["patches"])
    status = "INVALID" if problems else ("VALID" if preview else "ACCEPTED")
    return Reply(200, {"sku": sku, "status": status, "submissionId": uuid.uuid4().hex, "issues": problems})


OPERATIONS = [
    Operation("GET", BASE, "getListingsItem", get_listings_item),
    Operation("PATCH", BASE, "patchListingsItem", patch_listings_item),
]
