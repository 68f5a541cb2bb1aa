"""Restricted data tokens: only for PII calls, cached, and a clean fallback when Amazon refuses."""

from __future__ import annotations

import json

import httpx

from tests.spapi.helpers import ACCESS_TOKEN, Handler, make_client, with_lwa

ADDRESS = {
    "payload": {
        "AmazonOrderId": "902-1845936-5435065",
        "ShippingAddress": {
            "Name": "Jane Doe",
            "City": "SEATTLE",
            "PostalCode": "98121",
            "CountryCode": "US",
        },
    }
}
RDT = "Atz.sprdt|restricted"


def _handler(rdt_status: int = 200) -> tuple[list[httpx.Request], list[httpx.Request], Handler]:
    rdt_requests: list[httpx.Request] = []
    api_requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/tokens/2021-03-01/restrictedDataToken":
            rdt_requests.append(request)
            if rdt_status != 200:
                body = {"errors": [{"code": "Unauthorized", "message": "Application does not have access"}]}
                return httpx.Response(rdt_status, json=body)
            return httpx.Response(200, json={"restrictedDataToken": RDT, "expiresIn": 3600})
        api_requests.append(request)
        if request.url.path.endswith("/orders"):
            return httpx.Response(200, json={"payload": {"Orders": []}})
        return httpx.Response(200, json=ADDRESS)

    return rdt_requests, api_requests, handler


def test_plain_calls_never_request_an_rdt() -> None:
    # given
    rdt_requests, api_requests, handler = _handler()
    client = make_client(with_lwa(handler))
    # when
    address = client.orders_v0.get_order_address("902-1845936-5435065")
    # then
    assert rdt_requests == []
    assert api_requests[0].headers["x-amz-access-token"] == ACCESS_TOKEN
    assert address.pii_granted is False


def test_pii_call_uses_a_cached_rdt_for_the_exact_path() -> None:
    # given
    rdt_requests, api_requests, handler = _handler()
    client = make_client(with_lwa(handler))
    # when
    first = client.orders_v0.get_order_address("902-1845936-5435065", pii=True)
    client.orders_v0.get_order_address("902-1845936-5435065", pii=True)
    # then
    assert len(rdt_requests) == 1
    assert json.loads(rdt_requests[0].content) == {
        "restrictedResources": [{"method": "GET", "path": "/orders/v0/orders/902-1845936-5435065/address"}]
    }
    assert [r.headers["x-amz-access-token"] for r in api_requests] == [RDT, RDT]
    assert first.pii_granted is True
    assert first.shipping_address is not None and first.shipping_address.name == "Jane Doe"


def test_get_orders_with_data_elements_asks_for_the_generic_path() -> None:
    # given
    rdt_requests, api_requests, handler = _handler()
    client = make_client(with_lwa(handler))
    # when
    list(
        client.orders_v0.iter_orders(
            ["ATVPDKIKX0DER"],
            created_after="2024-01-01T00:00:00Z",
            data_elements=["buyerInfo", "shippingAddress"],
        )
    )
    # then
    assert json.loads(rdt_requests[0].content)["restrictedResources"] == [
        {"method": "GET", "path": "/orders/v0/orders", "dataElements": ["buyerInfo", "shippingAddress"]}
    ]
    assert api_requests[0].headers["x-amz-access-token"] == RDT


def test_refused_rdt_falls_back_to_the_plain_token_and_says_so() -> None:
    # given
    rdt_requests, api_requests, handler = _handler(rdt_status=403)
    client = make_client(with_lwa(handler))
    # when
    address = client.orders_v0.get_order_address("902-1845936-5435065", pii=True)
    # then
    assert len(rdt_requests) >= 1
    assert api_requests[-1].headers["x-amz-access-token"] == ACCESS_TOKEN
    assert address.pii_granted is False
    assert address.amazon_order_id == "902-1845936-5435065"


def test_a_refusal_is_remembered_so_a_batch_does_not_ask_again_per_order() -> None:
    # given
    rdt_requests, api_requests, handler = _handler(rdt_status=400)
    client = make_client(with_lwa(handler))
    # when
    first = client.orders_v0.get_order_address("111-0000000-0000001", pii=True)
    second = client.orders_v0.get_order_address("111-0000000-0000002", pii=True)
    # then
    assert len(rdt_requests) == 1
    assert len(api_requests) == 2
    assert (first.pii_granted, second.pii_granted) == (False, False)
