"""API calls for a day of 5,000 FBM shipments: confirmShipment (one call per package) vs fulfillment feeds.

A small run (BENCH_SHIPMENTS orders, default 40) goes through the connector's own code against the
sandbox in a process of its own: half the pickings are validated and sent with confirmShipment, the other
half in one POST_ORDER_FULFILLMENT_DATA feed whose report is then read. The calls are counted by the client
(`client.stats`), per shipment for confirmShipment and per feed for feeds, and extrapolated to a day of
DAY_SHIPMENTS shipments, with feeds sent every FEED_INTERVAL_MINUTES. `*_floor_s` is the least time Amazon's
published limits allow for those calls (the slowest operation: (calls - burst) / rate).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from math import ceil

SMALL_RUN = int(os.environ.get("BENCH_SHIPMENTS", "40"))
DAY_SHIPMENTS = 5000
FEED_INTERVAL_MINUTES = 15
SCALE = 3600.0


def run() -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_shipments", str(SMALL_RUN)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    measured = json.loads(output.strip().splitlines()[-1])
    return _extrapolate(measured)


def _floor_seconds(calls: dict[str, float]) -> float:
    from sellersync.spapi.operations import OPERATIONS

    floors = [
        max(count - OPERATIONS[op].burst, 0) / OPERATIONS[op].rate for op, count in calls.items() if count
    ]
    return max(floors, default=0.0)


def _extrapolate(measured: dict[str, object]) -> dict[str, object]:
    confirmed = int(measured["confirmed"])  # type: ignore[call-overload]
    confirm_calls: dict[str, int] = measured["confirm_calls"]  # type: ignore[assignment]
    feed_calls: dict[str, int] = measured["feed_calls"]  # type: ignore[assignment]
    per_shipment = {op: count / confirmed for op, count in confirm_calls.items()}
    confirm_day = {op: ceil(rate * DAY_SHIPMENTS) for op, rate in per_shipment.items()}
    feeds_per_day = 24 * 60 // FEED_INTERVAL_MINUTES
    feed_day = {op: count * feeds_per_day for op, count in feed_calls.items()}
    return {
        "small_run_confirmShipment": f"{confirmed} shipments, calls {dict(sorted(confirm_calls.items()))}",
        "small_run_feed": f"{measured['fed']} shipments in 1 feed, calls {dict(sorted(feed_calls.items()))}",
        "small_run_synced": f"{measured['synced']} of {confirmed + int(measured['fed'])}",  # type: ignore[call-overload]
        "day_shipments": DAY_SHIPMENTS,
        "day_calls_confirmShipment": sum(confirm_day.values()),
        "day_confirmShipment_floor_s": f"{_floor_seconds({k: float(v) for k, v in confirm_day.items()}):.0f}",
        "day_feeds": f"{feeds_per_day} (one every {FEED_INTERVAL_MINUTES} min, "
        f"{ceil(DAY_SHIPMENTS / feeds_per_day)} shipments each)",
        "day_calls_feeds": sum(feed_day.values()),
        "day_feeds_floor_s": f"{_floor_seconds({k: float(v) for k, v in feed_day.items()}):.0f}",
    }


# --- the measured run, in a process of its own ------------------------------------------------------------


def _setup_django(var_dir: str) -> None:
    os.environ["SELLERSYNC_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.SPAPI_TIME_SCALE = SCALE
    call_command("migrate", verbosity=0)


def _calls(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {op: stats.calls for op, stats in client.stats.items() if stats.calls}


def measure(count: int) -> dict[str, object]:
    import httpx
    from django.utils import timezone

    from bench.sandbox_process import sandbox_process

    with sandbox_process(SCALE) as base_url, tempfile.TemporaryDirectory() as var_dir:
        _setup_django(var_dir)
        from django.conf import settings

        settings.SPAPI_SANDBOX_URL = base_url
        from sellersync.amazon import services
        from sellersync.amazon.models import AmazonAccount
        from sellersync.amazon.sync.export_shipments import send_pending_shipments, validate_amazon_picking
        from sellersync.amazon.sync.feed_results import check_feed_results
        from sellersync.amazon.sync.import_orders import sync_orders
        from sellersync.core.models import Currency
        from sellersync.core.services import create_company
        from sellersync.stock.choices import PickingState
        from sellersync.stock.models import Carrier, Picking

        seller = next(s for s in httpx.get(f"{base_url}/_sandbox/sellers").json() if s["region"] == "NA")
        body = {
            "seller_id": seller["seller_id"],
            "count": count,
            "fulfillment_channel": "MFN",
            "status": "Unshipped",
        }
        new_ids = set(httpx.post(f"{base_url}/_sandbox/orders", json=body).json()["order_ids"])
        httpx.post(f"{base_url}/_sandbox/advance", json={"seconds": 600}).raise_for_status()
        account = AmazonAccount.objects.create(
            name="Bench", company=create_company("Bench Store", Currency.objects.get(code="USD"), "us"),
            seller_id=seller["seller_id"], lwa_client_id=seller["client_id"],
            lwa_client_secret=seller["client_secret"], refresh_token=seller["refresh_token"],
            environment="sandbox",
            last_order_sync=timezone.now() - timedelta(minutes=30),
        )  # fmt: skip
        sync_orders(account)
        pickings = list(
            Picking.objects.filter(
                state=PickingState.READY, sales_order__client_order_ref__in=new_ids
            ).order_by("pk")
        )
        carrier = Carrier.objects.create(name="UPS")
        half = len(pickings) // 2
        results: dict[str, object] = {}
        for label, batch, use_feed in (("confirm", pickings[:half], False), ("feed", pickings[half:], True)):
            for number, picking in enumerate(batch):
                validate_amazon_picking(
                    picking,
                    carrier=carrier,
                    tracking_ref=f"1ZBENCH{picking.pk:08d}{number}",
                    send_on_commit=False,
                )
            with services.client_for_account(account) as client:
                send_pending_shipments(account, client, use_feed=use_feed)
                if use_feed:
                    httpx.post(f"{base_url}/_sandbox/advance", json={"seconds": FEED_INTERVAL_MINUTES * 60})
                    check_feed_results(account, client)
                results[f"{label}_calls"] = dict(Counter(_calls(client)))
        results["confirmed"], results["fed"] = half, len(pickings) - half
        from sellersync.amazon.models import OutboundMessage

        results["synced"] = OutboundMessage.objects.filter(state="synced").count()
        return results


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
