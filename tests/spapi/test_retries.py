"""Retries (transient only), stats, payload errors and lazy pagination."""

from __future__ import annotations

import logging

import httpx
import pytest

from sellersync.spapi import InvalidInput, PayloadError, ServerError, Throttled, Timeout
from tests.spapi.helpers import ACCESS_TOKEN, Handler, make_client, with_lwa

ORDER = {
    "AmazonOrderId": "111-2222222-3333333",
    "PurchaseDate": "2024-05-01T10:00:00Z",
    "LastUpdateDate": "2024-05-01T11:00:00Z",
    "OrderStatus": "Shipped",
    "OrderTotal": {"CurrencyCode": "EUR", "Amount": "19.99"},
}


def _order(order_id: str) -> dict[str, object]:
    return {**ORDER, "AmazonOrderId": order_id}


def _sequence(*responses: httpx.Response) -> tuple[list[httpx.Request], Handler]:
    seen: list[httpx.Request] = []
    remaining = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return remaining.pop(0)

    return seen, handler


def test_429_then_200_is_retried_once_and_counted() -> None:
    # given
    throttled = httpx.Response(429, json={"errors": [{"code": "QuotaExceeded", "message": "quota"}]})
    seen, handler = _sequence(throttled, httpx.Response(200, json={"payload": ORDER}))
    client = make_client(with_lwa(handler))
    # when
    order = client.orders_v0.get_order("111-2222222-3333333")
    # then
    assert order.order_total is not None and str(order.order_total.amount) == "19.99"
    assert len(seen) == 2
    stats = client.stats["orders_v0.getOrder"]
    assert (stats.calls, stats.retries, stats.throttled) == (2, 1, 1)


def test_retry_after_header_is_honoured() -> None:
    # given
    sleeps: list[float] = []
    throttled = httpx.Response(429, headers={"Retry-After": "7"}, json={"errors": []})
    _, handler = _sequence(throttled, httpx.Response(200, json={"payload": ORDER}))
    client = make_client(with_lwa(handler), sleep=sleeps.append)
    # when
    client.orders_v0.get_order("111-2222222-3333333")
    # then
    assert sleeps == [7.0]


def test_503_is_retried_then_succeeds() -> None:
    # given
    seen, handler = _sequence(httpx.Response(503), httpx.Response(200, json={"payload": ORDER}))
    client = make_client(with_lwa(handler))
    # when
    client.orders_v0.get_order("111-2222222-3333333")
    # then
    assert len(seen) == 2
    assert client.stats["orders_v0.getOrder"].retries == 1


def test_persistent_5xx_raises_server_error_after_max_retries() -> None:
    # given
    seen, handler = _sequence(*[httpx.Response(500) for _ in range(4)])
    client = make_client(with_lwa(handler), max_retries=3)
    # when / then
    with pytest.raises(ServerError):
        client.orders_v0.get_order("111-2222222-3333333")
    assert len(seen) == 4


