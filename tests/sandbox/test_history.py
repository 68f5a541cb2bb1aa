"""The demo's earlier history (sandbox/history.py), read over HTTP: shipped orders of the weeks before the
seeded days, a few already refunded by the simulated buyers (most with units back), the same for the same
seed; the default world has none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from sellersync.sandbox.app import create_app
from sellersync.sandbox.clock import parse_iso
from sellersync.sandbox.history import HISTORY_OTHERS, HISTORY_REFUNDED, HISTORY_RETURNED
from sellersync.sandbox.server import serve_in_thread
from tests.sandbox.conftest import START

HISTORY_DAYS = 24
SEEDED_DAYS = 4  # the default world's past orders are at most 4 days old


def _serve(history_days: int) -> Iterator[httpx.Client]:
    app = create_app(None, seed=7, start_time=START, history_days=history_days)
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        http.post("/_sandbox/clock", json={"running": False}).raise_for_status()
        yield http


@pytest.fixture
def with_history() -> Iterator[httpx.Client]:
    yield from _serve(HISTORY_DAYS)


def _earlier_orders(http: httpx.Client, seller_id: str) -> list[dict[str, Any]]:
    orders = http.get("/_sandbox/orders", params={"seller_id": seller_id}).json()
    return [
        order for order in orders if parse_iso(order["purchase_date"]) < START - timedelta(days=SEEDED_DAYS)
    ]


def test_each_seller_has_earlier_shipped_orders_a_few_already_refunded_and_returned(
    with_history: httpx.Client,
) -> None:
    for seller in with_history.get("/_sandbox/sellers").json():
        # given the seller's orders older than the seeded days
        earlier = _earlier_orders(with_history, seller["seller_id"])
        # then they are shipped, on one marketplace, purchased within the history's weeks
        assert len(earlier) >= HISTORY_REFUNDED + HISTORY_OTHERS
        assert {order["status"] for order in earlier} == {"Shipped"}
        assert len({order["marketplace_id"] for order in earlier}) == 1
        assert min(parse_iso(order["purchase_date"]) for order in earlier) >= START - timedelta(
            days=HISTORY_DAYS
        )
        # and at least 4 were refunded before now (posted), at least 3 of those taking units back
        refunds = [
            refund
            for order in earlier
            for refund in with_history.get(f"/_sandbox/orders/{order['order_id']}/refunds").json()
        ]
        assert len(refunds) >= HISTORY_REFUNDED
        assert all(parse_iso(refund["posted"]) <= START for refund in refunds)
        returned = [refund for refund in refunds if any(line["returned"] for line in refund["lines"])]
        assert len(returned) >= HISTORY_RETURNED


def test_the_history_is_the_same_for_the_same_seed_and_the_default_world_has_none(
    with_history: httpx.Client,
) -> None:
    # given the sellers' earlier orders
    sellers = [seller["seller_id"] for seller in with_history.get("/_sandbox/sellers").json()]
    first = {seller: [o["order_id"] for o in _earlier_orders(with_history, seller)] for seller in sellers}
    # when another sandbox is seeded with the same seed and history
    for http in _serve(HISTORY_DAYS):
        again = {seller: [o["order_id"] for o in _earlier_orders(http, seller)] for seller in sellers}
    # then its history is the same orders
    assert again == first
    # and a sandbox without history has no order older than the seeded days
    for http in _serve(0):
        assert all(_earlier_orders(http, seller) == [] for seller in sellers)
