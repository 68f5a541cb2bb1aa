"""Proceeds that Amazon settled before their invoice: moved from 1160 to the invoice's receivable once posted.

Run after `create_amazon_invoices` for the orders just invoiced, and at the end of every settlement import for
the whole company (invoices posted by hand are caught the same day). See docs/settlements.md.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sellersync.accounting import selectors as ledger_selectors
from sellersync.accounting.exchange import exchange_difference_line
from sellersync.accounting.models import JournalLine
from sellersync.accounting.services import (
    LineData,
    get_or_create_amazon_payments_journal,
    reconcile,
    record_entry,
)
from sellersync.amazon.mappers.settlements import ADJUSTMENT
from sellersync.amazon.models import AmazonSettlementLine
from sellersync.amazon.models.settlements import SettlementMatch
from sellersync.amazon.sync.settlement_books import PROCEEDS_KINDS, ZERO, Books, Conversion, books_of
from sellersync.core.models import Company, Currency


def clear_awaiting_proceeds(company: Company, order_ids: list[str] | None = None) -> int:
    """Move proceeds waiting on 1160 onto the receivable of their invoice (or credit note), once posted.

    For each order (matching key) whose waiting amounts equal its open receivable to the cent: one AMZP
    entry, debit 1160 / credit 1100 (mirrored for a refund), both pairs reconciled, and the settlement
    lines of that order marked matched. Anything else stays listed. Returns how many orders were cleared.
    """
    books = books_of(company)
    waiting = (
        ledger_selectors.unreconciled_lines(books.awaiting).exclude(matching_key="").select_related("entry")
    )
    if order_ids is not None:
        waiting = waiting.filter(matching_key__in=order_ids)
    by_order: dict[str, list[JournalLine]] = defaultdict(list)
    for line in waiting:
        by_order[line.matching_key].append(line)
    cleared = 0
    for order_id, lines in by_order.items():
        with transaction.atomic():
            cleared += _clear_order(books, order_id, lines)
    return cleared


def _clear_order(books: Books, order_id: str, waiting: list[JournalLine]) -> int:
    currencies = {line.entry.currency_id for line in waiting}
    if len(currencies) != 1:
        return 0
    company = books.awaiting.company
    conversion = Conversion(company, currencies.pop())  # compares amounts in the proceeds' currency
    amount = -sum((conversion.document_amount(line) for line in waiting), ZERO)  # a credit on 1160
    open_lines = list(
        ledger_selectors.unreconciled_lines(books.receivable, matching_key=order_id).filter(
            entry__currency_id=conversion.currency
        )
    )
    partners = {line.partner_id for line in open_lines}
    open_amount = sum((conversion.document_amount(line) for line in open_lines), ZERO)
    if open_amount != amount or len(partners) != 1:
        return 0
    if not amount:
        return _cancel_out(books, order_id, waiting, open_lines)
    label = gettext("Amazon payment %(order)s, invoiced after its settlement") % {"order": order_id}
    held = -sum((line.balance for line in waiting), ZERO)  # company amounts: at the settlement's rate
    owed = sum((line.balance for line in open_lines), ZERO)  # at the invoice's rate
    lines = [
        LineData.signed(
            books.awaiting,
            held,
            label=label,
            amount_currency=conversion.amount_currency(amount),
            matching_key=order_id,
        ),
        LineData.signed(
            books.receivable,
            -owed,
            partner=open_lines[0].partner,
            label=label,
            amount_currency=conversion.amount_currency(-amount),
            matching_key=order_id,
        ),
    ]
    if held != owed:
        difference = gettext("Exchange difference %(order)s") % {"order": order_id}
        lines.append(exchange_difference_line(company, owed - held, difference, order_id))
    journal = get_or_create_amazon_payments_journal(company)
    currency = Currency.objects.get(pk=conversion.currency)
    entry = record_entry(journal, timezone.localdate(), lines, ref=label[:128], currency=currency)
    to_awaiting, to_receivable = list(entry.lines.order_by("pk"))[:2]
    reconcile([*waiting, to_awaiting])
    reconcile([*open_lines, to_receivable])
    _mark_matched(books, order_id)
    return 1


def _cancel_out(
    books: Books, order_id: str, waiting: list[JournalLine], open_lines: list[JournalLine]
) -> int:
    """A wholly refunded order: its proceeds and refund waiting on 1160 cancel out, and so do its invoice
    and credit note on 1100. Each side is reconciled with itself, no entry needed (when the company
    amounts cancel out too: at one exchange rate)."""
    sides = [waiting, open_lines]
    if any(len(lines) < 2 or sum((line.balance for line in lines), ZERO) for lines in sides):
        return 0
    if len({line.partner_id for line in waiting}) != 1:
        return 0
    for lines in sides:
        reconcile(lines)
    _mark_matched(books, order_id)
    return 1


def _mark_matched(books: Books, order_id: str) -> None:
    AmazonSettlementLine.objects.filter(
        amazon_order_id=order_id,
        settlement__account__company=books.awaiting.company,
        match=SettlementMatch.UNMATCHED,
        kind__in=PROCEEDS_KINDS,
    ).exclude(event_type=ADJUSTMENT).update(match=SettlementMatch.MATCHED, reason="")
