"""Payment status of an invoice and its credit notes: the pure rules (status.py), then cases in the books."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellersync.accounting.choices import PaymentStatus
from sellersync.accounting.invoicing import CreditLine, create_credit_note
from sellersync.accounting.payment_state import payment_state
from sellersync.accounting.payments import register_batch_payment
from sellersync.accounting.status import FamilyAmounts, credit_note_statuses, invoice_status
from sellersync.core.models import Company, Partner
from tests.accounting.fixtures import euro_invoice

CENTS = st.integers(min_value=0, max_value=10**7).map(lambda cents: D(cents).scaleb(-2))


@pytest.mark.parametrize(
    ("_case", "amounts", "expected"),
    [
        ("nothing paid", FamilyAmounts(D("100.00")), (PaymentStatus.NOT_PAID, D("100.00"))),
        ("paid", FamilyAmounts(D("100.00"), received=D("100.00")), (PaymentStatus.PAID, D("0.00"))),
        (
            "part paid: 100.00 - 40.00",
            FamilyAmounts(D("100.00"), received=D("40.00")),
            (PaymentStatus.PARTIALLY_PAID, D("60.00")),
        ),
        (
            "a credit note is no payment: 100.00 - 30.00",
            FamilyAmounts(D("100.00"), (D("30.00"),)),
            (PaymentStatus.NOT_PAID, D("70.00")),
        ),
        (
            "credit note and payment: 100.00 - 30.00 - 50.00",
            FamilyAmounts(D("100.00"), (D("30.00"),), received=D("50.00")),
            (PaymentStatus.PARTIALLY_PAID, D("20.00")),
        ),
        ("wholly credited", FamilyAmounts(D("100.00"), (D("100.00"),)), (PaymentStatus.CREDITED, D("0.00"))),
        (
            "credited in two notes: 60.00 + 40.00",
            FamilyAmounts(D("100.00"), (D("60.00"), D("40.00"))),
            (PaymentStatus.CREDITED, D("0.00")),
        ),
        (
            "paid, refunded in part, refund not paid out yet",
            FamilyAmounts(D("100.00"), (D("30.00"),), received=D("100.00")),
            (PaymentStatus.PAID, D("0.00")),
        ),
        (
            "paid then wholly refunded and paid back",
            FamilyAmounts(D("100.00"), (D("100.00"),), received=D("100.00"), paid_back=D("100.00")),
            (PaymentStatus.CREDITED, D("0.00")),
        ),
    ],
)
def test_invoice_status(_case: str, amounts: FamilyAmounts, expected: tuple[PaymentStatus, D]) -> None:
    status = invoice_status(amounts)
    assert (status.status, status.amount_due) == expected


def test_the_newest_credit_note_is_the_one_still_to_pay_back() -> None:
    # given 100.00 paid, credit notes of 30.00 then 20.00, and 30.00 paid back so far:
    # balance 100.00 - 50.00 - (100.00 - 30.00) = -20.00
    amounts = FamilyAmounts(D("100.00"), (D("30.00"), D("20.00")), received=D("100.00"), paid_back=D("30.00"))
    # then the first is paid, the second (newest) has its 20.00 to pay back
    assert [(each.status, each.amount_due) for each in credit_note_statuses(amounts)] == [
        (PaymentStatus.PAID, D("0.00")),
        (PaymentStatus.NOT_PAID, D("20.00")),
    ]
    # when 10.00 more is paid back: the second is partly paid, 10.00 left
    amounts = FamilyAmounts(D("100.00"), (D("30.00"), D("20.00")), received=D("100.00"), paid_back=D("40.00"))
    assert [(each.status, each.amount_due) for each in credit_note_statuses(amounts)] == [
        (PaymentStatus.PAID, D("0.00")),
        (PaymentStatus.PARTIALLY_PAID, D("10.00")),
    ]


@given(
    invoiced=CENTS,
    shares=st.lists(st.integers(min_value=1, max_value=100), max_size=3),
    received=CENTS,
    paid_back=CENTS,
)
def test_the_amounts_due_never_go_negative_and_account_for_the_balance(
    invoiced: D, shares: list[int], received: D, paid_back: D
) -> None:
    # given credit notes that together never exceed the invoice (as invoicing refuses more)
    credited = tuple((invoiced * share / 300).quantize(D("0.01")) for share in shares)
    amounts = FamilyAmounts(invoiced, credited, received, paid_back)
    # then the invoice's due is the positive balance, the credit notes' the negative one (up to their sum)
    invoice = invoice_status(amounts)
    notes = credit_note_statuses(amounts)
    assert invoice.amount_due >= 0 and all(note.amount_due >= 0 for note in notes)
    if invoice.status != PaymentStatus.CREDITED:
        assert invoice.amount_due == max(amounts.balance, D(0))
    assert sum((note.amount_due for note in notes), D(0)) == min(
        max(-amounts.balance, D(0)), sum(credited, D(0))
    )
    assert (invoice.status == PaymentStatus.CREDITED) == (invoiced > 0 and sum(credited, D(0)) >= invoiced)
    for credit, note in zip(credited, notes, strict=True):
        assert note.amount_due <= credit


@pytest.mark.django_db
def test_a_whole_credit_note_of_our_own_credits_the_invoice_and_a_paid_partial_one_is_to_pay_back(
    company: Company, customer: Partner
) -> None:
    # given two posted invoices of 2 x 9.90 = 19.80 EUR, the second paid by a batch payment
    first = euro_invoice(company, customer, "501-1")
    second = euro_invoice(company, customer, "501-2")
    register_batch_payment([second], datetime.date(2026, 3, 2))
    # when the first is refunded wholly by a credit note of our own (reconciled with it), the second for
    # one unit (9.90)
    create_credit_note(first, post=True)
    [line] = second.lines.all()
    partial = create_credit_note(second, [CreditLine(line, quantity=D(1))], post=True)
    # then the first is credited with nothing due; the second paid, its credit note 9.90 to pay back
    first_state, second_state, partial_state = (payment_state(doc) for doc in (first, second, partial))
    assert first_state is not None and second_state is not None and partial_state is not None
    assert (first_state.status, first_state.amount_due, first_state.settled_by) == (
        PaymentStatus.CREDITED,
        D("0.00"),
        [],
    )
    assert (second_state.status, second_state.amount_due) == (PaymentStatus.PAID, D("0.00"))
    assert (partial_state.status, partial_state.amount_due) == (PaymentStatus.NOT_PAID, D("9.90"))
