"""Invoices of Amazon orders in their own language, against the sandbox over HTTP: an amazon.es order's
invoice is Spanish (the PDF the worker uploads, read back from Amazon's feed document, says "Factura"),
a customer set to Chinese gets a Chinese one, a US order's is English, whoever makes or prints them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sellersync.accounting.models import Invoice
from sellersync.amazon import services, tasks_books
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from sellersync.core.models import Currency
from sellersync.core.pdf import cjk_font
from sellersync.core.services import create_company
from sellersync.spapi.marketplaces import DOCUMENT_LANGUAGES, Marketplace
from tests.accounting.test_invoice_pdf_languages import pdf_text, require
from tests.amazon.fixtures import Sandbox, make_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after() -> Iterator[None]:
    """The test client's requests activate the browser's language in this thread: later tests get English."""
    yield
    translation.deactivate()


SPAIN = Marketplace.ES.marketplace_id
UNITED_STATES = Marketplace.US.marketplace_id


def _order(sandbox: Sandbox, account: AmazonAccount, marketplace_id: str) -> AmazonOrder:
    (amazon_id,) = sandbox.create_orders(
        account.seller_id, 1, marketplace_id=marketplace_id, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(6 * 3600)  # FBA ships within 5 hours
    binding = services.recover_order(account, amazon_id)
    assert binding.sales_order is not None
    return binding


def _bookkeeper(browser_language: str) -> Client:
    """A logged-in superuser whose browser asks for `browser_language`."""
    user = get_user_model().objects.create_superuser("bookkeeper", "bookkeeper@example.com", "a-password")
    client = Client(headers={"accept-language": browser_language})
    client.force_login(user)
    return client


def _invoice_with_the_action(client: Client, binding: AmazonOrder) -> Invoice:
    """The bookkeeper's "Create invoices" on the sales order list."""
    assert binding.sales_order is not None
    response = client.post(
        reverse("admin:sales_salesorder_changelist"),
        {"action": "create_invoices_selected", "_selected_action": [binding.sales_order.pk]},
    )
    assert response.status_code == 302
    return Invoice.objects.get(sales_order=binding.sales_order)


def _uploaded_pdf(sandbox: Sandbox, account: AmazonAccount) -> bytes:
    """The worker's two passes (send, read the outcome), then the document Amazon holds, read back."""
    sandbox.stop_clock()  # Amazon processes the feed only when the test moves the clock
    tasks_books.upload_pending_invoices.call_local()
    sandbox.advance(180)
    tasks_books.upload_pending_invoices.call_local()
    message = OutboundMessage.objects.get(kind=OutboundKind.INVOICE)
    assert (message.state, message.amazon_error) == (OutboundState.SYNCED, "")
    (feed,) = [feed for feed in sandbox.feeds(account.seller_id) if feed["feedId"] == message.feed_id]
    with services.client_for_account(account) as client:
        return client.feeds.feed_document_content(feed["inputFeedDocumentId"])


def test_an_amazon_es_invoice_is_uploaded_in_spanish_by_the_worker(
    sandbox: Sandbox, eu_account: AmazonAccount, tmp_path: Path
) -> None:
    # given an amazon.es order, invoiced by a bookkeeper who reads the back office in Chinese
    binding = _order(sandbox, eu_account, SPAIN)
    invoice = _invoice_with_the_action(_bookkeeper("zh-hans"), binding)

    # when the worker uploads it
    text = pdf_text(_uploaded_pdf(sandbox, eu_account), tmp_path)

    # then the invoice is Spanish, and so is the PDF Amazon got
    assert invoice.language == "es"
    assert f"Factura {invoice.number}" in text
    assert "Pagado a través de Amazon." in text
    assert "Invoice" not in text and "发票" not in text


def test_a_customer_set_to_chinese_gets_a_chinese_invoice_on_amazon_es(
    sandbox: Sandbox, eu_account: AmazonAccount, tmp_path: Path
) -> None:
    require(cjk_font() is not None, "a CJK font (apt-get install fonts-noto-cjk)")
    # given an amazon.es order whose customer reads Chinese
    binding = _order(sandbox, eu_account, SPAIN)
    assert binding.sales_order is not None
    customer = binding.sales_order.partner
    customer.language = "zh-hans"
    customer.save(update_fields=["language"])

    # when it is invoiced (in an English session) and uploaded by a worker whose language is Spanish
    with translation.override("en"):
        (invoice,) = create_amazon_invoices([binding.sales_order])
    with translation.override("es"):
        text = pdf_text(_uploaded_pdf(sandbox, eu_account), tmp_path)

    # then
    assert invoice.language == "zh-hans"
    assert f"发票 {invoice.number}" in text
    assert "已通过亚马逊支付。" in text


def test_a_us_order_is_invoiced_in_english_even_for_a_spanish_reader(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # given a US seller and an Amazon.com order, invoiced by a bookkeeper who reads Spanish
    company = create_company("Northwind Inc", Currency.objects.get(code="USD"), "us")
    account = make_account(sandbox, company, "NA")
    binding = _order(sandbox, account, UNITED_STATES)
    spanish = _bookkeeper("es")
    invoice = _invoice_with_the_action(spanish, binding)

    # when they download its PDF
    response = spanish.post(
        reverse("admin:accounting_invoice_changelist"),
        {"action": "download_pdf", "_selected_action": [invoice.pk]},
    )
    text = pdf_text(response.content, tmp_path)

    # then it is English, and nothing was queued for upload (Amazon.com takes no invoices)
    assert invoice.language == "en"
    assert f"Invoice {invoice.number}" in text and "Paid through Amazon." in text
    assert "Factura" not in text
    assert not OutboundMessage.objects.filter(kind=OutboundKind.INVOICE).exists()


def test_every_marketplace_language_is_one_sellersync_speaks() -> None:
    offered = {code for code, _name in settings.LANGUAGES}

    assert set(DOCUMENT_LANGUAGES.values()) <= offered
    assert DOCUMENT_LANGUAGES[Marketplace.ES] == "es"
    assert Marketplace.DE not in DOCUMENT_LANGUAGES  # no German catalogue: English
