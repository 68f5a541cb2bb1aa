"""In a real browser (Debian's chromium, driven by Playwright): Amazon refunds one unit of an invoiced FBA
order that the buyer sent back. The user presses Sync refunds and Sync returns on the account (developer
mode), opens the sales order, sees the credit note and the return among its linked records, and clicks
through to each: the credit note of the refund (Amazon's refund to the cent, crediting the invoice), the
return with its disposition, its stock and its credit note."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.accounting.choices import InvoiceKind
from sellersync.accounting.models import Invoice
from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonOffer, AmazonReturn
from sellersync.amazon.models.returns import ReturnState
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from sellersync.core.models import Product
from sellersync.stock import selectors as stock_selectors
from sellersync.stock.models import Location
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login, root_urls_with

urlpatterns = root_urls_with("amazon", "amazon/", "sellersync.amazon.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]
US = "ATVPDKIKX0DER"


@pytest.fixture
def store() -> str:
    return "Returns"


def test_the_sales_order_shows_the_credit_note_and_the_return_and_leads_to_them(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given a shipped FBA order of our mug in the books, invoiced
    AmazonMarketplace.objects.create(
        account=account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    [amazon_id] = sandbox.create_orders(account.seller_id, 1, marketplace_id=US, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)  # Amazon ships FBA orders 30 minutes to 5 hours after the purchase
    with services.client_for_account(account) as client:
        item = client.orders_v0.get_order_items(amazon_id).order_items[0]
    mug = Product.objects.create(company=account.company, name="Mug", default_code="MUG-1")
    AmazonOffer.objects.create(account=account, sku=str(item.seller_sku), product=mug)
    binding = services.recover_order(account, amazon_id)
    order = binding.sales_order
    assert order is not None, binding.last_error
    [invoice] = create_amazon_invoices([order])
    # and the buyer sends one mug back: Amazon refunds it
    refund = sandbox.refund(amazon_id, [{"order_item_id": item.order_item_id, "quantity": 1}])
    sandbox.advance(600)  # refunds are listed once posted more than 2 minutes ago
    refunded = _refunded_to_buyer(refund["event"])
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

    # then the sales order's linked records show the credit note and the return
    credit_note = Invoice.objects.get(sales_order=order, kind=InvoiceKind.CREDIT_NOTE)
    row = AmazonReturn.objects.get(account=account, amazon_order_id=amazon_id)
    assert (row.sku, row.quantity, row.sales_order) == (item.seller_sku, 1, order)
    # (the disposition is Amazon's: SELLABLE back into the Amazon location, where the sale took the units
    # out; anything else into "Damaged at Amazon")
    restocked = row.state == ReturnState.RESTOCKED
    back_in = "Amazon" if restocked else "Damaged at Amazon"
    location = Location.objects.get(company=account.company, code="AMAZON" if restocked else "AMAZON/DAMAGED")
    assert stock_selectors.stock_on_hand(mug, location) == (1 - item.quantity_ordered if restocked else 1)
    order_url = live_server.url + reverse("admin:sales_salesorder_change", args=(order.pk,))
    page.goto(order_url)
    invoices = page.locator(".field-linked_invoices")
    expect(invoices).to_contain_text(str(invoice))
    expect(invoices).to_contain_text(str(credit_note))
    expect(invoices).to_contain_text(f"Credit note · {refunded} USD")
    returns = page.locator(".field-linked_returns")
    expect(returns).to_contain_text(f"{item.seller_sku} × 1")
    expect(returns).to_contain_text(str(row.get_state_display()))
    expect(returns.locator("a.credit-note")).to_have_text(str(credit_note))

    # when the user clicks the credit note among the invoices: the credit note's page
    invoices.get_by_role("link", name=str(credit_note)).click()
    page.wait_for_url(f"**{reverse('admin:accounting_invoice_change', args=(credit_note.pk,))}")
    expect(page.locator("#content")).to_contain_text(str(credit_note))
    expect(page.locator(".field-kind")).to_contain_text("Credit note")
    expect(page.locator(".field-amount_total")).to_contain_text(str(refunded))
    expect(page.locator(".field-credited_invoice")).to_contain_text(invoice.number)

    # when the user goes back and clicks the return: the return, its disposition, stock and credit note
    page.goto(order_url)
    page.locator(".field-linked_returns li > a").first.click()
    page.wait_for_url(f"**{reverse('admin:amazon_amazonreturn_change', args=(row.pk,))}")
    expect(page.locator(".field-disposition")).to_contain_text(row.disposition)
    expect(page.locator(".field-state")).to_contain_text(str(row.get_state_display()))
    expect(page.locator(".field-outcome")).to_contain_text(back_in)
    expect(page.locator(".field-sales_order_link")).to_contain_text(order.name)
    page.locator(".field-credit_notes a.credit-note").click()
    page.wait_for_url(f"**{reverse('admin:accounting_invoice_change', args=(credit_note.pk,))}")


def _refunded_to_buyer(event: dict[str, Any]) -> Decimal:
    """What the buyer got back: the charges refunded (sign reversed), less the promotions given back."""
    amounts = [
        Decimal(str(amount["CurrencyAmount"]))
        for line in event["ShipmentItemAdjustmentList"]
        for amount in [
            *(charge["ChargeAmount"] for charge in line.get("ItemChargeAdjustmentList", [])),
            *(promotion["PromotionAmount"] for promotion in line.get("PromotionAdjustmentList", [])),
        ]
    ]
    return -sum(amounts, Decimal(0))
