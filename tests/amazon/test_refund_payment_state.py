"""An invoice with Amazon's credit notes reads as a bookkeeper expects: credited, paid or not paid, the amount
due = total - payments - credit notes applied, the credit note paid once Amazon paid the refund out, and the
order's receivable at zero. The DE order and refunds are the hand-computed ones of test_refund_credit_notes:

    cookbook 2 x 19.99 = 39.98 + its shipping 4.89, lamp 109.99 + its shipping 12.59: total 167.45
    PARTIAL (one cookbook and its shipping): 18.68 + 1.31 + 4.57 + 0.32 = 24.88 back to the buyer
    FULL_NO_FEE: all 167.45 back
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.db import transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from sellersync.accounting.choices import AccountRole, EntryState, PaymentStatus
from sellersync.accounting.models import Invoice, JournalLine
from sellersync.accounting.payment_state import payment_state
from sellersync.accounting.services import get_account
from sellersync.amazon.mappers.settlements import SettlementAmount
from sellersync.amazon.models import AmazonAccount, AmazonRefund, AmazonSettlement
from sellersync.amazon.sync.settlement_books import book_settlement
from sellersync.core.models import Company
from tests.amazon.test_refund_credit_notes import (
    DE_ORDER,
    FULL_NO_FEE,
    PARTIAL,
    _invoice,
    _store,
    refund_event,
)
from tests.amazon.test_refund_credit_notes import account as account  # noqa: F401  # the fixture
from tests.amazon.test_tax_rates import de_order_v0


def _state(document: Invoice) -> tuple[PaymentStatus, D]:
    state = payment_state(document)
    assert state is not None
    return state.status, state.amount_due


def _credit_note() -> Invoice:
    note = AmazonRefund.objects.get().credit_note
    assert note is not None
    return note


def _receivable_of_order(company: Company) -> D:
    """The order's balance on 1100 (posted lines with its Amazon order id), debit positive."""
    lines = JournalLine.objects.filter(
        account=get_account(company, AccountRole.RECEIVABLE),
        matching_key=DE_ORDER,
        entry__state=EntryState.POSTED,
    )
    sums = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["debit"] or D(0)) - (sums["credit"] or D(0))


def _settle(
    account: AmazonAccount, group: str, end: datetime.datetime, amounts: list[SettlementAmount]
) -> None:
    total = sum((amount.amount for amount in amounts), D(0))
    settlement = AmazonSettlement.objects.create(
        account=account,
        group_id=group,
        processing_status="Closed",
        started_at=end - datetime.timedelta(days=14),
        ended_at=end,
        currency_code="EUR",
        original_total=total,
    )
    with transaction.atomic():
        outcomes, difference = book_settlement(settlement, amounts)
    assert difference == D(0) and {outcome.match for outcome in outcomes} == {"matched"}


def _proceeds(order_id: str) -> list[SettlementAmount]:
    # Amazon's charges of the shipment: 37.36 + 2.62 + 4.57 + 0.32 (book) + 92.43 + 17.56 + 10.58 + 2.01
    # (lamp) = 167.45, the invoice's total
    return [
        SettlementAmount("shipment", "charge", "Principal", D("129.79"), "EUR", order_id),
        SettlementAmount("shipment", "charge", "Tax", D("20.18"), "EUR", order_id),
        SettlementAmount("shipment", "charge", "ShippingCharge", D("15.15"), "EUR", order_id),
        SettlementAmount("shipment", "charge", "ShippingTax", D("2.33"), "EUR", order_id),
    ]


def _partial_refund(order_id: str) -> list[SettlementAmount]:
    # PARTIAL taken back: -18.68 - 1.31 - 4.57 - 0.32 = -24.88
    return [
        SettlementAmount("refund", "charge", "Principal", D("-18.68"), "EUR", order_id),
        SettlementAmount("refund", "charge", "Tax", D("-1.31"), "EUR", order_id),
        SettlementAmount("refund", "charge", "ShippingCharge", D("-4.57"), "EUR", order_id),
        SettlementAmount("refund", "charge", "ShippingTax", D("-0.32"), "EUR", order_id),
    ]


