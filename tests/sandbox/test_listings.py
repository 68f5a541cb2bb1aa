"""Sandbox Listings Items and FBA Inventory: pushed quantities stick, feeds apply, FBA stock follows sales."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

from tests.sandbox.conftest import US, SandboxClient

LISTING = "/listings/2021-08-01/items/{seller}/{sku}"
SUMMARIES = "/fba/inventory/v1/summaries"


def _patch_body(quantity: Any) -> dict[str, Any]:
    value = [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}]
    return {
        "productType": "PRODUCT",
        "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability", "value": value}],
    }


def _catalogue_sku(sandbox: SandboxClient, headers: dict[str, str]) -> str:
    order_id = sandbox.create_orders("NA", 1, marketplace_id=US)[0]
    items = sandbox.http.get(f"/orders/v0/orders/{order_id}/orderItems", headers=headers).json()
    return str(items["payload"]["OrderItems"][0]["SellerSKU"])


def _fbm_quantity(sandbox: SandboxClient, headers: dict[str, str], seller: str, sku: str) -> Any:
    response = sandbox.http.get(
        LISTING.format(seller=seller, sku=sku),
        params={"marketplaceIds": US, "includedData": "summaries,fulfillmentAvailability"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["fulfillmentAvailability"][0]["quantity"]


def test_a_patched_quantity_is_what_get_listings_item_answers(sandbox: SandboxClient) -> None:
    # given
    seller, headers = sandbox.seller("NA")["seller_id"], sandbox.headers("NA")
    sku = _catalogue_sku(sandbox, headers)
    # when
    response = sandbox.http.patch(
        LISTING.format(seller=seller, sku=sku),
        params={"marketplaceIds": US},
        json=_patch_body(17),
        headers=headers,
    )
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "ACCEPTED" and response.json()["issues"] == []
    assert response.headers["x-amzn-RateLimit-Limit"] == "5"
    assert _fbm_quantity(sandbox, headers, seller, sku) == 17


def test_validation_preview_changes_nothing(sandbox: SandboxClient) -> None:
    # given
    seller, headers = sandbox.seller("NA")["seller_id"], sandbox.headers("NA")
    sku = _catalogue_sku(sandbox, headers)
    url = LISTING.format(seller=seller, sku=sku)
    sandbox.http.patch(url, params={"marketplaceIds": US}, json=_patch_body(4), headers=headers)
    # when
    response = sandbox.http.patch(
        url, params={"marketplaceIds": US, "mode": "VALIDATION_PREVIEW"}, json=_patch_body(9), headers=headers
    )
    # then
    assert response.json()["status"] == "VALID"
    assert _fbm_quantity(sandbox, headers, seller, sku) == 4


def test_unknown_sku_or_negative_quantity_is_invalid(sandbox: SandboxClient) -> None:
    # given
    seller, headers = sandbox.seller("NA")["seller_id"], sandbox.headers("NA")
    sku = _catalogue_sku(sandbox, headers)
    # when
    unknown = sandbox.http.patch(
        LISTING.format(seller=seller, sku="NO-SUCH-SKU"),
        params={"marketplaceIds": US},
        json=_patch_body(1),
        headers=headers,
    )
    negative = sandbox.http.patch(
        LISTING.format(seller=seller, sku=sku),
        params={"marketplaceIds": US},
        json=_patch_body(-2),
        headers=headers,
    )
    missing = sandbox.http.get(
        LISTING.format(seller=seller, sku="NO-SUCH-SKU"), params={"marketplaceIds": US}, headers=headers
    )
    # then
    assert unknown.json()["status"] == "INVALID"
    assert unknown.json()["issues"][0]["severity"] == "ERROR"
    assert negative.json()["status"] == "INVALID"
    assert negative.json()["issues"][0]["attributeNames"] == ["fulfillment_availability"]
    assert missing.status_code == 404


def test_static_case_bad_sku_and_a_foreign_seller_id_are_rejected(sandbox: SandboxClient) -> None:
    # given
    seller, headers = sandbox.seller("NA")["seller_id"], sandbox.headers("NA")
    # when
    bad = sandbox.http.get(
        LISTING.format(seller=seller, sku="BadSKU"), params={"marketplaceIds": US}, headers=headers
    )
    foreign = sandbox.http.get(
        LISTING.format(seller="AOTHERSELLER", sku="X"), params={"marketplaceIds": US}, headers=headers
    )
    # then
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "BAD_REQUEST"
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["code"] == "InvalidInput"


def _submit_feed(sandbox: SandboxClient, headers: dict[str, str], document: dict[str, Any]) -> str:
    created = sandbox.http.post(
        "/feeds/2021-06-30/documents",
        json={"contentType": "application/json; charset=UTF-8"},
        headers=headers,
    ).json()
    upload = sandbox.http.put(created["url"], content=json.dumps(document).encode())
    assert upload.status_code == 200, upload.text
    body = {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": [US],
        "inputFeedDocumentId": created["feedDocumentId"],
    }
    return str(sandbox.http.post("/feeds/2021-06-30/feeds", json=body, headers=headers).json()["feedId"])


def test_json_listings_feed_applies_valid_messages_and_reports_the_invalid_one(
    sandbox: SandboxClient,
) -> None:
    # given
    seller, headers = sandbox.seller("NA")["seller_id"], sandbox.headers("NA")
    sku = _catalogue_sku(sandbox, headers)
    patch = _patch_body(23)["patches"]
    document = {
        "header": {"sellerId": seller, "version": "2.0"},
        "messages": [
            {
                "messageId": 1,
                "sku": sku,
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": patch,
            },
            {
                "messageId": 2,
                "sku": "NO-SUCH-SKU",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": patch,
            },
        ],
    }
    feed_id = _submit_feed(sandbox, headers, document)
    # when
    sandbox.advance(180)
    feed = sandbox.http.get(f"/feeds/2021-06-30/feeds/{feed_id}", headers=headers).json()
    result = sandbox.http.get(
        f"/feeds/2021-06-30/documents/{feed['resultFeedDocumentId']}", headers=headers
    ).json()
    report = json.loads(gzip.decompress(sandbox.http.get(result["url"]).content))
    # then
    assert feed["processingStatus"] == "DONE"
    assert report["summary"] == {
        "errors": 1,
        "warnings": 0,
        "messagesProcessed": 2,
        "messagesAccepted": 1,
        "messagesInvalid": 1,
    }
    assert [(found["messageId"], found["sku"]) for found in report["issues"]] == [(2, "NO-SUCH-SKU")]
    assert _fbm_quantity(sandbox, headers, seller, sku) == 23


def _summary(sandbox: SandboxClient, headers: dict[str, str], sku: str) -> dict[str, Any]:
    params = {
        "details": "true",
        "granularityType": "Marketplace",
        "granularityId": US,
        "marketplaceIds": US,
        "sellerSkus": sku,
    }
    response = sandbox.http.get(SUMMARIES, params=params, headers=headers)
    assert response.status_code == 200, response.text
    summaries = response.json()["payload"]["inventorySummaries"]
    assert len(summaries) == 1
    return dict(summaries[0])


def test_fba_inventory_receives_units_once_and_loses_those_amazon_ships(sandbox: SandboxClient) -> None:
    # given: an FBA order to come (Pending now, shipped hours later), and a fresh item with 20 units received
    headers = sandbox.headers("NA")
    order_id = sandbox.create_orders("NA", 1, marketplace_id=US, fulfillment_channel="AFN", status="Shipped")[
        0
    ]
    items = sandbox.http.get(f"/orders/v0/orders/{order_id}/orderItems", headers=headers).json()
    item = items["payload"]["OrderItems"][0]
    sku, ordered = item["SellerSKU"], item["QuantityOrdered"]
    create = {"sellerSku": sku, "marketplaceId": US, "productName": "Test"}
    assert sandbox.http.post("/fba/inventory/v1/items", json=create, headers=headers).status_code == 200
    add = {"inventoryItems": [{"sellerSku": sku, "marketplaceId": US, "quantity": 20}]}
    token = {"x-amzn-idempotency-token": str(uuid.uuid4())}
    for _ in range(2):  # the same token twice: received once
        response = sandbox.http.post("/fba/inventory/v1/items/inventory", json=add, headers=headers | token)
        assert response.status_code == 200
    # when
    before = _summary(sandbox, headers, sku)
    sandbox.advance(6 * 3600)
    after = _summary(sandbox, sandbox.headers("NA"), sku)
    # then
    assert before["totalQuantity"] == 20
    assert before["inventoryDetails"]["fulfillableQuantity"] == 20 - ordered
    assert before["inventoryDetails"]["reservedQuantity"]["pendingCustomerOrderQuantity"] == ordered
    assert after["totalQuantity"] == 20 - ordered
    assert after["inventoryDetails"]["fulfillableQuantity"] == 20 - ordered


def test_inventory_summaries_are_paged_and_checked(sandbox: SandboxClient) -> None:
    # given
    headers = sandbox.headers("NA")
    base = {"granularityType": "Marketplace", "granularityId": US, "marketplaceIds": US}
    # when
    first = sandbox.http.get(SUMMARIES, params=base, headers=headers).json()
    wrong = sandbox.http.get(SUMMARIES, params=base | {"granularityType": "Country"}, headers=headers)
    # then: a seeded seller has one item per catalogue SKU (30), in one page of at most 50, no details asked
    summaries = first["payload"]["inventorySummaries"]
    assert len(summaries) == 30 and "pagination" not in first
    assert "inventoryDetails" not in summaries[0]
    assert wrong.status_code == 400
