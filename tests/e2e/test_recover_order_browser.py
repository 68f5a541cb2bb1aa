"""In a real browser (Debian's chromium, driven by Playwright): on an account, press Recover Order, enter the
Amazon order id of an order the books do not have, and find it in the sales orders with Amazon's total;
recovering it again changes nothing (no duplicate); an order Amazon does not know is said in red."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.sales.models import SalesOrder
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login

pytestmark = BROWSER_TEST


def _recover(page: Any, live_server: Any, account: AmazonAccount, amazon_id: str) -> None:
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    page.click("#recover-order")
    page.fill("#id_amazon_order_id", amazon_id)
    page.click("input[type=submit][value='Recover Order']")


def test_recover_order_from_the_account_puts_the_order_in_the_books_once(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given an FBM order on Amazon, past its Pending phase, that the books do not have
    (amazon_id,) = sandbox.create_orders(account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(1800)
    truth = sandbox.truth(account.seller_id)[amazon_id]
    assert not AmazonOrder.objects.exists()
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when Recover Order is pressed on the account and the order's id entered
    _recover(page, live_server, account, amazon_id)

    # then the account's page says which sales order it became
    sales_order = SalesOrder.objects.get(amazon_order__amazon_id=amazon_id)
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        f"Order {amazon_id} recovered as {sales_order.name}."
    )
    # and the sales orders list shows it with Amazon's total and currency
    page.goto(live_server.url + reverse("admin:sales_salesorder_changelist") + "?all=")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td.field-client_order_ref")).to_have_text(amazon_id)
    shown_total = rows.locator("td.field-amount_total").inner_text().replace(",", "")
    assert Decimal(shown_total) == Decimal(truth["order_total"])
    expect(rows.locator("td.field-currency")).to_contain_text(truth["currency"])
    page.screenshot(path=str(SCREENSHOTS / "recovered_order.png"), full_page=True)
    # and its delivery waits to be shipped
    rows.locator("th.field-name a").click()
    expect(page.locator(".field-amazon_status")).to_contain_text("Unshipped")

    # when the same order is recovered again
    _recover(page, live_server, account, amazon_id)

    # then it is the same sales order, not a second one
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        f"Order {amazon_id} recovered as {sales_order.name}."
    )
    assert SalesOrder.objects.count() == 1 and AmazonOrder.objects.count() == 1

    # when an order Amazon does not know is asked for
    _recover(page, live_server, account, "999-0000000-0000000")
    # then the account's page says so, in red, and no sales order is added
    refusal = page.locator("ul.messagelist li.error")
    expect(refusal).to_contain_text("Order 999-0000000-0000000 could not be applied")
    expect(refusal).to_contain_text("not found on Amazon for this account")
    assert SalesOrder.objects.count() == 1