def test_a_full_refund_of_an_unpaid_invoice_leaves_it_credited_with_nothing_due(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced (167.45), not paid
    invoice = _invoice(account, de_order_v0())
    assert _state(invoice) == (PaymentStatus.NOT_PAID, D("167.45"))
    # when Amazon refunds all of it (167.45) before any settlement
    _store(account, refund_event(DE_ORDER, "2026-04-03T08:30:00Z", FULL_NO_FEE))
    # then the invoice is credited: 167.45 - 0 paid - 167.45 credited = 0.00 due; not "partially paid"
    note = _credit_note()
    assert note.amount_receivable == D("167.45")
    assert _state(invoice) == (PaymentStatus.CREDITED, D("0.00"))
    assert payment_state(invoice).amount_credited == D("167.45")  # type: ignore[union-attr]
    # and the credit note, set against the unpaid invoice, has nothing to pay back
    assert _state(note) == (PaymentStatus.PAID, D("0.00"))
    # and the order owes nothing on 1100: 167.45 - 167.45
    assert _receivable_of_order(company) == D("0.00")


def test_an_invoice_paid_by_a_settlement_then_partly_refunded_in_a_later_one_is_paid_and_so_is_its_refund(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced (167.45) and paid by the settlement of March 20 - April 3
    invoice = _invoice(account, de_order_v0())
    _settle(account, "DE-1", datetime.datetime(2026, 4, 3, tzinfo=datetime.UTC), _proceeds(DE_ORDER))
    assert _state(invoice) == (PaymentStatus.PAID, D("0.00"))
    # when Amazon refunds one cookbook and its shipping (24.88) on April 5
    _store(account, refund_event(DE_ORDER, "2026-04-05T10:00:00Z", PARTIAL))
    note = _credit_note()
    # then the invoice stays paid (167.45 received for 167.45 invoiced); the credit note's 24.88 is owed
    # back to the buyer until Amazon pays it out: 167.45 - 24.88 - 167.45 = -24.88
    assert _state(invoice) == (PaymentStatus.PAID, D("0.00"))
    assert _state(note) == (PaymentStatus.NOT_PAID, D("24.88"))
    assert _receivable_of_order(company) == D("-24.88")
    # when the next settlement (April 3 - 17) takes the refund back
    _settle(account, "DE-2", datetime.datetime(2026, 4, 17, tzinfo=datetime.UTC), _partial_refund(DE_ORDER))
    # then the invoice is paid with 0.00 due, the credit note paid (refunded by Amazon), and the order's
    # receivable is 167.45 - 167.45 - 24.88 + 24.88 = 0.00
    assert _state(invoice) == (PaymentStatus.PAID, D("0.00"))
    assert _state(note) == (PaymentStatus.PAID, D("0.00"))
    assert _receivable_of_order(company) == D("0.00")
    # and each document names the settlement that settled it
    [paid_by] = payment_state(invoice).settled_by  # type: ignore[union-attr]
    [refunded_by] = payment_state(note).settled_by  # type: ignore[union-attr]
    assert paid_by.date == datetime.date(2026, 4, 3) and refunded_by.date == datetime.date(2026, 4, 17)


def test_a_partial_refund_before_any_payment_lessens_the_amount_due_without_being_a_payment(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced (167.45), not paid
    invoice = _invoice(account, de_order_v0())
    # when Amazon refunds one cookbook and its shipping (24.88)
    _store(account, refund_event(DE_ORDER, "2026-04-02T10:00:00Z", PARTIAL))
    note = _credit_note()
    # then 167.45 - 24.88 = 142.57 is due and the invoice is not paid (a credit note is no payment)
    assert _state(invoice) == (PaymentStatus.NOT_PAID, D("142.57"))
    assert _state(note) == (PaymentStatus.PAID, D("0.00"))
    assert _receivable_of_order(company) == D("142.57")
    # when one settlement pays the order (167.45) and takes the refund back (-24.88): 142.57 paid out
    _settle(
        account,
        "DE-1",
        datetime.datetime(2026, 4, 3, tzinfo=datetime.UTC),
        [*_proceeds(DE_ORDER), *_partial_refund(DE_ORDER)],
    )
    # then 167.45 - 24.88 - (167.45 - 24.88) = 0.00: paid, the credit note too, the receivable at zero
    assert _state(invoice) == (PaymentStatus.PAID, D("0.00"))
    assert _state(note) == (PaymentStatus.PAID, D("0.00"))
    assert _receivable_of_order(company) == D("0.00")


def test_the_invoice_page_lists_its_credit_notes_and_the_credit_note_its_invoice(
    admin_client: Client, company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced and partly refunded before any payment
    invoice = _invoice(account, de_order_v0())
    _store(account, refund_event(DE_ORDER, "2026-04-02T10:00:00Z", PARTIAL))
    note = _credit_note()
    invoice_url = reverse("admin:accounting_invoice_change", args=(invoice.pk,))
    note_url = reverse("admin:accounting_invoice_change", args=(note.pk,))
    # when the invoice's page is shown
    page = admin_client.get(invoice_url).content.decode()
    # then it links its credit note (24.88), says 24.88 credited and 142.57 due, not paid
    assert f'<a class="credit-note-link" href="{note_url}">{note.number}</a> · 2026-04-02 · 24.88 EUR' in page
    assert "24.88 EUR" in page and "142.57 EUR" in page and "Not paid" in page
    assert "Partially paid" not in page
    # and the credit note's page links its invoice
    page = admin_client.get(note_url).content.decode()
    assert f'href="{invoice_url}">{invoice.number}</a>' in page
