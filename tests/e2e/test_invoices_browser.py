"""In a real browser (Debian's chromium, driven by Playwright): a bookkeeper invoices one Amazon order from
the sales orders list, then a batch of two, selects the three invoices and registers their batch payment in
the Amazon Payments journal; each invoice then shows "Paid", nothing due, and the payment that paid it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.accounting.models import Invoice
from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount
from sellersync.sales.models import SalesOrder
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login

pytestmark = BROWSER_TEST
US = "ATVPDKIKX0DER"


def _run_action(page: Any, pks: list[int], action: str) -> None:
    for pk in pks:
        page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_invoice_one_order_then_a_batch_then_register_the_batch_payment(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given three FBA orders that Amazon shipped on amazon.com, in the books, none invoiced
    amazon_ids = sandbox.create_orders(account.seller_id, 3, marketplace_id=US, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)
    truth = sandbox.truth(account.seller_id)
    assert {truth[amazon_id]["status"] for amazon_id in amazon_ids} == {"Shipped"}
    orders = [services.recover_order(account, amazon_id).sales_order for amazon_id in amazon_ids]
    first, *batch = sorted((order for order in orders if order is not None), key=lambda order: order.pk)
    assert len(batch) == 2 and not Invoice.objects.exists()
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)
    orders_url = live_server.url + reverse("admin:sales_salesorder_changelist") + "?all="

    # when one order is invoiced from the sales orders list
    page.goto(orders_url)
    _run_action(page, [first.pk], "create_invoices_selected")
    # then one invoice is made and posted
    expect(page.locator("ul.messagelist li.success")).to_have_text("1 invoice created and posted.")

    # when the other two are invoiced together, with the first one selected again
    _run_action(page, [first.pk, *(order.pk for order in batch)], "create_invoices_selected")
    # then two more are made, and the page says why the first one was not invoiced again
    expect(page.locator("ul.messagelist li.success")).to_have_text("2 invoices created and posted.")
    invoices = list(Invoice.objects.order_by("pk"))
    expect(page.locator("ul.messagelist li.warning")).to_have_text(
        f"{first.name} is already invoiced ({invoices[0].number}): no new invoice was made."
    )
    assert [invoice.sales_order_id for invoice in invoices] == [first.pk, *(order.pk for order in batch)]
    # each invoice's total is Amazon's order total, to the cent
    for invoice in invoices:
        amazon_id = SalesOrder.objects.get(pk=invoice.sales_order_id).client_order_ref
        assert invoice.amount_total == Decimal(truth[amazon_id]["order_total"])

    # when the three invoices are selected in the invoices list and their batch payment registered
    page.goto(live_server.url + reverse("admin:accounting_invoice_changelist"))
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    _run_action(page, [invoice.pk for invoice in invoices], "register_batch_payment")
    message = page.locator("ul.messagelist li.success")
    expect(message).to_contain_text("3 documents paid by")
    expect(message).to_contain_text("in the Amazon Payments journal.")
    page.screenshot(path=str(SCREENSHOTS / "batch_payment.png"), full_page=True)

    # then each invoice shows it is paid, nothing due, and the one payment that paid them all
    payments = set()
    for invoice in invoices:
        page.goto(live_server.url + reverse("admin:accounting_invoice_change", args=(invoice.pk,)))
        expect(page.locator(".field-payment_state_label .readonly")).to_have_text("Paid")
        expect(page.locator(".field-amount_due .readonly")).to_have_text("0.00 USD")
        links = page.locator(".field-settled_by a.payment-link")
        expect(links).to_have_count(1)
        payments.add(links.first.get_attribute("href"))
    assert len(payments) == 1
    page.screenshot(path=str(SCREENSHOTS / "invoice_paid.png"), full_page=True)
