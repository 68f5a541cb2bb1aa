"""In a real browser (Debian's chromium, driven by Playwright): an FBM order that kept failing needs
attention; the seller sees it on the account, opens the list, retries it after it shipped in Seller Central,
and finds it booked with its delivery tagged "Shipped on Amazon" (nothing left to validate)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon import services
from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Picking
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login

pytestmark = BROWSER_TEST


def order_needing_attention(sandbox: Sandbox, account: AmazonAccount) -> str:
    """An Unshipped FBM order served malformed twice, its failures begun more than 3 days ago."""
    (order_id,) = sandbox.create_orders(account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(3600)
    sandbox.fault("getOrder", "invalid_order", times=2)
    services.recover_order(account, order_id)
    began = timezone.now() - timedelta(days=4)
    AmazonOrder.objects.filter(account=account, amazon_id=order_id).update(failed_since=began)
    binding = services.recover_order(account, order_id)
    assert binding.sync_state == OrderSyncState.ATTENTION
    return order_id


def test_an_order_needing_attention_is_found_from_the_account_and_retried_into_the_books(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given an order needing attention, shipped in Seller Central meanwhile
    order_id = order_needing_attention(sandbox, account)
    sandbox.http.post(f"/_sandbox/orders/{order_id}/ship", json={}).raise_for_status()
    sandbox.advance(300)
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when the seller opens the account, then the orders needing attention from there
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    expect(page.locator("#orders-needing-attention")).to_contain_text("1 order needs attention")
    page.screenshot(path=str(SCREENSHOTS / "account_attention.png"), full_page=True)
    page.click("#orders-needing-attention")

    # then the list shows that order with its last error
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(order_id)
    expect(row).to_contain_text("Needs attention")
    expect(row).to_contain_text("unitPrice")

    # when it is retried from the list
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "retry_selected")
    page.click("button[name=index]")

    # then it is booked; its delivery is tagged Shipped on Amazon with nothing left to validate
    expect(page.locator("ul.messagelist li.success")).to_contain_text("1 order synchronized.")
    binding = AmazonOrder.objects.get(account=account, amazon_id=order_id)
    picking = Picking.objects.get(sales_order=binding.sales_order)
    page.goto(live_server.url + reverse("admin:stock_picking_changelist"))
    picking_row = page.locator(f"#result_list tr:has(input[value='{picking.pk}'])")
    expect(picking_row.locator(".amazon-tag")).to_have_text("Shipped on Amazon")
    expect(picking_row.locator("a.validate-link")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "delivery_shipped_on_amazon.png"), full_page=True)
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    expect(page.locator("#failed-orders-summary")).to_contain_text("No failed order.")

    # then
    binding.refresh_from_db()
    assert binding.sync_state == OrderSyncState.SYNCED and binding.amazon_status == "Shipped"
    assert (picking.state, picking.shipped_outside) == (PickingState.DONE, True)
    assert not OutboundMessage.objects.exists()
