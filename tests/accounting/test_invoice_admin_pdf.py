"""Invoice screens and PDFs: the list loads with its filters, the detail page shows the lines, the
Download PDF action returns a PDF named after the number, a non-Latin description renders."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.accounting.models import Invoice
from sellersync.accounting.pdf import render_invoice_pdf
from sellersync.core.models import Company, Partner
from tests.accounting.fixtures import euro_invoice

pytestmark = pytest.mark.django_db


def _posted_invoice(company: Company, customer: Partner, description: str = "Mug") -> Invoice:
    return euro_invoice(company, customer, "402-7", description=description)


def test_invoice_list_and_detail_load(admin_client: Client, company: Company, customer: Partner) -> None:
    # given
    invoice = _posted_invoice(company, customer)
    # when
    listing = admin_client.get(reverse("admin:accounting_invoice_changelist"), {"q": "402"})
    detail = admin_client.get(reverse("admin:accounting_invoice_change", args=[invoice.pk]))
    # then
    assert listing.status_code == 200 and b"INV/2026/00001" in listing.content
    assert b'id="changelist-filter"' in listing.content
    assert detail.status_code == 200 and b"19.80" in detail.content


def test_download_pdf_action_returns_the_pdf(
    admin_client: Client, company: Company, customer: Partner
) -> None:
    # given
    invoice = _posted_invoice(company, customer)
    # when
    response = admin_client.post(
        reverse("admin:accounting_invoice_changelist"),
        {"action": "download_pdf", "_selected_action": [invoice.pk]},
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="INV-2026-00001.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_pdf_renders_text_outside_latin_1(company: Company, customer: Partner) -> None:
    # given
    invoice = _posted_invoice(company, customer, description="包丁 Küchenmesser")
    # when
    content = render_invoice_pdf(invoice)
    # then
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
