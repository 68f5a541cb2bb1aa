"""Orders applied in groups that share one commit: a commit that fails is applied again order by order."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.mappers.types import OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOrder, SyncRun
from sellersync.amazon.sync.apply import IMPORTED_STATUSES
from sellersync.amazon.sync.import_orders import COMMIT_GROUP, apply_entries
from sellersync.amazon.sync.lookups import lookups_for_run
from sellersync.amazon.sync.sources import SourceEntry, entry_from_2026
from sellersync.core.models import Company
from sellersync.sales.models import SalesOrder, SalesTeam
from sellersync.sandbox import render_2026
from sellersync.sandbox.generators import OrderGenerator, generate_sellers
from sellersync.stock.services import setup_company_stock


def _entries(count: int) -> list[SourceEntry]:
    seller = next(s for s in generate_sellers(seed=5) if "ATVPDKIKX0DER" in s.marketplace_ids)
    generator = OrderGenerator(seller, random.Random(5))
    start = datetime(2026, 6, 1, tzinfo=UTC)
    entries = []
    for number in range(count):
        record = generator.order(start + timedelta(seconds=number))
        raw = render_2026.order(record, start + timedelta(days=3), render_2026.INCLUDED_DATA, set())
        entries.append(entry_from_2026(raw, pii=False))
    return entries


def _booked(entry: SourceEntry) -> bool:
    data = entry.result
    assert isinstance(data, OrderData)
    return data.status in IMPORTED_STATUSES[data.fulfillment_channel]


@pytest.mark.django_db(transaction=True)  # the foreign keys are checked by a real commit
def test_a_group_whose_commit_fails_on_a_vanished_row_is_applied_again_order_by_order(
    company: Company,
) -> None:
    # given more than a group of orders, and a run that remembers a sales team deleted since
    setup_company_stock(company)
    account = AmazonAccount.objects.create(name="Groups", company=company, seller_id="GROUPS")
    run = SyncRun.objects.create(account=account)
    gone = SalesTeam(pk=987654, company=company, name="Amazon")
    lookups_for_run(account, run).get("sales_team", None, lambda: (gone, False))
    entries = _entries(COMMIT_GROUP + 30)
    booked = [entry.amazon_order_id for entry in entries if _booked(entry)]

    # when
    apply_entries(account, run, entries)

    # then
    orders = SalesOrder.objects.filter(company=company)
    teams = set(orders.values_list("team__name", "team_id"))
    names = sorted(orders.values_list("name", flat=True))
    bound = Counter(AmazonOrder.objects.filter(account=account).values_list("amazon_id", flat=True))
    assert (run.orders_created, run.orders_failed) == (len(booked), 0)
    assert sorted(orders.values_list("client_order_ref", flat=True)) == sorted(booked)
    assert len(teams) == 1 and next(iter(teams))[1] != gone.pk
    assert names == [f"S{number:05d}" for number in range(1, len(booked) + 1)]
    assert set(bound.values()) == {1}


@pytest.mark.django_db
def test_an_order_meeting_a_defect_fails_alone_with_the_error_and_its_group_commits(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a group where applying one booked order raises an unexpected error, after its customer is written
    from sellersync.amazon.sync import apply

    setup_company_stock(company)
    account = AmazonAccount.objects.create(name="Defect", company=company, seller_id="DEFECT")
    run = SyncRun.objects.create(account=account)
    entries = _entries(40)
    booked = [entry.amazon_order_id for entry in entries if _booked(entry)]
    victim = booked[len(booked) // 2]
    create_sales_order = apply._create_sales_order

    def defective(account: AmazonAccount, data: OrderData, lookups: Any) -> Any:
        order = create_sales_order(account, data, lookups)
        if data.amazon_order_id == victim:
            raise ZeroDivisionError("division by zero")
        return order

    monkeypatch.setattr(apply, "_create_sales_order", defective)

    # when
    apply_entries(account, run, entries)

    # then
    failed = AmazonOrder.objects.get(account=account, amazon_id=victim)
    refs = sorted(SalesOrder.objects.filter(company=company).values_list("client_order_ref", flat=True))
    assert (run.orders_created, run.orders_failed) == (len(booked) - 1, 1)
    assert refs == sorted(set(booked) - {victim})
    names = sorted(SalesOrder.objects.filter(company=company).values_list("name", flat=True))
    assert names == [f"S{number:05d}" for number in range(1, len(booked))]  # its number was given back
    assert failed.sync_state == OrderSyncState.FAILED and failed.sales_order is None
    assert failed.last_error == "unexpected error ZeroDivisionError: division by zero"
    assert failed.next_retry_at is not None


@pytest.mark.django_db
def test_a_group_that_loses_a_deadlock_is_applied_again_order_by_order(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given PostgreSQL choosing the first group as a deadlock's loser, once, after 10 of its orders
    import psycopg
    from django.db import OperationalError

    from sellersync.amazon.sync import import_orders

    setup_company_stock(company)
    account = AmazonAccount.objects.create(name="Deadlock", company=company, seller_id="DEADLOCK")
    run = SyncRun.objects.create(account=account)
    entries = _entries(30)
    booked = [entry.amazon_order_id for entry in entries if _booked(entry)]
    apply_entry = import_orders._apply_entry
    applied: list[str] = []

    def losing_once(*args: Any, **kwargs: Any) -> Any:
        outcome = apply_entry(*args, **kwargs)
        applied.append(outcome)
        if len(applied) == 10:
            raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected(
                "deadlock detected"
            )
        return outcome

    monkeypatch.setattr(import_orders, "_apply_entry", losing_once)

    # when
    apply_entries(account, run, entries)

    # then
    refs = sorted(SalesOrder.objects.filter(company=company).values_list("client_order_ref", flat=True))
    names = sorted(SalesOrder.objects.filter(company=company).values_list("name", flat=True))
    assert (run.orders_created, run.orders_failed) == (len(booked), 0)
    assert refs == sorted(booked)
    assert names == [f"S{number:05d}" for number in range(1, len(booked) + 1)]
