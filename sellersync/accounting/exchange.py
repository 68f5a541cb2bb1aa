"""Exchange differences: what a foreign amount gains or loses in the company currency between two rates.

An invoice in CAD is booked at the rate of its date; Amazon pays it (or a credit note cancels it) at the rate
of a later day. The document-currency amounts cancel out, the company-currency amounts differ by the
exchange difference, which goes to 4800 Exchange gains (credit) or 6800 Exchange losses (debit). Exchange
difference lines carry 0 in the foreign currency, so the entry stays balanced in both currencies.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from sellersync.accounting.choices import AccountRole, JournalKind
from sellersync.accounting.errors import ReconciliationError
from sellersync.accounting.models import JournalLine, Reconciliation
from sellersync.accounting.services import (
    LineData,
    create_default_journals,
    get_account,
    reconcile,
    record_entry,
)
from sellersync.core.models import Company

ZERO = Decimal(0)


def exchange_difference_line(company: Company, signed: Decimal, label: str, key: str = "") -> LineData:
    """The gain (`signed` < 0: a credit) or loss (`signed` > 0: a debit) line of a difference."""
    role = AccountRole.EXCHANGE_LOSS if signed > 0 else AccountRole.EXCHANGE_GAIN
    return LineData.signed(
        get_account(company, role), signed, label=label, amount_currency=ZERO, matching_key=key
    )


def reconcile_with_exchange_difference(
    lines: Sequence[JournalLine], date: datetime.date, label: str
) -> Reconciliation:
    """Reconcile lines of one account and partner that cancel out in their currency but not in the company's.

    The company-currency difference is booked first (miscellaneous journal, dated `date`): a line on the
    same account (0 in the foreign currency) and its gain or loss; the three lines are then reconciled.
    """
    first = lines[0]
    company = first.account.company
    if {(line.account_id, line.partner_id) for line in lines} != {(first.account_id, first.partner_id)}:
        raise ReconciliationError(gettext("Lines of one account and one partner only."))
    if sum((line.amount_currency or ZERO for line in lines), ZERO) != ZERO:
        raise ReconciliationError(gettext("The lines do not cancel out in their currency."))
    open_balance = sum((line.balance for line in lines), ZERO)
    if not open_balance:
        return reconcile(lines)
    with transaction.atomic():
        journal = create_default_journals(company)[JournalKind.GENERAL]
        difference = record_entry(
            journal,
            date,
            [
                LineData.signed(
                    first.account,
                    -open_balance,
                    partner=first.partner,
                    label=label,
                    amount_currency=ZERO,
                    matching_key=first.matching_key,
                ),
                exchange_difference_line(company, open_balance, label, first.matching_key),
            ],
            ref=label[:128],
            currency=first.entry.currency,
        )
        closing = difference.lines.get(account=first.account)
        return reconcile([*lines, closing])
