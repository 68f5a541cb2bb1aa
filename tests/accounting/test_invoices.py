"""Invoices and credit notes from sales orders: totals to the cent as the marketplace computed them, the
journal entry (tax payable or collected by the marketplace), gapless numbers, batch invoicing, refunds."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellersync.accounting.choices import AccountRole, InvoiceKind, InvoiceState
from sellersync.accounting.errors import InvalidEntry, MissingExchangeRate
from sellersync.accounting.invoicing import (
    AlreadyInvoiced,
    BuyerTaxFacts,
    CreditLine,
    InvalidCreditNote,
    NotInvoiceable,
    create_credit_note,
    create_invoice_from_order,
    create_invoices,
    post_invoice,
    receivable_line,
)
from sellersync.accounting.models import Account, Invoice, JournalEntry
from sellersync.accounting.rates import set_rate
from sellersync.accounting.selectors import account_balance, trial_balance
from sellersync.accounting.services import create_default_chart
from sellersync.core.models import Company, Currency, Partner, Product, Tax
from sellersync.core.services import PartnerData, create_company, find_or_create_partner
from sellersync.sales.choices import LineKind
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import OrderLineData, cancel_order, create_sales_order

pytestmark = pytest.mark.django_db

JAN_10 = datetime.date(2026, 1, 10)
D = Decimal


def _account(company: Company, role: AccountRole) -> Account:
    return create_default_chart(company)[role]


def _balance(company: Company, role: AccountRole) -> Decimal:
    return account_balance(_account(company, role))


def _entry_rows(invoice: Invoice) -> list[tuple[str, Decimal, Decimal]]:
    assert invoice.entry is not None
    return sorted((line.account.code, line.debit, line.credit) for line in invoice.entry.lines.all())


def _order(
    company: Company,
    partner: Partner,
    currency: str,
    lines: list[OrderLineData],
    ref: str = "111-0000001-0000001",
) -> SalesOrder:
    return create_sales_order(
        company, partner, Currency.objects.get(code=currency), lines, client_order_ref=ref, confirm=True
    )


@pytest.fixture
def eu_order(
    company: Company, customer: Partner, mug: Product, shipping_product: Product, vat_included: Tax
) -> SalesOrder:
    """Amazon.fr: 3 mugs at 9.90 VAT included (Amazon's VAT 4.95), shipping 4.90 (VAT 0.82),
    promotion -2.00 (VAT -0.33)."""
    lines = [
        OrderLineData(
            product=mug, quantity=D(3), unit_price=D("9.90"), tax=vat_included, tax_amount=D("4.95")
        ),
        OrderLineData(
            product=shipping_product,
            line_kind=LineKind.SHIPPING,
            quantity=D(1),
            unit_price=D("4.90"),
            tax=vat_included,
            tax_amount=D("0.82"),
        ),
        OrderLineData(
            line_kind=LineKind.PROMOTION,
            description="Promotion",
            quantity=D(1),
            unit_price=D("-2.00"),
            tax=vat_included,
            tax_amount=D("-0.33"),
        ),
    ]
    return _order(company, customer, "EUR", lines, ref="402-1111111-1111111")


@pytest.fixture
def us_company(db: None) -> Company:
    return create_company("Northwind Inc", Currency.objects.get(code="USD"), "us")


@pytest.fixture
def us_order(us_company: Company) -> SalesOrder:
    """Amazon.com: 2 x 19.99 + 5.00 shipping; sales tax 3.30 + 0.41 collected by Amazon (facilitator)."""
    buyer = find_or_create_partner(
        us_company, PartnerData(is_anonymous=True, city="Austin", country_code="US")
    )
    facilitator = Tax.objects.create(
        company=us_company, name="US sales tax (Amazon)", rate=D("8.25"), collected_by_marketplace=True
    )
    lines = [
        OrderLineData(
            quantity=D(2), unit_price=D("19.99"), description="Tent", tax=facilitator, tax_amount=D("3.30")
        ),
        OrderLineData(
            line_kind=LineKind.SHIPPING,
            description="Shipping",
            quantity=D(1),
            unit_price=D("5.00"),
            tax=facilitator,
            tax_amount=D("0.41"),
        ),
    ]
    return _order(us_company, buyer, "USD", lines, ref="112-2222222-2222222")


@pytest.fixture
def jp_order(db: None) -> SalesOrder:
    """Amazon.co.jp: 2 x 1,500 yen consumption tax included (Amazon's tax 273)."""
    company = create_company("Sakura KK", Currency.objects.get(code="JPY"), "jp")
    buyer = find_or_create_partner(company, PartnerData(is_anonymous=True, city="Tokyo", country_code="JP"))
    tax = Tax.objects.create(company=company, name="JCT 10%", rate=D("10"), price_include=True)
    lines = [
        OrderLineData(quantity=D(2), unit_price=D(1500), description="Knife", tax=tax, tax_amount=D(273))
    ]
    return _order(company, buyer, "JPY", lines, ref="503-3333333-3333333")


# --- totals and the journal entry ------------------------------------------------------------------------


def test_eu_vat_inclusive_invoice_equals_the_order_and_books_vat_as_tax_payable(eu_order: SalesOrder) -> None:
    # when
    invoice = create_invoice_from_order(eu_order, date=JAN_10, post=True)
    # then: 29.70 + 4.90 - 2.00 = 32.60, as Amazon's OrderTotal
    amounts = (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total, invoice.amount_receivable)
    assert amounts == (D("27.16"), D("5.44"), D("32.60"), D("32.60"))
    assert invoice.amount_total == eu_order.amount_total
    assert invoice.amount_tax_marketplace == D("0.00")
    assert (invoice.state, invoice.number, invoice.origin) == (
        InvoiceState.POSTED,
        "INV/2026/00001",
        "402-1111111-1111111",
    )
    assert _entry_rows(invoice) == [
        ("1100", D("32.60"), D("0")),
        ("2200", D("0"), D("5.44")),
        ("4000", D("0"), D("4.08")),
        ("4000", D("0"), D("24.75")),
        ("4000", D("1.67"), D("0")),
    ]
    line = receivable_line(invoice)
    assert line is not None and line.matching_key == "402-1111111-1111111"
    assert line.partner_id == eu_order.partner_id


def test_us_marketplace_facilitator_tax_is_shown_collected_by_amazon_and_left_out_of_the_receivable(
    us_order: SalesOrder,
) -> None:
    # when
    invoice = create_invoice_from_order(us_order, date=JAN_10, post=True)
    # then: the buyer paid Amazon 48.69; Amazon remits the 3.71 of tax; the seller is owed 44.98
    assert (invoice.amount_total, invoice.amount_tax, invoice.amount_tax_marketplace) == (
        D("48.69"),
        D("3.71"),
        D("3.71"),
    )
    assert invoice.amount_total == us_order.amount_total
    assert invoice.amount_receivable == D("44.98")
    assert _entry_rows(invoice) == [
        ("1100", D("44.98"), D("0")),
        ("2210", D("0"), D("3.71")),
        ("2210", D("3.71"), D("0")),
        ("4000", D("0"), D("5.00")),
        ("4000", D("0"), D("39.98")),
    ]
    company = us_order.company
    assert _balance(company, AccountRole.RECEIVABLE) == D("44.98")
    assert _balance(company, AccountRole.TAX_MARKETPLACE) == D("0.00")
    assert _balance(company, AccountRole.TAX_PAYABLE) == D("0.00")
    assert _balance(company, AccountRole.REVENUE) == D("-44.98")


def test_jpy_invoice_has_whole_yen(jp_order: SalesOrder) -> None:
    # when
    invoice = create_invoice_from_order(jp_order, date=JAN_10, post=True)
    # then
    assert (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total) == (D(2727), D(273), D(3000))
    assert invoice.amount_total == jp_order.amount_total
    assert _entry_rows(invoice) == [("1100", D(3000), D(0)), ("2200", D(0), D(273)), ("4000", D(0), D(2727))]


def test_foreign_currency_invoice_without_a_rate_is_refused_naming_currency_and_date_and_uses_no_number(
    company: Company, customer: Partner, eu_order: SalesOrder
) -> None:
    # given an order in GBP for a company keeping its books in EUR, invoiced as a draft; the only GBP rate
    # is dated after the invoice
    gbp = _order(company, customer, "GBP", [OrderLineData(quantity=D(1), unit_price=D("10.00"))], ref="202-1")
    draft = create_invoice_from_order(gbp, date=JAN_10)
    set_rate(company, "GBP", datetime.date(2026, 1, 11), D("0.8500"))
    # when
    with pytest.raises(MissingExchangeRate) as refused:
        post_invoice(draft)
    posted = create_invoice_from_order(eu_order, date=JAN_10, post=True)
    # then: the error names the currency and the day; nothing was written, no number was used
    assert "GBP" in str(refused.value) and "2026-01-10" in str(refused.value)
    assert isinstance(refused.value, InvalidEntry)
    draft.refresh_from_db()
    assert (draft.state, draft.number, draft.entry_id) == (InvoiceState.DRAFT, "", None)
    assert JournalEntry.objects.count() == 1
    assert posted.number == "INV/2026/00001"


# --- numbering and batches ----------------------------------------------------------------------------------


def _simple_orders(company: Company, customer: Partner, count: int) -> list[SalesOrder]:
    return [
        _order(
            company, customer, "EUR", [OrderLineData(quantity=D(1), unit_price=D("10.00"))], ref=f"ref-{n}"
        )
        for n in range(count)
    ]


def test_numbers_are_gapless_in_posting_order_not_creation_order(company: Company, customer: Partner) -> None:
    # given three drafts
    first, second, third = create_invoices(_simple_orders(company, customer, 3), date=JAN_10)
    # when posted in another order
    for invoice in (third, first, second):
        post_invoice(invoice)
    # then
    numbers = [Invoice.objects.get(pk=invoice.pk).number for invoice in (third, first, second)]
    assert numbers == ["INV/2026/00001", "INV/2026/00002", "INV/2026/00003"]


def test_batch_skips_invoiced_quotations_and_canceled_orders(company: Company, customer: Partner) -> None:
    # given two orders invoiced, a third new one, a canceled one and a quotation
    orders = _simple_orders(company, customer, 4)
    create_invoices(orders[:2], post=True, date=JAN_10)
    cancel_order(orders[3], "test")
    quotation = create_sales_order(
        company, customer, Currency.objects.get(code="EUR"), [OrderLineData(quantity=D(1), unit_price=D(1))]
    )
    # when the whole list is invoiced again
    created = create_invoices([*orders, quotation], post=True, date=JAN_10)
    # then only the new order is
    assert [invoice.sales_order_id for invoice in created] == [orders[2].pk]
    assert Invoice.objects.filter(kind=InvoiceKind.INVOICE).count() == 3
    assert created[0].number == "INV/2026/00003"
    with pytest.raises(AlreadyInvoiced):
        create_invoice_from_order(orders[0])
    with pytest.raises(NotInvoiceable):
        create_invoice_from_order(quotation)


# --- credit notes -------------------------------------------------------------------------------------------


def test_full_credit_note_reverses_the_invoice_and_reconciles_the_receivable(eu_order: SalesOrder) -> None:
    # given
    invoice = create_invoice_from_order(eu_order, date=JAN_10, post=True)
    # when
    credit_note = create_credit_note(invoice, reason="Returned", transaction_id="amzn-refund-1", post=True)
    # then
    company = eu_order.company
    assert (credit_note.kind, credit_note.number, credit_note.amount_total) == (
        InvoiceKind.CREDIT_NOTE,
        "INV/2026/00002",
        D("32.60"),
    )
    assert credit_note.credited_invoice_id == invoice.pk
    assert _balance(company, AccountRole.RECEIVABLE) == D("0.00")
    assert _balance(company, AccountRole.TAX_PAYABLE) == D("0.00")
    assert _balance(company, AccountRole.REFUNDS) == D("27.16")
    assert _balance(company, AccountRole.REVENUE) == D("-27.16")
    invoice_line, credit_line = receivable_line(invoice), receivable_line(credit_note)
    assert invoice_line is not None and credit_line is not None
    assert invoice_line.reconciliation_id is not None
    assert invoice_line.reconciliation_id == credit_line.reconciliation_id


def test_partial_credit_note_prorates_one_mug_and_refuses_refunding_more_than_invoiced(
    eu_order: SalesOrder,
) -> None:
    # given
    invoice = create_invoice_from_order(eu_order, date=JAN_10, post=True)
    mugs = invoice.lines.get(quantity=D(3))
    # when one mug of three is refunded: 24.75 / 3 = 8.25, VAT 4.95 / 3 = 1.65
    credit_note = create_credit_note(invoice, [CreditLine(mugs, quantity=D(1))], "Broken", post=True)
    # then
    assert (credit_note.amount_untaxed, credit_note.amount_tax, credit_note.amount_total) == (
        D("8.25"),
        D("1.65"),
        D("9.90"),
    )
    assert _balance(eu_order.company, AccountRole.RECEIVABLE) == D("22.70")
    with pytest.raises(InvalidCreditNote):
        create_credit_note(invoice, [CreditLine(mugs, quantity=D(3))], "Too much")
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_draft_invoice_cannot_be_refunded(eu_order: SalesOrder) -> None:
    # given
    draft = create_invoice_from_order(eu_order)
    # when / then
    with pytest.raises(InvalidCreditNote):
        create_credit_note(draft)


# --- B2B VAT numbers --------------------------------------------------------------------------------------


def test_business_order_without_vat_number_is_flagged(company: Company, customer: Partner) -> None:
    # given
    (order,) = _simple_orders(company, customer, 1)
    # when
    invoice = create_invoice_from_order(order, buyer=BuyerTaxFacts(is_business=True, vat_number=""))
    # then
    assert (invoice.is_business, invoice.buyer_vat_number, invoice.vat_number_missing) == (True, "", True)


def test_vat_number_of_a_business_customer_is_carried_to_the_invoice(company: Company) -> None:
    # given a company customer with its VAT number, and a consumer
    business = find_or_create_partner(
        company, PartnerData(name="Acme GmbH", is_company=True, vat_number="DE123456789", city="Berlin")
    )
    consumer = find_or_create_partner(company, PartnerData(name="Ann", city="Lyon"))
    (business_order,) = _simple_orders(company, business, 1)
    consumer_order = _order(
        company, consumer, "EUR", [OrderLineData(quantity=D(1), unit_price=D(5))], ref="c"
    )
    # when
    business_invoice, consumer_invoice = create_invoices([business_order, consumer_order])
    # then
    assert (business_invoice.is_business, business_invoice.buyer_vat_number) == (True, "DE123456789")
    assert business_invoice.vat_number_missing is False
    assert (consumer_invoice.is_business, consumer_invoice.vat_number_missing) == (False, False)


# --- the ledger stays balanced ------------------------------------------------------------------------------

_amounts = st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.tuples(
            st.integers(1, 5), _amounts, st.decimals(min_value=D(0), max_value=D(80), places=2), st.booleans()
        ),
        min_size=1,
        max_size=4,
    ),
    refund=st.booleans(),
)
def test_invoices_and_credit_notes_always_leave_the_ledger_balanced(
    company: Company, customer: Partner, lines: list[tuple[int, Decimal, Decimal, bool]], refund: bool
) -> None:
    # given an order with taxes the seller remits and taxes the marketplace collects
    remitted = Tax.objects.get_or_create(company=company, name="VAT", defaults={"rate": D(20)})[0]
    facilitated = Tax.objects.get_or_create(
        company=company, name="Facilitator", defaults={"rate": D(8), "collected_by_marketplace": True}
    )[0]
    order_lines = [
        OrderLineData(
            quantity=D(quantity), unit_price=price, tax=facilitated if by_amazon else remitted, tax_amount=tax
        )
        for quantity, price, tax, by_amazon in lines
    ]
    order = _order(company, customer, "EUR", order_lines, ref=f"p-{SalesOrder.objects.count()}")
    receivable = _account(company, AccountRole.RECEIVABLE)
    before = account_balance(receivable)  # examples share the test's database
    # when
    invoice = create_invoice_from_order(order, post=True)
    if refund:
        create_credit_note(invoice, post=True)
    # then: the seller is owed the prices and the tax it remits itself, not the tax Amazon collects
    books = trial_balance(company)
    assert books.total_debit == books.total_credit
    expected_total = sum((quantity * price + tax for quantity, price, tax, _by in lines), D(0))
    owed = sum(
        (quantity * price + (D(0) if by_amazon else tax) for quantity, price, tax, by_amazon in lines), D(0)
    )
    assert invoice.amount_total == order.amount_total == expected_total
    assert account_balance(receivable) - before == (D(0) if refund else owed)
