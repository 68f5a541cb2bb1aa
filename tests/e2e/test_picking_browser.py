"""In a real browser (Debian's chromium, driven by Playwright): open an Amazon FBM delivery, open its
Validate page, ship part of it with carrier and tracking, see "Synced with Amazon" and the backorder."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon import services
from sellersync.amazon.choices import OutboundState
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login

pytestmark = BROWSER_TEST


def test_partial_fbm_delivery_with_carrier_and_tracking_is_synced_and_leaves_its_backorder(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given an unshipped FBM order of two units or more in the books, with its ready delivery
    bindings = [services.recover_order(account, amazon_id) for amazon_id in _new_fbm_orders(sandbox, account)]
    binding = next(binding for binding in bindings if _units(binding.sales_order_id) >= 2)
    picking = Picking.objects.get(sales_order=binding.sales_order)
    moves = list(picking.moves.order_by("pk"))
    carrier = Carrier.objects.create(name="UPS")
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when the delivery is opened from the list and its Validate page from there
    page.goto(live_server.url + reverse("admin:stock_picking_changelist"))
    page.click(f"#result_list a:text-is('{picking.reference}')")
    page.click("#validate-picking")
    expect(page.locator("tr.validate-line")).to_have_count(len(moves))
    expect(page.locator(".help")).to_contain_text("Required for Amazon orders")
    # and one unit of the first line leaves now, none of the others, with carrier and tracking
    page.fill("input[name='lines-0-quantity_done']", "1")
    for index in range(1, len(moves)):
        page.fill(f"input[name='lines-{index}-quantity_done']", "0")
    page.select_option("#id_carrier", str(carrier.pk))
    page.fill("#id_tracking_reference", "1Z999AA10123456784")
    page.screenshot(path=str(SCREENSHOTS / "validate_page.png"), full_page=True)
    page.click("#validate-submit")

    # then the page says Amazon took it, and names the backorder
    expect(page.locator("ul.messagelist li.success")).to_contain_text("Synced with Amazon")
    backorder = Picking.objects.get(backorder_of=picking)
    expect(page.locator("ul.messagelist li.info")).to_contain_text(backorder.reference)
    page.goto(live_server.url + reverse("admin:stock_picking_changelist") + "?amazon_sync=synced")
    tag = page.locator(f"#result_list tr:has(input[value='{picking.pk}']) .amazon-tag")
    expect(tag).to_have_text("Synced with Amazon")
    page.screenshot(path=str(SCREENSHOTS / "deliveries_synced.png"), full_page=True)

    # then one unit left, Amazon was told one unit
    picking.refresh_from_db()
    assert picking.state == PickingState.DONE and picking.tracking_reference == "1Z999AA10123456784"
    message = OutboundMessage.objects.get()
    assert message.state == OutboundState.SYNCED
    assert [item["quantity"] for item in message.payload["items"]] == [1]
    assert sum(move.quantity for move in backorder.moves.all()) == sum(m.quantity for m in moves) - 1


def _new_fbm_orders(sandbox: Sandbox, account: AmazonAccount, count: int = 8) -> list[str]:
    ids = sandbox.create_orders(account.seller_id, count, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(1800)  # past Pending: orders turn Unshipped 5-29 sim-min after purchase
    return ids


def _units(sales_order_id: int | None) -> int:
    picking = Picking.objects.get(sales_order_id=sales_order_id)
    return int(sum(move.quantity for move in picking.moves.all()))
