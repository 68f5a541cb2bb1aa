"""Invoices of Amazon orders against the sandbox over HTTP: totals equal Amazon's OrderTotal, B2B VAT numbers,
the PDF uploaded with UPLOAD_VAT_INVOICE on EU marketplaces (feed DONE, message synced), nowhere else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.accounting.invoicing import create_credit_note
from sellersync.accounting.models import Invoice
from sellersync.amazon import services
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.sync.upload_invoices import (
    create_amazon_invoices,
    queue_upload,
    retry_invoice_upload,
    sync_invoices,
)
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company
from tests.amazon.fixtures import Sandbox, make_account

pytestmark = pytest.mark.django_db

FRANCE = "A13V1IB3VIYZZH"
UNITED_STATES = "ATVPDKIKX0DER"
JAPAN = "A1VC38T7YXB528"


def _orders(
    sandbox: Sandbox, account: AmazonAccount, marketplace_id: str, **options: object
) -> list[AmazonOrder]:
    ids = sandbox.create_orders(
        account.seller_id,
        1,
        marketplace_id=marketplace_id,
        fulfillment_channel="AFN",
        status="Shipped",
        **options,
    )
    sandbox.advance(6 * 3600)  # FBA ships within 5 hours
    return [services.recover_order(account, amazon_id) for amazon_id in ids]


def _amazon_total(account: AmazonAccount, amazon_id: str) -> Decimal:
    with services.client_for_account(account) as client:
        total = client.orders_v0.get_order(amazon_id).order_total
    assert total is not None and total.amount is not None
    return Decimal(total.amount)


def _sync(account: AmazonAccount, sandbox: Sandbox) -> None:
    with services.client_for_account(account) as client:
        sync_invoices(account, client)  # sends
    sandbox.advance(180)  # the sandbox processes a feed in 2 simulated minutes
    with services.client_for_account(account) as client:
        sync_invoices(account, client)  # reads the outcome


def _invoice_of(binding: AmazonOrder) -> Invoice:
    assert binding.sales_order is not None
    (invoice,) = create_amazon_invoices([binding.sales_order])
    return invoice


def test_eu_invoice_equals_amazons_total_is_uploaded_and_synced(
    sandbox: Sandbox, eu_account: AmazonAccount
) -> None:
    # given an Amazon.fr order in the books
    (binding,) = _orders(sandbox, eu_account, FRANCE)
    # when it is invoiced and the upload runs
    invoice = _invoice_of(binding)
    _sync(eu_account, sandbox)
    # then
    assert binding.sales_order is not None
    assert (
        invoice.amount_total
        == binding.sales_order.amount_total
        == _amazon_total(eu_account, binding.amazon_id)
    )
    message = OutboundMessage.objects.get(kind=OutboundKind.INVOICE)
    assert (message.reference, message.amazon_order_id) == (f"invoice:{invoice.pk}", binding.amazon_id)
    assert (message.state, message.amazon_error, message.attempts) == (OutboundState.SYNCED, "", 1)
    assert message.feed_id
    options = message.payload["feed_options"]
    assert options["metadata:invoicenumber"] == invoice.number
    assert options["metadata:documenttype"] == "Invoice"
    assert options["metadata:totalamount"] == str(invoice.amount_total)
    assert options["metadata:totalvatamount"] == str(invoice.amount_tax)


def test_wrong_total_fails_with_amazons_text_and_a_credit_note_without_refund_id_is_not_sent(
    sandbox: Sandbox, eu_account: AmazonAccount
) -> None:
    # given an invoice whose declared total was altered, and a credit note without Amazon's refund id
    (binding,) = _orders(sandbox, eu_account, FRANCE)
    invoice = _invoice_of(binding)
    message = OutboundMessage.objects.get(reference=f"invoice:{invoice.pk}")
    message.payload["feed_options"]["metadata:totalamount"] = "0.01"
    message.save(update_fields=["payload"])
    credit_note = create_credit_note(invoice, reason="Returned", post=True)
    refund = queue_upload(credit_note)
    # when
    _sync(eu_account, sandbox)
    # then
    message.refresh_from_db()
    assert message.state == OutboundState.FAILED
    assert "differs from the order total" in message.amazon_error
    assert refund is not None
    refund.refresh_from_db()
    assert (refund.state, refund.feed_id) == (OutboundState.FAILED, "")
    assert "transaction id" in refund.amazon_error

    # when the refund id is known and the upload retried
    credit_note.transaction_id = "amzn1.refund.1"
    credit_note.save(update_fields=["transaction_id"])
    retry_invoice_upload(credit_note)
    _sync(eu_account, sandbox)
    # then
    refund.refresh_from_db()
    assert (refund.state, refund.payload["feed_options"]["metadata:documenttype"]) == (
        OutboundState.SYNCED,
        "CreditNote",
    )


def test_eu_business_order_without_vat_number_is_flagged(sandbox: Sandbox, eu_account: AmazonAccount) -> None:
    # given a business order from the EU seller, who has no access to buyer tax data
    (binding,) = _orders(sandbox, eu_account, FRANCE, is_business=True)
    # when
    invoice = _invoice_of(binding)
    # then
    assert binding.is_business_order is True
    assert (invoice.is_business, invoice.buyer_vat_number, invoice.vat_number_missing) == (True, "", True)


def test_us_marketplace_facilitator_invoice_ties_to_amazon_and_is_not_uploaded(sandbox: Sandbox) -> None:
    # given a US seller's company in USD and an Amazon.com order
    company = create_company("Northwind Inc", Currency.objects.get(code="USD"), "us")
    account = make_account(sandbox, company, "NA")
    (binding,) = _orders(sandbox, account, UNITED_STATES)
    # when
    invoice = _invoice_of(binding)
    # then
    assert invoice.amount_total == _amazon_total(account, binding.amazon_id)
    assert invoice.amount_tax > 0
    assert invoice.amount_tax_marketplace == invoice.amount_tax
    assert invoice.amount_receivable == invoice.amount_total - invoice.amount_tax
    assert OutboundMessage.objects.filter(kind=OutboundKind.INVOICE).count() == 0


def test_japanese_business_order_carries_the_buyers_vat_number_in_whole_yen(sandbox: Sandbox) -> None:
    # given a Japanese seller (with access to buyer data) and a business order
    company: Company = create_company("Sakura KK", Currency.objects.get(code="JPY"), "jp")
    account = make_account(sandbox, company, "FE")
    (binding,) = _orders(sandbox, account, JAPAN, is_business=True)
    # when
    invoice = _invoice_of(binding)
    # then
    assert binding.buyer_vat_number.startswith("JP")
    assert (invoice.buyer_vat_number, invoice.vat_number_missing) == (binding.buyer_vat_number, False)
    assert invoice.amount_total == _amazon_total(account, binding.amazon_id)
    assert invoice.amount_total == invoice.amount_total.to_integral_value()
    assert OutboundMessage.objects.filter(kind=OutboundKind.INVOICE).count() == 0


def test_create_invoices_action_then_the_periodic_upload_syncs_it(
    sandbox: Sandbox, eu_account: AmazonAccount, admin_client
) -> None:
    # given an Amazon.fr order in the books, selected in the sales order list
    from django.urls import reverse

    from sellersync.amazon import tasks_books

    (binding,) = _orders(sandbox, eu_account, FRANCE)
    assert binding.sales_order is not None
    # when the bookkeeper runs "Create invoices", then the 30-minute upload runs twice (send, read result)
    sandbox.stop_clock()  # Amazon processes the feed only when the test moves the clock
    response = admin_client.post(
        reverse("admin:sales_salesorder_changelist"),
        {"action": "create_invoices_selected", "_selected_action": [binding.sales_order.pk]},
    )
    first = tasks_books.upload_pending_invoices.call_local()
    sandbox.advance(180)
    second = tasks_books.upload_pending_invoices.call_local()
    # then the order has one posted invoice with Amazon's total, uploaded and synced
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.number and invoice.amount_total == _amazon_total(eu_account, binding.amazon_id)
    assert first == second == [eu_account.pk]
    message = OutboundMessage.objects.get(kind=OutboundKind.INVOICE)
    assert message.state == OutboundState.SYNCED
    assert tasks_books.upload_pending_invoices.call_local() == []
