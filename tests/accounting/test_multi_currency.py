"""Invoices and credit notes in a currency other than the company's: lines in the company currency at the
rate of the document's date, the document amount kept in `amount_currency`, to the cent (values computed by
hand in the comments, never by the code under test)."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from sellersync.accounting.choices import AccountKind, AccountRole, InvoiceState, JournalKind
from sellersync.accounting.errors import InvalidEntry, MissingExchangeRate
from sellersync.accounting.invoicing import (
    create_credit_note,
    create_invoice_from_order,
    post_invoice,
    receivable_line,
)
from sellersync.accounting.models import Account, Invoice, JournalEntry, JournalLine
from sellersync.accounting.payments import register_batch_payment
from sellersync.accounting.rates import set_rate
from sellersync.accounting.selectors import account_balance, trial_balance, unreconciled_lines
from sellersync.accounting.services import (
    LineData,
    create_default_chart,
    create_default_journals,
    record_entry,
)
from sellersync.core.models import Company, Currency, Partner, Tax
from sellersync.core.services import PartnerData, create_company, find_or_create_partner
from sellersync.sales.choices import LineKind
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import OrderLineData, create_sales_order

pytestmark = pytest.mark.django_db

D = Decimal
JAN_10 = datetime.date(2026, 1, 10)
JAN_20 = datetime.date(2026, 1, 20)
Row = tuple[str, Decimal, Decimal, Decimal | None]


@pytest.fixture
def us_company(db: None) -> Company:
    company = create_company("Northwind Inc", Currency.objects.get(code="USD"), "US")
    set_rate(company, "CAD", datetime.date(2026, 1, 1), D("1.3000"))
    set_rate(company, "CAD", datetime.date(2026, 1, 8), D("1.3650"))  # the invoice's: 1 USD = 1.3650 CAD
    set_rate(company, "CAD", datetime.date(2026, 1, 15), D("1.4000"))  # the credit note's
    return company


@pytest.fixture
def buyer(us_company: Company) -> Partner:
    return find_or_create_partner(
        us_company, PartnerData(is_anonymous=True, city="Toronto", country_code="CA")
    )


@pytest.fixture
def cad_order(us_company: Company, buyer: Partner) -> SalesOrder:
    """Amazon.ca: 2 x 24.99 (HST 6.50) + shipping 6.99 (HST 0.91) = 64.38 CAD, tax remitted by the seller."""
    hst = Tax.objects.create(company=us_company, name="HST 13%", rate=D("13"))
    lines = [
        OrderLineData(
            quantity=D(2), unit_price=D("24.99"), description="Tent", tax=hst, tax_amount=D("6.50")
        ),
        OrderLineData(
            line_kind=LineKind.SHIPPING,
            description="Shipping",
            quantity=D(1),
            unit_price=D("6.99"),
            tax=hst,
            tax_amount=D("0.91"),
        ),
    ]
    return create_sales_order(
        us_company, buyer, Currency.objects.get(code="CAD"), lines, client_order_ref="702-1", confirm=True
    )


def _rows(invoice: Invoice) -> list[Row]:
    assert invoice.entry is not None
    return sorted(
        (line.account.code, line.debit, line.credit, line.amount_currency)
        for line in invoice.entry.lines.all()
    )


def test_a_cad_invoice_of_a_usd_company_is_booked_in_usd_at_its_dates_rate_with_the_cad_amounts_kept(
    cad_order: SalesOrder,
) -> None:
    # when the invoice is posted on Jan 10 (rate of Jan 8: 1 USD = 1.3650 CAD; Jan 1's and Jan 15's unused)
    invoice = create_invoice_from_order(cad_order, date=JAN_10, post=True)
    # then the document stays in CAD, as Amazon's OrderTotal
    assert (invoice.currency_id, invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total) == (
        "CAD",
        D("56.97"),
        D("7.41"),
        D("64.38"),
    )
    assert (invoice.state, invoice.number) == (InvoiceState.POSTED, "INV/2026/00001")
    # and its entry is in USD: 64.38 / 1.365 = 47.1648 -> 47.16; 49.98 / 1.365 = 36.6154 -> 36.62;
    # 6.99 / 1.365 = 5.1209 -> 5.12; 7.41 / 1.365 = 5.4286 -> 5.43. Credits 47.17 against 47.16: the cent of
    # rounding comes off the largest revenue line, 36.62 -> 36.61
    assert invoice.entry is not None and invoice.entry.currency_id == "CAD"
    assert _rows(invoice) == [
        ("1100", D("47.16"), D("0.00"), D("64.38")),
        ("2200", D("0.00"), D("5.43"), D("-7.41")),
        ("4000", D("0.00"), D("5.12"), D("-6.99")),
        ("4000", D("0.00"), D("36.61"), D("-49.98")),
    ]
    books = trial_balance(cad_order.company)
    assert books.total_debit == books.total_credit == D("47.16")
    line = receivable_line(invoice)
    assert line is not None and (line.matching_key, line.partner_id) == ("702-1", cad_order.partner_id)


def test_a_full_cad_credit_note_is_booked_at_its_own_rate_and_the_difference_is_an_exchange_loss(
    cad_order: SalesOrder,
) -> None:
    # given the invoice of Jan 10 (receivable 47.16 USD for 64.38 CAD)
    invoice = create_invoice_from_order(cad_order, date=JAN_10, post=True)
    # when it is refunded in full on Jan 20 (rate of Jan 15: 1 USD = 1.4000 CAD)
    credit_note = create_credit_note(invoice, reason="Returned", date=JAN_20, post=True)
    # then: 64.38 / 1.4 = 45.9857 -> 45.99; 49.98 / 1.4 = 35.70; 6.99 / 1.4 = 4.9929 -> 4.99;
    # 7.41 / 1.4 = 5.2929 -> 5.29; debits 45.98 against 45.99: the largest refund line takes the cent
    assert (credit_note.number, credit_note.amount_total) == ("INV/2026/00002", D("64.38"))
    assert _rows(credit_note) == [
        ("1100", D("0.00"), D("45.99"), D("-64.38")),
        ("2200", D("5.29"), D("0.00"), D("7.41")),
        ("4900", D("4.99"), D("0.00"), D("6.99")),
        ("4900", D("35.71"), D("0.00"), D("49.98")),
    ]
    # and nothing is due any more: 47.16 - 45.99 = 1.17 USD lost on the CAD, booked and reconciled
    company = cad_order.company
    chart = create_default_chart(company)
    receivable = chart[AccountRole.RECEIVABLE]
    assert account_balance(receivable) == D("0.00")
    assert not unreconciled_lines(receivable).exists()
    assert account_balance(chart[AccountRole.EXCHANGE_LOSS]) == D("1.17")
    assert account_balance(chart[AccountRole.EXCHANGE_GAIN]) == D("0.00")
    difference = JournalEntry.objects.get(number="MISC/2026/00001")
    assert (difference.date, difference.currency_id) == (JAN_20, "CAD")
    assert sorted(
        (line.account.code, line.debit, line.credit, line.amount_currency) for line in difference.lines.all()
    ) == [("1100", D("0.00"), D("1.17"), D("0.00")), ("6800", D("1.17"), D("0.00"), D("0.00"))]
    lines = JournalLine.objects.filter(account=receivable)
    assert len({line.reconciliation_id for line in lines}) == 1


def test_a_yen_company_books_a_usd_invoice_in_whole_yen(db: None) -> None:
    # given a JPY company (1 JPY = 0.00665 USD) invoicing 10.00 + 3.99 shipping USD, no tax
    company = create_company("Sakura KK", Currency.objects.get(code="JPY"), "JP")
    set_rate(company, "USD", datetime.date(2026, 1, 1), D("0.00665"))
    buyer = find_or_create_partner(company, PartnerData(is_anonymous=True, city="Seattle", country_code="US"))
    order = create_sales_order(
        company,
        buyer,
        Currency.objects.get(code="USD"),
        [
            OrderLineData(quantity=D(1), unit_price=D("10.00"), description="Knife"),
            OrderLineData(
                line_kind=LineKind.SHIPPING, quantity=D(1), unit_price=D("3.99"), description="Ship"
            ),
        ],
        client_order_ref="113-1",
        confirm=True,
    )
    # when
    invoice = create_invoice_from_order(order, date=JAN_10, post=True)
    # then 13.99 / 0.00665 = 2103.76 -> 2104 yen; 10.00 / 0.00665 = 1503.76 -> 1504; 3.99 / 0.00665 = 600
    assert invoice.amount_total == D("13.99")
    assert _rows(invoice) == [
        ("1100", D("2104"), D("0"), D("13.99")),
        ("4000", D("0"), D("600"), D("-3.99")),
        ("4000", D("0"), D("1504"), D("-10.00")),
    ]


def test_an_mxn_invoice_without_any_mxn_rate_is_refused_and_nothing_is_written(
    us_company: Company, buyer: Partner, cad_order: SalesOrder
) -> None:
    # given a draft invoice in MXN, a currency the company has no rate for
    order = create_sales_order(
        us_company,
        buyer,
        Currency.objects.get(code="MXN"),
        [OrderLineData(quantity=D(1), unit_price=D("199.00"), description="Lamp")],
        client_order_ref="701-9",
        confirm=True,
    )
    draft = create_invoice_from_order(order, date=JAN_10)
    # when it is posted
    with pytest.raises(MissingExchangeRate) as refused:
        post_invoice(draft)
    # then the error names the currency and the day; no entry, no number used
    assert "MXN" in str(refused.value) and "2026-01-10" in str(refused.value)
    draft.refresh_from_db()
    assert (draft.state, draft.number, draft.entry_id) == (InvoiceState.DRAFT, "", None)
    assert not JournalEntry.objects.exists()
    assert create_invoice_from_order(cad_order, date=JAN_10, post=True).number == "INV/2026/00001"


def test_an_entry_in_a_foreign_currency_must_balance_in_that_currency_too(us_company: Company) -> None:
    # given lines balanced in USD whose CAD amounts leave 0.01 CAD, and lines without CAD amounts
    chart = create_default_chart(us_company)
    journal = create_default_journals(us_company)[JournalKind.GENERAL]
    cad = Currency.objects.get(code="CAD")
    receivable, revenue = chart[AccountRole.RECEIVABLE], chart[AccountRole.REVENUE]
    unbalanced = [
        LineData(receivable, debit=D("10.00"), amount_currency=D("13.65")),
        LineData(revenue, credit=D("10.00"), amount_currency=D("-13.64")),
    ]
    missing = [LineData(receivable, debit=D("10.00")), LineData(revenue, credit=D("10.00"))]
    # when / then: refused, nothing left behind
    with pytest.raises(InvalidEntry, match="not balanced in CAD"):
        record_entry(journal, JAN_10, unbalanced, currency=cad)
    with pytest.raises(InvalidEntry, match="CAD"):
        record_entry(journal, JAN_10, missing, currency=cad)
    assert not JournalEntry.objects.exists()


def test_the_migration_gives_existing_charts_the_exchange_accounts_without_touching_the_users_codes(
    us_company: Company,
) -> None:
    # given a chart made before exchange differences existed, where the user already uses code 4800
    chart = create_default_chart(us_company)
    chart[AccountRole.EXCHANGE_GAIN].delete()
    chart[AccountRole.EXCHANGE_LOSS].delete()
    Account.objects.create(company=us_company, code="4800", name="Other income", kind=AccountKind.INCOME)
    migration = importlib.import_module("sellersync.accounting.migrations.0004_exchange_difference_accounts")
    # when
    migration.add_exchange_accounts(django_apps, None)
    migration.add_exchange_accounts(django_apps, None)  # twice: idempotent
    # then
    gain = Account.objects.get(company=us_company, role=AccountRole.EXCHANGE_GAIN)
    loss = Account.objects.get(company=us_company, role=AccountRole.EXCHANGE_LOSS)
    assert (gain.code, gain.kind, loss.code, loss.kind) == ("4801", "income", "6800", "expense")
    assert Account.objects.get(company=us_company, code="4800").role == ""


def test_a_batch_payment_of_cad_invoices_keeps_their_cad_amounts(cad_order: SalesOrder) -> None:
    # given the CAD invoice of Jan 10 (47.16 USD for 64.38 CAD)
    invoice = create_invoice_from_order(cad_order, date=JAN_10, post=True)
    # when it is paid by hand in a batch payment on Jan 20
    payment = register_batch_payment([invoice], JAN_20)
    # then at its booked amount, CAD amounts carried (the difference waits for Amazon's settlement)
    assert payment.currency_id == "CAD"
    assert sorted(
        (line.account.code, line.debit, line.credit, line.amount_currency) for line in payment.lines.all()
    ) == [("1100", D("0.00"), D("47.16"), D("-64.38")), ("1250", D("47.16"), D("0.00"), D("64.38"))]
    assert account_balance(create_default_chart(cad_order.company)[AccountRole.RECEIVABLE]) == D("0.00")
