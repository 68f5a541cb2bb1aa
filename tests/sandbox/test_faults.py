"""Faults that make lost writes testable: 429 storms, slow answers, answers lost after the commit, clearing.

Over real HTTP: a slow or lost answer leaves the client without a response while the sandbox's state shows
that the request was taken.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import US, SandboxClient

V0 = "/orders/v0/orders"
FEEDS = "/feeds/2021-06-30"
QUERY = {"MarketplaceIds": US, "CreatedAfter": "2026-02-01T00:00:00Z", "MaxResultsPerPage": "5"}
FEED_TYPE = "POST_ORDER_FULFILLMENT_DATA"


def _arm(sandbox: SandboxClient, **fault: Any) -> dict[str, Any]:
    response = sandbox.http.post("/_sandbox/faults", json=fault)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _document(sandbox: SandboxClient, headers: dict[str, str]) -> str:
    document = sandbox.http.post(
        f"{FEEDS}/documents", json={"contentType": "text/xml; charset=UTF-8"}, headers=headers
    ).json()
    assert sandbox.http.put(document["url"], content=b"<AmazonEnvelope/>").status_code == 200
    return str(document["feedDocumentId"])


def _create_feed(sandbox: SandboxClient, headers: dict[str, str], document_id: str, **kwargs: Any) -> Any:
    body = {"feedType": FEED_TYPE, "marketplaceIds": [US], "inputFeedDocumentId": document_id}
    return sandbox.http.post(f"{FEEDS}/feeds", json=body, headers=headers, **kwargs)


def _feeds(sandbox: SandboxClient, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = sandbox.http.get(f"{FEEDS}/feeds", params={"feedTypes": FEED_TYPE, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["feeds"])


def _stats(sandbox: SandboxClient, operation: str) -> tuple[int, int]:
    rows = [row for row in sandbox.http.get("/_sandbox/stats").json() if row["operation"] == operation]
    return sum(row["calls"] for row in rows), sum(row["throttled"] for row in rows)


def test_a_throttle_storm_answers_429_for_n_calls_then_lets_calls_through(sandbox: SandboxClient) -> None:
    # given a storm of 3 throttles armed on getOrders (whose bucket is full: burst 20)
    headers = sandbox.headers("NA")
    _arm(sandbox, operation="getOrders", kind="throttle", times=3)
    # when 4 calls come
    responses = [sandbox.http.get(V0, params=QUERY, headers=headers) for _ in range(4)]
    # then 3 get Amazon's 429 (no rate header), the 4th the orders; the stats count 3 throttled of 4
    assert [response.status_code for response in responses] == [429, 429, 429, 200]
    assert responses[0].json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in responses[0].headers
    assert _stats(sandbox, "getOrders") == (4, 3)


def test_a_slow_answer_outlasts_the_client_but_the_feed_was_created(sandbox: SandboxClient) -> None:
    # given a slow createFeed: the answer comes 1 s late, the client waits 0.3 s
    headers = sandbox.headers("NA")
    document_id = _document(sandbox, headers)
    _arm(sandbox, operation="createFeed", kind="slow", timeout_seconds=1.0)
    # when the client sends createFeed
    with pytest.raises(httpx.ReadTimeout):
        _create_feed(sandbox, headers, document_id, timeout=0.3)
    # then Amazon has the feed all the same (one, with our type)
    feeds = _feeds(sandbox, headers)
    assert [feed["feedType"] for feed in feeds] == [FEED_TYPE]


def test_an_answer_lost_after_the_commit_breaks_the_connection_and_the_feed_exists(
    sandbox: SandboxClient, caplog: pytest.LogCaptureFixture
) -> None:
    # given "accepted, answer lost" armed on createFeed
    headers = sandbox.headers("NA")
    document_id = _document(sandbox, headers)
    _arm(sandbox, operation="createFeed", kind="answer_lost")
    # when createFeed is sent, the connection breaks before the answer is complete
    with pytest.raises(httpx.RemoteProtocolError):
        _create_feed(sandbox, headers, document_id)
    # then the feed was created once; a second createFeed (no fault left) creates a second one
    assert len(_feeds(sandbox, headers)) == 1
    assert _create_feed(sandbox, headers, document_id).status_code == 202
    assert len(_feeds(sandbox, headers)) == 2
    # and the server does not log the intended broken answer as an error
    assert [r.getMessage() for r in caplog.records if r.name == "uvicorn.error"] == []


def test_an_answer_lost_on_confirm_shipment_still_ships_the_order(sandbox: SandboxClient) -> None:
    # given an unshipped FBM order with one item confirmed as a whole
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(3600)
    headers = sandbox.headers("NA")
    items = sandbox.http.get(f"{V0}/{order_id}/orderItems", headers=headers).json()["payload"]["OrderItems"]
    body = {
        "marketplaceId": US,
        "packageDetail": {
            "packageReferenceId": "1001",
            "carrierCode": "UPS",
            "trackingNumber": "1Z999",
            "shipDate": "2026-03-02T15:00:00Z",
            "orderItems": [
                {"orderItemId": i["OrderItemId"], "quantity": i["QuantityOrdered"]} for i in items
            ],
        },
    }
    _arm(sandbox, operation="confirmShipment", kind="answer_lost")
    # when confirmShipment's answer is lost
    with pytest.raises(httpx.RemoteProtocolError):
        sandbox.http.post(f"{V0}/{order_id}/shipmentConfirmation", json=body, headers=headers)
    # then the order is Shipped with our package (2026 getOrder lists it by its reference)
    order = sandbox.http.get(
        f"/orders/2026-01-01/orders/{order_id}", params={"includedData": "PACKAGES"}, headers=headers
    ).json()["order"]
    assert [package["packageReferenceId"] for package in order["packages"]] == ["1001"]
    assert sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]["OrderStatus"] == "Shipped"


def test_a_timeout_fault_holds_for_its_own_seconds_and_commits_nothing(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    document_id = _document(sandbox, headers)
    _arm(sandbox, operation="createFeed", kind="timeout", timeout_seconds=0.6)
    with pytest.raises(httpx.ReadTimeout):
        _create_feed(sandbox, headers, document_id, timeout=0.2)
    assert _feeds(sandbox, headers) == []


def test_faults_are_listed_and_cleared_all_at_once(sandbox: SandboxClient) -> None:
    # given three faults armed
    _arm(sandbox, operation="getOrders", kind="http_500", times=2)
    _arm(sandbox, operation="createFeed", kind="answer_lost")
    added = _arm(sandbox, operation="*", kind="slow", timeout_seconds=5)
    listed = sandbox.http.get("/_sandbox/faults").json()["armed"]
    # when they are cleared
    cleared = sandbox.http.delete("/_sandbox/faults")
    # then the list had them, the clear says 3, and calls are answered normally again
    assert added["added"] == {"operation": "*", "kind": "slow", "times": 1, "timeout_seconds": 5.0}
    assert [(f["operation"], f["kind"], f["times"]) for f in listed] == [
        ("getOrders", "http_500", 2),
        ("createFeed", "answer_lost", 1),
        ("*", "slow", 1),
    ]
    assert cleared.json() == {"cleared": 3, "armed": []}
    assert sandbox.http.get("/_sandbox/faults").json() == {"armed": []}
    assert sandbox.http.get(V0, params=QUERY, headers=sandbox.headers("NA")).status_code == 200


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"operation": "*", "kind": "meteor"}, "unknown fault kind"),
        ({"operation": "*", "kind": "slow", "times": 0}, "times must be at least 1"),
        ({"operation": "*", "kind": "slow", "timeout_seconds": -1}, "timeout_seconds"),
    ],
)
def test_a_bad_fault_is_refused_naming_what_is_wrong(
    sandbox: SandboxClient, body: dict[str, Any], error: str
) -> None:
    response = sandbox.http.post("/_sandbox/faults", json=body)
    assert response.status_code == 400
    assert error in response.json()["error"]


def test_get_feeds_filters_by_created_since_in_simulated_time_given_by_the_date_header(
    sandbox: SandboxClient,
) -> None:
    # given a feed created, an hour passing, then a second feed
    headers = sandbox.headers("NA")
    assert _create_feed(sandbox, headers, _document(sandbox, headers)).status_code == 202
    sandbox.advance(3600)
    headers = sandbox.headers("NA")  # the first token lived one simulated hour
    document = sandbox.http.post(
        f"{FEEDS}/documents", json={"contentType": "text/xml; charset=UTF-8"}, headers=headers
    )
    since = parsedate_to_datetime(document.headers["date"])
    sandbox.http.put(document.json()["url"], content=b"<AmazonEnvelope/>")
    assert _create_feed(sandbox, headers, document.json()["feedDocumentId"]).status_code == 202
    # when getFeeds asks for the feeds created since the Date of the second document's answer
    recent = _feeds(sandbox, headers, createdSince=since.isoformat())
    # then only the second feed is listed; the Date header is the simulated clock, not the wall clock
    clock = sandbox.http.get("/_sandbox/clock").json()["now"]
    assert clock.startswith("2026-03-02T13:")
    assert since.isoformat().startswith("2026-03-02T13:")
    assert len(recent) == 1
    assert len(_feeds(sandbox, headers)) == 2
    assert _feeds(sandbox, headers, marketplaceIds="A1F83G8C2ARO7P") == []
