"""One ingest measurement in a process of its own: `python -m bench.ingest_worker sqlite|postgres COUNT`.

Renders COUNT sandbox orders (Orders 2026-01-01 JSON) to a file first (not timed), then times parse ->
validate -> map -> apply -> commit for each, streaming the file so memory does not grow with COUNT.
Prints one JSON line: {"orders_per_s": ..., "peak_mb": ..., "created": ...}.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DATABASE = "sellersync_bench"


def _render_payloads(path: Path, count: int) -> None:
    from sellersync.sandbox import render_2026
    from sellersync.sandbox.generators import OrderGenerator, generate_sellers

    seller = next(s for s in generate_sellers(seed=11) if "ATVPDKIKX0DER" in s.marketplace_ids)
    generator = OrderGenerator(seller, random.Random(11))
    start = datetime(2026, 6, 1, tzinfo=UTC)
    with path.open("w") as out:
        for number in range(count):
            record = generator.order(start + timedelta(seconds=number))
            payload = render_2026.order(record, start + timedelta(days=3), render_2026.INCLUDED_DATA, set())
            out.write(json.dumps(payload) + "\n")


def _prepare_database(engine: str, var_dir: str) -> None:
    os.environ["SELLERSYNC_VAR_DIR"] = var_dir
    if engine == "postgres":
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/test", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
            connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _account():  # type: ignore[no-untyped-def]
    from sellersync.amazon.models import AmazonAccount
    from sellersync.core.models import Currency
    from sellersync.core.services import create_company
    from sellersync.stock.services import setup_company_stock

    company = create_company("Bench Store", Currency.objects.get(code="USD"), "us")
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Bench", company=company, seller_id="BENCH")


def _entries(path: Path):  # type: ignore[no-untyped-def]
    from sellersync.amazon.sync.sources import entry_from_2026

    with path.open() as lines:
        for line in lines:
            yield entry_from_2026(json.loads(line), pii=False)


def main(engine: str, count: int) -> None:
    with tempfile.TemporaryDirectory() as var_dir:
        payloads = Path(var_dir) / "orders.jsonl"
        _render_payloads(payloads, count)
        _prepare_database(engine, var_dir)
        from sellersync.amazon.models import SyncRun
        from sellersync.amazon.sync.import_orders import apply_entries

        account = _account()
        run = SyncRun.objects.create(account=account)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        apply_entries(account, run, _entries(payloads))
        elapsed = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        from django.db import connections

        connections.close_all()
    result = {
        "orders_per_s": count / elapsed,
        "peak_mb": rss_after / 1024,
        "growth_mb": (rss_after - rss_before) / 1024,
        "created": run.orders_created,
        "failed": run.orders_failed,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
