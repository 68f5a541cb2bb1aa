"""Fixtures for the sandbox tests: a fresh in-memory sandbox over real HTTP and LWA helpers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
US = "ATVPDKIKX0DER"
UK = "A1F83G8C2ARO7P"


@dataclass
class SandboxClient:
    """An httpx client on a running sandbox plus the helpers every test needs."""

    http: httpx.Client

    def sellers(self) -> list[dict[str, Any]]:
        return list(self.http.get("/_sandbox/sellers").json())

    def seller(self, region: str) -> dict[str, Any]:
        return next(seller for seller in self.sellers() if seller["region"] == region)

    def access_token(self, seller: dict[str, Any]) -> str:
        response = self.http.post(
            "/auth/o2/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": seller["refresh_token"],
                "client_id": seller["client_id"],
                "client_secret": seller["client_secret"],
            },
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def headers(self, region: str = "NA") -> dict[str, str]:
        return {"x-amz-access-token": self.access_token(self.seller(region))}

    def advance(self, seconds: float) -> None:
        assert self.http.post("/_sandbox/advance", json={"seconds": seconds}).status_code == 200

    def create_orders(self, region: str, count: int, **options: Any) -> list[str]:
        body = {"seller_id": self.seller(region)["seller_id"], "count": count, **options}
        response = self.http.post("/_sandbox/orders", json=body)
        assert response.status_code == 200, response.text
        return list(response.json()["order_ids"])


@pytest.fixture
def sandbox() -> Iterator[SandboxClient]:
    app = create_app(None, seed=7, start_time=START)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield SandboxClient(http)
