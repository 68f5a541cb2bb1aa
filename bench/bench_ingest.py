"""Local ingest throughput: fetched 2026-01-01 payloads -> committed sales orders (SQLite, PostgreSQL).

Each measurement runs in a fresh process and database. `ingest_orders_per_s_sqlite` is the median of
three rounds (all printed); `ingest_peak_mb` is the largest peak RSS of those rounds at 10,000 orders;
`ingest_growth_mb_*` compares what 2,000 and 10,000 orders added to it (flat = equal).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
#: SQLite is measured this many times and the median printed (with every round): the machine is shared
#: and one round can run 30 % slow.
SQLITE_ROUNDS = 3


def _measure(engine: str, count: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.ingest_worker", engine, str(count)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect("postgres://postgres@127.0.0.1:5432/test", connect_timeout=3).close()
    except Exception:
        return False
    return True


def run() -> dict[str, object]:
    small = _measure("sqlite", ORDERS // 5)
    rounds = sorted(
        (_measure("sqlite", ORDERS) for _ in range(SQLITE_ROUNDS)), key=lambda r: r["orders_per_s"]
    )
    sqlite = rounds[len(rounds) // 2]
    figures: dict[str, object] = {
        "ingest_orders": ORDERS,
        "ingest_created_sqlite": sqlite["created"],
        "ingest_failed_sqlite": sqlite["failed"],
        "ingest_orders_per_s_sqlite": f"{sqlite['orders_per_s']:.0f}",
        "ingest_orders_per_s_sqlite_rounds": ", ".join(f"{r['orders_per_s']:.0f}" for r in rounds),
        "ingest_peak_mb": f"{max(r['peak_mb'] for r in rounds):.0f}",
        f"ingest_growth_mb_{ORDERS // 5}": f"{small['growth_mb']:.1f}",
        f"ingest_growth_mb_{ORDERS}": f"{sqlite['growth_mb']:.1f}",
    }
    if _postgres_reachable():
        postgres = _measure("postgres", ORDERS)
        figures["ingest_orders_per_s_postgres"] = f"{postgres['orders_per_s']:.0f}"
    else:
        figures["ingest_orders_per_s_postgres"] = "skipped (no PostgreSQL at 127.0.0.1:5432)"
    return figures
