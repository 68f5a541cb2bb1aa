"""In a real browser (Debian's chromium, driven by Playwright): from the admin home, open What needs
attention after a failed order and a refused shipment, act on the refusal (Retry, shown in red again),
then Stock on hand after an FBA sale."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.export_shipments import validate_amazon_picking
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login

pytestmark = BROWSER_TEST
US = "ATVPDKIKX0DER"


def test_attention_page_then_retry_then_stock_on_hand(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given: an order Amazon sends in a currency the books do not know (it fails), FBM and FBA sales
    sandbox.create_orders(
        account.seller_id, 2, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    (fba_id,) = sandbox.create_orders(account.seller_id, 1, marketplace_id=US, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)
    sandbox.fault("searchOrders", "unknown_currency")
    sync_orders(account)
    failed = AmazonOrder.objects.get(account=account, sync_state=OrderSyncState.FAILED)
    # and an FBM delivery validated after Amazon canceled its order: Amazon refuses it
    fbm = AmazonOrder.objects.filter(account=account, fulfillment_channel="MFN", sales_order__isnull=False)
    binding = fbm.order_by("pk").first()
    assert binding is not None
    picking = Picking.objects.get(sales_order=binding.sales_order)
    sandbox.cancel(binding.amazon_id)
    validate_amazon_picking(picking, carrier=Carrier.objects.create(name="UPS"), tracking_ref="1ZREFUSED")
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when the attention page is opened from the home
    page.click("#home-attention")
    # then the failed order is there with its error, and the refused shipment with Amazon's words
    expect(page.locator("#failed-orders")).to_contain_text(failed.amazon_id)
    expect(page.locator("#failed-orders")).to_contain_text("XXX")
    expect(page.locator("#shipments")).to_contain_text(picking.reference)
    expect(page.locator("#shipments")).to_contain_text("Amazon sync failed")
    expect(page.locator("#accounts")).to_contain_text(account.name)
    page.screenshot(path=str(SCREENSHOTS / "attention.png"), full_page=True)

    # when the refused delivery is opened from there and retried from the list
    page.click(f"#shipments a:text-is('{picking.reference}')")
    expect(page.locator(".field-amazon_sync")).to_contain_text("Amazon Sync Failed")
    page.goto(live_server.url + reverse("admin:stock_picking_changelist") + "?amazon_sync=failed")
    page.check(f"input[name=_selected_action][value='{picking.pk}']")
    page.select_option("select[name=action]", "retry_amazon_sync")
    page.click("button[name=index]")
    # then Amazon's refusal is shown again, in red
    expect(page.locator("ul.messagelist li.error")).to_contain_text("Amazon Sync Failed. Amazon said:")
    page.screenshot(path=str(SCREENSHOTS / "retry_refused.png"), full_page=True)

    # when Stock on hand is opened from the home
    page.goto(live_server.url + reverse("admin:index"))
    page.click("#home-on-hand")
    # then the Amazon location shows what the FBA sale took out of it
    fba = AmazonOrder.objects.get(account=account, amazon_id=fba_id)
    sold = fba.sales_order.lines.filter(line_kind="product").first()  # type: ignore[union-attr]
    assert sold is not None and sold.product is not None
    row = page.locator(f"tr.on-hand-row[data-product='{sold.product.default_code}'][data-location='AMAZON']")
    expect(row).to_contain_text("(Amazon)")
    on_hand = int(row.locator("td.on-hand").inner_text())
    assert on_hand <= -int(sold.quantity)
    page.screenshot(path=str(SCREENSHOTS / "stock_on_hand.png"), full_page=True)
