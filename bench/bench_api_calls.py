"""SP-API calls and time to fetch a backlog of 10,000 orders, v0 vs 2026-01-01, under Amazon's limits.

The sandbox and the client run Amazon's documented token buckets. `floor_ratio` = simulated sync time /
the least time the published limits allow for the calls made (per operation: (calls - burst) / rate; the
slowest operation sets the floor).

How the simulated time is measured (bench/sandbox_time.py): the sandbox's clock follows the wall clock
(time scale 1), and wherever the client would wait for a token (or a retry) it moves the sandbox's clock
forward by the wait instead of sleeping. The sync time is the sandbox's clock after the last call minus
before the first: every wait at its exact simulated length, plus the real time of the local work (HTTP,
parsing), counted once and overlapped with the next wait as it would be against Amazon. Until Dec 3 2026
it was the wall time x the time scale (100 and 200), which counted every second of local CPU 100-200
times: 1.02 on a quiet machine, up to 1.6 on a busy one. Now load can only add the real seconds the local
work takes longer (`fetch_wall_s_*` prints them).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

import httpx

from bench.sandbox_process import sandbox_process
from bench.sandbox_time import SandboxTime
from sellersync.spapi import SpApiClient
from sellersync.spapi.operations import OPERATIONS

ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
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


def _floor_seconds(calls: dict[str, int]) -> float:
    floors = [
        max(0, count - OPERATIONS[op].burst) / OPERATIONS[op].rate for op, count in calls.items() if count
    ]
    return max(floors, default=0.0)


def _measure(fetch) -> dict[str, float]:  # type: ignore[no-untyped-def]
    with sandbox_process(1.0) as base_url:
        seller, since = _seed_backlog(base_url)
        clock = SandboxTime(base_url)
        with clock.client(seller) as client:
            first = clock.now()
            started = time.perf_counter()
            orders = fetch(client, since)
            wall = time.perf_counter() - started
            simulated = (clock.now() - first).total_seconds()
            calls = {op: s.calls for op, s in client.stats.items() if op.startswith("orders")}
            throttled = sum(s.throttled for s in client.stats.values())
        clock.close()
    return {
        "orders": orders,
        "calls": sum(calls.values()),
        "throttled": throttled,
        "simulated_s": simulated,
        "wall_s": wall,
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
    v2026 = _measure(_fetch_2026)
    v0 = _measure(_fetch_v0)
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
        "floor_hours_2026": f"{v2026['floor_s'] / 3600:.2f}",
        "floor_hours_v0": f"{v0['floor_s'] / 3600:.2f}",
        "fetch_wall_s_2026": f"{v2026['wall_s']:.0f}",
        "fetch_wall_s_v0": f"{v0['wall_s']:.0f}",
    }
