"""The fault campaign's books: the database, the accounts, and the order-by-order comparison with Amazon.

What the books must hold for each order Amazon has (its status as Amazon says now):

- **booked** (a sales order bound to it, exactly one): FBA Shipped; FBM Unshipped, PartiallyShipped and
  Shipped (shipped in Seller Central, or before any sync saw it: still the seller's sale); and an order
  canceled on Amazon after a sync booked it (the campaign remembers every order ever booked).
- **not booked**: Pending, and an order canceled before any sync booked it (a canceled sales order is
  accepted for it).

Defects, one per order and kind:
- `dup`: two sales orders (or two bindings) for one Amazon order;
- `missed`: an order that must be booked and is not (its binding's state and last error are printed);
- `status_off`: a sales order whose state disagrees with Amazon (canceled there and not here, booked while
  Pending, canceled here while Amazon ships it), a binding still failed after the clean sync, or an FBM
  delivery that disagrees with the units Amazon says shipped;
- `cents_off`: the sales order's total or currency differs from Amazon's OrderTotal.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from bench.faults_world import CLIENT_TIMEOUT_SECONDS, RATE_TIME_SCALE

PG_ADMIN_DATABASE = "postgres"
REGION_BOOKS = {"NA": ("USD", "us"), "EU": ("GBP", "gb"), "FE": ("JPY", "jp")}
BOOKED_FBA = frozenset({"Shipped"})
BOOKED_FBM = frozenset({"Unshipped", "PartiallyShipped", "Shipped"})
DEFECT_KINDS = ("dup", "missed", "status_off", "cents_off")
#: Binding states of an order whose last look failed (retried with backoff, or needing attention).
FAILURE_STATES = frozenset({"failed", "attention"})


@dataclass(frozen=True)
class Defect:
    kind: str
    order_id: str
    detail: str


def prepare_database(engine: str, var_dir: str, postgres_url: str, redis_url: str) -> None:
    """Environment for the campaign and its children (inherited by fork), a fresh database, migrated."""
    os.environ["SELLERSYNC_VAR_DIR"] = var_dir
    # the client's buckets and backoff run as fast as the sandbox's buckets
    os.environ["SPAPI_TIME_SCALE"] = str(RATE_TIME_SCALE)
    os.environ["SPAPI_TIMEOUT"] = str(CLIENT_TIMEOUT_SECONDS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    if engine == "postgres":
        _recreate_postgres_database(postgres_url)
        os.environ["DATABASE_URL"] = postgres_url
        if _redis_answers(redis_url):  # the rate-limit buckets shared by concurrent syncs
            os.environ["REDIS_URL"] = redis_url
        else:
            print(f"no Redis at {redis_url}: each sync keeps its own rate-limit buckets", flush=True)
            os.environ.pop("REDIS_URL", None)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError:
        return False
    return True


def _recreate_postgres_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/{PG_ADMIN_DATABASE}", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def create_accounts(sellers: list[dict[str, Any]], base_url: str, since: datetime, v0_region: str) -> None:
    """One Sandbox account per sandbox seller (a company each), whose first order sync starts at `since`;
    SPAPI_SANDBOX_URL points at the sandbox in this process and its children (fork)."""
    from django.conf import settings

    from sellersync.amazon.models import AmazonAccount
    from sellersync.core.models import Currency
    from sellersync.core.services import create_company

    os.environ["SPAPI_SANDBOX_URL"] = settings.SPAPI_SANDBOX_URL = base_url
    for seller in sellers:
        currency, country = REGION_BOOKS[seller["region"]]
        company = create_company(f"Campaign {seller['region']}", Currency.objects.get(code=currency), country)
        AmazonAccount.objects.create(
            name=f"Campaign {seller['region']}", company=company, seller_id=seller["seller_id"],
            region=seller["region"], lwa_client_id=seller["client_id"],
            lwa_client_secret=seller["client_secret"], refresh_token=seller["refresh_token"],
            environment="sandbox",
            orders_api="v0" if seller["region"] == v0_region else "2026-01-01",
            last_order_sync=since,
        )  # fmt: skip


def booked_order_ids() -> set[str]:
    """Amazon order ids that have a sales order now."""
    from sellersync.amazon.models import AmazonOrder

    return set(
        AmazonOrder.objects.filter(sales_order__isnull=False).values_list("amazon_id", flat=True).iterator()
    )


def compare(truth: dict[str, dict[str, Any]], ever_booked: set[str]) -> list[Defect]:
    """Every defect of the books against Amazon's truth, order by order."""
    from sellersync.amazon.models import AmazonOrder
    from sellersync.sales.models import SalesOrder

    bindings: dict[str, list[dict[str, Any]]] = {}
    for row in AmazonOrder.objects.values(
        "amazon_id", "sync_state", "last_error", "sales_order_id", "sales_order__state",
        "sales_order__amount_total", "sales_order__currency__code", "sales_order__delivery_status",
    ):  # fmt: skip
        bindings.setdefault(row["amazon_id"], []).append(row)
    sales_orders = Counter(SalesOrder.objects.values_list("client_order_ref", flat=True).iterator())
    defects: list[Defect] = []
    for order_id, order in sorted(truth.items()):
        rows = bindings.get(order_id, [])
        defects += _order_defects(order, rows, sales_orders[order_id], order_id in ever_booked)
    return defects


