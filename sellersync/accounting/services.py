"""Ledger services: set up a company's books, record, post, reverse and reconcile entries.

Each state change is one transaction that locks the rows it changes. Posting checks that debits equal
credits exactly (Decimal, to the cent) and assigns the journal's next gapless number for the entry's year
("INV/2026/00001") through `core.services.next_reference`, whose counter row stays locked until commit: a
refused or rolled-back posting gives its number back, so numbers are never skipped nor used twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sellersync.accounting.choices import AccountKind, AccountRole, EntryState, JournalKind
from sellersync.accounting.errors import InvalidEntry, ReconciliationError, UnbalancedEntry
from sellersync.accounting.models import Account, Journal, JournalEntry, JournalLine, Reconciliation
from sellersync.core.errors import InvalidTransition
from sellersync.core.models import Company, Currency, Partner, Tax
from sellersync.core.services import next_reference

ZERO = Decimal("0")
AMOUNT_DECIMAL_PLACES = 2  # core.models.AMOUNT_DIGITS

# target state -> states an entry may come from
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryState.POSTED: frozenset({EntryState.DRAFT}),
    EntryState.CANCELED: frozenset({EntryState.DRAFT}),
}

# role -> (code, name, kind, reconcilable): the minimal chart every company gets.
DEFAULT_CHART: dict[AccountRole, tuple[str, str, AccountKind, bool]] = {
    AccountRole.RECEIVABLE: ("1100", "Accounts receivable", AccountKind.ASSET, True),
    AccountRole.BANK: ("1200", "Bank", AccountKind.ASSET, False),
    AccountRole.AMAZON_INTERMEDIARY: ("1250", "Amazon Payments (intermediary)", AccountKind.ASSET, True),
    AccountRole.BANK_SUSPENSE: ("1290", "Bank suspense", AccountKind.ASSET, True),
    AccountRole.TAX_RECEIVABLE: ("1400", "Tax receivable (input VAT)", AccountKind.ASSET, False),
    AccountRole.PAYABLE: ("2100", "Accounts payable", AccountKind.LIABILITY, True),
    AccountRole.TAX_PAYABLE: ("2200", "Tax payable", AccountKind.LIABILITY, False),
    AccountRole.TAX_MARKETPLACE: ("2210", "Tax collected by marketplace", AccountKind.LIABILITY, False),
    AccountRole.EQUITY: ("3000", "Equity", AccountKind.EQUITY, False),
    AccountRole.REVENUE: ("4000", "Sales revenue", AccountKind.INCOME, False),
    AccountRole.REFUNDS: ("4900", "Sales refunds", AccountKind.INCOME, False),
    AccountRole.AMAZON_FEES: ("6100", "Amazon fees", AccountKind.EXPENSE, False),
    AccountRole.EXCHANGE_GAIN: ("4800", "Exchange gains", AccountKind.INCOME, False),
    AccountRole.EXCHANGE_LOSS: ("6800", "Exchange losses", AccountKind.EXPENSE, False),
}

# kind -> (code, name, default account role, intermediary account role)
DEFAULT_JOURNALS: dict[JournalKind, tuple[str, str, AccountRole | None, AccountRole | None]] = {
    JournalKind.SALE: ("INV", "Customer invoices", AccountRole.REVENUE, None),
    JournalKind.PURCHASE: ("BILL", "Vendor bills", AccountRole.AMAZON_FEES, None),
    JournalKind.BANK: ("BNK", "Bank", AccountRole.BANK, AccountRole.BANK_SUSPENSE),
    JournalKind.GENERAL: ("MISC", "Miscellaneous operations", None, None),
}
AMAZON_PAYMENTS_JOURNAL_CODE = "AMZP"


# --- company setup -----------------------------------------------------------------------------------


def create_default_chart(company: Company) -> dict[AccountRole, Account]:
    """The company's accounts of the default chart by role, created on first call (idempotent)."""
    chart = {}
    for role, (code, name, kind, reconcilable) in DEFAULT_CHART.items():
        account, _created = Account.objects.get_or_create(
            company=company,
            role=role,
            defaults={"code": code, "name": gettext(name), "kind": kind, "reconcilable": reconcilable},
        )
        chart[role] = account
    return chart


def get_account(company: Company, role: AccountRole) -> Account:
    """The company's account with this role, creating the default chart when it is missing."""
    account = Account.objects.filter(company=company, role=role).first()
    return account if account is not None else create_default_chart(company)[role]


