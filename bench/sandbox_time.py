"""Simulated time that load on this machine cannot inflate: the client's waits move the sandbox's clock.

The sandbox runs at time scale 1 (its clock follows the wall clock). The SP-API client gets a rate limiter,
a retry sleep and an LWA token cache that read `SandboxTime`'s clock (the wall clock plus every advance),
and where they would sleep they advance the sandbox's clock by that many seconds (`POST /_sandbox/advance`)
and return at once. So:
- a wait that Amazon's limits (or a report's generation) impose costs its exact simulated duration and no
  real time;
- local work (HTTP, parsing, mapping, database writes) costs its real duration, once, not multiplied by a
  time scale; and because the next token's time is computed on a clock that ran during that work, local
  work done between two calls overlaps the wait for the next token, as it would against Amazon.
The simulated time of a run is the sandbox's clock after its last call minus before its first
(`GET /_sandbox/clock`). A busy machine can only add the real seconds its local work takes longer, where
the old measure (wall time x time scale) multiplied them by the time scale.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime

import httpx

from sellersync.spapi import LwaCredentials, Region, SpApiClient
from sellersync.spapi.auth import InMemoryTokenCache
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.ratelimit import RateLimiter


class SandboxTime:
    """The sandbox's clock as the client sees it, and a sleep that advances it instead of sleeping."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http = httpx.Client(base_url=base_url, timeout=120)
        self.advanced = 0.0  # seconds of waits turned into clock advances

    def close(self) -> None:
        self._http.close()

    def seconds(self) -> float:
        """A monotonic clock in seconds that includes every advance (for token caches)."""
        return time.monotonic() + self.advanced

    def clock_ms(self) -> float:
        """Milliseconds on the rate limiter's clock: the wall clock plus every advance."""
        return (time.time() + self.advanced) * 1000

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` of simulated time: the sandbox's clock jumps, no real time passes."""
        if seconds <= 0:
            return
        self.advanced += seconds
        self._http.post("/_sandbox/advance", json={"seconds": seconds}).raise_for_status()

    def now(self) -> datetime:
        """The sandbox's clock (second precision)."""
        text = self._http.get("/_sandbox/clock").json()["now"]
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))

    def client(self, seller: Mapping[str, object]) -> SpApiClient:
        """An SP-API client for `seller` whose every wait is simulated time on the sandbox's clock."""
        credentials = LwaCredentials(
            client_id=str(seller["client_id"]),
            client_secret=str(seller["client_secret"]),
            refresh_token=str(seller["refresh_token"]),
            selling_partner_id=str(seller["seller_id"]),
        )
        limiter = RateLimiter(clock_ms=self.clock_ms, sleep=self.sleep, headroom_tokens=1)
        return SpApiClient(
            credentials,
            region=Region.NA,
            endpoints=Endpoints.local_sandbox(self.base_url),
            rate_limiter=limiter,
            sleep=self.sleep,
            token_cache=InMemoryTokenCache(clock=self.seconds),
        )
