"""Token buckets per (selling partner, operation), spent BEFORE a request is sent.

Each bucket holds ``burst`` tokens and refills at the operation's documented ``rate`` per second
(multiplied by ``time_scale``). The algorithm is pyrate-limiter's ``TokenBucket`` (GCRA): its state is
one timestamp per bucket, kept in-process (``InMemoryStateStore``) or in Redis (``RedisStateStore``, an
atomic Lua script) so many worker processes share one seller's budget. A rate announced by Amazon in
``x-amzn-RateLimit-Limit`` replaces the documented rate (same burst). Clock and sleep are injectable so
tests run without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyrate_limiter import Decision, InMemoryStateStore, Rate, RedisStateStore, StateStore, TokenBucket

from sellersync.spapi.operations import OPERATIONS

_LIMIT_UNITS = 1_000_000  # tokens per interval; a large count keeps the emission interval exact in µs
_KEY_PREFIX = "sellersync:spapi:ratelimit"


def wall_clock_ms() -> float:
    """Milliseconds since the epoch (comparable across processes sharing a Redis bucket)."""
    return time.time() * 1000


@dataclass(frozen=True)
class BucketRate:
    """Refill rate (tokens per second, before time scaling) and capacity of one bucket."""

    per_second: float
    burst: int


class RateLimiter:
    """Waits until the (seller, operation) bucket has a token, then spends it.

    ``redis`` is a redis client (or URL) to share buckets between processes; None keeps them in memory.
    ``headroom_tokens`` leaves that many of Amazon's burst unspent: requests reach Amazon a few milliseconds
    after they leave, unevenly, so a client that empties its bucket exactly would sometimes find Amazon's
    one token short (a 429). One token of headroom costs one request of burst, never steady throughput.
    """

    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        redis: Any = None,
        clock_ms: Callable[[], float] = wall_clock_ms,
        sleep: Callable[[float], None] = time.sleep,
        key_prefix: str = _KEY_PREFIX,
        headroom_tokens: int = 0,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        if isinstance(redis, str):
            import redis as redis_library

            redis = redis_library.Redis.from_url(redis)
        self.time_scale = time_scale
        self.headroom_tokens = headroom_tokens
        self._redis = redis
        self._clock_ms = clock_ms
        self.sleep = sleep
        self._key_prefix = key_prefix
        self._algorithm = TokenBucket()
        self._stores: dict[tuple[str, str], StateStore] = {}
        self._rates: dict[tuple[str, str], BucketRate] = {}
        self._lock = threading.Lock()
        self.waited_seconds = 0.0

    def rate_of(self, seller: str, operation: str) -> BucketRate:
        """The rate in force for this bucket (documented, or as last announced by Amazon)."""
        spec = OPERATIONS[operation]
        return self._rates.get((seller, operation), BucketRate(spec.rate, spec.burst))

    def update_rate(self, seller: str, operation: str, per_second: float) -> None:
        """Adopt a rate announced by Amazon (``x-amzn-RateLimit-Limit``), keeping the burst."""
        if per_second <= 0:
            return
        current = self.rate_of(seller, operation)
        self._rates[(seller, operation)] = BucketRate(per_second, current.burst)

    def acquire(self, seller: str, operation: str) -> float:
        """Block until a token is available and spend it; returns the seconds waited."""
        store = self._store(seller, operation)
        waited = 0.0
        while True:
            rates = [self._pyrate_rate(self.rate_of(seller, operation))]
            decision = store.check(self._algorithm, rates, int(self._clock_ms()), 1)
            assert isinstance(decision, Decision)  # our stores are synchronous
            if decision.allowed:
                self.waited_seconds += waited
                return waited
            delay = max((decision.retry_after_ms or 1) / 1000, 0.001)
            self.sleep(delay)
            waited += delay

    def reset(self, seller: str, operation: str) -> None:
        """Forget a bucket's state (full again)."""
        self._store(seller, operation).reset()

    def _pyrate_rate(self, rate: BucketRate) -> Rate:
        scaled = rate.per_second * self.time_scale
        interval_ms = max(1, round(_LIMIT_UNITS * 1000 / scaled))
        return Rate(_LIMIT_UNITS, interval_ms, burst=max(1, rate.burst - self.headroom_tokens))

    def _store(self, seller: str, operation: str) -> StateStore:
        key = (seller, operation)
        with self._lock:
            store = self._stores.get(key)
            if store is None:
                store = self._new_store(seller, operation)
                self._stores[key] = store
            return store

    def _new_store(self, seller: str, operation: str) -> StateStore:
        if self._redis is None:
            return InMemoryStateStore()
        return RedisStateStore(self._redis, key=f"{self._key_prefix}:{seller}:{operation}")