def create_default_journals(company: Company) -> dict[JournalKind, Journal]:
    """The company's sales, purchase, bank and miscellaneous journals, created on first call."""
    chart = create_default_chart(company)
    journals = {}
    for kind, (code, name, default_role, intermediary_role) in DEFAULT_JOURNALS.items():
        journal, _created = Journal.objects.get_or_create(
            company=company,
            code=code,
            defaults={
                "name": gettext(name),
                "kind": kind,
                "default_account": chart[default_role] if default_role else None,
                "intermediary_account": chart[intermediary_role] if intermediary_role else None,
            },
        )
        journals[kind] = journal
    return journals


def get_or_create_amazon_payments_journal(company: Company) -> Journal:
    """The company's "Amazon Payments" bank journal, created on first use.

    Customer payments collected by Amazon are registered in it against the Amazon intermediary account
    (its default account); the monthly payout then moves that balance to the bank (see docs/accounting.md).
    """
    chart = create_default_chart(company)
    journal, _created = Journal.objects.get_or_create(
        company=company,
        code=AMAZON_PAYMENTS_JOURNAL_CODE,
        defaults={
            "name": gettext("Amazon Payments"),
            "kind": JournalKind.BANK,
            "default_account": chart[AccountRole.AMAZON_INTERMEDIARY],
            "intermediary_account": chart[AccountRole.BANK_SUSPENSE],
        },
    )
    return journal


