"""Control API for tests comparing the books with Amazon: the orders' truth, shipping an FBM order by hand,
a clock that stands still while the rate-limit buckets refill."""

from __future__ import annotations

import time
from typing import Any

import httpx

from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.sandbox.conftest import START, US, SandboxClient

V0 = "/orders/v0/orders"


def _truth(sandbox: SandboxClient, region: str = "NA") -> dict[str, dict[str, Any]]:
    seller_id = sandbox.seller(region)["seller_id"]
    response = sandbox.http.get("/_sandbox/orders", params={"seller_id": seller_id})
    assert response.status_code == 200, response.text
    return {order["order_id"]: order for order in response.json()}


def _v0_order(sandbox: SandboxClient, order_id: str) -> dict[str, Any]:
    response = sandbox.http.get(f"{V0}/{order_id}", headers=sandbox.headers("NA"))
    assert response.status_code == 200, response.text
    return dict(response.json()["payload"])


def test_truth_lists_each_visible_order_with_the_status_and_total_amazon_answers(
    sandbox: SandboxClient,
) -> None:
    # given the seller's generated orders and one new FBM order, not yet Unshipped
    new_id = sandbox.create_orders("NA", 1, marketplace_id=US, fulfillment_channel="MFN")[0]
    truth = _truth(sandbox)
    # then it is listed Pending, and every listed order has getOrder's status and OrderTotal
    assert truth[new_id]["status"] == "Pending"
    assert truth[new_id]["fulfillment_channel"] == "MFN"
    sample = sorted(truth)[:8] + [new_id]
    for order_id in sample:
        payload = _v0_order(sandbox, order_id)
        assert truth[order_id]["status"] == payload["OrderStatus"]
        assert truth[order_id]["last_update"] == payload["LastUpdateDate"]
        if "OrderTotal" in payload:
            assert truth[order_id]["order_total"] == payload["OrderTotal"]["Amount"]
            assert truth[order_id]["currency"] == payload["OrderTotal"]["CurrencyCode"]
    # and the other seller's orders are not among them
    assert not set(truth) & set(_truth(sandbox, "EU"))


def test_an_unshipped_fbm_order_shipped_by_hand_in_two_parts(sandbox: SandboxClient) -> None:
    # given an Unshipped FBM order of two units or more (the sandbox picks quantities; make several)
    ids = sandbox.create_orders("NA", 12, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(3600)
    truth = _truth(sandbox)
    order = next(truth[i] for i in ids if sum(item["quantity"] for item in truth[i]["items"]) >= 2)
    assert order["status"] == "Unshipped"
    first = order["items"][0]
    # when one unit of its first item ships, then the rest
    url = f"/_sandbox/orders/{order['order_id']}/ship"
    partial = sandbox.http.post(url, json={"items": {first["order_item_id"]: 1}})
    assert partial.json() == {"order_id": order["order_id"], "status": "PartiallyShipped"}
    shipped_once = _truth(sandbox)[order["order_id"]]
    assert shipped_once["items"][0]["shipped"] == 1
    assert sum(item["shipped"] for item in shipped_once["items"]) == 1
    rest = sandbox.http.post(url, json={})
    # then the order is Shipped with every unit, as getOrder says too
    assert rest.json()["status"] == "Shipped"
    final = _truth(sandbox)[order["order_id"]]
    assert [item["shipped"] for item in final["items"]] == [item["quantity"] for item in final["items"]]
    assert _v0_order(sandbox, order["order_id"])["OrderStatus"] == "Shipped"


def test_shipping_by_hand_refuses_a_pending_fbm_order_and_too_many_units(sandbox: SandboxClient) -> None:
    pending_id = sandbox.create_orders("NA", 1, marketplace_id=US, fulfillment_channel="MFN")[0]
    refused = sandbox.http.post(f"/_sandbox/orders/{pending_id}/ship", json={})
    assert refused.status_code == 409
    assert "Pending" in refused.json()["error"]
    unshipped_id = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )[0]
    sandbox.advance(3600)
    item = _truth(sandbox)[unshipped_id]["items"][0]
    too_many = sandbox.http.post(
        f"/_sandbox/orders/{unshipped_id}/ship", json={"items": {item["order_item_id"]: item["quantity"] + 1}}
    )
    assert too_many.status_code == 400
    assert _truth(sandbox)[unshipped_id]["status"] == "Unshipped"


def test_a_world_standing_still_keeps_refilling_its_rate_limit_buckets() -> None:
    # given a sandbox whose clock stands still (time scale 0) but whose buckets run 30 times real time
    app = create_app(None, seed=7, start_time=START, time_scale=0, rate_time_scale=30)
    with serve_in_thread(app) as base, httpx.Client(base_url=base) as http:
        client = SandboxClient(http)
        headers = client.headers("NA")
        query = {"MarketplaceIds": US, "CreatedAfter": "2026-02-01T00:00:00Z", "MaxResultsPerPage": "5"}
        statuses = [http.get(V0, params=query, headers=headers).status_code for _ in range(25)]
        assert 429 in statuses  # getOrders: burst 20, one token a minute (two real seconds)
        # when 2.5 real seconds pass (75 bucket seconds: a getOrders token)
        time.sleep(2.5)
        # then calls succeed again, while Amazon's clock has not moved
        assert http.get(V0, params=query, headers=headers).status_code == 200
        assert http.get("/_sandbox/clock").json()["now"] == "2026-03-02T12:00:00Z"
