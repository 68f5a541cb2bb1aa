"""Shared helpers of the SP-API client tests: a fake LWA endpoint and a client over MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from sellersync.spapi import LwaCredentials, RateLimiter, Region, SpApiClient

LWA_URL = "https://lwa.test/auth/o2/token"
BASE_URL = "https://spapi.test"
ACCESS_TOKEN = "Atza|access-token-1"
CREDENTIALS = LwaCredentials(
    client_id="amzn1.application-oa2-client.test",
    client_secret="client-secret-value",
    refresh_token="Atzr|refresh-token-value",
    selling_partner_id="A1SELLER",
)

Handler = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """A clock in seconds whose sleep advances time instantly and records every sleep."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def ms(self) -> float:
        return self.now * 1000

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def lwa_response(token: str = ACCESS_TOKEN, expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "token_type": "bearer", "expires_in": expires_in})


def with_lwa(handler: Handler, token: str = ACCESS_TOKEN) -> Handler:
    """Answer LWA token requests with ``token``; pass everything else to ``handler``."""

    def route(request: httpx.Request) -> httpx.Response:
        if str(request.url) == LWA_URL:
            return lwa_response(token)
        return handler(request)

    return route


def make_client(handler: Handler, *, clock: FakeClock | None = None, **options: Any) -> SpApiClient:
    """A client over MockTransport with a fake clock (no real sleeps)."""
    clock = clock or FakeClock()
    limiter = options.pop("rate_limiter", None) or RateLimiter(clock_ms=clock.ms, sleep=clock.sleep)
    options.setdefault("sleep", clock.sleep)
    return SpApiClient(
        CREDENTIALS,
        region=Region.NA,
        base_url=BASE_URL,
        lwa_url=LWA_URL,
        transport=httpx.MockTransport(handler),
        rate_limiter=limiter,
        **options,
    )


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None