# --- entries -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineData:
    """One line to record: a debit or a credit (never both) on an account, in the company currency."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    partner: Partner | None = None
    label: str = ""
    amount_currency: Decimal | None = None
    matching_key: str = ""
    tax: Tax | None = None  # on a tax line: the tax it books
    tax_base: Decimal | None = None  # ... and its taxable base, signed like the line (debit positive)

    @classmethod
    def signed(
        cls,
        account: Account,
        amount: Decimal,
        *,
        partner: Partner | None = None,
        label: str = "",
        amount_currency: Decimal | None = None,
        matching_key: str = "",
        tax: Tax | None = None,
        tax_base: Decimal | None = None,
    ) -> LineData:
        """A debit for a positive amount, a credit for a negative one."""
        return cls(
            account,
            debit=max(amount, ZERO),
            credit=max(-amount, ZERO),
            partner=partner,
            label=label[:256],
            amount_currency=amount_currency,
            matching_key=matching_key[:128],
            tax=tax,
            tax_base=tax_base,
        )


def _check_amount(amount: Decimal, decimal_places: int, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidEntry(
            gettext("%(what)s must be a finite Decimal, not %(value)r.") % {"what": what, "value": amount}
        )
    if amount < 0:
        raise InvalidEntry(
            gettext("%(what)s cannot be negative: %(value)s.") % {"what": what, "value": amount}
        )
    if amount != amount.quantize(Decimal(1).scaleb(-decimal_places)):
        raise InvalidEntry(
            gettext("%(what)s has more than %(places)s decimals: %(value)s.")
            % {"what": what, "places": decimal_places, "value": amount}
        )


def _check_line(company: Company, line: LineData) -> None:
    places = min(company.currency.decimal_places, AMOUNT_DECIMAL_PLACES)
    _check_amount(line.debit, places, gettext("Debit"))
    _check_amount(line.credit, places, gettext("Credit"))
    if line.debit and line.credit:
        raise InvalidEntry(
            gettext("A line is a debit or a credit, not both (%(label)s).") % {"label": line.label}
        )
    if line.account.company_id != company.pk:
        raise InvalidEntry(
            gettext("Account %(account)s belongs to another company.") % {"account": line.account}
        )
    if line.partner is not None and line.partner.company_id != company.pk:
        raise InvalidEntry(
            gettext("Partner %(partner)s belongs to another company.") % {"partner": line.partner}
        )


def _check_amount_currency(currency: Currency, line: LineData) -> None:
    """A line of a foreign-currency entry carries its signed amount in that currency."""
    amount = line.amount_currency
    if amount is None:
        raise InvalidEntry(
            gettext("A line of an entry in %(currency)s needs its amount in %(currency)s (%(label)s).")
            % {"currency": currency.code, "label": line.label}
        )
    _check_amount(
        abs(amount), min(currency.decimal_places, AMOUNT_DECIMAL_PLACES), gettext("Amount in currency")
    )


def create_entry(
    journal: Journal,
    date: datetime.date,
    lines: Sequence[LineData],
    *,
    ref: str = "",
    currency: Currency | None = None,
) -> JournalEntry:
    """A draft entry with these lines; each line is checked, the balance only when posting."""
    company = journal.company
    currency = currency or company.currency
    for line in lines:
        _check_line(company, line)
        if currency.pk != company.currency_id:
            _check_amount_currency(currency, line)
    with transaction.atomic():
        entry = JournalEntry.objects.create(journal=journal, date=date, ref=ref, currency=currency)
        JournalLine.objects.bulk_create(
            JournalLine(
                entry=entry,
                account=line.account,
                partner=line.partner,
                label=line.label,
                debit=line.debit,
                credit=line.credit,
                amount_currency=line.amount_currency,
                matching_key=line.matching_key,
                tax=line.tax,
                tax_base=line.tax_base,
            )
            for line in lines
        )
    return entry


def _locked_entry(entry: JournalEntry) -> JournalEntry:
    return (
        JournalEntry.objects.select_for_update(of=("self",))
        .select_related("journal__company")
        .get(pk=entry.pk)
    )


def _check_transition(entry: JournalEntry, target: str) -> None:
    if entry.state not in ALLOWED_TRANSITIONS[target]:
        raise InvalidTransition(entry, entry.state, target)


def _check_balanced(entry: JournalEntry, lines: list[JournalLine]) -> None:
    total_debit = sum((line.debit for line in lines), ZERO)
    total_credit = sum((line.credit for line in lines), ZERO)
    if total_debit != total_credit:
        raise UnbalancedEntry(entry, total_debit, total_credit)
    if total_debit == ZERO:
        raise InvalidEntry(gettext("%(entry)s has no amount to post.") % {"entry": entry})
    if entry.currency_id != entry.journal.company.currency_id:
        _check_balanced_in_currency(entry, lines)


def _check_balanced_in_currency(entry: JournalEntry, lines: list[JournalLine]) -> None:
    """A foreign-currency entry also balances in that currency (exchange differences carry 0 in it)."""
    amounts = [line.amount_currency for line in lines]
    if any(amount is None for amount in amounts):
        raise InvalidEntry(
            gettext("%(entry)s is in %(currency)s: every line needs its amount in %(currency)s.")
            % {"entry": entry, "currency": entry.currency_id}
        )
    total = sum((amount for amount in amounts if amount is not None), ZERO)
    if total != ZERO:
        raise InvalidEntry(
            gettext("%(entry)s is not balanced in %(currency)s: the amounts in currency leave %(total)s.")
            % {"entry": entry, "currency": entry.currency_id, "total": total}
        )


def _check_lines_belong(entry: JournalEntry, lines: list[JournalLine]) -> None:
    company_id = entry.journal.company_id
    for line in lines:
        if line.account.company_id != company_id or not line.account.is_active:
            raise InvalidEntry(
                gettext("Account %(account)s cannot be used here.") % {"account": line.account}
            )


def _next_number(journal: Journal, year: int) -> str:
    return next_reference(
        journal.company, code=f"accounting.journal.{journal.pk}.{year}", prefix=f"{journal.code}/{year}/"
    )


def post_entry(entry: JournalEntry) -> JournalEntry:
    """Post a draft entry: check it balances, number it, make it count. Nothing changes on refusal."""
    with transaction.atomic():
        locked = _locked_entry(entry)
        _check_transition(locked, EntryState.POSTED)
        lines = list(locked.lines.select_related("account"))
        _check_lines_belong(locked, lines)
        _check_balanced(locked, lines)
        locked.number = _next_number(locked.journal, locked.date.year)
        locked.state = EntryState.POSTED
        locked.posted_at = timezone.now()
        locked.save(update_fields=["number", "state", "posted_at"])
        entry.refresh_from_db()
        return entry


def record_entry(
    journal: Journal,
    date: datetime.date,
    lines: Sequence[LineData],
    *,
    ref: str = "",
    currency: Currency | None = None,
) -> JournalEntry:
    """Create and post an entry at once: when it is refused, not even a draft is left behind."""
    with transaction.atomic():
        return post_entry(create_entry(journal, date, lines, ref=ref, currency=currency))


def cancel_entry(entry: JournalEntry) -> JournalEntry:
    """Abandon a draft entry. A posted entry is never canceled: reverse it instead."""
    with transaction.atomic():
        locked = _locked_entry(entry)
        _check_transition(locked, EntryState.CANCELED)
        locked.state = EntryState.CANCELED
        locked.save(update_fields=["state"])
        entry.refresh_from_db()
        return entry


def _reversed_line(line: JournalLine, entry_name: str) -> JournalLine:
    amount_currency = -line.amount_currency if line.amount_currency is not None else None
    return JournalLine(
        account=line.account,
        partner=line.partner,
        label=gettext("Reversal of %(entry)s: %(label)s") % {"entry": entry_name, "label": line.label},
        debit=line.credit,
        credit=line.debit,
        amount_currency=amount_currency,
        matching_key=line.matching_key,
        tax_id=line.tax_id,
        tax_base=-line.tax_base if line.tax_base is not None else None,
    )


def reverse_entry(entry: JournalEntry, date: datetime.date, ref: str = "") -> JournalEntry:
    """Post the mirror entry of a posted one (debits become credits), at most once per entry.

    Lines on reconcilable accounts that were still open are reconciled with their mirror line, so a
    reversed invoice no longer shows as due.
    """
    with transaction.atomic():
        original = _locked_entry(entry)
        if not original.is_posted:
            raise InvalidEntry(
                gettext("Only a posted entry can be reversed: %(entry)s.") % {"entry": original}
            )
        if JournalEntry.objects.filter(reversal_of=original).exists():
            raise InvalidEntry(gettext("%(entry)s is already reversed.") % {"entry": original})
        original_lines = list(original.lines.select_related("account").order_by("pk"))
        reversal = JournalEntry.objects.create(
            journal=original.journal,
            date=date,
            ref=ref or gettext("Reversal of %(entry)s") % {"entry": original.number},
            currency=original.currency,
            reversal_of=original,
        )
        mirror_lines = [_reversed_line(line, original.number) for line in original_lines]
        for line in mirror_lines:
            line.entry = reversal
        JournalLine.objects.bulk_create(mirror_lines)
        post_entry(reversal)
        for line, mirror in zip(original_lines, reversal.lines.order_by("pk"), strict=True):
            if line.account.reconcilable and line.reconciliation_id is None and line.balance:
                reconcile([line, mirror])
        return reversal


# --- reconciliation ------------------------------------------------------------------------------------


def _check_reconcilable(lines: list[JournalLine], requested: int) -> None:
    if requested < 2 or len(lines) != requested:
        raise ReconciliationError(gettext("Reconcile at least two distinct existing lines."))
    if len({line.entry.journal.company_id for line in lines}) != 1:
        raise ReconciliationError(gettext("The lines belong to different companies."))
    for line in lines:
        if line.entry.state != EntryState.POSTED:
            raise ReconciliationError(gettext("Line %(line)s is not posted.") % {"line": line.pk})
        if not line.account.reconcilable:
            raise ReconciliationError(
                gettext("Account %(account)s is not reconcilable.") % {"account": line.account}
            )
        if line.reconciliation_id is not None:
            raise ReconciliationError(gettext("Line %(line)s is already reconciled.") % {"line": line.pk})


def _check_sums_to_zero(lines: list[JournalLine]) -> None:
    totals: dict[tuple[int, int | None], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        totals[(line.account_id, line.partner_id)] += line.balance
    for (account_id, partner_id), total in totals.items():
        if total != ZERO:
            raise ReconciliationError(
                gettext("Lines of account %(account)s, partner %(partner)s leave %(total)s open.")
                % {"account": account_id, "partner": partner_id or "-", "total": total}
            )


def reconcile(lines: Iterable[JournalLine]) -> Reconciliation:
    """Match posted lines of reconcilable accounts that sum to zero per account and partner."""
    with transaction.atomic():
        pks = {line.pk for line in lines}
        locked = list(
            JournalLine.objects.select_for_update(of=("self",))
            .select_related("account", "entry__journal")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        _check_reconcilable(locked, len(pks))
        _check_sums_to_zero(locked)
        reconciliation = Reconciliation.objects.create(company_id=locked[0].entry.journal.company_id)
        JournalLine.objects.filter(pk__in=pks).update(reconciliation=reconciliation)
        return reconciliation


def unreconcile(reconciliation: Reconciliation) -> None:
    """Open the lines of a reconciliation again and delete it."""
    with transaction.atomic():
        lines = JournalLine.objects.select_for_update().filter(reconciliation=reconciliation).order_by("pk")
        lines.update(reconciliation=None)
        reconciliation.delete()
