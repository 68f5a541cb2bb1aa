"""LWA: token caching, refresh once on an expired token, refused credentials, authorization-code exchange."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from sellersync.spapi import AuthError, Region, exchange_authorization_code
from sellersync.spapi.endpoints import Endpoints
from tests.spapi.helpers import CREDENTIALS, LWA_URL, lwa_response, make_client

ORDER_PAYLOAD = {
    "payload": {
        "AmazonOrderId": "902-1845936-5435065",
        "PurchaseDate": "2024-01-02T03:04:05Z",
        "LastUpdateDate": "2024-01-02T03:04:05Z",
        "OrderStatus": "Unshipped",
    }
}


def test_access_token_is_fetched_once_and_sent_on_every_call() -> None:
    # given
    token_requests: list[dict[str, list[str]]] = []
    sent_tokens: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == LWA_URL:
            token_requests.append(parse_qs(request.content.decode()))
            return lwa_response("Atza|first")
        sent_tokens.append(request.headers["x-amz-access-token"])
        return httpx.Response(200, json=ORDER_PAYLOAD)

    client = make_client(handler)
    # when
    client.orders_v0.get_order("902-1845936-5435065")
    client.orders_v0.get_order("902-1845936-5435065")
    # then
    assert len(token_requests) == 1
    assert token_requests[0] == {
        "grant_type": ["refresh_token"],
        "refresh_token": [CREDENTIALS.refresh_token],
        "client_id": [CREDENTIALS.client_id],
        "client_secret": [CREDENTIALS.client_secret],
    }
    assert sent_tokens == ["Atza|first", "Atza|first"]


def test_expired_token_is_refreshed_once_and_the_request_replayed() -> None:
    # given
    tokens = iter(["Atza|old", "Atza|new"])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == LWA_URL:
            return lwa_response(next(tokens))
        seen.append(request.headers["x-amz-access-token"])
        if request.headers["x-amz-access-token"] == "Atza|old":
            body = {
                "errors": [{"code": "Unauthorized", "message": "The access token you provided has expired."}]
            }
            return httpx.Response(403, json=body)
        return httpx.Response(200, json=ORDER_PAYLOAD)

    client = make_client(handler)
    # when
    order = client.orders_v0.get_order("902-1845936-5435065")
    # then
    assert order.amazon_order_id == "902-1845936-5435065"
    assert seen == ["Atza|old", "Atza|new"]
    assert client.auth.token_fetches == 2


def test_a_second_rejection_after_refresh_is_an_auth_error_not_a_loop() -> None:
    # given
    calls = {"lwa": 0, "api": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == LWA_URL:
            calls["lwa"] += 1
            return lwa_response()
        calls["api"] += 1
        return httpx.Response(403, json={"errors": [{"code": "Unauthorized", "message": "Access denied"}]})

    client = make_client(handler)
    # when
    with pytest.raises(AuthError) as raised:
        client.orders_v0.get_order("902-1845936-5435065")
    # then
    assert raised.value.status == 403
    assert calls == {"lwa": 2, "api": 2}


def test_wrong_credentials_raise_auth_error_naming_the_problem_without_secrets() -> None:
    # given
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": "invalid_client", "error_description": "Client authentication failed"}
        return httpx.Response(401, json=body)

    client = make_client(handler)
    # when
    with pytest.raises(AuthError) as raised:
        client.orders_v0.get_order("902-1845936-5435065")
    # then
    message = str(raised.value)
    assert "invalid_client" in message
    assert "Client authentication failed" in message
    assert CREDENTIALS.client_secret not in message
    assert CREDENTIALS.refresh_token not in message


def test_credentials_repr_hides_secrets() -> None:
    # given / when
    text = repr(CREDENTIALS)
    # then
    assert CREDENTIALS.client_id in text
    assert CREDENTIALS.client_secret not in text
    assert CREDENTIALS.refresh_token not in text


def test_authorization_code_exchange_returns_the_refresh_token() -> None:
    # given
    forms: list[dict[str, list[str]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        forms.append(parse_qs(request.content.decode()))
        body = {"access_token": "Atza|x", "refresh_token": "Atzr|linked", "expires_in": 3600}
        return httpx.Response(200, json=body)

    # when
    refresh_token = exchange_authorization_code(
        client_id="cid",
        client_secret="csecret",
        code="ANcode",
        redirect_uri="https://erp.test/amazon/callback",
        endpoints=Endpoints.production(Region.NA),
        transport=httpx.MockTransport(handler),
    )
    # then
    assert refresh_token == "Atzr|linked"
    assert forms == [
        {
            "grant_type": ["authorization_code"],
            "code": ["ANcode"],
            "redirect_uri": ["https://erp.test/amazon/callback"],
            "client_id": ["cid"],
            "client_secret": ["csecret"],
        }
    ]


def test_refused_authorization_code_is_an_auth_error() -> None:
    # given
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": "Code expired"})

    # when / then
    with pytest.raises(AuthError, match="invalid_grant"):
        exchange_authorization_code(
            client_id="cid",
            client_secret="csecret",
            code="ANold",
            redirect_uri="https://erp.test/cb",
            endpoints=Endpoints.production(Region.NA),
            transport=httpx.MockTransport(handler),
        )
