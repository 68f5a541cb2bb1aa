"""The VAT report: per side, country and rate, equal to the ledger; facilitator tax kept apart."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from sellersync.accounting.choices import AccountRole, EntryState, InvoiceKind, InvoiceState
from sellersync.accounting.invoicing import create_credit_note, create_invoice_from_order
from sellersync.accounting.models import ExchangeRate, Invoice, InvoiceLine, JournalLine
from sellersync.accounting.vat_report import VatRow, VatScheme, VatSide, totals_by_side, vat_report
from sellersync.amazon.mappers import orders_v0
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.apply import apply_order
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Company, CompanyMembership, Currency
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder
from sellersync.stock.services import setup_company_stock
from tests.amazon.fixtures import Sandbox, make_account
from tests.amazon.test_mappers_v0 import us_facilitator_order
from tests.amazon.test_tax_rates import de_order_v0

MARCH_15 = datetime.date(2026, 3, 15)


def _rate(company: Company, currency: str, rate: str) -> None:
    ExchangeRate.objects.create(
        company=company,
        currency=Currency.objects.get(code=currency),
        date=datetime.date(2000, 1, 1),
        rate=D(rate),
    )


def _invoice(account: AmazonAccount, data: orders_v0.OrderData, date: datetime.date) -> Invoice:
    result = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert result.binding is not None and result.binding.sales_order is not None
    return create_invoice_from_order(result.binding.sales_order, date=date, post=True)


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Taxes", company=company, seller_id="TAXES")


def test_report_rows_are_the_hand_computed_bases_and_taxes_and_us_tax_is_collected_by_amazon(
    company: Company, account: AmazonAccount
) -> None:
    # given: a French company's DE order (OSS: taxed in Germany) and a US facilitator order at 2 USD per EUR
    _rate(company, "USD", "2")
    _invoice(account, de_order_v0(), MARCH_15)
    us_order, us_items = us_facilitator_order()
    _invoice(account, orders_v0.map_order(us_order, us_items), MARCH_15)

    # when
    rows = vat_report(company, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))

    # then: DE 7 %: base 37.36 + 4.57, tax 2.62 + 0.32; DE 19 %: base 92.43 + 10.58, tax 17.56 + 2.01;
    # US: base (29.97 + 4.99) / 2 = 17.48, tax 2.88 / 2 = 1.44, collected by Amazon
    assert rows == [
        VatRow(VatSide.OWED, VatScheme.OSS, "DE", D(7), "DE VAT 7 % incl.", D("41.93"), D("2.94")),
        VatRow(VatSide.OWED, VatScheme.OSS, "DE", D(19), "DE VAT 19 % incl.", D("103.01"), D("19.57")),
        VatRow(
            VatSide.COLLECTED,
            VatScheme.FOREIGN,
            "US",
            None,
            "US sales tax (collected by Amazon)",
            D("17.48"),
            D("1.44"),
        ),
    ]
    totals = totals_by_side(rows)
    assert totals[VatSide.OWED] == (D("144.94"), D("22.51"))  # nothing of the US order in what is owed


def test_a_credit_note_takes_its_tax_off_the_period_it_is_dated_in(
    company: Company, account: AmazonAccount
) -> None:
    # given: the DE order invoiced in March, wholly refunded in April
    invoice = _invoice(account, de_order_v0(), MARCH_15)
    create_credit_note(invoice, date=datetime.date(2026, 4, 2), post=True)

    # when
    april = vat_report(company, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))

    # then
    assert [(row.rate, row.base, row.tax) for row in april] == [
        (D(7), D("-41.93"), D("-2.94")),
        (D(19), D("-103.01"), D("-19.57")),
    ]


def _ledger_tax(company: Company, role: AccountRole, start: datetime.date, end: datetime.date) -> D:
    """credit - debit of every posted line on the account of `role` in the period, tagged or not."""
    sums = JournalLine.objects.filter(
        account__company=company,
        account__role=role,
        entry__state=EntryState.POSTED,
        entry__date__range=(start, end),
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["credit"] or D(0)) - (sums["debit"] or D(0))


def _document_sums(company: Company, field: str) -> D:
    """Σ of an invoice amount: posted invoices minus posted credit notes (no conversion at a rate of 1)."""
    total = D(0)
    for invoice in Invoice.objects.filter(company=company, state=InvoiceState.POSTED):
        sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
        total += sign * getattr(invoice, field)
    return total


@pytest.mark.django_db
def test_a_sandbox_month_report_equals_the_ledger_and_the_invoices(
    sandbox: Sandbox, company: Company
) -> None:
    # given: a month of the sandbox's NA and EU sellers synced into one company (rates of 1, so that the
    # documents' own amounts can be compared with the ledger), every order invoiced on its order date
    setup_company_stock(company)
    for currency in ("USD", "CAD", "MXN", "GBP"):
        _rate(company, currency, "1")
    for region in ("NA", "EU"):
        assert sync_orders(make_account(sandbox, company, region)).orders_failed == 0
    assert not AmazonOrder.objects.filter(needs_review=True).exists()  # every amount fits an official rate
    orders = SalesOrder.objects.filter(company=company).exclude(state=OrderState.CANCELED).order_by("pk")
    invoices = [create_invoice_from_order(order, date=order.order_date.date(), post=True) for order in orders]
    create_credit_note(invoices[0], date=invoices[0].date, post=True)
    start, end = min(i.date for i in invoices).replace(day=1), max(i.date for i in invoices)

    # when
    totals = totals_by_side(vat_report(company, start, end))

    # then: the report is the ledger's tax accounts, and the invoices' own taxes
    owed_base, owed_tax = totals[VatSide.OWED]
    collected_base, collected_tax = totals[VatSide.COLLECTED]
    assert owed_tax == _ledger_tax(company, AccountRole.TAX_PAYABLE, start, end)
    assert owed_tax + collected_tax == _document_sums(company, "amount_tax")
    assert collected_tax == _document_sums(company, "amount_tax_marketplace") > 0
    taxed = InvoiceLine.objects.filter(invoice__company=company, tax__isnull=False).select_related("invoice")
    assert owed_base + collected_base == sum(
        (-line.subtotal if line.invoice.kind == InvoiceKind.CREDIT_NOTE else line.subtotal for line in taxed),
        D(0),
    )
    assert len(invoices) > 40


def test_the_vat_page_needs_the_permission_and_exports_csv(company: Company, account: AmazonAccount) -> None:
    # given
    _invoice(account, de_order_v0(), MARCH_15)
    user = User.objects.create_user("bookkeeper", password="secret", is_staff=True)
    CompanyMembership.objects.create(user=user, company=company)
    client = Client()
    client.force_login(user)
    query = {"company": company.pk, "date_from": "2026-03-01", "date_to": "2026-03-31"}

    # when / then: refused without the permission
    assert client.get(reverse("dashboard:vat"), query).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_journalentry"))
    page = client.get(reverse("dashboard:vat"), query)
    assert page.status_code == 200
    assert "DE VAT 19 % incl." in page.content.decode()
    csv_text = client.get(reverse("dashboard:vat_csv"), query).content.decode()
    assert csv_text.splitlines()[1:] == [
        "Owed by the seller,OSS return (EU),DE,7,DE VAT 7 % incl.,41.93,2.94",
        "Owed by the seller,OSS return (EU),DE,19,DE VAT 19 % incl.,103.01,19.57",
    ]
