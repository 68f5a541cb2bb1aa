"""Property: whatever balanced entries are recorded, the books stay balanced and balances add up."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellersync.accounting.choices import AccountRole
from sellersync.accounting.models import Account, Journal
from sellersync.accounting.selectors import account_balance, trial_balance
from sellersync.accounting.services import LineData, create_entry, record_entry

CENTS = st.integers(min_value=1, max_value=10_000_000)
ACCOUNT_INDEX = st.integers(min_value=0, max_value=len(AccountRole) - 1)
DATES = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2026, 12, 31))
Leg = tuple[int, int]  # (account index, cents)


@st.composite
def balanced_legs(draw: st.DrawFn) -> tuple[list[Leg], list[Leg]]:
    """Debit legs, and credit legs that split the same total at random cut points."""
    debits = draw(st.lists(st.tuples(ACCOUNT_INDEX, CENTS), min_size=1, max_size=4))
    total = sum(cents for _account, cents in debits)
    credit_count = draw(st.integers(min_value=1, max_value=min(3, total)))
    cut_points = draw(
        st.lists(
            st.integers(min_value=1, max_value=max(total - 1, 1)),
            min_size=credit_count - 1,
            max_size=credit_count - 1,
            unique=True,
        )
    )
    bounds = [0, *sorted(cut_points), total]
    credits = [(draw(ACCOUNT_INDEX), high - low) for low, high in zip(bounds, bounds[1:], strict=False)]
    return debits, credits


ENTRIES = st.lists(st.tuples(balanced_legs(), DATES, st.booleans()), min_size=1, max_size=6)


def _lines(accounts: list[Account], debits: list[Leg], credits: list[Leg]) -> list[LineData]:
    return [LineData(accounts[i], debit=Decimal(c) / 100) for i, c in debits] + [
        LineData(accounts[i], credit=Decimal(c) / 100) for i, c in credits
    ]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=ENTRIES)
def test_posted_entries_keep_the_trial_balance_at_zero_and_balances_equal_their_lines(
    chart: dict[AccountRole, Account],
    sales_journal: Journal,
    entries: list[tuple[tuple[list[Leg], list[Leg]], datetime.date, bool]],
) -> None:
    accounts = list(chart.values())
    with transaction.atomic():
        # given: every generated entry, posted or left as a draft
        expected_cents: dict[int, int] = defaultdict(int)
        for (debits, credits), date, posted in entries:
            if not posted:
                create_entry(sales_journal, date, _lines(accounts, debits, credits))
                continue
            record_entry(sales_journal, date, _lines(accounts, debits, credits))
            for index, cents in debits:
                expected_cents[index] += cents
            for index, cents in credits:
                expected_cents[index] -= cents

        # when
        books = trial_balance(sales_journal.company)

        # then
        assert books.total_debit == books.total_credit
        for index, account in enumerate(accounts):
            expected = Decimal(expected_cents[index]) / 100
            assert account_balance(account) == expected
            assert books.balance_of(account) == expected
        transaction.set_rollback(True)
