"""Invoice PDF: each line's rate, a VAT summary per rate, the seller's and the B2B buyer's VAT numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sellersync.accounting.invoicing import BuyerTaxFacts, create_invoice_from_order
from sellersync.accounting.models import Invoice
from sellersync.accounting.pdf import render_invoice_pdf
from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.sync.apply import apply_order
from sellersync.core.models import Company
from sellersync.stock.services import setup_company_stock
from tests.accounting.test_invoice_pdf_languages import pdf_text
from tests.amazon.test_tax_rates import de_order_v0


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    company.vat_number = "FR40303265045"
    company.save(update_fields=["vat_number"])
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Amazon.de", company=company, seller_id="PDF")


def _invoice(account: AmazonAccount, buyer_vat_number: str) -> Invoice:
    data = de_order_v0()
    result = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert result.binding is not None and result.binding.sales_order is not None
    buyer = BuyerTaxFacts(is_business=True, vat_number=buyer_vat_number)
    return create_invoice_from_order(result.binding.sales_order, buyer=buyer, post=True)


def _squeezed(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def test_the_pdf_shows_each_lines_rate_and_the_vat_summary_per_rate(
    account: AmazonAccount, tmp_path: Path
) -> None:
    # given: the DE order (book 7 %, lamp 19 %, each shipped) of a B2B buyer with a well-formed number
    invoice = _invoice(account, "DE136695976")

    # when
    text = _squeezed(pdf_text(render_invoice_pdf(invoice), tmp_path))

    # then: lines with their rate: untaxed, rate, tax, total
    assert "Cookbook 2 37.36 EUR DE 7 % 2.62 EUR 39.98 EUR" in text
    assert "Shipping (BOOK-1) 1 4.57 EUR DE 7 % 0.32 EUR 4.89 EUR" in text
    assert "Desk lamp 1 92.43 EUR DE 19 % 17.56 EUR 109.99 EUR" in text
    assert "Shipping (LAMP-1) 1 10.58 EUR DE 19 % 2.01 EUR 12.59 EUR" in text
    # the summary: 7 %: 37.36 + 4.57 = 41.93, 2.62 + 0.32 = 2.94; 19 %: 92.43 + 10.58, 17.56 + 2.01
    assert "DE VAT 7 % incl. 41.93 EUR 2.94 EUR" in text
    assert "DE VAT 19 % incl. 103.01 EUR 19.57 EUR" in text
    assert "VAT number: FR40303265045" in text
    assert "Buyer VAT number: DE136695976" in text
    assert invoice.buyer_vat_number_invalid is False


def test_a_malformed_buyer_vat_number_is_flagged_not_refused(account: AmazonAccount, tmp_path: Path) -> None:
    # given: a number whose check digit is wrong (DE136695976 is right)
    invoice = _invoice(account, "DE136695977")

    # then: invoiced and posted, the number kept as Amazon gave it, and flagged
    assert invoice.number and invoice.buyer_vat_number == "DE136695977"
    assert invoice.buyer_vat_number_invalid is True
    assert "Buyer VAT number: DE136695977" in pdf_text(render_invoice_pdf(invoice), tmp_path)
