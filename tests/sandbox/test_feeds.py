"""Feeds over HTTP: document upload to the pre-signed URL, processing on the simulated clock, results."""

from __future__ import annotations

import gzip
from typing import Any

from sellersync.sandbox import swagger
from sellersync.sandbox.feed_documents import parse_processing_report
from tests.sandbox.conftest import US, SandboxClient

FEEDS = "/feeds/2021-06-30"
V0 = "/orders/v0/orders"


def _envelope(message_type: str, messages: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>"
        f"<MerchantIdentifier>M1</MerchantIdentifier></Header><MessageType>{message_type}</MessageType>"
        f"{messages}</AmazonEnvelope>"
    ).encode()


def _fulfillment(message_id: int, order_id: str) -> str:
    return (
        f"<Message><MessageID>{message_id}</MessageID><OrderFulfillment><AmazonOrderID>{order_id}</AmazonOrderID>"
        "<FulfillmentDate>2026-03-02T14:00:00Z</FulfillmentDate><FulfillmentData><CarrierCode>UPS</CarrierCode>"
        "<ShippingMethod>Ground</ShippingMethod><ShipperTrackingNumber>1Z999AA10123456784</ShipperTrackingNumber>"
        "</FulfillmentData></OrderFulfillment></Message>"
    )


def _submit(sandbox: SandboxClient, headers: dict[str, str], feed_type: str, content: bytes) -> str:
    document = sandbox.http.post(
        f"{FEEDS}/documents", json={"contentType": "text/xml; charset=UTF-8"}, headers=headers
    )
    assert document.status_code == 201
    swagger.validate_response("createFeedDocument", 201, document.json())
    upload = sandbox.http.put(
        document.json()["url"], content=content, headers={"Content-Type": "text/xml; charset=UTF-8"}
    )
    assert upload.status_code == 200
    body = {
        "feedType": feed_type,
        "marketplaceIds": [US],
        "inputFeedDocumentId": document.json()["feedDocumentId"],
    }
    created = sandbox.http.post(f"{FEEDS}/feeds", json=body, headers=headers)
    assert created.status_code == 202
    swagger.validate_response("createFeed", 202, created.json())
    return str(created.json()["feedId"])


def _result(sandbox: SandboxClient, headers: dict[str, str], feed: dict[str, Any]) -> bytes:
    document = sandbox.http.get(f"{FEEDS}/documents/{feed['resultFeedDocumentId']}", headers=headers).json()
    swagger.validate_response("getFeedDocument", 200, document)
    assert document["compressionAlgorithm"] == "GZIP"
    return gzip.decompress(sandbox.http.get(document["url"]).content)


def _unshipped(sandbox: SandboxClient, count: int) -> list[str]:
    ids = sandbox.create_orders("NA", count, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(3600)
    return ids


def test_fulfillment_feed_ships_the_orders_after_processing(sandbox: SandboxClient) -> None:
    # given two unshipped FBM orders and a fulfillment feed for them plus an unknown order
    order_ids = _unshipped(sandbox, 2)
    headers = sandbox.headers("NA")
    messages = "".join(_fulfillment(index + 1, order_id) for index, order_id in enumerate(order_ids))
    feed_id = _submit(
        sandbox,
        headers,
        "POST_ORDER_FULFILLMENT_DATA",
        _envelope("OrderFulfillment", messages + _fulfillment(3, "111-0000000-0000000")),
    )
    queued = sandbox.http.get(f"{FEEDS}/feeds/{feed_id}", headers=headers).json()
    # when the simulated clock passes the processing delay
    sandbox.advance(300)
    done = sandbox.http.get(f"{FEEDS}/feeds/{feed_id}", headers=headers).json()
    # then DONE with a gzip report: 3 processed, 2 successful, and both orders are Shipped
    assert queued["processingStatus"] == "IN_QUEUE"
    swagger.validate_response("getFeed", 200, done)
    assert done["processingStatus"] == "DONE"
    report = parse_processing_report(_result(sandbox, headers, done))
    assert (report.messages_processed, report.messages_successful, report.messages_with_error) == (3, 2, 1)
    for order_id in order_ids:
        order = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]
        assert order["OrderStatus"] == "Shipped"


def test_acknowledgement_failure_cancels_the_order(sandbox: SandboxClient) -> None:
    [order_id] = _unshipped(sandbox, 1)
    headers = sandbox.headers("NA")
    message = (
        f"<Message><MessageID>1</MessageID><OrderAcknowledgement><AmazonOrderID>{order_id}</AmazonOrderID>"
        "<StatusCode>Failure</StatusCode></OrderAcknowledgement></Message>"
    )
    feed_id = _submit(
        sandbox, headers, "POST_ORDER_ACKNOWLEDGEMENT_DATA", _envelope("OrderAcknowledgement", message)
    )
    sandbox.advance(300)
    assert sandbox.http.get(f"{FEEDS}/feeds/{feed_id}", headers=headers).json()["processingStatus"] == "DONE"
    order = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]
    assert order["OrderStatus"] == "Canceled"


def test_unspecified_errors_fault_reports_failures_without_saying_which(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    sandbox.http.post("/_sandbox/faults", json={"operation": "createFeed", "kind": "feed_unspecified_errors"})
    feed_id = _submit(
        sandbox,
        headers,
        "POST_ORDER_FULFILLMENT_DATA",
        _envelope("OrderFulfillment", _fulfillment(1, "111-0000000-0000000")),
    )
    sandbox.advance(300)
    feed = sandbox.http.get(f"{FEEDS}/feeds/{feed_id}", headers=headers).json()
    report = parse_processing_report(_result(sandbox, headers, feed))
    assert report.messages_with_error == 1
    assert all(result.amazon_order_id is None and result.message_id is None for result in report.results)


def test_in_queue_feed_can_be_cancelled_and_then_not_again(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    feed_id = _submit(sandbox, headers, "POST_ORDER_FULFILLMENT_DATA", _envelope("OrderFulfillment", ""))
    assert sandbox.http.delete(f"{FEEDS}/feeds/{feed_id}", headers=headers).status_code == 200
    assert sandbox.http.delete(f"{FEEDS}/feeds/{feed_id}", headers=headers).status_code == 400
    listed = sandbox.http.get(
        f"{FEEDS}/feeds", params={"feedTypes": "POST_ORDER_FULFILLMENT_DATA"}, headers=headers
    ).json()
    swagger.validate_response("getFeeds", 200, listed)
    assert [(feed["feedId"], feed["processingStatus"]) for feed in listed["feeds"]] == [
        (feed_id, "CANCELLED")
    ]


def test_upload_url_expires_after_five_simulated_minutes(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    document = sandbox.http.post(
        f"{FEEDS}/documents", json={"contentType": "text/xml; charset=UTF-8"}, headers=headers
    ).json()
    sandbox.advance(301)
    assert sandbox.http.put(document["url"], content=b"<x/>").status_code == 403
    tampered = document["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert sandbox.http.put(tampered, content=b"<x/>").status_code == 403
