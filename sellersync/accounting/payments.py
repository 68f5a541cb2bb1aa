"""The seeds' manual flow: select posted invoices, register one batch payment in the Amazon Payments journal.

One entry, dated the payment day: for each invoice, a credit on its receivable (reconciled with the
invoice's receivable line at once) and a debit on the Amazon intermediary account carrying the invoice's
matching key (the Amazon order id). When Amazon's settlement for that order is imported later, its
proceeds clear that intermediary line instead of the (already paid) receivable; the payout then leaves the
intermediary account at zero, as in the automatic flow (see sellersync/amazon/sync/settlement_books.py).

Credit notes may be selected with the invoices: their (credit) receivable is settled the same way, netting
the batch. All or nothing: one document that cannot be paid refuses the whole batch, naming it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from sellersync.accounting.choices import AccountRole, InvoiceState
from sellersync.accounting.errors import InvalidEntry
from sellersync.accounting.invoicing import matching_key, receivable_line
from sellersync.accounting.models import Invoice, JournalEntry, JournalLine
from sellersync.accounting.services import (
    LineData,
    get_account,
    get_or_create_amazon_payments_journal,
    reconcile,
    record_entry,
)

ZERO = Decimal(0)


class PaymentRefused(InvalidEntry):
    """The selected documents cannot be paid together; nothing was written."""


def register_batch_payment(invoices: Sequence[Invoice], date: datetime.date) -> JournalEntry:
    """Pay the posted, unpaid invoices (and credit notes) in one Amazon Payments entry; all or nothing."""
    if not invoices:
        raise PaymentRefused(gettext("Select at least one posted invoice to pay."))
    with transaction.atomic():
        open_lines = [_open_receivable(invoice) for invoice in _locked(invoices)]
        company = open_lines[0][0].company
        if any(invoice.company_id != company.pk for invoice, _line in open_lines):
            raise PaymentRefused(gettext("A batch payment pays invoices of one company only."))
        currencies = {invoice.currency_id for invoice, _line in open_lines}
        if len(currencies) > 1:
            raise PaymentRefused(
                gettext("A batch payment pays documents of one currency only, not %(currencies)s.")
                % {"currencies": ", ".join(sorted(currencies))}
            )
        currency = open_lines[0][0].currency
        intermediary = get_account(company, AccountRole.AMAZON_INTERMEDIARY)
        receivable = get_account(company, AccountRole.RECEIVABLE)
        lines: list[LineData] = []
        for invoice, line in open_lines:
            amount = line.debit - line.credit
            label = gettext("Payment of %(invoice)s") % {"invoice": invoice}
            key = matching_key(invoice)
            # a foreign invoice is paid at its booked company amount, its document amount carried along:
            # the exchange difference is realized when Amazon's settlement clears the intermediary line
            foreign = line.amount_currency
            lines += [
                LineData.signed(
                    receivable,
                    -amount,
                    partner=invoice.partner,
                    label=label,
                    amount_currency=None if foreign is None else -foreign,
                    matching_key=key,
                ),
                LineData.signed(
                    intermediary,
                    amount,
                    partner=invoice.partner,
                    label=label,
                    amount_currency=foreign,
                    matching_key=key,
                ),
            ]
        journal = get_or_create_amazon_payments_journal(company)
        entry = record_entry(journal, date, lines, ref=gettext("Batch payment")[:128], currency=currency)
        created = list(entry.lines.order_by("pk"))
        for (_invoice, line), payment_line in zip(open_lines, created[0::2], strict=True):
            reconcile([line, payment_line])
        return entry


def _locked(invoices: Sequence[Invoice]) -> list[Invoice]:
    pks = [invoice.pk for invoice in invoices]
    locked = list(
        Invoice.objects.select_for_update(of=("self",))
        .select_related("company", "currency")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(set(pks)):
        raise PaymentRefused(gettext("An invoice of the batch no longer exists."))
    return locked


def _open_receivable(invoice: Invoice) -> tuple[Invoice, JournalLine]:
    if invoice.state != InvoiceState.POSTED:
        raise PaymentRefused(
            gettext("%(invoice)s is not posted: post it before paying it.") % {"invoice": invoice}
        )
    line = receivable_line(invoice)
    if line is None or line.reconciliation_id is not None:
        raise PaymentRefused(gettext("%(invoice)s is already paid or credited.") % {"invoice": invoice})
    if line.debit == line.credit:
        raise PaymentRefused(gettext("%(invoice)s has nothing to pay.") % {"invoice": invoice})
    return invoice, line
