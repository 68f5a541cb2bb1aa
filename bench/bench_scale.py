"""Many sellers, many workers: 50 sandbox sellers with 2,000 orders each, synced by 4 Huey worker processes.

PostgreSQL + Redis: the workers are `sellersync worker --workers 1` processes sharing Huey's queue and the
per-seller SP-API token buckets in Redis. Every account's `sync_account` task is enqueued at once; the wall
time runs until every account's order sync has finished. Amazon's world stands still (`--time-scale 0`)
while its rate-limit buckets run SCALE times real time, as the client is told (`SPAPI_TIME_SCALE`): calls
and throttles are the sandbox's own counts (`/_sandbox/stats`). Duplicates and missed orders are counted
order by order against the sandbox's truth (the fault campaign's rules, bench/faults_books.py). Peak memory
is each worker's VmHWM. Sizes: BENCH_SCALE_SELLERS, BENCH_SCALE_ORDERS (per seller), BENCH_SCALE_WORKERS;
databases: BENCH_SCALE_PG_URL (dropped and created), BENCH_SCALE_REDIS_URL (its Huey queue and buckets
are flushed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

SELLERS = int(os.environ.get("BENCH_SCALE_SELLERS", "50"))
ORDERS_PER_SELLER = int(os.environ.get("BENCH_SCALE_ORDERS", "2000"))
WORKERS = int(os.environ.get("BENCH_SCALE_WORKERS", "4"))
PG_URL = os.environ.get("BENCH_SCALE_PG_URL", "postgres://postgres@127.0.0.1:5432/sellersync_scale")
REDIS_URL = os.environ.get("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/13")
#: Amazon's rate limits run 60 times real time: a 2,000-order seller's 21 searchOrders pages (burst 20,
#: one call per 3 minutes after it) wait seconds, not minutes.
SCALE = 60
#: How long the orders live on Amazon before the sync: FBA shipped, FBM unshipped or shipped, some canceled.
AGE_SECONDS = 24 * 3600
DEADLINE_SECONDS = 3 * 3600


def run() -> dict[str, object]:
    if not _reachable():
        return {"scale": f"skipped (needs PostgreSQL at {PG_URL} and Redis at {REDIS_URL})"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_scale"], capture_output=True, text=True, check=True
    )
    for line in done.stderr.splitlines():  # the defects, one per order
        print(f"# {line}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _reachable() -> bool:
    try:
        import psycopg
        import redis

        base = PG_URL.rpartition("/")[0]
        psycopg.connect(f"{base}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception:
        return False
    return True


# --- the measured run, in a process of its own ------------------------------------------------------------


def _environment(var_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "SELLERSYNC_VAR_DIR": var_dir,
        "DATABASE_URL": PG_URL,
        "REDIS_URL": REDIS_URL,
        "SPAPI_TIME_SCALE": str(SCALE),
        "DJANGO_SETTINGS_MODULE": "sellersync.settings",
    }


def _start_sandbox(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    from bench.sandbox_process import _free_port, _wait_until_up

    port = _free_port()
    command = [
        sys.executable, "-m", "sellersync.sandbox", "--port", str(port), "--sellers", str(SELLERS),
        "--time-scale", "0", "--rate-time-scale", str(SCALE), "--seed", "7",
    ]  # fmt: skip
    with (folder / "sandbox.log").open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}"
    _wait_until_up(base_url, process)
    return process, base_url


def _fill_amazon(http: httpx.Client) -> list[dict[str, Any]]:
    sellers: list[dict[str, Any]] = http.get("/_sandbox/sellers").json()
    for seller in sellers:
        left = ORDERS_PER_SELLER
        while left:
            count = min(left, 1000)
            body = {"seller_id": seller["seller_id"], "count": count}
            http.post("/_sandbox/orders", json=body, timeout=300).raise_for_status()
            left -= count
    http.post("/_sandbox/advance", json={"seconds": AGE_SECONDS}).raise_for_status()
    _wait_past_horizon(http)
    return sellers


def _wait_past_horizon(http: httpx.Client) -> None:
    """Move Amazon's clock until no order changed in the last 2 minutes: Amazon lists an order only once its
    last update is that old, so a later one would be counted missed although no sync could see it yet."""
    from bench.faults import HORIZON, _parse

    while True:
        horizon = _parse(http.get("/_sandbox/clock").json()["now"]) - HORIZON
        orders = http.get("/_sandbox/orders", timeout=300).json()
        if all(_parse(order["last_update"]) <= horizon for order in orders):
            return
        http.post("/_sandbox/advance", json={"seconds": HORIZON.total_seconds()}).raise_for_status()


def _prepare_books(var_dir: str, sellers: list[dict[str, Any]], base_url: str, amazon_now: str) -> None:
    os.environ["SPAPI_SANDBOX_URL"] = base_url  # the accounts are Sandbox ones; the workers inherit it
    os.environ.update(_environment(var_dir))
    from bench.faults_books import _recreate_postgres_database

    _recreate_postgres_database(PG_URL)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    _flush_redis()
    _create_accounts(sellers, base_url, amazon_now)


def _flush_redis() -> None:
    import redis
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter("sellersync:spapi:ratelimit:*"):
        connection.delete(key)


def _create_accounts(sellers: list[dict[str, Any]], base_url: str, amazon_now: str) -> None:
    from datetime import datetime, timedelta

    from bench.faults_books import REGION_BOOKS
    from sellersync.amazon.models import AmazonAccount
    from sellersync.core.models import Currency
    from sellersync.core.services import create_company

    since = datetime.fromisoformat(amazon_now.replace("Z", "+00:00")) - timedelta(days=6)
    for number, seller in enumerate(sellers, 1):
        currency, country = REGION_BOOKS[seller["region"]]
        company = create_company(f"Seller {number}", Currency.objects.get(code=currency), country)
        AmazonAccount.objects.create(
            name=f"Seller {number}", company=company, seller_id=seller["seller_id"], region=seller["region"],
            lwa_client_id=seller["client_id"], lwa_client_secret=seller["client_secret"],
            refresh_token=seller["refresh_token"], environment="sandbox", last_order_sync=since,
        )  # fmt: skip


def _start_workers(var_dir: str, folder: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for number in range(WORKERS):
        with (folder / f"worker-{number}.log").open("ab") as log:
            command = [sys.executable, "-m", "sellersync.cli", "worker", "--workers", "1"]
            workers.append(subprocess.Popen(command, env=_environment(var_dir), stdout=log, stderr=log))
    return workers


def _sync_everything() -> float:
    """Enqueue every account's sync; the seconds until each account's order run has finished."""
    from django.db import connection

    from sellersync.amazon.choices import SyncKind
    from sellersync.amazon.models import AmazonAccount, SyncRun
    from sellersync.amazon.tasks import sync_account

    account_ids = list(AmazonAccount.objects.values_list("pk", flat=True))
    started = time.monotonic()
    for account_id in account_ids:
        sync_account(account_id)
    while time.monotonic() - started < DEADLINE_SECONDS:
        finished = SyncRun.objects.filter(kind=SyncKind.ORDERS, finished_at__isnull=False)
        if finished.values("account_id").distinct().count() >= len(account_ids):
            return time.monotonic() - started
        connection.close()
        time.sleep(1)
    raise RuntimeError("the accounts were not all synced within the deadline")


def _peak_mb(process: subprocess.Popen[bytes]) -> float:
    """The process's peak resident memory (VmHWM), MB; threads and forks of Huey's consumer included."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _figures(http: httpx.Client, wall: float, peaks: list[float]) -> dict[str, object]:
    from django.db.models import Sum

    from bench.faults_books import booked_order_ids, compare
    from sellersync.amazon.models import SyncRun

    stats = http.get("/_sandbox/stats").json()
    truth = {order["order_id"]: order for order in http.get("/_sandbox/orders", timeout=300).json()}
    defects = compare(truth, booked_order_ids())
    for defect in defects:
        print(f"{defect.kind} {defect.order_id}: {defect.detail}", file=sys.stderr)
    runs = SyncRun.objects.aggregate(created=Sum("orders_created"), failed=Sum("orders_failed"))
    return {
        "scale_sellers": SELLERS,
        "scale_orders_on_amazon": len(truth),
        "scale_orders_synced": len(booked_order_ids()),
        "scale_orders_failed": runs["failed"] or 0,
        "scale_workers": f"{WORKERS} processes (sellersync worker --workers 1), PostgreSQL + Redis",
        "scale_wall_s": f"{wall:.0f}",
        "scale_orders_per_s": f"{len(booked_order_ids()) / wall:.0f}",
        "scale_time_scale": f"{SCALE} (Amazon's rate limits run {SCALE}x real time)",
        "scale_calls": sum(row["calls"] for row in stats),
        "scale_throttled": sum(row["throttled"] for row in stats),
        "scale_duplicates": sum(1 for d in defects if d.kind == "dup"),
        "scale_missed": sum(1 for d in defects if d.kind == "missed"),
        "scale_status_off": sum(1 for d in defects if d.kind == "status_off"),
        "scale_cents_off": sum(1 for d in defects if d.kind == "cents_off"),
        "scale_peak_mb_per_worker": ", ".join(f"{peak:.0f}" for peak in peaks),
    }


def measure() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as var_dir:
        folder = Path(var_dir)
        sandbox, base_url = _start_sandbox(folder)
        workers: list[subprocess.Popen[bytes]] = []
        try:
            with httpx.Client(base_url=base_url, timeout=60) as http:
                sellers = _fill_amazon(http)
                _prepare_books(var_dir, sellers, base_url, http.get("/_sandbox/clock").json()["now"])
                workers = _start_workers(var_dir, folder)
                wall = _sync_everything()
                peaks = [_peak_mb(worker) for worker in workers]
                _stop(workers)
                return _figures(http, wall, peaks)
        finally:
            _stop([*workers, sandbox])


if __name__ == "__main__":
    print(json.dumps(measure()))
