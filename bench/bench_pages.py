"""Server time of the back office's busiest pages with 100,000 sales orders (bulk-created fixtures).

In a process of its own on a fresh database: BENCH_PAGES_ORDERS sales orders (default 100,000), one line
each, bound to Amazon orders of one account (1 % failed, a pending shipment every 500 orders); then each
page is requested REQUESTS times by Django's test client (in process: the time is the server's, rendering
included) and the median printed in milliseconds. Targets: lists and attention page < 300 ms, dashboard < 1 s.

SQLite figures are `page_*_ms`, PostgreSQL ones `page_*_ms_postgres` (production's database: the figure
that matters), on BENCH_PAGES_PG_URL (dropped and created; left filled afterwards, for EXPLAIN) when a
server answers. BENCH_PAGES_ENGINES="postgres" measures one engine only; BENCH_PAGES_SETTLED=1 settles
every order. Alone: `python -m bench pages`, or `python -m bench.bench_pages postgres 100000` (one JSON line).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal

ORDERS = int(os.environ.get("BENCH_PAGES_ORDERS", "100000"))
#: "1": every order also settled by Amazon (two fee lines each), as in production some weeks after the sale;
#: off by default so that figures compare with earlier runs (the dashboard's margins read every fee).
SETTLED = os.environ.get("BENCH_PAGES_SETTLED", "") == "1"
ENGINES = os.environ.get("BENCH_PAGES_ENGINES", "sqlite,postgres").split(",")
PG_URL = os.environ.get("BENCH_PAGES_PG_URL", "postgres://postgres@127.0.0.1:5432/sellersync_pages")
REQUESTS = 7
BATCH = 5000


def run() -> dict[str, object]:
    figures: dict[str, object] = {}
    for engine in ENGINES:
        if engine == "postgres" and not _postgres_reachable():
            figures["page_postgres"] = f"skipped (no PostgreSQL at {PG_URL.rpartition('/')[0]})"
            continue
        output = subprocess.run(
            [sys.executable, "-m", "bench.bench_pages", engine, str(ORDERS)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        figures.update(json.loads(output.strip().splitlines()[-1]))
    return figures


def _postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_URL.rpartition('/')[0]}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def _setup_django(engine: str, var_dir: str) -> None:
    os.environ["SELLERSYNC_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    if engine == "postgres":
        from bench.faults_books import _recreate_postgres_database

        _recreate_postgres_database(PG_URL)
        os.environ["DATABASE_URL"] = PG_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _fixtures(count: int) -> None:
    """`count` confirmed sales orders of one line, each bound to an Amazon order (bulk inserts)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sellersync.amazon.choices import OrderSyncState, OutboundKind, Region
    from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
    from sellersync.core.models import Currency, Partner, Product
    from sellersync.core.services import create_company
    from sellersync.sales.models import SalesOrder, SalesOrderLine

    company = create_company("Bench Store", Currency.objects.get(code="USD"), "US")
    account = AmazonAccount.objects.create(
        name="Bench NA", company=company, seller_id="BENCHSELLER", region=Region.NA
    )
    product = Product.objects.create(company=company, name="Mug", default_code="MUG-1")
    partners = Partner.objects.bulk_create(
        Partner(company=company, name=f"Buyer {n}", match_key=f"bench-{n}") for n in range(count // 50 + 1)
    )
    now = timezone.now()
    for start in range(0, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        orders = SalesOrder.objects.bulk_create(
            SalesOrder(
                company=company,
                name=f"S{n + 1:06d}",
                partner=partners[n // 50],
                currency_id="USD",
                state="confirmed",
                order_date=now - timedelta(minutes=n),
                client_order_ref=f"111-{n:07d}-0000000",
                amount_untaxed=Decimal("19.80"),
                amount_total=Decimal("19.80"),
            )
            for n in numbers
        )
        SalesOrderLine.objects.bulk_create(
            SalesOrderLine(
                order=order,
                product=product,
                description="Mug",
                quantity=Decimal(2),
                unit_price=Decimal("9.90"),
                subtotal=Decimal("19.80"),
                total=Decimal("19.80"),
            )
            for order in orders
        )
        AmazonOrder.objects.bulk_create(
            AmazonOrder(
                account=account,
                amazon_id=order.client_order_ref,
                sales_order=order,
                marketplace_id="ATVPDKIKX0DER",
                fulfillment_channel="MFN" if n % 3 else "AFN",
                amazon_status="Unshipped" if n % 3 else "Shipped",
                purchase_date=order.order_date,
                sync_state=OrderSyncState.FAILED if n % 100 == 0 else OrderSyncState.SYNCED,
                last_error="bench: a failed order" if n % 100 == 0 else "",
            )
            for n, order in zip(numbers, orders, strict=True)
        )
        OutboundMessage.objects.bulk_create(
            OutboundMessage(
                account=account,
                kind=OutboundKind.SHIPMENT,
                reference=f"picking:{n}",
                amazon_order_id=f"111-{n:07d}-0000000",
                payload={},
            )
            for n in numbers
            if n % 500 == 0
        )
        if SETTLED:
            _settle(account, [order.client_order_ref for order in orders], start)
    get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password")


def _settle(account: object, amazon_ids: list[str], start: int) -> None:
    """A commission and an FBA fee for each order, in one settlement of the account."""
    from sellersync.amazon.models.settlements import AmazonSettlement, AmazonSettlementLine

    settlement, _created = AmazonSettlement.objects.get_or_create(
        account=account, group_id="BENCH-GROUP", defaults={"currency_code": "USD"}
    )
    fees = (("Commission", Decimal("-2.97")), ("FBAPerUnitFulfillmentFee", Decimal("-3.22")))
    AmazonSettlementLine.objects.bulk_create(
        AmazonSettlementLine(
            settlement=settlement,
            sequence=2 * (start + number) + index + 1,
            event_type="shipment",
            amazon_order_id=amazon_id,
            kind="fee",
            amount_type=amount_type,
            amount=amount,
        )
        for number, amazon_id in enumerate(amazon_ids)
        for index, (amount_type, amount) in enumerate(fees)
    )


def _median_ms(client, url: str) -> float:  # type: ignore[no-untyped-def]
    client.get(url)  # warm: templates compiled, caches filled
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def measure(engine: str, count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as var_dir:
        _setup_django(engine, var_dir)
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        setup_test_environment()
        started = time.perf_counter()
        _fixtures(count)
        _analyze()
        fixtures_s = time.perf_counter() - started
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench"))
        pages = {
            "page_sales_orders_ms": reverse("admin:sales_salesorder_changelist"),
            "page_amazon_orders_ms": reverse("admin:amazon_amazonorder_changelist"),
            "page_attention_ms": reverse("amazon:attention"),
            "page_dashboard_ms": reverse("dashboard:index"),
        }
        suffix = "" if engine == "sqlite" else f"_{engine}"
        result: dict[str, object] = {"page_orders": count, f"page_fixtures_s{suffix}": f"{fixtures_s:.1f}"}
        if SETTLED:
            result["page_settled"] = "every order (two fee lines each)"
        for name, url in pages.items():
            result[f"{name}{suffix}"] = f"{_median_ms(client, url):.0f}"
        return result


def _analyze() -> None:
    """PostgreSQL: fresh statistics, as autovacuum gives a production database some time after a bulk load
    (not during the measurement). SQLite has none unless asked (Django never runs ANALYZE there)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
