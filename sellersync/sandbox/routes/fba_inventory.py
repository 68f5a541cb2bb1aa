"""FBA Inventory API v1: getInventorySummaries, plus Amazon's sandbox-only operations that stock it.

An item (seller, marketplace, SKU) holds the units Amazon received since it was created. What is left is
computed from the seller's FBA orders at the simulated now: units of orders shipped since then are gone,
units of open (Pending/Unshipped) orders are reserved. A seller's items are seeded on first use for every
catalogue SKU in every marketplace; createInventoryItem starts an item over at 0, addInventory receives
units (once per x-amzn-idempotency-token), deleteInventoryItem removes it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sellersync.sandbox.api import ApiError, Call, Operation, Reply, invalid_input, not_found
from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.generators import generate_catalogue
from sellersync.sandbox.records import Order
from sellersync.sandbox.service import Sandbox

BASE = "/fba/inventory/v1"
PAGE_SIZE = 50
MAX_SKUS = 50
OPEN_STATUSES = ("Pending", "Unshipped", "PartiallyShipped")


@dataclass
class Counts:
    """What one item holds at a moment."""

    fulfillable: int
    reserved: int
    last_updated: str


def _item_id(seller_id: str, marketplace_id: str, sku: str) -> str:
    return f"{seller_id}:{marketplace_id}:{sku}"


def ensure_seeded(sandbox: Sandbox, seller_id: str) -> None:
    """Give a seller FBA stock for its whole catalogue the first time its inventory is used."""
    key = f"fba_seeded:{seller_id}"
    seller = sandbox.seller(seller_id)
    if seller is None or sandbox.state.get_meta(key):
        return
    rng = random.Random(f"fba:{seller_id}")  # nosec B311  # simulated data, not security
    now = iso(sandbox.now())
    for product in generate_catalogue(seller):
        for marketplace_id in seller.marketplace_ids:
            item = _new_item(product.sku, marketplace_id, product.title, now)
            item.update(asin=product.asin, received=rng.randrange(20, 200))
            sandbox.state.put("fba_item", _item_id(seller_id, marketplace_id, product.sku), seller_id, item)
    sandbox.state.set_meta(key, "1")


def _new_item(sku: str, marketplace_id: str, name: str, since: str) -> dict[str, Any]:
    fn_sku = "X00" + "".join(character for character in sku if character.isalnum())[:7].upper()
    return {
        "sku": sku,
        "marketplace_id": marketplace_id,
        "product_name": name,
        "asin": "",
        "fn_sku": fn_sku,
        "received": 0,
        "since": since,
        "updated": since,
    }


def _shipped_at(order: Order, now: datetime) -> datetime | None:
    shipped = [step for step in order.transitions_until(now) if step.status == "Shipped"]
    return parse_iso(shipped[-1].at) if shipped else None


def counts(item: dict[str, Any], orders: list[Order], now: datetime) -> Counts:
    """Fulfillable and reserved units of an item at `now`, from the FBA orders of its marketplace."""
    since = parse_iso(item["since"])
    shipped = reserved = 0
    last_updated = parse_iso(item["updated"])
    for order in orders:
        if order.fulfillment_channel != "AFN" or order.marketplace_id != item["marketplace_id"]:
            continue
        units = sum(line.quantity for line in order.items if line.sku == item["sku"])
        if not units:
            continue
        status = order.status_at(now)
        shipped_at = _shipped_at(order, now)
        if status == "Shipped" and shipped_at is not None and shipped_at >= since:
            shipped += units
            last_updated = max(last_updated, shipped_at)
        elif status in OPEN_STATUSES:
            reserved += units
    fulfillable = max(0, item["received"] - shipped - reserved)
    return Counts(fulfillable, min(reserved, max(0, item["received"] - shipped)), iso(last_updated))


def render(item: dict[str, Any], now_counts: Counts, details: bool) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "asin": item["asin"],
        "fnSku": item["fn_sku"],
        "sellerSku": item["sku"],
        "condition": "NewItem",
        "lastUpdatedTime": now_counts.last_updated,
        "productName": item["product_name"],
        "totalQuantity": now_counts.fulfillable + now_counts.reserved,
    }
    if details:
        summary["inventoryDetails"] = {
            "fulfillableQuantity": now_counts.fulfillable,
            "inboundWorkingQuantity": 0,
            "inboundShippedQuantity": 0,
            "inboundReceivingQuantity": 0,
            "reservedQuantity": {
                "totalReservedQuantity": now_counts.reserved,
                "pendingCustomerOrderQuantity": now_counts.reserved,
                "pendingTransshipmentQuantity": 0,
                "fcProcessingQuantity": 0,
            },
            "researchingQuantity": {"totalResearchingQuantity": 0, "researchingQuantityBreakdown": []},
            "unfulfillableQuantity": {"totalUnfulfillableQuantity": 0},
        }
    return summary


def _marketplace(call: Call) -> str:
    if call.param("granularityType") != "Marketplace":
        raise invalid_input("granularityType must be Marketplace.")
    marketplace_id = call.param("granularityId") or ""
    if call.param_list("marketplaceIds") != [marketplace_id]:
        raise invalid_input("marketplaceIds must hold exactly the granularityId marketplace.")
    seller = call.sandbox.seller(call.seller_id)
    if seller is None or marketplace_id not in seller.marketplace_ids:
        raise invalid_input(f"The seller does not sell in marketplace {marketplace_id}.")
    return marketplace_id


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    if not token.isdigit():
        raise invalid_input("Invalid nextToken.")
    return int(token)


def get_inventory_summaries(call: Call) -> Reply:
    marketplace_id = _marketplace(call)
    skus = call.param_list("sellerSkus") or call.param_list("sellerSku")
    if len(skus) > MAX_SKUS:
        raise invalid_input(f"sellerSkus accepts at most {MAX_SKUS} SKUs.")
    ensure_seeded(call.sandbox, call.seller_id)
    now = call.sandbox.now()
    start = call.param("startDateTime")
    orders = call.sandbox.orders_of(call.seller_id)
    rendered = []
    for item in call.sandbox.state.all("fba_item", call.seller_id):
        if (
            item.get("deleted")
            or item["marketplace_id"] != marketplace_id
            or (skus and item["sku"] not in skus)
        ):
            continue
        item_counts = counts(item, orders, now)
        if start and parse_iso(item_counts.last_updated) < parse_iso(start):
            continue
        rendered.append(render(item, item_counts, call.param("details") == "true"))
    offset = _offset(call.param("nextToken"))
    body: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": marketplace_id},
            "inventorySummaries": rendered[offset : offset + PAGE_SIZE],
        }
    }
    if len(rendered) > offset + PAGE_SIZE:
        body["pagination"] = {"nextToken": str(offset + PAGE_SIZE)}
    return Reply(200, body)


def _body_field(body: Any, name: str) -> str:
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value:
        raise invalid_input(f"{name} is required.")
    return value


def create_inventory_item(call: Call) -> Reply:
    ensure_seeded(call.sandbox, call.seller_id)
    sku, marketplace_id = _body_field(call.body, "sellerSku"), _body_field(call.body, "marketplaceId")
    item = _new_item(sku, marketplace_id, _body_field(call.body, "productName"), iso(call.sandbox.now()))
    call.sandbox.state.put("fba_item", _item_id(call.seller_id, marketplace_id, sku), call.seller_id, item)
    return Reply(200, {})


def add_inventory(call: Call) -> Reply:
    token = call.request.headers.get("x-amzn-idempotency-token")
    if not token:
        raise invalid_input("The x-amzn-idempotency-token header is required.")
    if call.sandbox.state.get("fba_add", token) is not None:
        return Reply(200, {})
    entries = call.body.get("inventoryItems") if isinstance(call.body, dict) else None
    if not isinstance(entries, list) or not entries:
        raise invalid_input("inventoryItems is required.")
    ensure_seeded(call.sandbox, call.seller_id)
    items = [_added_item(call, entry) for entry in entries]
    for item_id, item in items:
        call.sandbox.state.put("fba_item", item_id, call.seller_id, item)
    call.sandbox.state.put("fba_add", token, call.seller_id, {"at": iso(call.sandbox.now())})
    return Reply(200, {})


def _added_item(call: Call, entry: Any) -> tuple[str, dict[str, Any]]:
    sku, marketplace_id = _body_field(entry, "sellerSku"), _body_field(entry, "marketplaceId")
    quantity = entry.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise invalid_input("quantity must be a positive whole number.")
    item_id = _item_id(call.seller_id, marketplace_id, sku)
    item = call.sandbox.state.get("fba_item", item_id)
    if item is None or item.get("deleted"):
        raise ApiError(404, "NotFound", f"No inventory item {sku} in {marketplace_id}: create it first.")
    item["received"] += quantity
    item["updated"] = iso(call.sandbox.now())
    return item_id, item


def delete_inventory_item(call: Call) -> Reply:
    item_id = _item_id(call.seller_id, call.param("marketplaceId") or "", call.path_params["sellerSku"])
    ensure_seeded(call.sandbox, call.seller_id)
    item = call.sandbox.state.get("fba_item", item_id)
    if item is None or item.get("deleted"):
        raise not_found("The inventory item was not found.")
    call.sandbox.state.put("fba_item", item_id, call.seller_id, {**item, "deleted": True})
    return Reply(200, {})


OPERATIONS = [
    Operation("GET", BASE + "/summaries", "getInventorySummaries", get_inventory_summaries),
    Operation("POST", BASE + "/items", "createInventoryItem", create_inventory_item),
    Operation("POST", BASE + "/items/inventory", "addInventory", add_inventory),
    Operation("DELETE", BASE + "/items/{sellerSku}", "deleteInventoryItem", delete_inventory_item),
]
