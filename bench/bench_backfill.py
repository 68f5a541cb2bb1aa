"""Order history through Amazon's order reports vs searchOrders: 10,000 and 100,000 orders over a year.

Each size runs in a fresh process (bench/backfill_worker.py): a sandbox whose NA seller sold that many
orders over 365 days, and the real backfill (`run_backfill`: one GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE
report per 30-day window, newest first, a few requested ahead, each window applied by the sync's apply step)
into a fresh SQLite database. Amazon's published limits hold on both sides: createReport 0.0167/s burst 15,
getReport 2/s burst 15, getReportDocument 0.0167/s burst 15; the sandbox generates a report in 60 s of queue
+ 30 s + 30 s per 1,000 rows, one report of a seller at a time (docs/sandbox.md).

Simulated time (bench/sandbox_time.py): the sandbox's clock follows the wall clock and every wait of the
client (a token, a report still in progress) moves it forward instead of sleeping; the time of a backfill is
the sandbox's clock after its last call minus before its first. Local work (download, parsing, mapping,
applying every order to the books) counts at its real duration, overlapped with the report generation it
runs beside, as against Amazon; the machine's load can only add those real seconds.

The searchOrders path is its floor, computed from Amazon's limits (0.0056/s burst 20, 100 orders a page:
(pages - 20) / 0.0056 s for the orders of the period), which sellersync's sync reaches (`bench_api_calls`:
floor ratio 1.01). `backfill_ratio_to_floor_*` = report-path time / that floor; `backfill_speedup_100k` =
floor / report-path time at 100,000 orders. `backfill_peak_mb_*` is the backfill process's peak RSS;
`backfill_peak_growth_mb` the peak at the largest size minus the peak at the smallest: near 0 when the
backfill's memory is flat in the number of orders (it holds one batch of orders, the documents are on disk).
Other sizes: `BENCH_BACKFILL_ORDERS=10000,50000,100000 python -m bench backfill` (smallest first).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from sellersync.spapi.operations import OPERATIONS

SIZES = tuple(
    sorted(int(size) for size in os.environ.get("BENCH_BACKFILL_ORDERS", "10000,100000").split(","))
)
SEARCH = OPERATIONS["orders_2026.searchOrders"]


def _measure(count: int) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.backfill_worker", str(count)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _search_floor_s(pages: int) -> float:
    return max(0, pages - SEARCH.burst) / SEARCH.rate


def _label(count: int) -> str:
    return f"{count // 1000}k" if count % 1000 == 0 else str(count)


def run() -> dict[str, object]:
    figures: dict[str, object] = {}
    speedups: dict[int, float] = {}
    peaks = []
    for count in SIZES:
        result = _measure(count)
        label = _label(count)
        floor = _search_floor_s(int(result["search_orders_pages"]))
        report_calls = {op.split(".")[-1]: n for op, n in sorted(result["calls"].items())}
        speedups[count] = floor / result["simulated_s"] if result["simulated_s"] else float("nan")
        peaks.append(result["peak_mb"])
        figures.update(
            {
                f"backfill_orders_on_amazon_{label}": result["orders_on_amazon"],
                f"backfill_orders_booked_{label}": result["bindings"],
                f"backfill_orders_canceled_on_amazon_{label}": result["canceled_on_amazon"],
                f"backfill_orders_failed_{label}": result["orders_failed"],
                f"backfill_status_{label}": result["status"]
                + (f" ({result['error']})" if result["error"] else ""),
                f"backfill_windows_{label}": result["windows"],
                f"backfill_calls_{label}": sum(result["calls"].values()),
                f"backfill_calls_by_operation_{label}": ", ".join(
                    f"{op} {n}" for op, n in report_calls.items()
                ),
                f"backfill_throttled_{label}": result["throttled"],
                f"backfill_hours_{label}": f"{result['simulated_s'] / 3600:.2f}",
                f"backfill_wall_s_{label}": f"{result['wall_s']:.0f}",
                f"searchorders_calls_{label}": result["search_orders_pages"],
                f"searchorders_floor_hours_{label}": f"{floor / 3600:.2f}",
                f"backfill_ratio_to_floor_{label}": f"{result['simulated_s'] / floor:.3f}"
                if floor
                else "nan",
                f"backfill_peak_mb_{label}": f"{result['peak_mb']:.0f}",
            }
        )
    if 100_000 in speedups:
        figures["backfill_speedup_100k"] = f"{speedups[100_000]:.1f}"
    else:
        figures["backfill_speedup"] = ", ".join(f"{_label(c)} {s:.1f}" for c, s in speedups.items())
    figures["backfill_peak_mb"] = f"{max(peaks):.0f}"
    figures["backfill_peak_growth_mb"] = f"{peaks[-1] - peaks[0]:.0f}"
    return figures
