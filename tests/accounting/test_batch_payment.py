"""The seeds' manual flow: posted invoices selected and paid in one Amazon Payments entry, all or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.accounting.choices import AccountRole
from sellersync.accounting.invoicing import (
    create_credit_note,
    post_invoice,
    receivable_line,
)
from sellersync.accounting.models import JournalEntry
from sellersync.accounting.payments import PaymentRefused, register_batch_payment
from sellersync.accounting.selectors import account_balance, trial_balance
from sellersync.accounting.services import AMAZON_PAYMENTS_JOURNAL_CODE, create_default_chart
from sellersync.core.models import Company, Partner
from tests.accounting.fixtures import euro_invoice

pytestmark = pytest.mark.django_db

MAR_15 = datetime.date(2026, 3, 15)


_invoice = euro_invoice


def _balance(company: Company, role: AccountRole) -> Decimal:
    return account_balance(create_default_chart(company)[role])


def test_a_batch_payment_pays_each_invoice_and_moves_the_total_to_the_intermediary(
    company: Company, customer: Partner
) -> None:
    # given two posted invoices: 2 x 9.90 and 2 x 12.45
    first = _invoice(company, customer, "402-1", "9.90")
    second = _invoice(company, customer, "402-2", "12.45")
    # when
    entry = register_batch_payment([first, second], MAR_15)
    # then one entry in the Amazon Payments journal, each receivable reconciled with its payment
    assert entry.journal.code == AMAZON_PAYMENTS_JOURNAL_CODE
    assert entry.date == MAR_15
    assert _balance(company, AccountRole.RECEIVABLE) == Decimal("0.00")
    assert _balance(company, AccountRole.AMAZON_INTERMEDIARY) == Decimal("44.70")
    for invoice in (first, second):
        line = receivable_line(invoice)
        assert line is not None and line.reconciliation_id is not None
    keys = sorted(entry.lines.filter(debit__gt=0).values_list("matching_key", "debit"))
    assert keys == [("402-1", Decimal("19.80")), ("402-2", Decimal("24.90"))]
    books = trial_balance(company)
    assert books.total_debit == books.total_credit


def test_an_invoice_credited_in_full_is_not_paid_again(company: Company, customer: Partner) -> None:
    # given an open invoice of 24.90, and one of 19.80 refunded in full by a posted credit note
    paid = _invoice(company, customer, "402-3", "12.45")
    refunded = _invoice(company, customer, "402-4", "9.90")
    post_invoice(create_credit_note(refunded, reason="Refund"))
    # when / then the refunded invoice, settled by its credit note, is refused; the open one is paid
    with pytest.raises(PaymentRefused, match="already paid or credited"):
        register_batch_payment([refunded], MAR_15)
    entry = register_batch_payment([paid], MAR_15)
    assert _balance(company, AccountRole.AMAZON_INTERMEDIARY) == Decimal("24.90")
    assert entry.lines.count() == 2


def test_a_draft_in_the_selection_refuses_the_whole_batch_and_writes_nothing(
    company: Company, customer: Partner
) -> None:
    # given a posted invoice and a draft one
    posted = _invoice(company, customer, "402-5", "9.90")
    draft = _invoice(company, customer, "402-6", "9.90", post=False)
    entries = JournalEntry.objects.count()
    # when / then
    with pytest.raises(PaymentRefused, match="not posted"):
        register_batch_payment([posted, draft], MAR_15)
    assert JournalEntry.objects.count() == entries
    line = receivable_line(posted)
    assert line is not None and line.reconciliation_id is None
    with pytest.raises(PaymentRefused, match="at least one"):
        register_batch_payment([], MAR_15)


def test_an_invoice_is_paid_once(company: Company, customer: Partner) -> None:
    invoice = _invoice(company, customer, "402-7", "9.90")
    register_batch_payment([invoice], MAR_15)
    with pytest.raises(PaymentRefused, match="already paid"):
        register_batch_payment([invoice], MAR_15)
    assert _balance(company, AccountRole.AMAZON_INTERMEDIARY) == Decimal("19.80")


def test_the_list_action_registers_the_payment_and_reports_a_refusal(
    admin_client: Client, company: Company, customer: Partner
) -> None:
    # given
    first = _invoice(company, customer, "402-8", "9.90")
    second = _invoice(company, customer, "402-9", "12.45")
    url = reverse("admin:accounting_invoice_changelist")
    action = "register_batch_payment"
    # when
    paid = admin_client.post(url, {"action": action, "_selected_action": [first.pk, second.pk]}, follow=True)
    again = admin_client.post(url, {"action": action, "_selected_action": [first.pk]}, follow=True)
    # then
    assert "2 documents paid by" in paid.content.decode()
    assert "already paid or credited" in again.content.decode()
    assert _balance(company, AccountRole.AMAZON_INTERMEDIARY) == Decimal("44.70")
