"""Ledger fixtures: a company's default chart and journals, and a helper to write simple entries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sellersync.accounting.choices import AccountRole, JournalKind
from sellersync.accounting.invoicing import create_invoice_from_order
from sellersync.accounting.models import Account, Invoice, Journal
from sellersync.accounting.services import LineData, create_default_chart, create_default_journals
from sellersync.core.models import Company, Currency, Partner
from sellersync.sales.services import OrderLineData, create_sales_order

JAN_10 = datetime.date(2026, 1, 10)


@pytest.fixture
def chart(company: Company) -> dict[AccountRole, Account]:
    return create_default_chart(company)


@pytest.fixture
def journals(company: Company) -> dict[JournalKind, Journal]:
    return create_default_journals(company)


@pytest.fixture
def sales_journal(journals: dict[JournalKind, Journal]) -> Journal:
    return journals[JournalKind.SALE]


def sale_lines(
    chart: dict[AccountRole, Account], amount: str, partner: Partner | None = None, key: str = ""
) -> list[LineData]:
    """Receivable debit against revenue credit: the smallest invoice."""
    return [
        LineData(chart[AccountRole.RECEIVABLE], debit=Decimal(amount), partner=partner, matching_key=key),
        LineData(chart[AccountRole.REVENUE], credit=Decimal(amount), partner=partner),
    ]


def euro_invoice(
    company: Company,
    customer: Partner,
    ref: str,
    unit_price: str = "9.90",
    description: str = "Mug",
    *,
    post: bool = True,
    language: str = "",
) -> Invoice:
    """The invoice (posted unless asked) of a confirmed EUR order of two units, dated 2026-03-01; in the
    customer's language, else `language` (e.g. a marketplace's), else English."""
    lines = [OrderLineData(quantity=Decimal(2), unit_price=Decimal(unit_price), description=description)]
    order = create_sales_order(
        company, customer, Currency.objects.get(code="EUR"), lines, client_order_ref=ref, confirm=True
    )
    return create_invoice_from_order(order, date=datetime.date(2026, 3, 1), post=post, language=language)
