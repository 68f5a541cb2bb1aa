"""SP-API calls and time to fetch a backlog of 10,000 orders, v0 vs 2026-01-01, under Amazon's limits.

The sandbox and the client run Amazon's documented token buckets time-scaled (SCALE simulated seconds per
real second). `floor_ratio` = simulated sync time / the least time the published limits allow for the calls
made (per operation: (calls - burst) / rate; the slowest operation sets the floor).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

import httpx

from bench.sandbox_process import sandbox_process
from sellersync.spapi import LwaCredentials, Region, SpApiClient
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.operations import OPERATIONS

ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
SCALE_V0 = float(os.environ.get("BENCH_SCALE_V0", "100"))
SCALE_2026 = float(os.environ.get("BENCH_SCALE_2026", "200"))
US = "ATVPDKIKX0DER"


def _seed_backlog(base_url: str) -> tuple[dict[str, object], datetime]:
    seller = next(s for s in httpx.get(f"{base_url}/_sandbox/sellers").json() if US in s["marketplace_ids"])
    since = datetime.fromisoformat(
        httpx.get(f"{base_url}/_sandbox/clock").json()["now"].replace("Z", "+00:00")
    )
    for start in range(0, ORDERS, 1000):
        body = {"seller_id": seller["seller_id"], "count": min(1000, ORDERS - start), "marketplace_id": US,
                "fulfillment_channel": "AFN", "status": "Shipped"}  # fmt: skip
        httpx.post(f"{base_url}/_sandbox/orders", json=body, timeout=120).raise_for_status()
    httpx.post(
        f"{base_url}/_sandbox/advance", json={"seconds": 6 * 3600}
    ).raise_for_status()  # FBA orders ship within 5 h
    return seller, since - timedelta(minutes=1)


def _client(base_url: str, seller: dict[str, object], scale: float) -> SpApiClient:
    credentials = LwaCredentials(
        client_id=str(seller["client_id"]),
        client_secret=str(seller["client_secret"]),
        refresh_token=str(seller["refresh_token"]),
        selling_partner_id=str(seller["seller_id"]),
    )
    return SpApiClient(
        credentials,
        region=Region.NA,
        endpoints=Endpoints.local_sandbox(base_url),
        time_scale=scale,
    )


def _floor_seconds(calls: dict[str, int]) -> float:
    floors = [
        max(0, count - OPERATIONS[op].burst) / OPERATIONS[op].rate for op, count in calls.items() if count
    ]
    return max(floors, default=0.0)


def _measure(scale: float, fetch) -> dict[str, float]:  # type: ignore[no-untyped-def]
    with sandbox_process(scale) as base_url:
        seller, since = _seed_backlog(base_url)
        with _client(base_url, seller, scale) as client:
            started = time.perf_counter()
            orders = fetch(client, since)
            simulated = (time.perf_counter() - started) * scale
            calls = {op: s.calls for op, s in client.stats.items() if op.startswith("orders")}
            throttled = sum(s.throttled for s in client.stats.values())
    return {
        "orders": orders,
        "calls": sum(calls.values()),
        "throttled": throttled,
        "simulated_s": simulated,
        "floor_s": _floor_seconds(calls),
    }


def _fetch_v0(client: SpApiClient, since: datetime) -> int:
    count = 0
    for order in client.orders_v0.iter_orders([US], last_updated_after=since, order_statuses=["Shipped"]):
        items = list(client.orders_v0.iter_order_items(order.amazon_order_id))
        count += bool(items)
    return count


def _fetch_2026(client: SpApiClient, since: datetime) -> int:
    orders = client.orders.iter_search_orders(
        marketplace_ids=[US], last_updated_after=since, fulfillment_statuses=["SHIPPED"]
    )
    return sum(1 for order in orders if order.order_items)


def _ratio(result: dict[str, float]) -> float:
    """Simulated time over the floor; a run that fits within the bursts has no floor to compare with."""
    return result["simulated_s"] / result["floor_s"] if result["floor_s"] else float("nan")


def run() -> dict[str, object]:
    v2026 = _measure(SCALE_2026, _fetch_2026)
    v0 = _measure(SCALE_V0, _fetch_v0)
    return {
        "orders_fetched_2026": v2026["orders"],
        "orders_fetched_v0": v0["orders"],
        "calls_per_order_2026": f"{v2026['calls'] / ORDERS:.4f}",
        "calls_per_order_v0": f"{v0['calls'] / ORDERS:.4f}",
        "throttled": int(v0["throttled"] + v2026["throttled"]),
        "throttled_v0": int(v0["throttled"]),
        "throttled_2026": int(v2026["throttled"]),
        "floor_ratio_2026": f"{_ratio(v2026):.3f}",
        "floor_ratio_v0": f"{_ratio(v0):.3f}",
        "floor_ratio": f"{max(_ratio(v0), _ratio(v2026)):.3f}",
        "sync_hours_2026": f"{v2026['simulated_s'] / 3600:.2f}",
        "sync_hours_v0": f"{v0['simulated_s'] / 3600:.2f}",
    }