def test_400_is_never_retried() -> None:
    # given
    bad = httpx.Response(400, json={"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]})
    seen, handler = _sequence(bad)
    client = make_client(with_lwa(handler))
    # when
    with pytest.raises(InvalidInput) as raised:
        client.orders_v0.get_order("bad")
    # then
    assert len(seen) == 1
    assert raised.value.errors[0].code == "InvalidInput"
    assert client.stats["orders_v0.getOrder"].retries == 0


def test_timeouts_are_retried_then_raised_as_timeout() -> None:
    # given
    attempts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    client = make_client(with_lwa(handler), max_retries=2)
    # when / then
    with pytest.raises(Timeout):
        client.orders_v0.get_order("111-2222222-3333333")
    assert len(attempts) == 3
    assert client.stats["orders_v0.getOrder"].retries == 2


def test_throttled_is_raised_when_retries_are_exhausted() -> None:
    # given
    seen, handler = _sequence(httpx.Response(429), httpx.Response(429))
    client = make_client(with_lwa(handler), max_retries=1)
    # when / then
    with pytest.raises(Throttled):
        client.orders_v0.get_order("111-2222222-3333333")
    assert client.stats["orders_v0.getOrder"].throttled == 2


def test_malformed_json_is_a_payload_error() -> None:
    # given
    _, handler = _sequence(httpx.Response(200, content=b"{not json"))
    client = make_client(with_lwa(handler))
    # when / then
    with pytest.raises(PayloadError, match="orders_v0.getOrder"):
        client.orders_v0.get_order("111-2222222-3333333")


def test_missing_required_field_names_the_order_and_the_field() -> None:
    # given
    broken = {k: v for k, v in _order("222-0000000-0000002").items() if k != "PurchaseDate"}
    page = {"payload": {"Orders": [_order("222-0000000-0000001"), broken]}}
    _, handler = _sequence(httpx.Response(200, json=page))
    client = make_client(with_lwa(handler))
    # when
    with pytest.raises(PayloadError) as raised:
        client.orders_v0.get_orders(["A1PA6795UKMFR9"], created_after="2024-05-01T00:00:00Z")
    # then
    message = str(raised.value)
    assert "orders_v0.getOrders" in message
    assert "222-0000000-0000002" in message
    assert "Orders.1.PurchaseDate" in message


def test_money_is_exact_decimal() -> None:
    # given
    _, handler = _sequence(httpx.Response(200, json={"payload": {**ORDER, "OrderTotal": {"Amount": "0.10"}}}))
    client = make_client(with_lwa(handler))
    # when
    order = client.orders_v0.get_order("111-2222222-3333333")
    # then
    assert order.order_total is not None
    assert str(order.order_total.amount) == "0.10"


def test_pagination_is_lazy() -> None:
    # given
    pages = {
        None: {"payload": {"Orders": [_order("1"), _order("2")], "NextToken": "page2"}},
        "page2": {"payload": {"Orders": [_order("3")]}},
    }
    requested: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("NextToken")
        requested.append(token)
        return httpx.Response(200, json=pages[token])

    client = make_client(with_lwa(handler))
    # when
    orders = client.orders_v0.iter_orders(["ATVPDKIKX0DER"], last_updated_after="2024-05-01T00:00:00Z")
    first_two = [next(orders).amazon_order_id, next(orders).amazon_order_id]
    requested_after_first_page = list(requested)
    rest = [order.amazon_order_id for order in orders]
    # then
    assert first_two == ["1", "2"]
    assert requested_after_first_page == [None]
    assert rest == ["3"]
    assert requested == [None, "page2"]


def test_query_arrays_are_comma_separated_and_datetimes_utc_z() -> None:
    # given
    from datetime import datetime, timedelta, timezone

    seen, handler = _sequence(httpx.Response(200, json={"payload": {"Orders": []}}))
    client = make_client(with_lwa(handler))
    paris = timezone(timedelta(hours=2))
    # when
    client.orders_v0.get_orders(
        ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
        last_updated_after=datetime(2024, 5, 1, 12, 30, tzinfo=paris),
        order_statuses=["Unshipped", "PartiallyShipped"],
    )
    # then
    assert dict(seen[0].url.params) == {
        "MarketplaceIds": "ATVPDKIKX0DER,A2EUQ1WTGCTBG2",
        "LastUpdatedAfter": "2024-05-01T10:30:00Z",
        "OrderStatuses": "Unshipped,PartiallyShipped",
        "MaxResultsPerPage": "100",
    }


def test_access_token_never_appears_in_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    # given
    _, handler = _sequence(httpx.Response(200, json={"payload": ORDER}))
    client = make_client(with_lwa(handler))
    # when
    with caplog.at_level(logging.DEBUG, logger="sellersync.spapi"):
        client.orders_v0.get_order("111-2222222-3333333")
    # then
    assert "orders/v0/orders" in caplog.text
    assert ACCESS_TOKEN not in caplog.text
