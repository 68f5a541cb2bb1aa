"""FBA Inventory client: the query Amazon requires, lazy pagination, tolerant timestamps."""

from __future__ import annotations

from typing import Any

import httpx

from tests.spapi.helpers import make_client, with_lwa

US = "ATVPDKIKX0DER"


def _page(skus: list[str], next_token: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": US},
            "inventorySummaries": [
                {
                    "sellerSku": sku,
                    "fnSku": "X00" + sku,
                    "totalQuantity": 12,
                    "lastUpdatedTime": "",
                    "inventoryDetails": {
                        "fulfillableQuantity": 10,
                        "reservedQuantity": {"totalReservedQuantity": 2, "pendingCustomerOrderQuantity": 2},
                    },
                }
                for sku in skus
            ],
        }
    }
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    return body


def test_summaries_are_fetched_page_by_page_only_when_needed() -> None:
    # given
    seen: list[httpx.Request] = []

    def amazon(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("nextToken") == "page-2":
            return httpx.Response(200, json=_page(["C"], None))
        return httpx.Response(200, json=_page(["A", "B"], "page-2"))

    client = make_client(with_lwa(amazon))
    # when
    summaries = client.fba_inventory.iter_inventory_summaries(US, details=True)
    first_two = [next(summaries).seller_sku, next(summaries).seller_sku]
    calls_after_first_page = len(seen)
    rest = [summary.seller_sku for summary in summaries]
    # then
    assert first_two == ["A", "B"] and rest == ["C"]
    assert calls_after_first_page == 1
    assert len(seen) == 2
    assert dict(seen[0].url.params) == {
        "details": "true",
        "granularityType": "Marketplace",
        "granularityId": US,
        "marketplaceIds": US,
    }
    assert seen[1].url.params["nextToken"] == "page-2"


def test_summary_reads_quantities_and_an_empty_update_time() -> None:
    # given
    client = make_client(with_lwa(lambda request: httpx.Response(200, json=_page(["A"], None))))
    # when
    page = client.fba_inventory.get_inventory_summaries(US, details=True)
    # then
    summary = page.payload.inventory_summaries[0]
    assert summary.fulfillable_quantity == 10
    assert summary.total_quantity == 12
    assert summary.last_updated_time is None
    assert summary.inventory_details is not None
    assert summary.inventory_details.reserved_quantity is not None
    assert summary.inventory_details.reserved_quantity.pending_customer_order_quantity == 2
    assert page.next_token is None


def test_without_details_the_fulfillable_quantity_is_unknown() -> None:
    # given
    body = _page(["A"], None)
    del body["payload"]["inventorySummaries"][0]["inventoryDetails"]
    client = make_client(with_lwa(lambda request: httpx.Response(200, json=body)))
    # when
    summary = client.fba_inventory.get_inventory_summaries(US).payload.inventory_summaries[0]
    # then
    assert summary.fulfillable_quantity is None
