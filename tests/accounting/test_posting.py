"""Posting journal entries: balance checks, gapless numbers, draft/posted/canceled transitions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from sellersync.accounting.choices import AccountRole, EntryState, JournalKind
from sellersync.accounting.errors import InvalidEntry, UnbalancedEntry
from sellersync.accounting.models import Account, Journal, JournalEntry, JournalLine
from sellersync.accounting.selectors import account_balance
from sellersync.accounting.services import (
    LineData,
    cancel_entry,
    create_default_chart,
    create_entry,
    post_entry,
    record_entry,
)
from sellersync.core.errors import InvalidTransition
from sellersync.core.models import Company, Currency, Partner
from sellersync.core.services import create_company
from tests.accounting.fixtures import JAN_10, sale_lines

Chart = dict[AccountRole, Account]


@pytest.mark.django_db
def test_posting_a_balanced_entry_numbers_it_and_moves_the_balances(
    chart: Chart, sales_journal: Journal, customer: Partner
) -> None:
    # given
    lines = [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal("120.10"), partner=customer),
        LineData(chart[AccountRole.REVENUE], credit=Decimal("100.08")),
        LineData(chart[AccountRole.TAX_PAYABLE], credit=Decimal("20.02")),
    ]
    entry = create_entry(sales_journal, JAN_10, lines, ref="S00001")

    # when
    post_entry(entry)

    # then
    assert entry.state == EntryState.POSTED
    assert entry.number == "INV/2026/00001"
    assert entry.posted_at is not None
    assert account_balance(chart[AccountRole.RECEIVABLE]) == Decimal("120.10")
    assert account_balance(chart[AccountRole.REVENUE]) == Decimal("-100.08")
    assert account_balance(chart[AccountRole.TAX_PAYABLE]) == Decimal("-20.02")


@pytest.mark.django_db
def test_a_draft_entry_counts_in_no_balance(chart: Chart, sales_journal: Journal) -> None:
    # given / when
    entry = create_entry(sales_journal, JAN_10, sale_lines(chart, "10.00"))

    # then
    assert entry.state == EntryState.DRAFT
    assert entry.number == ""
    assert account_balance(chart[AccountRole.RECEIVABLE]) == Decimal("0")


@pytest.mark.django_db
def test_recording_an_unbalanced_entry_writes_nothing_and_consumes_no_number(
    chart: Chart, sales_journal: Journal
) -> None:
    # given
    lines = [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal("100.00")),
        LineData(chart[AccountRole.REVENUE], credit=Decimal("99.99")),
    ]

    # when
    with pytest.raises(UnbalancedEntry) as refusal:
        record_entry(sales_journal, JAN_10, lines)

    # then
    assert refusal.value.total_debit - refusal.value.total_credit == Decimal("0.01")
    assert "difference 0.01" in str(refusal.value)
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0
    assert record_entry(sales_journal, JAN_10, sale_lines(chart, "5.00")).number == "INV/2026/00001"


@pytest.mark.django_db
def test_posting_an_unbalanced_draft_leaves_it_draft_and_unnumbered(
    chart: Chart, sales_journal: Journal
) -> None:
    # given
    lines = [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal("10.00")),
        LineData(chart[AccountRole.REVENUE], credit=Decimal("10.01")),
    ]
    draft = create_entry(sales_journal, JAN_10, lines)

    # when
    with pytest.raises(UnbalancedEntry):
        post_entry(draft)

    # then
    draft.refresh_from_db()
    assert (draft.state, draft.number) == (EntryState.DRAFT, "")
    assert account_balance(chart[AccountRole.RECEIVABLE]) == Decimal("0")
    assert record_entry(sales_journal, JAN_10, sale_lines(chart, "1.00")).number == "INV/2026/00001"


@pytest.mark.django_db
def test_an_entry_without_any_amount_is_refused(chart: Chart, sales_journal: Journal) -> None:
    # given
    lines = [LineData(chart[AccountRole.RECEIVABLE]), LineData(chart[AccountRole.REVENUE])]

    # when / then
    with pytest.raises(InvalidEntry, match="no amount"):
        record_entry(sales_journal, JAN_10, lines)
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "debit", "credit"),
    [
        ("both debit and credit", "10.00", "10.00"),
        ("negative debit", "-10.00", "0"),
        ("sub-cent amount", "10.001", "0"),
    ],
)
@pytest.mark.django_db
def test_a_malformed_line_is_refused_before_anything_is_written(
    chart: Chart, sales_journal: Journal, _case: str, debit: str, credit: str
) -> None:
    # given
    lines = [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal(debit), credit=Decimal(credit)),
        LineData(chart[AccountRole.REVENUE], credit=Decimal("10.00")),
    ]

    # when / then
    with pytest.raises(InvalidEntry):
        record_entry(sales_journal, JAN_10, lines)
    assert JournalLine.objects.count() == 0


@pytest.mark.django_db
def test_an_account_of_another_company_is_refused(
    chart: Chart, sales_journal: Journal, eur: Currency
) -> None:
    # given
    other = create_company("Contoso GmbH", eur, "de")
    foreign_revenue = create_default_chart(other)[AccountRole.REVENUE]
    lines = [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal("10.00")),
        LineData(foreign_revenue, credit=Decimal("10.00")),
    ]

    # when / then
    with pytest.raises(InvalidEntry, match="another company"):
        record_entry(sales_journal, JAN_10, lines)
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "debit", "credit"),
    [("both nonzero", "1.00", "2.00"), ("negative debit", "-1.00", "0"), ("negative credit", "0", "-1.00")],
)
@pytest.mark.django_db
def test_the_database_refuses_a_line_that_is_not_a_plain_debit_or_credit(
    chart: Chart, sales_journal: Journal, _case: str, debit: str, credit: str
) -> None:
    # given
    entry = create_entry(sales_journal, JAN_10, sale_lines(chart, "1.00"))

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.create(
            entry=entry, account=chart[AccountRole.BANK], debit=Decimal(debit), credit=Decimal(credit)
        )
    assert entry.lines.count() == 2


@pytest.mark.django_db
def test_numbers_are_gapless_per_journal_and_year(chart: Chart, journals: dict[JournalKind, Journal]) -> None:
    # given
    sales, misc = journals[JournalKind.SALE], journals[JournalKind.GENERAL]
    dec_31 = datetime.date(2025, 12, 31)

    # when
    numbers = [
        record_entry(sales, JAN_10, sale_lines(chart, "1.00")).number,
        record_entry(sales, dec_31, sale_lines(chart, "2.00")).number,
        record_entry(misc, JAN_10, sale_lines(chart, "3.00")).number,
        record_entry(sales, JAN_10, sale_lines(chart, "4.00")).number,
        record_entry(sales, dec_31, sale_lines(chart, "5.00")).number,
    ]

    # then
    assert numbers == [
        "INV/2026/00001",
        "INV/2025/00001",
        "MISC/2026/00001",
        "INV/2026/00002",
        "INV/2025/00002",
    ]


@pytest.mark.django_db
def test_each_company_numbers_its_own_journals(chart: Chart, sales_journal: Journal, eur: Currency) -> None:
    # given
    from sellersync.accounting.services import create_default_journals

    other: Company = create_company("Contoso GmbH", eur, "de")
    other_sales = create_default_journals(other)[JournalKind.SALE]
    record_entry(sales_journal, JAN_10, sale_lines(chart, "1.00"))

    # when
    entry = record_entry(other_sales, JAN_10, sale_lines(create_default_chart(other), "1.00"))

    # then
    assert entry.number == "INV/2026/00001"


@pytest.mark.django_db
def test_a_posted_entry_cannot_be_posted_again_nor_canceled(chart: Chart, sales_journal: Journal) -> None:
    # given
    entry = record_entry(sales_journal, JAN_10, sale_lines(chart, "1.00"))

    # when / then
    with pytest.raises(InvalidTransition):
        post_entry(entry)
    with pytest.raises(InvalidTransition):
        cancel_entry(entry)
    entry.refresh_from_db()
    assert (entry.state, entry.number) == (EntryState.POSTED, "INV/2026/00001")


@pytest.mark.django_db
def test_a_canceled_draft_cannot_be_posted(chart: Chart, sales_journal: Journal) -> None:
    # given
    draft = create_entry(sales_journal, JAN_10, sale_lines(chart, "1.00"))
    cancel_entry(draft)

    # when / then
    with pytest.raises(InvalidTransition):
        post_entry(draft)
    assert draft.state == EntryState.CANCELED
    assert account_balance(chart[AccountRole.REVENUE]) == Decimal("0")
