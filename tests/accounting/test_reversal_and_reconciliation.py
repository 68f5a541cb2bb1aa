"""Reversing posted entries and reconciling lines, including the seeds' Amazon Payments flow."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sellersync.accounting.choices import AccountRole, EntryState, JournalKind
from sellersync.accounting.errors import InvalidEntry, ReconciliationError
from sellersync.accounting.models import Account, Journal, JournalLine, Reconciliation
from sellersync.accounting.selectors import account_balance, trial_balance, unreconciled_lines
from sellersync.accounting.services import (
    LineData,
    create_entry,
    get_or_create_amazon_payments_journal,
    reconcile,
    record_entry,
    reverse_entry,
    unreconcile,
)
from sellersync.core.models import Company, Partner
from sellersync.core.services import PartnerData, find_or_create_partner
from tests.accounting.fixtures import JAN_10, sale_lines

Chart = dict[AccountRole, Account]
JAN_31 = datetime.date(2026, 1, 31)


def _receivable_line(entry_lines: object, chart: Chart) -> JournalLine:
    return JournalLine.objects.get(entry=entry_lines, account=chart[AccountRole.RECEIVABLE])


@pytest.mark.django_db
def test_reversing_an_entry_posts_its_mirror_and_nets_every_account_to_zero(
    chart: Chart, sales_journal: Journal, customer: Partner
) -> None:
    # given
    lines = [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal("59.90"), partner=customer),
        LineData(chart[AccountRole.REVENUE], credit=Decimal("49.92")),
        LineData(chart[AccountRole.TAX_PAYABLE], credit=Decimal("9.98")),
    ]
    invoice = record_entry(sales_journal, JAN_10, lines)

    # when
    reversal = reverse_entry(invoice, JAN_31)

    # then
    assert (reversal.state, reversal.number, reversal.reversal_of_id) == (
        EntryState.POSTED,
        "INV/2026/00002",
        invoice.pk,
    )
    assert sorted((line.account.code, line.debit, line.credit) for line in reversal.lines.all()) == [
        ("1100", Decimal("0.00"), Decimal("59.90")),
        ("2200", Decimal("9.98"), Decimal("0.00")),
        ("4000", Decimal("49.92"), Decimal("0.00")),
    ]
    assert all(row.balance == 0 for row in trial_balance(invoice.journal.company).rows)
    assert account_balance(chart[AccountRole.REVENUE], until=JAN_10) == Decimal("-49.92")


@pytest.mark.django_db
def test_a_reversal_reconciles_the_open_receivable_with_its_mirror(
    chart: Chart, sales_journal: Journal, customer: Partner
) -> None:
    # given
    invoice = record_entry(sales_journal, JAN_10, sale_lines(chart, "20.00", customer))

    # when
    reversal = reverse_entry(invoice, JAN_31)

    # then
    original_line = _receivable_line(invoice, chart)
    mirror_line = _receivable_line(reversal, chart)
    assert original_line.reconciliation_id is not None
    assert original_line.reconciliation_id == mirror_line.reconciliation_id
    assert unreconciled_lines(chart[AccountRole.RECEIVABLE]).count() == 0
    assert (
        JournalLine.objects.filter(account=chart[AccountRole.REVENUE], reconciliation__isnull=False).count()
        == 0
    )


@pytest.mark.django_db
def test_an_entry_is_reversed_at_most_once_and_never_as_a_draft(chart: Chart, sales_journal: Journal) -> None:
    # given
    invoice = record_entry(sales_journal, JAN_10, sale_lines(chart, "20.00"))
    reverse_entry(invoice, JAN_31)
    draft = create_entry(sales_journal, JAN_10, sale_lines(chart, "5.00"))

    # when / then
    with pytest.raises(InvalidEntry, match="already reversed"):
        reverse_entry(invoice, JAN_31)
    with pytest.raises(InvalidEntry, match="Only a posted entry"):
        reverse_entry(draft, JAN_31)
    assert invoice.journal.entries.filter(state=EntryState.POSTED).count() == 2


@pytest.mark.django_db
def test_an_invoice_paid_in_full_reconciles_and_leaves_nothing_due(
    chart: Chart, sales_journal: Journal, customer: Partner, company: Company
) -> None:
    # given
    invoice = record_entry(
        sales_journal, JAN_10, sale_lines(chart, "35.50", customer, key="111-2222222-3333333")
    )
    payment = record_entry(
        get_or_create_amazon_payments_journal(company),
        JAN_10,
        [
            LineData(chart[AccountRole.AMAZON_INTERMEDIARY], debit=Decimal("35.50")),
            LineData(chart[AccountRole.RECEIVABLE], credit=Decimal("35.50"), partner=customer),
        ],
    )
    to_match = [_receivable_line(invoice, chart), _receivable_line(payment, chart)]

    # when
    reconciliation = reconcile(to_match)

    # then
    assert reconciliation.lines.count() == 2
    assert unreconciled_lines(chart[AccountRole.RECEIVABLE], customer).count() == 0
    assert account_balance(chart[AccountRole.RECEIVABLE]) == Decimal("0.00")


@pytest.mark.django_db
def test_lines_that_do_not_sum_to_zero_are_not_reconciled(
    chart: Chart, sales_journal: Journal, customer: Partner, company: Company
) -> None:
    # given
    invoice = record_entry(sales_journal, JAN_10, sale_lines(chart, "35.50", customer))
    partial = record_entry(
        get_or_create_amazon_payments_journal(company),
        JAN_10,
        [
            LineData(chart[AccountRole.AMAZON_INTERMEDIARY], debit=Decimal("35.49")),
            LineData(chart[AccountRole.RECEIVABLE], credit=Decimal("35.49"), partner=customer),
        ],
    )

    # when / then
    with pytest.raises(ReconciliationError, match="0.01 open"):
        reconcile([_receivable_line(invoice, chart), _receivable_line(partial, chart)])
    assert Reconciliation.objects.count() == 0
    assert unreconciled_lines(chart[AccountRole.RECEIVABLE]).count() == 2


@pytest.mark.django_db
def test_reconciliation_balances_per_partner_not_only_per_account(
    chart: Chart, sales_journal: Journal, customer: Partner, company: Company
) -> None:
    # given
    someone_else = find_or_create_partner(company, PartnerData(name="Paul Durand", city="Lyon"))
    invoice = record_entry(sales_journal, JAN_10, sale_lines(chart, "10.00", customer))
    wrong_payer = record_entry(
        get_or_create_amazon_payments_journal(company),
        JAN_10,
        [
            LineData(chart[AccountRole.AMAZON_INTERMEDIARY], debit=Decimal("10.00")),
            LineData(chart[AccountRole.RECEIVABLE], credit=Decimal("10.00"), partner=someone_else),
        ],
    )

    # when / then
    with pytest.raises(ReconciliationError):
        reconcile([_receivable_line(invoice, chart), _receivable_line(wrong_payer, chart)])
    assert Reconciliation.objects.count() == 0


@pytest.mark.django_db
def test_only_posted_open_lines_of_reconcilable_accounts_reconcile(
    chart: Chart, sales_journal: Journal
) -> None:
    # given
    first = record_entry(sales_journal, JAN_10, sale_lines(chart, "10.00"))
    second = reverse_entry(record_entry(sales_journal, JAN_10, sale_lines(chart, "10.00")), JAN_10)
    revenue_lines = list(
        JournalLine.objects.filter(account=chart[AccountRole.REVENUE], entry__in=[first, second])
    )
    already_reconciled = _receivable_line(second, chart)
    draft = create_entry(sales_journal, JAN_10, sale_lines(chart, "10.00"))

    # when / then
    with pytest.raises(ReconciliationError, match="not reconcilable"):
        reconcile(revenue_lines)
    with pytest.raises(ReconciliationError, match="already reconciled"):
        reconcile([_receivable_line(first, chart), already_reconciled])
    with pytest.raises(ReconciliationError, match="not posted"):
        reconcile([_receivable_line(first, chart), _receivable_line(draft, chart)])
    with pytest.raises(ReconciliationError, match="at least two"):
        reconcile([_receivable_line(first, chart)])
    assert Reconciliation.objects.count() == 1


@pytest.mark.django_db
def test_unreconcile_opens_the_lines_again(chart: Chart, sales_journal: Journal) -> None:
    # given
    invoice = record_entry(sales_journal, JAN_10, sale_lines(chart, "10.00"))
    reversal = reverse_entry(invoice, JAN_10)
    reconciliation = Reconciliation.objects.get()

    # when
    unreconcile(reconciliation)

    # then
    assert Reconciliation.objects.count() == 0
    assert set(unreconciled_lines(chart[AccountRole.RECEIVABLE])) == {
        _receivable_line(invoice, chart),
        _receivable_line(reversal, chart),
    }


@pytest.mark.django_db
def test_the_amazon_payments_journal_is_created_once_per_company(company: Company, chart: Chart) -> None:
    # given
    first = get_or_create_amazon_payments_journal(company)

    # when
    again = get_or_create_amazon_payments_journal(company)

    # then
    assert again.pk == first.pk
    assert Journal.objects.filter(company=company, kind=JournalKind.BANK).count() == 1
    assert (first.name, first.code) == ("Amazon Payments", "AMZP")
    assert first.default_account == chart[AccountRole.AMAZON_INTERMEDIARY]
    assert first.default_account is not None and first.default_account.reconcilable
    assert first.intermediary_account == chart[AccountRole.BANK_SUSPENSE]


@pytest.mark.django_db
def test_the_seeds_amazon_month_leaves_the_payout_in_the_bank_and_the_intermediary_at_zero(
    chart: Chart, journals: dict[JournalKind, Journal], customer: Partner, company: Company
) -> None:
    # given: an invoice paid through Amazon, Amazon's commission bill, and the monthly payout
    amazon = find_or_create_partner(company, PartnerData(name="Amazon EU S.a.r.l.", is_company=True))
    amazon_payments = get_or_create_amazon_payments_journal(company)
    record_entry(
        journals[JournalKind.SALE],
        JAN_10,
        [
            LineData(chart[AccountRole.RECEIVABLE], debit=Decimal("120.00"), partner=customer),
            LineData(chart[AccountRole.REVENUE], credit=Decimal("100.00")),
            LineData(chart[AccountRole.TAX_PAYABLE], credit=Decimal("20.00")),
        ],
    )
    steps = [
        (amazon_payments, AccountRole.AMAZON_INTERMEDIARY, AccountRole.RECEIVABLE, "120.00", customer),
        (journals[JournalKind.PURCHASE], AccountRole.AMAZON_FEES, AccountRole.PAYABLE, "18.07", amazon),
        (amazon_payments, AccountRole.PAYABLE, AccountRole.AMAZON_INTERMEDIARY, "18.07", amazon),
        (journals[JournalKind.BANK], AccountRole.BANK, AccountRole.AMAZON_INTERMEDIARY, "101.93", None),
    ]

    # when
    for journal, debit_role, credit_role, amount, partner in steps:
        record_entry(
            journal,
            JAN_31,
            [
                LineData(chart[debit_role], debit=Decimal(amount), partner=partner),
                LineData(chart[credit_role], credit=Decimal(amount), partner=partner),
            ],
        )

    # then
    books = trial_balance(company)
    assert books.total_debit == books.total_credit == Decimal("378.07")
    assert {row.account.code: row.balance for row in books.rows} == {
        "1100": Decimal("0.00"),
        "1200": Decimal("101.93"),
        "1250": Decimal("0.00"),
        "2100": Decimal("0.00"),
        "2200": Decimal("-20.00"),
        "4000": Decimal("-100.00"),
        "6100": Decimal("18.07"),
    }
