"""Token buckets: a burst then the steady rate, header updates, time scale, and a Redis-shared bucket."""

from __future__ import annotations

import uuid

import httpx
import pytest

from sellersync.spapi import RateLimiter, Region, SpApiClient
from tests.spapi.helpers import CREDENTIALS, FakeClock, make_client, with_lwa


def _send_times(
    limiter: RateLimiter, clock: FakeClock, operation: str, count: int, seller: str = "S1"
) -> list[float]:
    start = clock.now
    times = []
    for _ in range(count):
        limiter.acquire(seller, operation)
        times.append(round(clock.now - start, 3))
    return times


def test_burst_then_steady_rate() -> None:
    # given: confirmShipment is 2 requests/s with a burst of 10
    clock = FakeClock()
    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep)
    # when
    times = _send_times(limiter, clock, "orders_v0.confirmShipment", 14)
    # then
    assert times == [0.0] * 10 + [0.5, 1.0, 1.5, 2.0]


def test_bucket_refills_while_idle_but_never_beyond_burst() -> None:
    # given: getOrder is 0.5/s burst 30; drain it, then idle 10 s (5 tokens back)
    clock = FakeClock()
    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep)
    _send_times(limiter, clock, "orders_v0.getOrder", 30)
    clock.now += 10
    # when
    times = _send_times(limiter, clock, "orders_v0.getOrder", 7)
    # then
    assert times == [0.0] * 5 + [2.0, 4.0]


def test_no_window_ever_exceeds_burst_plus_rate() -> None:
    # given: createFeedDocument 0.5/s burst 15, 60 requests
    clock = FakeClock()
    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep)
    # when
    times = _send_times(limiter, clock, "feeds.createFeedDocument", 60)
    # then: in any window of length w, at most burst + rate*w requests
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            window = times[j] - start
            assert j - i + 1 <= 15 + 0.5 * window + 1e-9


def test_buckets_are_per_seller_and_operation() -> None:
    # given
    clock = FakeClock()
    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep)
    _send_times(limiter, clock, "orders_v0.confirmShipment", 10, seller="S1")
    # when
    other_seller = _send_times(limiter, clock, "orders_v0.confirmShipment", 10, seller="S2")
    other_operation = _send_times(limiter, clock, "feeds.getFeed", 15, seller="S1")
    # then
    assert other_seller == [0.0] * 10
    assert other_operation == [0.0] * 15


def test_headroom_keeps_tokens_of_the_burst_unspent() -> None:
    # given: confirmShipment 2/s burst 10, one token kept as headroom
    clock = FakeClock()
    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep, headroom_tokens=1)
    # when
    times = _send_times(limiter, clock, "orders_v0.confirmShipment", 11)
    # then: 9 at once, then the steady 2/s
    assert times == [0.0] * 9 + [0.5, 1.0]


def test_time_scale_multiplies_the_rate() -> None:
    # given
    clock = FakeClock()
    limiter = RateLimiter(time_scale=100, clock_ms=clock.ms, sleep=clock.sleep)
    # when
    times = _send_times(limiter, clock, "orders_v0.confirmShipment", 12)
    # then: 2/s x 100 = one token every 5 ms after the burst of 10
    assert times == [0.0] * 10 + [0.005, 0.01]


def test_rate_limit_header_changes_the_rate_and_keeps_the_burst() -> None:
    # given: a response announcing 1 request/s for confirmShipment (documented: 2/s)
    clock = FakeClock()
    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204, headers={"x-amzn-RateLimit-Limit": "1.0"})

    client = make_client(with_lwa(handler), clock=clock, rate_limiter=limiter)
    from sellersync.spapi.models.orders_v0 import ConfirmShipmentOrderItem, PackageDetail

    package = PackageDetail(
        package_reference_id="1",
        carrier_code="DHL",
        tracking_number="123",
        ship_date="2024-05-01T10:00:00Z",
        order_items=[ConfirmShipmentOrderItem(order_item_id="1", quantity=1)],
    )
    start = clock.now
    # when
    times = []
    for _ in range(12):
        client.orders_v0.confirm_shipment("111-2222222-3333333", "A1PA6795UKMFR9", package)
        times.append(round(clock.now - start, 3))
    # then
    seller = client.credentials.seller_key
    assert limiter.rate_of(seller, "orders_v0.confirmShipment").per_second == 1.0
    assert limiter.rate_of(seller, "orders_v0.confirmShipment").burst == 10
    # the first token was owed at the documented 2/s (0.5 s), the nine others at 1/s: the bucket is
    # next free at 0.5 s, then one token per second
    assert times == [0.0] * 10 + [0.5, 1.5]


def test_client_waits_for_a_token_before_sending() -> None:
    # given: searchOrders 0.0056/s burst 20
    clock = FakeClock()
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        return httpx.Response(200, json={"orders": []})

    limiter = RateLimiter(clock_ms=clock.ms, sleep=clock.sleep, headroom_tokens=1)
    client = make_client(with_lwa(handler), clock=clock, rate_limiter=limiter)
    # when
    for _ in range(21):
        client.orders.search_orders(created_after="2024-01-01T00:00:00Z")
    # then: the client keeps one token of Amazon's burst of 20 as headroom for network jitter
    assert len(sent_at) == 21
    assert sent_at[18] == sent_at[0]
    assert sent_at[19] - sent_at[0] == pytest.approx(1 / 0.0056, abs=0.002)
    assert sent_at[20] - sent_at[0] == pytest.approx(2 / 0.0056, abs=0.002)
    assert client.stats["orders_2026.searchOrders"].throttled == 0


@pytest.mark.redis
def test_redis_bucket_is_shared_between_two_limiters(redis_url: str) -> None:
    # given: two processes' limiters on one Redis, same seller and operation (2/s, burst 10)
    import redis

    connection = redis.Redis.from_url(redis_url)
    prefix = f"sellersync:test:{uuid.uuid4().hex}"
    clock = FakeClock(start=1_700_000_000.0)
    first = RateLimiter(redis=connection, clock_ms=clock.ms, sleep=clock.sleep, key_prefix=prefix)
    second = RateLimiter(redis=redis_url, clock_ms=clock.ms, sleep=clock.sleep, key_prefix=prefix)
    start = clock.now
    times = []
    try:
        # when: they alternate
        for index in range(14):
            (first if index % 2 == 0 else second).acquire("S1", "orders_v0.confirmShipment")
            times.append(round(clock.now - start, 3))
    finally:
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)
    # then: together they spent one burst, then the shared steady rate
    assert times == [0.0] * 10 + [0.5, 1.0, 1.5, 2.0]


def test_client_keeps_one_token_of_headroom_by_default() -> None:
    client = SpApiClient(CREDENTIALS, region=Region.NA)
    assert client.rate_limiter.headroom_tokens == 1
