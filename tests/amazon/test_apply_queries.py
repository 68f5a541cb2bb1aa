"""Query budget of applying one new order with a warm per-run memo of reference rows (FBA and FBM)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sellersync.amazon.mappers.types import OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.apply import ApplyOutcome, apply_order
from sellersync.amazon.sync.lookups import ReferenceLookups
from sellersync.amazon.sync.sources import entry_from_2026
from sellersync.core.models import Company
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder
from sellersync.sandbox import render_2026
from sellersync.sandbox.generators import OrderGenerator, generate_sellers
from sellersync.stock.models import Move, Picking
from sellersync.stock.services import setup_company_stock

#: Measured and kept: BEGIN, binding look-up, sequence (one UPDATE ... RETURNING), order (inserted done),
#: lines, events, moves, binding, Amazon event, COMMIT; no savepoint inside the order's transaction.
FBA_BUDGET = 10
#: ... the order inserted confirmed, and its delivery: picking sequence, picking (moves replace FBA's).
FBM_BUDGET = 12


def _first_order(channel: str, status: str) -> tuple[OrderData, dict[str, Any]]:
    seller = next(s for s in generate_sellers(seed=11) if "ATVPDKIKX0DER" in s.marketplace_ids)
    generator = OrderGenerator(seller, random.Random(11))
    start = datetime(2026, 6, 1, tzinfo=UTC)
    for number in range(500):
        record = generator.order(start + timedelta(seconds=number))
        raw = render_2026.order(record, start + timedelta(days=3), render_2026.INCLUDED_DATA, set())
        entry = entry_from_2026(raw, pii=False)
        data = entry.result
        if isinstance(data, OrderData) and (data.fulfillment_channel, data.status) == (channel, status):
            return data, entry.raw_payload
    raise AssertionError(f"no {channel} {status} order generated")


def _warm_then_apply_twin(
    account: AmazonAccount, channel: str, status: str, capture_on_commit: Any
) -> tuple[OrderData, ReferenceLookups]:
    data, raw = _first_order(channel, status)
    lookups = ReferenceLookups(account)
    with capture_on_commit(execute=True):  # the memo keeps rows created by a committed order
        assert apply_order(account, data, raw, "2026-01-01", lookups).outcome == ApplyOutcome.CREATED
    return replace(data, amazon_order_id=f"{data.amazon_order_id}-TWIN"), lookups


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Budget", company=company, seller_id="BUDGET")


@pytest.mark.django_db
def test_new_fba_order_with_a_warm_memo_stays_within_its_query_budget(
    account: AmazonAccount, django_assert_max_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the same order already applied once in this run (same SKUs, taxes, customer)
    twin, lookups = _warm_then_apply_twin(account, "AFN", "Shipped", django_capture_on_commit_callbacks)

    # when
    with django_assert_max_num_queries(FBA_BUDGET):
        result = apply_order(account, twin, {"orderId": twin.amazon_order_id}, "2026-01-01", lookups)

    # then
    order = SalesOrder.objects.get(client_order_ref=twin.amazon_order_id)
    assert result.outcome == ApplyOutcome.CREATED
    deliverable = [line for line in order.lines.all() if line.is_deliverable]
    assert order.state == OrderState.DONE
    assert order.delivery_status == "full"
    assert order.amount_total == twin.order_total
    assert deliverable and all(line.quantity_delivered == line.quantity for line in deliverable)
    assert Move.objects.filter(sales_line__order=order, state="done").count() == len(deliverable)
    assert list(order.events.order_by("pk").values_list("kind", flat=True)) == [
        "created",
        "confirmed",
        "delivered",
        "done",
    ]
    assert AmazonOrder.objects.filter(account=account, amazon_id=twin.amazon_order_id).count() == 1


@pytest.mark.django_db
def test_new_fbm_order_with_a_warm_memo_stays_within_its_query_budget(
    account: AmazonAccount, django_assert_max_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the same order already applied once in this run (same SKUs, taxes, customer)
    twin, lookups = _warm_then_apply_twin(account, "MFN", "Unshipped", django_capture_on_commit_callbacks)

    # when
    with django_assert_max_num_queries(FBM_BUDGET):
        result = apply_order(account, twin, {"orderId": twin.amazon_order_id}, "2026-01-01", lookups)

    # then
    order = SalesOrder.objects.get(client_order_ref=twin.amazon_order_id)
    assert result.outcome == ApplyOutcome.CREATED
    deliverable = [line for line in order.lines.all() if line.is_deliverable]
    assert order.state == OrderState.CONFIRMED
    assert order.amount_total == twin.order_total
    picking = Picking.objects.get(sales_order=order, state="ready")
    assert sorted((move.sales_line_id, move.quantity) for move in picking.moves.all()) == sorted(
        (line.pk, line.quantity) for line in deliverable
    )
