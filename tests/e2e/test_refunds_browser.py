"""In a real browser (Debian's chromium, driven by Playwright): Amazon refunds one unit of an invoiced FBA
order and the buyer sends it back; the user presses Sync refunds and Sync returns on the account (developer
mode), opens the sales order, sees the credit note and the return among its linked records, and clicks
through to the credit note: Amazon's refund to the cent, crediting the invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.accounting.choices import InvoiceKind
from sellersync.accounting.models import Invoice
from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login, root_urls_with

urlpatterns = root_urls_with("amazon", "amazon/", "sellersync.amazon.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]
US = "ATVPDKIKX0DER"


@pytest.fixture
def store() -> str:
    return "Refunds"


def test_the_sales_order_shows_its_credit_note_and_its_return_and_leads_to_the_credit_note(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given a shipped FBA order in the books, invoiced; Amazon refunds one unit of its first item, which the
    # buyer sends back (Amazon's returns report has it once the refund is posted)
    AmazonMarketplace.objects.create(
        account=account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    [amazon_id] = sandbox.create_orders(account.seller_id, 1, marketplace_id=US, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)  # Amazon ships FBA orders 30 minutes to 5 hours after the purchase
    binding = services.recover_order(account, amazon_id)
    assert binding.sales_order is not None, binding.last_error
    [invoice] = create_amazon_invoices([binding.sales_order])
    item = sandbox.truth(account.seller_id)[amazon_id]["items"][0]
    refund = sandbox.refund(amazon_id, [{"order_item_id": item["order_item_id"], "quantity": 1}])
    sandbox.advance(180)
    # what the buyer got back: the charges refunded (Amazon's sign reversed), promotions given back deducted
    event = refund["event"]
    sku = event["ShipmentItemAdjustmentList"][0]["SellerSKU"]
    refunded = -sum(
        (
            Decimal(str(amount["CurrencyAmount"]))
            for line in event["ShipmentItemAdjustmentList"]
            for amount in [
                *(charge["ChargeAmount"] for charge in line.get("ItemChargeAdjustmentList", [])),
                *(promotion["PromotionAmount"] for promotion in line.get("PromotionAdjustmentList", [])),
            ]
        ),
        Decimal(0),
    )
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when developer mode is on and Sync refunds, then Sync returns, are pressed on the account
    page.click("#developer-mode-toggle")
    expect(page.locator("#developer-mode-toggle")).to_have_text("Developer mode: on")
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    page.click("#sync-refunds")
    expect(page.locator("ul.messagelist li").first).to_contain_text("1 credited")
    page.click("#sync-returns")
    expect(page.locator("ul.messagelist li").first).to_contain_text("0 failed")

    # then the sales order's linked records list the credit note and the return
    page.goto(live_server.url + reverse("admin:sales_salesorder_change", args=(binding.sales_order.pk,)))
    credit_note = Invoice.objects.get(kind=InvoiceKind.CREDIT_NOTE, credited_invoice=invoice)
    documents = page.locator(".field-linked_invoices")
    expect(documents).to_contain_text(invoice.number)
    expect(documents).to_contain_text(f"{credit_note.number}")
    expect(documents).to_contain_text(f"Credit note · {refunded} USD")
    expect(page.locator(".field-linked_returns")).to_contain_text(f"{sku} × 1")
    # and a click leads to the credit note: Amazon's refund, crediting the invoice
    documents.get_by_role("link", name=credit_note.number).click()
    page.wait_for_url(f"**{reverse('admin:accounting_invoice_change', args=(credit_note.pk,))}")
    expect(page.locator(".field-kind")).to_contain_text("Credit note")
    expect(page.locator(".field-amount_total")).to_contain_text(str(refunded))
    expect(page.locator(".field-credited_invoice")).to_contain_text(invoice.number)
