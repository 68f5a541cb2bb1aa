"""Property: sandbox orders booked from the all-orders report give the same books as from the Orders API.

Each example generates sandbox orders (every sandbox marketplace, FBA and FBM, B2B or not, shipped, unshipped
or canceled; promotions, gift wrap and several items come with the generator's own odds), then books them
twice, in two companies: once from the Orders API (2026-01-01, without PII) and once from the sandbox's
report rows, each path first at an earlier moment, then at a later one (so later versions update what was
booked). The sales orders, their lines, taxes, totals, customers, deliveries and bindings must be equal.
Not compared: what the report does not carry and only the binding keeps (IsPrime, latest ship and delivery
dates), and the raw payload of each version.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellersync.amazon.models import AmazonAccount, AmazonOrder, SyncRun
from sellersync.amazon.sync.import_orders import apply_entries
from sellersync.amazon.sync.sources import SourceEntry, entries_from_order_report, entry_from_2026
from sellersync.core.models import Company, Currency, Partner, Tax
from sellersync.core.services import create_company
from sellersync.sales.models import SalesOrder
from sellersync.sandbox import render_2026
from sellersync.sandbox.generators import OrderGenerator, OrderOptions, generate_sellers
from sellersync.sandbox.marketplaces import MARKETPLACES
from sellersync.sandbox.records import Order
from sellersync.sandbox.routes import reports
from sellersync.sandbox.service import Sandbox
from sellersync.stock.models import Picking
from sellersync.stock.services import setup_company_stock

START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
FINAL = START + timedelta(days=4)
SELLERS = generate_sellers(seed=7)
_NAMES = count(1)


class _Clock:
    """What the report generator needs of the sandbox: its clock."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


def report_lines(records: Sequence[Order], now: datetime) -> list[str]:
    """The sandbox's all-orders report of these orders at `now`, header first."""
    return reports.tsv_lines(reports.BY_ORDER_DATE, records, now)


def cancel_unshipped(records: Sequence[Order], moment: datetime) -> list[str]:
    """The buyer cancels every order still Unshipped at `moment` (as the sandbox's control API does)."""
    canceled = []
    for record in records:
        if record.status_at(moment) == "Unshipped":
            record.canceled_by = "buyer"
            for item in record.items:
                item.buyer_requested_cancel = True
                item.buyer_cancel_reason = "Order placed by mistake"
            Sandbox.transition(_Clock(moment), record, "Canceled")  # type: ignore[arg-type]
            canceled.append(record.order_id)
    return canceled


def api_entries(records: Sequence[Order], now: datetime) -> list[SourceEntry]:
    """The same orders as searchOrders serves them at `now`, without PII."""
    return [
        entry_from_2026(render_2026.order(record, now, render_2026.INCLUDED_DATA, set()), pii=False)
        for record in records
    ]


def book(records: Sequence[Order], moments: Sequence[datetime], *, from_report: bool) -> Company:
    """A fresh company whose account applies the orders as seen at each moment, in turn."""
    number = next(_NAMES)
    company = create_company(f"Report books {number}", Currency.objects.get(code="EUR"), "DE")
    setup_company_stock(company)
    account = AmazonAccount.objects.create(
        name=f"Books {number}", company=company, seller_id=f"BOOKS{number}"
    )
    for moment in moments:
        run = SyncRun.objects.create(account=account)
        if from_report:
            apply_entries(account, run, entries_from_order_report(report_lines(records, moment)))
        else:
            apply_entries(account, run, api_entries(records, moment))
        failed = AmazonOrder.objects.filter(account=account).exclude(last_error="")
        assert run.orders_failed == 0, list(failed.values_list("amazon_id", "last_error"))
    return company


def _tax(tax: Tax | None) -> tuple[Any, ...] | None:
    if tax is None:
        return None
    return (tax.name, tax.rate, tax.price_include, tax.collected_by_marketplace, tax.country_code)


def _partner(partner: Partner) -> tuple[Any, ...]:
    return (
        partner.name,
        partner.is_anonymous,
        partner.is_company,
        partner.company_name,
        partner.vat_number,
        partner.email,
        partner.street,
        partner.city,
        partner.state,
        partner.postal_code,
        partner.country_code,
    )