def _order_defects(
    order: dict[str, Any], rows: list[dict[str, Any]], sales: int, was_booked: bool
) -> list[Defect]:
    order_id, status, channel = order["order_id"], order["status"], order["fulfillment_channel"]
    defects = []
    if len(rows) > 1 or sales > 1:
        defects.append(Defect("dup", order_id, f"{len(rows)} bindings, {sales} sales orders"))
    booked = [row for row in rows if row["sales_order_id"] is not None]
    must_book = status in (BOOKED_FBA if channel == "AFN" else BOOKED_FBM) or (
        status == "Canceled" and was_booked
    )
    if must_book and not booked:
        state = f"binding {rows[0]['sync_state']}: {rows[0]['last_error'][:200]}" if rows else "no binding"
        defects.append(Defect("missed", order_id, f"{channel} {status} on Amazon; {state}"))
    for row in booked:
        defects += _booked_defects(order, row)
    for row in rows:
        if row["sync_state"] in FAILURE_STATES and not (must_book and not booked):
            error = row["last_error"][:200]
            defects.append(
                Defect(
                    "status_off",
                    order_id,
                    f"{channel} {status} on Amazon, binding {row['sync_state']}: {error}",
                )
            )
    return defects


def _booked_defects(order: dict[str, Any], row: dict[str, Any]) -> list[Defect]:
    order_id, status = order["order_id"], order["status"]
    state = row["sales_order__state"]
    defects = []
    expected_states = {"canceled"} if status == "Canceled" else {"confirmed", "done"}
    if status == "Pending":
        defects.append(Defect("status_off", order_id, f"booked ({state}) while Pending on Amazon"))
    elif state not in expected_states:
        defects.append(Defect("status_off", order_id, f"{status} on Amazon, sales order {state}"))
    delivery = _expected_delivery(order)
    if delivery is not None and state != "canceled" and row["sales_order__delivery_status"] != delivery:
        shipped = sum(item["shipped"] for item in order["items"])
        ordered = sum(item["quantity"] for item in order["items"])
        defects.append(
            Defect(
                "status_off", order_id,
                f"{status} on Amazon ({shipped}/{ordered} units shipped), delivery "
                f"{row['sales_order__delivery_status']} here",
            )
        )  # fmt: skip
    total, currency = Decimal(order["order_total"]), order["currency"]
    if row["sales_order__amount_total"] != total or row["sales_order__currency__code"] != currency:
        defects.append(
            Defect(
                "cents_off", order_id,
                f"Amazon {total} {currency}, sales order "
                f"{row['sales_order__amount_total']} {row['sales_order__currency__code']}",
            )
        )  # fmt: skip
    return defects


def _expected_delivery(order: dict[str, Any]) -> str | None:
    """The delivery status the units Amazon says shipped imply (None: not checked)."""
    if order["status"] not in ("Shipped", "PartiallyShipped"):
        return None
    shipped = sum(item["shipped"] for item in order["items"])
    ordered = sum(item["quantity"] for item in order["items"])
    return "full" if shipped >= ordered else "partial"
