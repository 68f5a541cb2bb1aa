"""Server time of the back office's busiest pages with 100,000 sales orders (bulk-created fixtures).

In a process of its own on a fresh SQLite database: BENCH_PAGES_ORDERS sales orders (default 100,000),
one line each, bound to Amazon orders of one account (1 % failed, a pending shipment every 500 orders);
then each page is requested REQUESTS times by Django's test client (in process: the time is the server's,
rendering included) and the median printed in milliseconds. Targets: lists and attention page < 300 ms,
dashboard < 1 s.
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
REQUESTS = 7
BATCH = 5000


def run() -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_pages", str(ORDERS)], capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _setup_django(var_dir: str) -> None:
    os.environ["SELLERSYNC_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
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
    get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password")


def _median_ms(client, url: str) -> float:  # type: ignore[no-untyped-def]
    client.get(url)  # warm: templates compiled, caches filled
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def measure(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as var_dir:
        _setup_django(var_dir)
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        setup_test_environment()
        started = time.perf_counter()
        _fixtures(count)
        fixtures_s = time.perf_counter() - started
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench"))
        pages = {
            "page_sales_orders_ms": reverse("admin:sales_salesorder_changelist"),
            "page_amazon_orders_ms": reverse("admin:amazon_amazonorder_changelist"),
            "page_attention_ms": reverse("amazon:attention"),
            "page_dashboard_ms": reverse("dashboard:index"),
        }
        result: dict[str, object] = {"page_orders": count, "page_fixtures_s": f"{fixtures_s:.1f}"}
        for name, url in pages.items():
            result[name] = f"{_median_ms(client, url):.0f}"
        return result


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
