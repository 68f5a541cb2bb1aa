"""Amazon fixtures: the local SP-API sandbox served over real HTTP (SPAPI_SANDBOX_URL), Sandbox accounts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from sellersync.amazon.choices import Environment, Region
from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Company
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread

#: Simulated seconds per real second, for the sandbox and the client alike (rate limits refill that fast).
TIME_SCALE = 3600.0


class Sandbox:
    """The running sandbox: its base URL and its control API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def sellers(self) -> dict[str, dict[str, Any]]:
        """Sellers by region (NA has PII access, EU has not)."""
        return {seller["region"]: seller for seller in self.http.get("/_sandbox/sellers").json()}

    def create_orders(self, seller_id: str, count: int = 1, **options: Any) -> list[str]:
        body = {"seller_id": seller_id, "count": count, **options}
        response = self.http.post("/_sandbox/orders", json=body)
        response.raise_for_status()
        return list(response.json()["order_ids"])

    def advance(self, seconds: float) -> None:
        self.http.post("/_sandbox/advance", json={"seconds": seconds}).raise_for_status()

    def stop_clock(self) -> None:
        """Stop the simulated clock (only `advance` moves it now): for assertions about "not yet"."""
        self.http.post("/_sandbox/clock", json={"running": False}).raise_for_status()

    def cancel(self, order_id: str, by: str = "buyer") -> None:
        self.http.post(f"/_sandbox/orders/{order_id}/cancel", json={"by": by}).raise_for_status()

    def refund(
        self,
        order_id: str,
        items: list[dict[str, Any]] | None = None,
        *,
        shipping: bool | None = None,
        restocking_fee: str | None = None,
        posted_after_seconds: float = 0,
    ) -> dict[str, Any]:
        """Make Amazon refund a shipped order exactly (POST /_sandbox/orders/{id}/refund, docs/sandbox.md).

        items: [{"order_item_id", "quantity"?, "principal"?, "tax"?, "shipping"?, "gift_wrap"?,
        "promotion"?, "restocking_fee"?}]; None refunds everything left (shipping included). Returns the
        refund: its lines, `posted`, the RefundEventList `event` and its `total` (a string).
        """
        body: dict[str, Any] = {"posted_after_seconds": posted_after_seconds}
        if items is not None:
            body["items"] = items
        if shipping is not None:
            body["shipping"] = shipping
        if restocking_fee is not None:
            body["restocking_fee"] = restocking_fee
        response = self.http.post(f"/_sandbox/orders/{order_id}/refund", json=body)
        if response.status_code != 200:
            raise AssertionError(f"refund refused ({response.status_code}): {response.text}")
        return dict(response.json())

    def refunds(self, order_id: str) -> list[dict[str, Any]]:
        """Every refund of the order, generated or made by a test, posted or not (same shape as `refund`)."""
        response = self.http.get(f"/_sandbox/orders/{order_id}/refunds")
        response.raise_for_status()
        return list(response.json())

    def return_order(
        self, order_id: str, items: dict[str, int] | None = None, **details: Any
    ) -> dict[str, Any]:
        """A customer return of shipped units ({order_item_id: quantity}, default: every unit not yet
        returned): FBA with `disposition` (SELLABLE, CUSTOMER_DAMAGED...), FBM with `rma_id`, `carrier`,
        `tracking_id`."""
        body = {"items": items or {}, **details}
        response = self.http.post(f"/_sandbox/orders/{order_id}/return", json=body)
        response.raise_for_status()
        return dict(response.json())

    def fault(self, operation: str, kind: str, times: int = 1, **options: Any) -> None:
        body = {"operation": operation, "kind": kind, "times": times, **options}
        self.http.post("/_sandbox/faults", json=body).raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete("/_sandbox/faults").raise_for_status()

    def truth(self, seller_id: str) -> dict[str, dict[str, Any]]:
        """What Amazon knows of each order of the seller (status, total, shipped units, packages), by id."""
        rows = self.http.get("/_sandbox/orders", params={"seller_id": seller_id}).json()
        return {row["order_id"]: row for row in rows}

    def feeds(self, seller_id: str) -> list[dict[str, Any]]:
        """Every feed Amazon holds for the seller, oldest first."""
        return list(self.http.get("/_sandbox/feeds", params={"seller_id": seller_id}).json())

    def calls(self, operation: str) -> int:
        """Requests the sandbox answered for this operation (plain operationId), all sellers together."""
        rows = self.http.get("/_sandbox/stats").json()
        return sum(int(row["calls"]) for row in rows if row["operation"] == operation)


@contextmanager
def serving(settings: Any, app: Any, time_scale: float = TIME_SCALE) -> Iterator[Sandbox]:
    """The sandbox app served in a thread, the settings pointing at it (no Redis: buckets in memory)."""
    settings.SPAPI_TIME_SCALE = time_scale
    settings.REDIS_URL = ""
    with serve_in_thread(app) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        yield box
        box.http.close()


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    with serving(settings, create_app(seed=42, time_scale=TIME_SCALE)) as box:
        yield box


def make_account(sandbox: Sandbox, company: Company, region: str, name: str = "") -> AmazonAccount:
    seller = sandbox.sellers()[region]
    return AmazonAccount.objects.create(
        name=name or f"Amazon {region}",
        company=company,
        seller_id=seller["seller_id"],
        region=Region(region),
        lwa_client_id=seller["client_id"],
        lwa_client_secret=seller["client_secret"],
        refresh_token=seller["refresh_token"],
        environment=Environment.SANDBOX,
        last_order_sync=timezone.now() - timedelta(days=5),
    )


@pytest.fixture
def na_account(sandbox: Sandbox, company: Company) -> AmazonAccount:
    return make_account(sandbox, company, "NA")


@pytest.fixture
def eu_account(sandbox: Sandbox, company: Company) -> AmazonAccount:
    return make_account(sandbox, company, "EU")
