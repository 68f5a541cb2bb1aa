"""One backfill measurement in a process of its own: `python -m bench.backfill_worker COUNT`.

A sandbox (its own process, time scale 1) gets COUNT orders of its NA seller spread over 365 days (the
clock is advanced a day at a time between batches, not timed), then the account's history is imported from
the first of those days through the real backfill (`sellersync.amazon.sync.backfill.run_backfill`) into a
fresh SQLite database, with an SP-API client whose waits move the sandbox's clock (bench/sandbox_time.py).
Prints one JSON line: orders on Amazon and in the books, calls per operation, the simulated time (the
sandbox's clock after the last call minus before the first), the real time, and the peak RSS.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as datetime_time
from typing import Any

import httpx

from bench.sandbox_process import sandbox_process
from bench.sandbox_time import SandboxTime

DAYS = 365
US = "ATVPDKIKX0DER"


#: The sandbox's own mix (sandbox/generators.py): 55 % of orders are FBM, 8 % of those canceled. A seller
#: ships FBM orders within days: only those of the last UNSHIPPED_DAYS days are still to ship when the history
#: is imported (the backfill reads those few from the Orders API, for their order item ids).
FBM_PERCENT = 55
CANCELED_PERCENT = 8
UNSHIPPED_DAYS = 2


def _seed(http: httpx.Client, seller_id: str, count: int) -> None:
    """`count` orders bought over DAYS days, the clock moved one day between batches; then 6 hours more
    (FBA orders ship within 5 hours, FBM ones leave Pending within 29 minutes)."""
    per_day = [count // DAYS + (1 if day < count % DAYS else 0) for day in range(DAYS)]
    for day, day_count in enumerate(per_day):
        fbm = day_count * FBM_PERCENT // 100
        canceled = fbm * CANCELED_PERCENT // 100
        shipped_status = "Shipped" if day < DAYS - UNSHIPPED_DAYS else "Unshipped"
        _create(http, seller_id, canceled, {"fulfillment_channel": "MFN", "status": "Canceled"})
        _create(http, seller_id, fbm - canceled, {"fulfillment_channel": "MFN", "status": shipped_status})
        _create(http, seller_id, day_count - fbm, {"fulfillment_channel": "AFN"})
        http.post("/_sandbox/advance", json={"seconds": 86_400}).raise_for_status()
    http.post("/_sandbox/advance", json={"seconds": 6 * 3600}).raise_for_status()


def _create(http: httpx.Client, seller_id: str, count: int, options: dict[str, Any]) -> None:
    while count > 0:
        batch = min(1000, count)
        body = {"seller_id": seller_id, "count": batch, **options}
        http.post("/_sandbox/orders", json=body, timeout=300).raise_for_status()
        count -= batch


def _prepare_database(var_dir: str, base_url: str) -> None:
    os.environ["SELLERSYNC_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["SPAPI_SANDBOX_URL"] = base_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _account(seller: dict[str, Any]) -> Any:
    from sellersync.amazon.choices import Environment, Region
    from sellersync.amazon.models import AmazonAccount
    from sellersync.core.models import Currency
    from sellersync.core.services import create_company
    from sellersync.stock.services import setup_company_stock

    company = create_company("Bench Store", Currency.objects.get(code="USD"), "us")
    setup_company_stock(company)
    return AmazonAccount.objects.create(
        name="Bench NA",
        company=company,
        seller_id=seller["seller_id"],
        region=Region.NA,
        lwa_client_id=seller["client_id"],
        lwa_client_secret=seller["client_secret"],
        refresh_token=seller["refresh_token"],
        environment=Environment.SANDBOX,
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _books(account: Any) -> dict[str, int]:
    from sellersync.amazon.models import AmazonOrder
    from sellersync.sales.models import SalesOrder

    bindings = AmazonOrder.objects.filter(account=account)
    return {
        "bindings": bindings.count(),
        "sales_orders": SalesOrder.objects.filter(company=account.company).count(),
        "distinct_ids": bindings.values("amazon_id").distinct().count(),
    }


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as var_dir, sandbox_process(1.0) as base_url:
        http = httpx.Client(base_url=base_url, timeout=120)
        seller = next(s for s in http.get("/_sandbox/sellers").json() if US in s["marketplace_ids"])
        clock = SandboxTime(base_url)
        since = clock.now().date() + timedelta(days=1)  # the seeded world's orders (last 4 days) stay out
        _seed(http, seller["seller_id"], count)
        _prepare_database(var_dir, base_url)
        account = _account(seller)
        from sellersync.amazon.sync.backfill import run_backfill

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with clock.client(seller) as client:
            first = clock.now()
            until = first - timedelta(minutes=2)
            started = time.perf_counter()
            summary = run_backfill(account, since, until=until, client=client, sleep=clock.sleep)
            wall = time.perf_counter() - started
            simulated = (clock.now() - first).total_seconds()
            calls = {name: stats.calls for name, stats in client.stats.items() if stats.calls}
            throttled = sum(stats.throttled for stats in client.stats.values())
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        truth = http.get("/_sandbox/orders", params={"seller_id": seller["seller_id"]}, timeout=600).json()
        start = datetime.combine(since, datetime_time.min, tzinfo=UTC)
        in_period = [row for row in truth if start <= _instant(row["purchase_date"]) <= until]
        books = _books(account)
        from django.db import connections

        connections.close_all()
        clock.close()
        http.close()
    result = {
        "orders": count,
        "orders_on_amazon": len(in_period),
        "canceled_on_amazon": sum(1 for row in in_period if row["status"] == "Canceled"),
        "status": str(summary.status),
        "error": summary.error,
        "orders_created": summary.orders_created,
        "orders_failed": summary.progress.orders_failed,
        "windows": summary.progress.windows_total,
        "calls": calls,
        "throttled": throttled,
        "simulated_s": simulated,
        "wall_s": wall,
        "peak_mb": rss_after / 1024,
        "growth_mb": (rss_after - rss_before) / 1024,
        **books,
        "search_orders_pages": math.ceil(len(in_period) / 100),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(int(sys.argv[1]))
