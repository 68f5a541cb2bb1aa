"""The migration that renames the blended taxes of earlier versions: real taxes, no amount changed."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.apps import apps

from sellersync.accounting.invoicing import create_invoice_from_order
from sellersync.accounting.models import JournalLine
from sellersync.accounting.vat_report import vat_report
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.tax_renaming import rename_blended_taxes
from sellersync.core.models import Company, Currency, Tax
from sellersync.core.services import PartnerData, find_or_create_partner
from sellersync.sales.choices import LineKind
from sellersync.sales.models import SalesOrderLine
from sellersync.sales.services import OrderLineData, create_sales_order

DE = "A1PA6795UKMFR9"


def _blended(company: Company, rate: str) -> Tax:
    return Tax.objects.create(company=company, name=f"Amazon {rate}% incl.", rate=D(rate), price_include=True)


def test_blended_taxes_become_real_ones_and_posted_amounts_stay(company: Company) -> None:
    # given an order booked by an earlier version: a 7 % book, a 19 % lamp, and their two shipping charges
    # merged on one line at a blended 2.33 / 15.15 = 15.4 %, invoiced and posted
    customer = find_or_create_partner(company, PartnerData(name="Amazon Customer", country_code="DE"))
    lines = [
        OrderLineData(
            D(2), D("19.99"), description="Cookbook", tax=_blended(company, "7.0"), tax_amount=D("2.62")
        ),
        OrderLineData(
            D(1), D("109.99"), description="Desk lamp", tax=_blended(company, "19.0"), tax_amount=D("17.56")
        ),
        OrderLineData(
            D(1),
            D("17.48"),
            description="Shipping",
            line_kind=LineKind.SHIPPING,
            tax=_blended(company, "15.4"),
            tax_amount=D("2.33"),
        ),
    ]
    eur = Currency.objects.get(code="EUR")
    order = create_sales_order(company, customer, eur, lines, client_order_ref="302-1", confirm=True)
    account = AmazonAccount.objects.create(name="Amazon.de", company=company, seller_id="OLD")
    AmazonOrder.objects.create(account=account, amazon_id="302-1", sales_order=order, marketplace_id=DE)
    invoice = create_invoice_from_order(order, date=datetime.date(2026, 3, 1), post=True)
    amounts_before = sorted(JournalLine.objects.values_list("account__code", "debit", "credit"))

    # when
    changed = rename_blended_taxes(apps)

    # then: each line has its real tax, the merged shipping one is to review, and nothing else moved
    assert changed == 3
    names = dict(SalesOrderLine.objects.values_list("description", "tax__name"))
    assert names == {
        "Cookbook": "DE VAT 7 % incl.",
        "Desk lamp": "DE VAT 19 % incl.",
        "Shipping": "DE VAT, rate to review incl.",
    }
    assert set(invoice.lines.values_list("tax__name", flat=True)) == set(names.values())
    assert not Tax.objects.filter(name__startswith="Amazon ").exists()
    assert sorted(JournalLine.objects.values_list("account__code", "debit", "credit")) == amounts_before
    binding = AmazonOrder.objects.get(amazon_id="302-1")
    assert (
        binding.needs_review
        and "Shipping: tax 2.33 on 15.15 matches no official rate" in binding.review_reason
    )
    # and the posted tax lines now feed the VAT report: 39.98 - 2.62 = 37.36; 109.99 - 17.56 = 92.43
    rows = vat_report(company, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert [(row.tax_name, row.base, row.tax) for row in rows] == [
        ("DE VAT, rate to review incl.", D("15.15"), D("2.33")),
        ("DE VAT 7 % incl.", D("37.36"), D("2.62")),
        ("DE VAT 19 % incl.", D("92.43"), D("17.56")),
    ]
