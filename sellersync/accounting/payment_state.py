"""An invoice's payment state, read from the books: its receivable line reconciled (paid), partly offset
by posted credit notes still open against it (partially paid), or open (not paid); the amount still due and
the journal entries that settled it (payments, credit notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.invoicing import receivable_line
from sellersync.accounting.models import JournalEntry, JournalLine
from sellersync.accounting.models_invoices import Invoice

NOT_PAID = _("Not paid")
PARTIALLY_PAID = _("Partially paid")
PAID = _("Paid")
ZERO = Decimal("0.00")


@dataclass
class PaymentState:
    label: str
    amount_due: Decimal
    settled_by: list[JournalEntry] = field(default_factory=list)


def payment_state(invoice: Invoice) -> PaymentState | None:
    """None for a draft, canceled or credit-note document (nothing is paid on them)."""
    if invoice.state != InvoiceState.POSTED or invoice.kind != InvoiceKind.INVOICE:
        return None
    line = receivable_line(invoice)
    if line is None:
        return None
    owed = line.debit - line.credit
    if line.reconciliation_id is not None:
        others = JournalLine.objects.filter(reconciliation_id=line.reconciliation_id).exclude(pk=line.pk)
        entries = JournalEntry.objects.filter(pk__in=others.values("entry_id")).order_by("date", "pk")
        return PaymentState(str(PAID), ZERO, list(entries))
    credited = (
        Invoice.objects.filter(
            credited_invoice=invoice, kind=InvoiceKind.CREDIT_NOTE, state=InvoiceState.POSTED
        ).aggregate(total=Sum("amount_receivable"))["total"]
        or ZERO
    )
    due = max(owed - credited, ZERO)
    return PaymentState(str(PARTIALLY_PAID if due < owed else NOT_PAID), due)
