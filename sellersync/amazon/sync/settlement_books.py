"""A closed Amazon settlement written into the company's Amazon Payments journal.

One settlement entry (dated at the period's end) and one payout entry (dated at the fund transfer):

| what Amazon reports | debit | credit |
|---|---|---|
| an order's proceeds (charges, promotions, withheld tax) | | 1100 receivable of its invoice (key: order id) |
| same, the invoice paid by hand (batch payment) | | 1250 intermediary line of that payment |
| same, no open invoice of that amount | | "Amazon sales awaiting invoice" (listed, with the reason) |
| refund of an order | 1100 receivable of its credit note | |
| same, no open credit note of that amount | "Amazon sales awaiting invoice" (listed) | |
| fees (commission, FBA, subscription...), fee refunds | 2100 payable of the fees' vendor bill | |
| adjustments, other events, a difference with Amazon's total | awaiting account (listed) | |
| the group's total | 1250 Amazon intermediary | |
| payout (payout entry) | 1200 bank | 1250 Amazon intermediary |

The marketplace-facilitator tax Amazon withholds is netted with the charges: the invoice's receivable
already excludes it (see accounting/invoicing.py), so the proceeds and the receivable are the same amount.
The fees are billed first, as one vendor bill from Amazon's entity of the marketplace with the VAT Amazon
charges or the seller reverse-charges (fee_bills.py); the settlement pays the bill's payable line.
Matched receivable lines are reconciled with the invoice's, and the two intermediary lines with each other:
after the payout the intermediary account holds nothing of the settlement. Proceeds that waited on 1160 move
to their invoice's receivable when it is posted later (settlement_clearing.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from sellersync.accounting import rates
from sellersync.accounting import selectors as ledger_selectors
from sellersync.accounting.choices import AccountKind, AccountRole
from sellersync.accounting.exchange import exchange_difference_line
from sellersync.accounting.models import Account, JournalEntry, JournalLine
from sellersync.accounting.services import (
    LineData,
    get_account,
    get_or_create_amazon_payments_journal,
    reconcile,
    record_entry,
)
from sellersync.amazon.mappers.settlements import (
    ADJUSTMENT,
    CHARGE,
    FEE,
    PROMOTION,
    REFUND,
    SHIPMENT,
    TAX_WITHHELD,
    SettlementAmount,
)
from sellersync.amazon.models import AmazonSettlement
from sellersync.amazon.models.settlements import SettlementMatch
from sellersync.amazon.sync.fee_bills import post_fee_bill
from sellersync.core.models import Company, Currency, Partner

ZERO = Decimal(0)
PROCEEDS_KINDS = frozenset({CHARGE, PROMOTION, TAX_WITHHELD})
AWAITING_ACCOUNT_CODE = "1160"


@dataclass(frozen=True)
class Outcome:
    """What became of one amount."""

    match: str
    reason: str = ""


@dataclass(frozen=True)
class _Line:
    """A line of the settlement entry: signed (debit positive) in the settlement's currency; `booked` is
    the company amount of the open lines it settles (None: converted at the settlement's rate)."""

    account: Account
    signed: Decimal
    partner: Partner | None
    label: str
    key: str
    booked: Decimal | None = None


@dataclass
class _Draft:
    """The settlement entry being prepared: its lines and what to reconcile."""

    lines: list[_Line] = field(default_factory=list)
    matches: dict[int, list[JournalLine]] = field(default_factory=dict)
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    matched_pks: set[int] = field(default_factory=set)  # the open lines that `matches` settles
    fees: list[SettlementAmount] = field(default_factory=list)  # billed by Amazon (fee_bills.py)

    def add(
        self,
        account: Account,
        signed: Decimal,
        label: str,
        key: str = "",
        partner: Partner | None = None,
        booked: Decimal | None = None,
    ) -> int:
        self.lines.append(_Line(account, signed, partner, label[:256], key[:128], booked))
        return len(self.lines) - 1

    def match(self, index: int, open_lines: list[JournalLine]) -> None:
        """Line `index` settles these open lines (reconciled with them once posted)."""
        self.matches[index] = open_lines
        self.matched_pks.update(line.pk for line in open_lines)


@dataclass(frozen=True)
class Conversion:
    """The settlement's currency against the company's: amounts converted at `rate` (units of the settlement
    currency per one company unit, `accounting.rates`); 1 and no conversion when they are the same."""

    company: Company
    currency: str
    rate: Decimal = Decimal(1)

    @classmethod
    def on(cls, company: Company, currency: str, date: datetime.date) -> Conversion:
        currency = currency or company.currency_id
        return cls(company, currency, rates.rate_on(company, currency, date))

    @property
    def is_foreign(self) -> bool:
        return rates.is_foreign(self.company, self.currency)

    def booked(self, amount: Decimal) -> Decimal:
        """The company amount of `amount` (in the settlement's currency)."""
        if not self.is_foreign:
            return amount
        return rates.to_company_currency(amount, self.rate, rates.company_places(self.company))

    def document_amount(self, line: JournalLine) -> Decimal:
        """What an open line is worth in the settlement's currency (its `amount_currency` when foreign)."""
        if self.is_foreign:
            return line.amount_currency if line.amount_currency is not None else ZERO
        return line.balance

    def amount_currency(self, signed: Decimal) -> Decimal | None:
        return signed if self.is_foreign else None


@dataclass(frozen=True)
class Books:
    """The accounts a settlement is booked on."""

    receivable: Account
    intermediary: Account
    fees: Account
    bank: Account
    awaiting: Account


def awaiting_invoice_account(company: Company) -> Account:
    """Where proceeds wait for the invoice (or credit note) they pay, created on first use."""
    account, _created = Account.objects.get_or_create(
        company=company,
        code=AWAITING_ACCOUNT_CODE,
        defaults={
            "name": gettext("Amazon sales awaiting invoice"),
            "kind": AccountKind.LIABILITY,
            "reconcilable": True,
        },
    )
    return account


def books_of(company: Company) -> Books:
    journal = get_or_create_amazon_payments_journal(company)
    assert journal.default_account is not None
    return Books(
        receivable=get_account(company, AccountRole.RECEIVABLE),
        intermediary=journal.default_account,
        fees=get_account(company, AccountRole.AMAZON_FEES),
        bank=get_account(company, AccountRole.BANK),
        awaiting=awaiting_invoice_account(company),
    )


def book_settlement(
    settlement: AmazonSettlement, amounts: list[SettlementAmount]
) -> tuple[list[Outcome], Decimal]:
    """Post the settlement and payout entries; return each amount's outcome and the unexplained difference.

    A settlement in another currency than the company's is converted at the rate of its end date (the
    payout at the rate of the transfer date); a missing rate refuses it (`MissingExchangeRate`). Runs inside
    the caller's transaction: a refusal leaves nothing behind.
    """
    company = settlement.account.company
    books = books_of(company)
    conversion = Conversion.on(company, settlement.currency_code, _end_date(settlement))
    draft = _Draft()
    _book_orders(draft, books, amounts, conversion)
    _book_others(draft, books, amounts)
    if draft.fees:
        settlement.fee_bill = _pay_fee_bill(settlement, draft, books, conversion)
    total = sum((amount.amount for amount in amounts), ZERO)
    difference = settlement.original_total - total
    if difference:
        draft.add(books.awaiting, -difference, gettext("Difference between Amazon's total and its events"))
    intermediary_index = draft.add(books.intermediary, settlement.original_total, _ref(settlement))
    entry, positions = _post(settlement, draft, _end_date(settlement), conversion)
    created = list(entry.lines.order_by("pk"))
    for index, invoice_lines in draft.matches.items():
        reconcile([created[positions[index]], *invoice_lines])
    settlement.entry = entry
    if settlement.original_total:
        settlement.payout_entry = _payout(settlement, books, created[positions[intermediary_index]])
    return [
        draft.outcomes.get(index, Outcome(SettlementMatch.EXPENSE)) for index in range(len(amounts))
    ], difference


def _book_orders(
    draft: _Draft, books: Books, amounts: list[SettlementAmount], conversion: Conversion
) -> None:
    by_order: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, amount in enumerate(amounts):
        if amount.order_id and amount.event_type != ADJUSTMENT:
            by_order[(amount.event_type, amount.order_id)].append(index)
    for (event_type, order_id), indexes in by_order.items():
        proceeds_indexes = [index for index in indexes if amounts[index].kind in PROCEEDS_KINDS]
        proceeds = sum((amounts[index].amount for index in proceeds_indexes), ZERO)
        if proceeds:
            outcome = _book_proceeds(draft, books, conversion, (event_type, order_id), proceeds)
            draft.outcomes.update({index: outcome for index in proceeds_indexes})
        for index in indexes:
            if amounts[index].kind == FEE:
                _book_fee(draft, books, amounts[index])


def _book_proceeds(
    draft: _Draft,
    books: Books,
    conversion: Conversion,
    event: tuple[str, str],
    proceeds: Decimal,
) -> Outcome:
    """Credit the order's open receivable (else the batch payment's intermediary line) that Amazon's proceeds
    pay exactly, compared in the settlement's currency; else wait on the awaiting account."""
    event_type, order_id = event
    what = gettext("Refund") if event_type == REFUND else gettext("Amazon payment")
    label = f"{what} {order_id}"
    open_lines = _open_lines(draft, books.receivable, order_id, proceeds, conversion)
    if _settle_exactly(draft, books.receivable, open_lines, proceeds, label, order_id, conversion):
        return Outcome(SettlementMatch.MATCHED)
    paid_by_hand = _open_lines(draft, books.intermediary, order_id, proceeds, conversion)
    if _settle_exactly(draft, books.intermediary, paid_by_hand, proceeds, label, order_id, conversion):
        return Outcome(SettlementMatch.MATCHED)
    draft.add(books.awaiting, -proceeds, label, order_id)
    return Outcome(SettlementMatch.UNMATCHED, _reason(event_type, open_lines, proceeds, conversion))


def _settle_exactly(
    draft: _Draft,
    account: Account,
    open_lines: list[JournalLine],
    proceeds: Decimal,
    label: str,
    key: str,
    conversion: Conversion,
) -> bool:
    """When the open lines of one partner add up to the proceeds: a line closing them at their company amount
    (the exchange difference is added at posting), matched with them."""
    open_amount = sum((conversion.document_amount(line) for line in open_lines), ZERO)
    if not open_lines or open_amount != proceeds or len({line.partner_id for line in open_lines}) != 1:
        return False
    booked = -sum((line.balance for line in open_lines), ZERO)
    index = draft.add(account, -proceeds, label, key, open_lines[0].partner, booked=booked)
    draft.match(index, open_lines)
    return True


def _open_lines(
    draft: _Draft, account: Account, order_id: str, proceeds: Decimal, conversion: Conversion
) -> list[JournalLine]:
    """Unreconciled lines of the order in the settlement's currency, on the side the proceeds settle, that
    this entry does not settle already."""
    lines = ledger_selectors.unreconciled_lines(account, matching_key=order_id).filter(
        entry__currency_id=conversion.currency
    )
    return [
        line
        for line in lines
        if line.pk not in draft.matched_pks and (conversion.document_amount(line) > 0) == (proceeds > 0)
    ]


def _reason(event_type: str, open_lines: list[JournalLine], proceeds: Decimal, conversion: Conversion) -> str:
    open_amount = sum((conversion.document_amount(line) for line in open_lines), ZERO)
    partners = {line.partner_id for line in open_lines}
    document = gettext("credit note") if event_type == REFUND else gettext("invoice")
    if not open_lines:
        return gettext("No open %(document)s for this order yet.") % {"document": document}
    if len(partners) > 1:
        return gettext("Open %(document)s lines of several customers.") % {"document": document}
    return gettext("The open %(document)s amount %(open)s differs from Amazon's %(amazon)s.") % {
        "document": document,
        "open": abs(open_amount),
        "amazon": abs(proceeds),
    }


def _book_fee(draft: _Draft, books: Books, amount: SettlementAmount) -> None:
    draft.fees.append(amount)


def _pay_fee_bill(
    settlement: AmazonSettlement, draft: _Draft, books: Books, conversion: Conversion
) -> JournalEntry:
    """Post the fees' vendor bill; the settlement entry pays its payable line (reconciled with it)."""
    bill = post_fee_bill(settlement, draft.fees, conversion, _end_date(settlement))
    line = bill.payable_line
    fees = -sum((fee.amount for fee in draft.fees), ZERO)
    index = draft.add(line.account, fees, line.label, line.matching_key, line.partner, booked=-line.balance)
    draft.match(index, [line])
    return bill.entry


def _book_others(draft: _Draft, books: Books, amounts: list[SettlementAmount]) -> None:
    for index, amount in enumerate(amounts):
        if amount.order_id and amount.event_type != ADJUSTMENT:
            continue
        if amount.kind == FEE:
            _book_fee(draft, books, amount)
            continue
        draft.add(books.awaiting, -amount.amount, amount.amount_type, amount.order_id)
        reason = gettext("An adjustment is reviewed and booked by hand.")
        if amount.event_type in (SHIPMENT, REFUND):
            reason = gettext("An amount without an order.")
        draft.outcomes[index] = Outcome(SettlementMatch.UNMATCHED, reason)


def _post(
    settlement: AmazonSettlement, draft: _Draft, date: datetime.date, conversion: Conversion
) -> tuple[JournalEntry, list[int]]:
    """The entry, and where each draft line landed among its lines (exchange differences are inserted)."""
    company = settlement.account.company
    lines: list[LineData] = []
    positions = []
    for line in draft.lines:
        converted = conversion.booked(line.signed)
        booked = line.booked if line.booked is not None else converted
        positions.append(len(lines))
        lines.append(
            LineData.signed(
                line.account,
                booked,
                partner=line.partner,
                label=line.label,
                amount_currency=conversion.amount_currency(line.signed),
                matching_key=line.key,
            )
        )
        if booked != converted:  # open lines booked at the invoice's rate, paid at the settlement's
            label = gettext("Exchange difference %(order)s") % {"order": line.key}
            lines.append(exchange_difference_line(company, converted - booked, label, line.key))
    rounding = -sum((line.debit - line.credit for line in lines), ZERO)
    if rounding:  # each amount converted and rounded on its own
        label = gettext("Rounding of the conversion of %(ref)s") % {"ref": _ref(settlement)}
        lines.append(exchange_difference_line(company, rounding, label))
    journal = get_or_create_amazon_payments_journal(company)
    currency = Currency.objects.get(pk=conversion.currency)
    return record_entry(journal, date, lines, ref=_ref(settlement), currency=currency), positions


def _payout(settlement: AmazonSettlement, books: Books, intermediary_line: JournalLine) -> JournalEntry:
    """Bank debit (at the transfer date's rate) against the settlement's intermediary line, which it closes;
    in a foreign currency, a difference between the two rates is an exchange difference."""
    company = settlement.account.company
    total = settlement.original_total
    transfer = settlement.fund_transfer_date or settlement.ended_at
    date = transfer.date() if transfer else _end_date(settlement)
    conversion = Conversion.on(company, settlement.currency_code, date)
    label = gettext("Amazon payout %(ref)s") % {"ref": _ref(settlement)}
    banked, held = conversion.booked(total), intermediary_line.balance
    lines = [
        LineData.signed(books.bank, banked, label=label, amount_currency=conversion.amount_currency(total)),
        LineData.signed(
            books.intermediary, -held, label=label, amount_currency=conversion.amount_currency(-total)
        ),
    ]
    if banked != held:
        lines.append(exchange_difference_line(company, held - banked, label))
    journal = get_or_create_amazon_payments_journal(company)
    currency = Currency.objects.get(pk=conversion.currency)
    payout = record_entry(journal, date, lines, ref=label[:128], currency=currency)
    reconcile([intermediary_line, payout.lines.get(account=books.intermediary)])
    return payout


def _end_date(settlement: AmazonSettlement) -> datetime.date:
    moment = settlement.ended_at or settlement.fund_transfer_date or settlement.started_at
    assert moment is not None
    return moment.date()


def _ref(settlement: AmazonSettlement) -> str:
    start = settlement.started_at.date().isoformat() if settlement.started_at else ""
    return f"Amazon {settlement.currency_code} {start} {settlement.group_id[:24]}".strip()[:128]
