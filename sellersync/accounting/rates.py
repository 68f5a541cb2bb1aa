"""Exchange rates: the rate of a day, and amounts converted into the company currency.

`ExchangeRate.rate` is how many units of the foreign currency make one unit of the company currency (Odoo's
direction): 1 USD = 1.3650 CAD is stored as rate 1.3650 for CAD in a USD company. An amount in the foreign
currency is booked as `amount / rate`, rounded half up to the company currency's decimals (2 at most, 0 for
yen). The rate of a day is the latest one dated on or before it; none gives `MissingExchangeRate`, naming the
currency and the day, before anything is written. Rates are entered by the user (admin: Exchange rates).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from sellersync.accounting.errors import MissingExchangeRate
from sellersync.accounting.models import ExchangeRate
from sellersync.accounting.services import AMOUNT_DECIMAL_PLACES, LineData
from sellersync.core.models import Company, Currency

ONE = Decimal(1)
ZERO = Decimal(0)


def is_foreign(company: Company, currency_code: str) -> bool:
    """Whether amounts in this currency must be converted into the company's."""
    return bool(currency_code) and currency_code != company.currency_id


def rate_on(company: Company, currency_code: str, date: datetime.date) -> Decimal:
    """Units of `currency_code` per one unit of the company currency on `date` (1 for the company's own)."""
    if not is_foreign(company, currency_code):
        return ONE
    rate = (
        ExchangeRate.objects.filter(company=company, currency_id=currency_code, date__lte=date)
        .order_by("-date")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise MissingExchangeRate(company, currency_code, date)
    return rate


def set_rate(company: Company, currency_code: str, date: datetime.date, rate: Decimal) -> ExchangeRate:
    """Store (or correct) the company's rate of a currency for a day."""
    exchange_rate, _created = ExchangeRate.objects.update_or_create(
        company=company, currency=Currency.objects.get(pk=currency_code), date=date, defaults={"rate": rate}
    )
    return exchange_rate


def company_places(company: Company) -> int:
    """Decimals of amounts in the company currency (the ledger stores 2 at most)."""
    return min(company.currency.decimal_places, AMOUNT_DECIMAL_PLACES)


def to_company_currency(amount: Decimal, rate: Decimal, places: int) -> Decimal:
    """`amount` (foreign) / `rate`, rounded half up to `places` decimals."""
    return (amount / rate).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def convert_lines(lines: Sequence[LineData], rate: Decimal, places: int, *, absorb: int) -> list[LineData]:
    """Lines written in a foreign currency, in the company currency at `rate`.

    Each line keeps its signed foreign amount in `amount_currency` and gets its own rounded conversion; the
    rounding difference (a few cents at most) is added to line `absorb`, so the entry balances exactly.
    """
    signed = [to_company_currency(line.debit - line.credit, rate, places) for line in lines]
    signed[absorb] -= sum(signed, ZERO)
    return [
        replace(
            line,
            debit=max(amount, ZERO),
            credit=max(-amount, ZERO),
            amount_currency=line.debit - line.credit,
            tax_base=None if line.tax_base is None else to_company_currency(line.tax_base, rate, places),
        )
        for line, amount in zip(lines, signed, strict=True)
    ]
