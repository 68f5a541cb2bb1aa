"""One backfill measurement in a process of its own: `python -m bench.backfill_worker COUNT`.

A sandbox (its own process, time scale 1) gets COUNT orders of its NA seller spread over 365 days (the
clock is advanced a day at a time between batches, not timed), then the account's history is imported from
the first of those days through the real backfill (`sellersync.amazon.sync.backfill.run_backfill`) into a
fresh SQLite database, with an SP-API client whose waits move the sandbox's clock (bench/sandbox_time.py).
Prints one JSON line: orders on Amazon and in the books, calls per operation, the simulated time (the
sandbox's clock after the last call minus before the first), the real time, and the peak RSS.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as datetime_time
from typing import Any

import httpx

from bench.sandbox_process import sandbox_process
from bench.sandbox_time import SandboxTime

DAYS = 365
US = "ATVPDKIKX0DER"


def _seed(http: httpx.Client, seller_id: str, count: int) -> None:
    """`count` orders bought over DAYS days, the clock moved one day between batches; then 6 hours more
    (FBA orders ship within 5 hours, FBM ones leave Pending within 29 minutes)."""
    per_day = [count // DAYS + (1 if day < count % DAYS else 0) for day in range(DAYS)]
    for day_count in per_day:
        while day_count > 0:
            batch = min(1000, day_count)
            body = {"seller_id": seller_id, "count": batch}
            http.post("/_sandbox/orders", json=body, timeout=300).raise_for_status()
            day_count -= batch
        http.post("/_sandbox/advance", json={"seconds": 86_400}).raise_for_status()
    http.post("/_sandbox/advance", json={"seconds": 6 * 3600}).raise_for_status()


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


@dataclass
class _Summary:
    """What the direct path did (the same fields the bench reads from run_backfill's summary)."""

    status: str = "succeeded"
    error: str = ""
    orders_created: int = 0
    orders_failed: int = 0
    windows_total: int = 0

    @property
    def progress(self) -> _Summary:
        return self


def _direct_report_path(account: Any, client: Any, clock: SandboxTime, since: date, until: datetime) -> Any:
    """Until the backfill lands on main: the same report path driven from here. 30-day windows, newest
    first, 4 reports requested ahead, getReport every 15 s, each document mapped by
    `sources.entries_from_order_report` and applied by `import_orders.apply_entries`."""
    from sellersync.amazon.models import SyncRun
    from sellersync.amazon.sync.import_orders import apply_entries
    from sellersync.amazon.sync.sources import entries_from_order_report

    windows, end = [], until
    start = datetime.combine(since, datetime_time.min, tzinfo=UTC)
    while end > start:
        windows.append((max(start, end - timedelta(days=30)), end))
        end = windows[-1][0] - timedelta(seconds=1)
    summary = _Summary(windows_total=len(windows))
    report_ids: dict[int, str] = {}
    marketplaces = [US, "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"]
    for index in range(len(windows)):
        for ahead in range(index, min(index + 4, len(windows))):
            if ahead not in report_ids:
                report_ids[ahead] = client.reports.create_report_once(
                    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
                    marketplaces,
                    data_start_time=windows[ahead][0],
                    data_end_time=windows[ahead][1],
                ).report_id
        report = client.reports.get_report(report_ids[index])
        while report.processing_status in ("IN_QUEUE", "IN_PROGRESS"):
            clock.sleep(15)
            report = client.reports.get_report(report_ids[index])
        if report.processing_status != "DONE" or not report.report_document_id:
            continue
        document = client.reports.get_report_document(report.report_document_id)
        text = client.reports.download_report_document(document).decode("utf-8")
        run = SyncRun.objects.create(account=account)
        apply_entries(account, run, entries_from_order_report(text.splitlines()))
        summary.orders_created += run.orders_created
        summary.orders_failed += run.orders_failed
    return summary


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as var_dir, sandbox_process(1.0) as base_url:
        http = httpx.Client(base_url=base_url, timeout=120)
        seller = next(s for s in http.get("/_sandbox/sellers").json() if US in s["marketplace_ids"])
        clock = SandboxTime(base_url)
        since = clock.now().date() + timedelta(days=1)  # the seeded world's orders (last 4 days) stay out
        _seed(http, seller["seller_id"], count)
        _prepare_database(var_dir, base_url)
        account = _account(seller)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with clock.client(seller) as client:
            first = clock.now()
            until = first - timedelta(minutes=2)
            started = time.perf_counter()
            backfill = importlib.util.find_spec("sellersync.amazon.sync.backfill")
            if backfill is not None and os.environ.get("BENCH_BACKFILL_DIRECT") != "1":
                from sellersync.amazon.sync.backfill import run_backfill

                path = "run_backfill"
                summary = run_backfill(account, since, until=until, client=client, sleep=clock.sleep)
            else:
                path = "direct (reports client, order_report mapping, apply_entries)"
                summary = _direct_report_path(account, client, clock, since, until)
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
        "path": path,
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
