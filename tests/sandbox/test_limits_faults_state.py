"""Rate limits, injected faults and persistence across a restart, over real HTTP."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from sellersync.sandbox import swagger
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.sandbox.conftest import START, US, SandboxClient

V0 = "/orders/v0/orders"
QUERY = {"MarketplaceIds": US, "CreatedAfter": "2026-02-01T00:00:00Z", "MaxResultsPerPage": "5"}


def test_get_orders_is_throttled_after_its_burst_and_refills_over_simulated_time(
    sandbox: SandboxClient,
) -> None:
    # given the documented getOrders plan: burst 20, 0.0167 requests per second
    headers = sandbox.headers("NA")
    statuses = [sandbox.http.get(V0, params=QUERY, headers=headers).status_code for _ in range(20)]
    # when the 21st call comes at once
    throttled = sandbox.http.get(V0, params=QUERY, headers=headers)
    # then 429 with Amazon's body and no rate header; one minute later a token is back
    assert statuses == [200] * 20
    assert throttled.status_code == 429
    assert throttled.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    swagger.validate_response("getOrders", 429, throttled.json())
    sandbox.advance(61)
    refilled = sandbox.http.get(V0, params=QUERY, headers=headers)
    assert refilled.status_code == 200
    assert refilled.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert sandbox.http.get(V0, params=QUERY, headers=headers).status_code == 429
    stats = sandbox.http.get("/_sandbox/stats").json()
    [entry] = [row for row in stats if row["operation"] == "getOrders"]
    assert (entry["calls"], entry["throttled"]) == (23, 2)


def test_buckets_are_per_seller(sandbox: SandboxClient) -> None:
    na, eu = sandbox.headers("NA"), sandbox.headers("EU")
    for _ in range(20):
        sandbox.http.get(V0, params=QUERY, headers=na)
    eu_query = {**QUERY, "MarketplaceIds": "A1F83G8C2ARO7P"}
    assert sandbox.http.get(V0, params=QUERY, headers=na).status_code == 429
    assert sandbox.http.get(V0, params=eu_query, headers=eu).status_code == 200


def test_time_scale_multiplies_the_refill_rate() -> None:
    # given a sandbox running 600 times faster than real time
    app = create_app(None, seed=7, start_time=START, time_scale=600)
    with serve_in_thread(app) as base, httpx.Client(base_url=base) as http:
        client = SandboxClient(http)
        headers = client.headers("NA")
        for _ in range(20):
            http.get(V0, params=QUERY, headers=headers)
        # when 0.2 real seconds pass (120 simulated seconds: two getOrders tokens)
        time.sleep(0.2)
        # then calls succeed again
        assert http.get(V0, params=QUERY, headers=headers).status_code == 200


def _arm(sandbox: SandboxClient, operation: str, kind: str, times: int = 1) -> None:
    response = sandbox.http.post(
        "/_sandbox/faults", json={"operation": operation, "kind": kind, "times": times}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("_case", "kind", "status"), [("server error", "http_500", 500), ("unavailable", "http_503", 503)]
)
def test_server_error_faults_answer_once_then_clear(
    sandbox: SandboxClient, _case: str, kind: str, status: int
) -> None:
    headers = sandbox.headers("NA")
    _arm(sandbox, "getOrders", kind)
    first = sandbox.http.get(V0, params=QUERY, headers=headers)
    assert first.status_code == status
    assert first.json()["errors"][0]["code"]
    assert sandbox.http.get(V0, params=QUERY, headers=headers).status_code == 200


def test_malformed_json_fault_truncates_the_body(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    _arm(sandbox, "*", "malformed_json")
    response = sandbox.http.get(V0, params=QUERY, headers=headers)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_expired_token_fault_gives_the_expired_403(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    _arm(sandbox, "getOrders", "expired_token")
    response = sandbox.http.get(V0, params=QUERY, headers=headers)
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"] == "The access token you provided has expired."
    assert sandbox.http.get(V0, params=QUERY, headers=headers).status_code == 200


def test_invalid_order_fault_breaks_one_order_of_the_next_page(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    _arm(sandbox, "getOrders", "invalid_order")
    orders = sandbox.http.get(V0, params=QUERY, headers=headers).json()["payload"]["Orders"]
    broken = [order for order in orders if not order["OrderTotal"]["Amount"].replace(".", "").isdigit()]
    assert len(broken) == 1
    assert len(orders) == 5


def test_timeout_fault_holds_the_response_past_the_client_timeout(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    response = sandbox.http.post(
        "/_sandbox/faults", json={"operation": "getOrders", "kind": "timeout", "timeout_seconds": 1.0}
    )
    assert response.status_code == 200
    with pytest.raises(httpx.ReadTimeout):
        sandbox.http.get(V0, params=QUERY, headers=headers, timeout=0.2)


def test_unknown_fault_kind_is_refused(sandbox: SandboxClient) -> None:
    response = sandbox.http.post("/_sandbox/faults", json={"operation": "*", "kind": "meteor"})
    assert response.status_code == 400


def test_restart_with_the_same_state_file_keeps_sellers_orders_tokens_and_clock(tmp_path: Path) -> None:
    # given a sandbox on a state file, with a created order, a token and an advanced clock
    state = tmp_path / "sandbox.sqlite3"
    with (
        serve_in_thread(create_app(state, seed=7, start_time=START)) as base,
        httpx.Client(base_url=base) as http,
    ):
        client = SandboxClient(http)
        sellers = client.sellers()
        [order_id] = client.create_orders("NA", 1, marketplace_id=US)
        client.advance(7200)
        clock = http.get("/_sandbox/clock").json()["now"]
        token = client.access_token(client.seller("NA"))
    # when it restarts on the same file
    with serve_in_thread(create_app(state, seed=99)) as base, httpx.Client(base_url=base) as http:
        client = SandboxClient(http)
        response = http.get(f"{V0}/{order_id}", headers={"x-amz-access-token": token})
        # then the same sellers, the order, the token and the clock are there
        assert client.sellers() == sellers
        assert response.status_code == 200
        assert response.json()["payload"]["AmazonOrderId"] == order_id
        assert http.get("/_sandbox/clock").json()["now"] >= clock


def test_reset_regenerates_the_same_world(sandbox: SandboxClient) -> None:
    # given a created order
    sellers = sandbox.sellers()
    [order_id] = sandbox.create_orders("NA", 1)
    # when the sandbox is reset
    assert sandbox.http.post("/_sandbox/reset").status_code == 200
    # then the seeded sellers are back and the created order is gone
    assert sandbox.sellers() == sellers
    response = sandbox.http.get(f"{V0}/{order_id}", headers=sandbox.headers("NA"))
    assert response.status_code == 404
