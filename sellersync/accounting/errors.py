"""Errors of the ledger; each message is safe to show to a user."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from sellersync.core.errors import DomainError


class InvalidEntry(DomainError):
    """An entry or one of its lines breaks a rule: wrong company, negative amount, too many decimals..."""


class UnbalancedEntry(InvalidEntry):
    """The debits of an entry do not equal its credits; nothing was posted."""

    def __init__(self, entry: object, total_debit: Decimal, total_credit: Decimal) -> None:
        self.total_debit = total_debit
        self.total_credit = total_credit
        super().__init__(
            gettext("%(entry)s is not balanced: debit %(debit)s, credit %(credit)s (difference %(diff)s).")
            % {
                "entry": entry,
                "debit": total_debit,
                "credit": total_credit,
                "diff": total_debit - total_credit,
            }
        )


class ReconciliationError(DomainError):
    """The lines cannot be reconciled together; none was changed."""


class MissingExchangeRate(InvalidEntry):
    """No rate of the currency on or before the date: enter one (Accounting > Exchange rates)."""

    def __init__(self, company: object, currency: str, date: object) -> None:
        self.currency = currency
        self.date = date
        super().__init__(
            gettext(
                "No exchange rate of %(currency)s on or before %(date)s for %(company)s: enter one in "
                "Accounting > Exchange rates. Nothing was booked."
            )
            % {"currency": currency, "date": date, "company": company}
        )
