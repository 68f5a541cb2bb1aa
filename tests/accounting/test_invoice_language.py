"""An invoice's own language: chosen when it is made (the customer's, else the one the caller gives, else
English), copied to its credit notes, shown on its page, and changeable while it is a draft only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sellersync.accounting.choices import InvoiceState
from sellersync.accounting.invoicing import create_credit_note, post_invoice
from sellersync.accounting.languages import LanguageRefused, change_invoice_language
from sellersync.accounting.models import Invoice
from sellersync.accounting.pdf import render_invoice_pdf
from sellersync.core.models import Company, Partner
from tests.accounting.fixtures import euro_invoice
from tests.accounting.test_invoice_pdf_languages import pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "customer_language", "fallback", "expected"),
    [
        ("the customer's language wins", "zh-hans", "es", "zh-hans"),
        ("else the caller's (a marketplace's)", "", "es", "es"),
        ("else English", "", "", "en"),
    ],
)
def test_an_invoice_takes_its_language_when_it_is_made(
    company: Company, customer: Partner, _case: str, customer_language: str, fallback: str, expected: str
) -> None:
    customer.language = customer_language
    customer.save(update_fields=["language"])

    with translation.override("es" if expected != "es" else "zh-hans"):  # the user's language plays no part
        invoice = euro_invoice(company, customer, "402-L", language=fallback)

    assert invoice.language == expected


def test_a_credit_note_speaks_its_invoices_language_unless_the_customer_has_one(
    company: Company, customer: Partner
) -> None:
    # given a Spanish invoice of a customer without a language
    invoice = euro_invoice(company, customer, "402-CN1", language="es")
    # when it is refunded, then the customer is set to Chinese and it is refunded again
    first = create_credit_note(invoice, [], reason="Goodwill")
    customer.language = "zh-hans"
    customer.save(update_fields=["language"])
    second = create_credit_note(invoice, [], reason="Goodwill")
    # then
    assert (first.language, second.language) == ("es", "zh-hans")


def _change_form(invoice: Invoice, language: str) -> dict[str, object]:
    lines = list(invoice.lines.order_by("sequence", "pk"))
    data: dict[str, object] = {
        "language": language,
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": len(lines),
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 1000,
    }
    for index, line in enumerate(lines):
        data[f"lines-{index}-id"] = line.pk
        data[f"lines-{index}-invoice"] = invoice.pk
    return data


def test_a_drafts_language_is_chosen_on_its_page_and_prints_in_it(
    admin_client: Client, company: Company, customer: Partner, tmp_path: Path
) -> None:
    # given a draft invoice in English
    draft = euro_invoice(company, customer, "402-D", post=False)
    url = reverse("admin:accounting_invoice_change", args=[draft.pk])
    page = admin_client.get(url).content.decode()
    assert '<select name="language"' in page
    # when the bookkeeper chooses Spanish and saves
    response = admin_client.post(url, _change_form(draft, "es"))
    # then the draft is Spanish, and so is its PDF once posted
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert (draft.language, draft.state) == ("es", InvoiceState.DRAFT)
    post_invoice(draft)
    text = pdf_text(render_invoice_pdf(draft), tmp_path)
    assert "Factura INV/2026/00001" in text and "Pagado a través de Amazon." in text


def test_a_posted_invoice_shows_its_language_and_keeps_it(
    admin_client: Client, company: Company, customer: Partner
) -> None:
    # given a posted Spanish invoice
    invoice = euro_invoice(company, customer, "402-P", language="es")
    url = reverse("admin:accounting_invoice_change", args=[invoice.pk])

    # when its page is read, and someone tries to change the language (page, then service)
    page = admin_client.get(url).content.decode()
    admin_client.post(url, _change_form(invoice, "zh-hans"))
    with pytest.raises(LanguageRefused):
        change_invoice_language(invoice, "zh-hans")

    # then the page shows "Spanish" as text, not as a choice, and the invoice is still Spanish
    assert '<select name="language"' not in page
    assert '<div class="readonly">Spanish</div>' in page
    invoice.refresh_from_db()
    assert invoice.language == "es"


def test_a_language_sellersync_does_not_speak_is_refused(company: Company, customer: Partner) -> None:
    draft = euro_invoice(company, customer, "402-F", post=False)

    with pytest.raises(LanguageRefused, match="fr"):
        change_invoice_language(draft, "fr")

    draft.refresh_from_db()
    assert draft.language == "en"