def books(company: Company) -> dict[str, Any]:
    """Everything the two paths must agree on, by Amazon order id."""
    orders: dict[str, Any] = {}
    for order in SalesOrder.objects.filter(company=company).select_related("partner", "currency", "team"):
        lines = [
            (
                line.sequence,
                line.line_kind,
                line.product.default_code,
                line.product.name,
                line.description,
                line.quantity,
                line.unit_price,
                line.discount_amount,
                _tax(line.tax),
                line.price_include,
                line.tax_amount,
                line.subtotal,
                line.total,
                line.quantity_delivered,
            )
            for line in order.lines.select_related("product", "tax").order_by("sequence", "pk")
        ]
        pickings = [
            (
                picking.kind,
                picking.state,
                sorted(
                    (move.product.default_code, move.quantity, move.quantity_done, move.state)
                    for move in picking.moves.select_related("product")
                ),
            )
            for picking in Picking.objects.filter(sales_order=order).order_by("pk")
        ]
        orders[order.client_order_ref] = {
            "order": (
                order.name,
                order.state,
                order.order_date,
                order.currency.code,
                order.team.name if order.team else None,
                order.amount_untaxed,
                order.amount_tax,
                order.amount_total,
                order.delivery_status,
                order.cancel_reason,
            ),
            "customer": _partner(order.partner),
            "lines": lines,
            "pickings": pickings,
        }
    bindings = {
        binding.amazon_id: (
            binding.amazon_status,
            binding.amazon_updated_at,
            binding.marketplace_id,
            binding.fulfillment_channel,
            binding.purchase_date,
            binding.is_business_order,
            binding.sync_state,
            binding.last_error,
            binding.needs_review,
            binding.review_reason,
            binding.sales_order.client_order_ref if binding.sales_order else None,
        )
        for binding in AmazonOrder.objects.filter(account__company=company).select_related("sales_order")
    }
    taxes = sorted(_tax(tax) for tax in Tax.objects.filter(company=company))  # type: ignore[type-var]
    partners = sorted(_partner(partner) for partner in Partner.objects.filter(company=company))
    return {"orders": orders, "bindings": bindings, "taxes": taxes, "partners": partners}


def assert_same_books(records: Sequence[Order], moments: Sequence[datetime]) -> dict[str, Any]:
    from_api = books(book(records, moments, from_report=False))
    from_report = books(book(records, moments, from_report=True))
    assert from_report["orders"].keys() == from_api["orders"].keys()
    for order_id, expected in from_api["orders"].items():
        assert from_report["orders"][order_id] == expected, order_id
    assert from_report == from_api
    return from_api


def _seller_of(marketplace_id: str) -> Any:
    return next(seller for seller in SELLERS if marketplace_id in seller.marketplace_ids)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    marketplace_id=st.sampled_from(sorted(MARKETPLACES)),
    channel=st.sampled_from(["AFN", "MFN"]),
    plan=st.sampled_from([None, "Shipped", "Unshipped", "Canceled"]),
    is_business=st.booleans(),
    first_look=st.sampled_from([timedelta(minutes=45), timedelta(hours=6), timedelta(days=1)]),
    size=st.integers(1, 4),
    buyer_cancels=st.booleans(),
)
def test_report_and_api_paths_book_identical_orders(
    seed: int,
    marketplace_id: str,
    channel: str,
    plan: str | None,
    is_business: bool,
    first_look: timedelta,
    size: int,
    buyer_cancels: bool,
) -> None:
    if plan == "Unshipped" and channel == "AFN":
        plan = "Shipped"  # Amazon's own warehouse ships FBA orders: no unshipped plan
    generator = OrderGenerator(_seller_of(marketplace_id), random.Random(seed))
    options = OrderOptions(
        marketplace_id=marketplace_id, fulfillment_channel=channel, status=plan, is_business=is_business
    )
    records = [generator.order(START + timedelta(minutes=7 * n), options) for n in range(size)]
    if buyer_cancels:  # after the first look: orders booked Unshipped are canceled by the later version
        cancel_unshipped(records, START + first_look + timedelta(minutes=1))
    with transaction.atomic():
        assert_same_books(records, [START + first_look, FINAL])
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_kind_of_sandbox_order_books_the_same_from_the_report() -> None:
    # given: 25 orders of each of the sandbox's 3 sellers (9 marketplaces), with the generator's own odds
    records: list[Order] = []
    for seller in SELLERS:
        generator = OrderGenerator(seller, random.Random(seller.seller_id))
        records += [generator.order(START + timedelta(minutes=3 * n)) for n in range(25)]
    canceled = cancel_unshipped(records[::4], START + timedelta(hours=4))

    # when
    result = assert_same_books(records, [START + timedelta(hours=3), FINAL])

    # then: the sample holds every kind of order the issue names (so the equality above covers them)
    lines = [line for order in result["orders"].values() for line in order["lines"]]
    kinds = {line[1] for line in lines}
    statuses = {binding[0] for binding in result["bindings"].values()}
    booked = [binding for binding in result["bindings"].values() if binding[-1]]
    assert kinds == {"product", "shipping", "gift_wrap", "promotion"}
    assert {"Shipped", "Unshipped", "Canceled"} <= statuses
    assert {binding[3] for binding in booked} == {"AFN", "MFN"}
    assert {binding[2] for binding in booked} == set(MARKETPLACES)
    assert any(binding[5] for binding in booked)
    assert any(
        len([line for line in order["lines"] if line[1] == "product"]) > 1
        for order in result["orders"].values()
    )
    assert len(booked) > 50
    assert canceled and all(result["bindings"][order_id][0] == "Canceled" for order_id in canceled)
    assert all(result["orders"][order_id]["order"][1] == "canceled" for order_id in canceled)
