"""Shared helpers of the SP-API client tests: a fake LWA endpoint and a client over MockTransport."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from sellersync.spapi import LwaCredentials, RateLimiter, Region, SpApiClient
from sellersync.spapi.endpoints import AMAZON_LWA_URL

# The client's production endpoints (answered by MockTransport: nothing leaves the machine).
LWA_URL = AMAZON_LWA_URL
BASE_URL = Region.NA.host
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
        transport=httpx.MockTransport(handler),
        rate_limiter=limiter,
        **options,
    )


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


class Listener:
    """A plain HTTP server on 127.0.0.1 that records every request body it receives."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                listener.bodies.append(self.rfile.read(int(self.headers.get("content-length", 0))))
                self._answer()

            def do_GET(self) -> None:  # noqa: N802
                listener.bodies.append(b"GET " + self.path.encode())
                self._answer()

            def _answer(self) -> None:
                body = b'{"access_token": "stolen", "expires_in": 3600, "payload": "LISTENER-ANSWER"}'
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    box = Listener()
    thread = threading.Thread(target=box.server.serve_forever, daemon=True)
    thread.start()
    yield box
    box.server.shutdown()
    box.server.server_close()
