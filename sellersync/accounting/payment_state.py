"""An invoice's or credit note's payment state, read from the books.

The invoice, its posted credit notes and the money reconciled with their receivable lines (payments,
Amazon's proceeds and refunds in a settlement) are summed in the document currency and given to the pure
rules of `status.py`: paid, partially paid, not paid, or credited (wholly reversed by credit notes); the
amount still due (for a credit note: still to pay back to the buyer); the entries of the money that
settled the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sellersync.accounting import rates
from sellersync.accounting.choices import InvoiceKind, InvoiceState, PaymentStatus
from sellersync.accounting.invoicing import receivable_line
from sellersync.accounting.models import JournalEntry, JournalLine
from sellersync.accounting.models_invoices import Invoice
from sellersync.accounting.status import (
    DocumentStatus,
    FamilyAmounts,
    credit_note_statuses,
    invoice_status,
)

ZERO = Decimal("0.00")


@dataclass
class PaymentState:
    status: PaymentStatus
    amount_due: Decimal
    amount_credited: Decimal = ZERO
    settled_by: list[JournalEntry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.status.label)


def payment_state(document: Invoice) -> PaymentState | None:
    """None for a draft or canceled document (nothing is paid on them)."""
    if document.state != InvoiceState.POSTED:
        return None
    invoice = document.credited_invoice if document.is_credit_note else document
    if invoice is None:
        return None
    credit_notes = list(posted_credit_notes(invoice))
    lines = {each.pk: receivable_line(each) for each in [invoice, *credit_notes]}
    money = _money_lines([line for line in lines.values() if line is not None])
    received, paid_back = _money_in_and_out(invoice, money)
    amounts = FamilyAmounts(
        invoiced=invoice.amount_receivable,
        credited=tuple(note.amount_receivable for note in credit_notes),
        received=received,
        paid_back=paid_back,
    )
    if document.is_credit_note:
        statuses = dict(zip([note.pk for note in credit_notes], credit_note_statuses(amounts), strict=True))
        status: DocumentStatus = statuses[document.pk]
    else:
        status = invoice_status(amounts)
    own_line = lines.get(document.pk)
    return PaymentState(
        status.status,
        status.amount_due,
        amounts.total_credited if not document.is_credit_note else ZERO,
        _entries_settling(own_line, money),
    )


def posted_credit_notes(invoice: Invoice) -> list[Invoice]:
    """The invoice's posted credit notes, oldest first."""
    return list(
        Invoice.objects.filter(
            credited_invoice=invoice, kind=InvoiceKind.CREDIT_NOTE, state=InvoiceState.POSTED
        ).order_by("date", "pk")
    )


def _money_lines(document_lines: list[JournalLine]) -> list[JournalLine]:
    """The other lines reconciled with the documents' receivable lines: payments, proceeds, refunds paid
    out, exchange differences (never the documents' own lines)."""
    groups = {line.reconciliation_id for line in document_lines if line.reconciliation_id is not None}
    if not groups:
        return []
    own = [line.pk for line in document_lines]
    return list(JournalLine.objects.filter(reconciliation_id__in=groups).exclude(pk__in=own).order_by("pk"))


def _money_in_and_out(invoice: Invoice, money: list[JournalLine]) -> tuple[Decimal, Decimal]:
    """(received, paid back) in the document currency: credits and debits of the money lines."""
    foreign = rates.is_foreign(invoice.company, invoice.currency_id)
    received = paid_back = ZERO
    for line in money:
        amount = (line.amount_currency or ZERO) if foreign else line.debit - line.credit
        if amount < ZERO:
            received -= amount
        else:
            paid_back += amount
    return received, paid_back


def _entries_settling(own_line: JournalLine | None, money: list[JournalLine]) -> list[JournalEntry]:
    if own_line is None or own_line.reconciliation_id is None:
        return []
    entry_ids = {line.entry_id for line in money if line.reconciliation_id == own_line.reconciliation_id}
    return list(JournalEntry.objects.filter(pk__in=entry_ids).order_by("date", "pk"))
