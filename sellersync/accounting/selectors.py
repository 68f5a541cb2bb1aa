"""Read-only queries of the ledger: balances and the trial balance count posted entries only.

Balances are signed debit-positive (debit minus credit): an asset or expense account normally has a
positive balance, a liability, equity or income account a negative one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from sellersync.accounting.choices import EntryState
from sellersync.accounting.models import Account, JournalLine
from sellersync.core.models import Company, Partner

ZERO = Decimal("0.00")
_ZERO_AMOUNT = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def posted_lines(company: Company, until: datetime.date | None = None) -> QuerySet[JournalLine]:
    """The company's lines of posted entries, dated up to `until` inclusive when given."""
    lines = JournalLine.objects.filter(entry__journal__company=company, entry__state=EntryState.POSTED)
    if until is not None:
        lines = lines.filter(entry__date__lte=until)
    return lines


def account_balance(account: Account, until: datetime.date | None = None) -> Decimal:
    """Debit minus credit of the account's posted lines (up to `until` inclusive)."""
    totals = (
        posted_lines(account.company, until)
        .filter(account=account)
        .aggregate(debit=Coalesce(Sum("debit"), _ZERO_AMOUNT), credit=Coalesce(Sum("credit"), _ZERO_AMOUNT))
    )
    return Decimal(totals["debit"] - totals["credit"]).quantize(ZERO)


@dataclass(frozen=True)
class TrialBalanceRow:
    """Total debits and credits posted on one account."""

    account: Account
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


@dataclass(frozen=True)
class TrialBalance:
    """Per-account totals of a company; in balanced books total debit equals total credit."""

    rows: list[TrialBalanceRow]

    @property
    def total_debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)

    def balance_of(self, account: Account) -> Decimal:
        """The account's balance, zero when nothing was posted on it."""
        return next((row.balance for row in self.rows if row.account.pk == account.pk), ZERO)


def trial_balance(company: Company, until: datetime.date | None = None) -> TrialBalance:
    """Debit and credit totals of every account with posted lines, ordered by account code."""
    totals = (
        posted_lines(company, until)
        .values("account")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    by_account = {row["account"]: row for row in totals}
    accounts = Account.objects.filter(pk__in=by_account).order_by("code", "pk")
    rows = [TrialBalanceRow(a, by_account[a.pk]["debit"], by_account[a.pk]["credit"]) for a in accounts]
    return TrialBalance(rows)


def unreconciled_lines(
    account: Account, partner: Partner | None = None, matching_key: str = ""
) -> QuerySet[JournalLine]:
    """Posted, not yet reconciled lines of a reconcilable account, optionally of one partner or key."""
    lines = posted_lines(account.company).filter(account=account, reconciliation__isnull=True)
    if partner is not None:
        lines = lines.filter(partner=partner)
    if matching_key:
        lines = lines.filter(matching_key=matching_key)
    return lines.order_by("entry__date", "pk")
