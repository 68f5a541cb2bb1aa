"""The fault campaign's comparison (bench/faults_books.py) finds each kind of defect it reports, and nothing
in books that agree with Amazon: a campaign that prints zeros must be able to print something else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F

from bench.faults_books import booked_order_ids, compare
from sellersync.amazon.models import AmazonOrder
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Company
from sellersync.sales.models import SalesOrder
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.amazon.fixtures import TIME_SCALE, Sandbox, make_account

#: A fixed world: the same seeded orders at the same simulated instant on every run.
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def still_sandbox(settings: Any) -> Iterator[Sandbox]:
    """A sandbox whose clock stands still (as in the campaign) while its rate limits refill."""
    settings.SPAPI_TIME_SCALE = TIME_SCALE
    settings.REDIS_URL = ""
    app = create_app(seed=42, time_scale=0, rate_time_scale=TIME_SCALE, start_time=START)
    with serve_in_thread(app) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        yield box
        box.http.close()


@pytest.mark.django_db
def test_the_campaign_comparison_finds_each_defect_made_by_hand_and_none_in_agreeing_books(
    still_sandbox: Sandbox, company: Company
) -> None:
    # given the NA seller's orders synchronized, books and Amazon in agreement
    account = make_account(still_sandbox, company, "NA")
    account.last_order_sync = START - timedelta(days=5)
    account.save()
    assert sync_orders(account).orders_created > 20
    seller_id = account.seller_id
    assert compare(still_sandbox.truth(seller_id), booked_order_ids()) == []

    # when four defects are made: a cent off, an order canceled on Amazon only, a second sales order for
    # one Amazon order, an FBA order shipped on Amazon and never synchronized
    fbm = list(
        AmazonOrder.objects.filter(fulfillment_channel="MFN", amazon_status="Unshipped").order_by("amazon_id")
    )
    cent, canceled, doubled = fbm[0], fbm[1], fbm[2]
    SalesOrder.objects.filter(pk=cent.sales_order_id).update(amount_total=F("amount_total") + Decimal("0.01"))
    still_sandbox.cancel(canceled.amazon_id)
    copy = SalesOrder.objects.get(pk=doubled.sales_order_id)
    copy.pk, copy.name = None, f"{copy.name}-COPY"
    copy.save()
    [missed] = still_sandbox.create_orders(seller_id, 1, fulfillment_channel="AFN")
    still_sandbox.http.post(f"/_sandbox/orders/{missed}/ship").raise_for_status()

    # then the comparison reports exactly those four, each with its kind
    defects = compare(still_sandbox.truth(seller_id), booked_order_ids())
    assert {(defect.kind, defect.order_id) for defect in defects} == {
        ("cents_off", cent.amazon_id),
        ("status_off", canceled.amazon_id),
        ("dup", doubled.amazon_id),
        ("missed", missed),
    }
    [cent_defect] = [defect for defect in defects if defect.kind == "cents_off"]
    assert str(SalesOrder.objects.get(pk=cent.sales_order_id).amount_total) in cent_defect.detail
