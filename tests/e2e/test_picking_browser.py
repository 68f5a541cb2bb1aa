"""In a real browser (Debian's chromium, driven by Playwright): open an Amazon FBM delivery, enter its
carrier and tracking reference, validate it, and see the tag turn "Synced with Amazon"."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon import services
from sellersync.amazon.choices import OutboundState
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import TIME_SCALE, Sandbox, make_account
from tests.conftest import CHROMIUM

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
PASSWORD = "browser-test-password"


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    settings.SPAPI_TIME_SCALE = TIME_SCALE
    settings.SPAPI_BASE_URL = settings.SPAPI_LWA_URL = settings.REDIS_URL = ""
    with serve_in_thread(create_app(seed=42, time_scale=TIME_SCALE)) as base_url:
        box = Sandbox(base_url)
        yield box
        box.http.close()


@pytest.fixture
def account(sandbox: Sandbox) -> AmazonAccount:
    company = create_company("Picking Store", Currency.objects.get(code="USD"), "US")
    return make_account(sandbox, company, "NA", name="Picking NA")


def test_validate_a_picking_with_carrier_and_tracking_and_see_it_synced(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount
) -> None:
    from playwright.sync_api import expect, sync_playwright

    # given an unshipped FBM order in the books, with its ready delivery
    (amazon_id,) = sandbox.create_orders(account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(600)
    binding = services.recover_order(account, amazon_id)
    picking = Picking.objects.get(sales_order=binding.sales_order)
    carrier = Carrier.objects.create(name="UPS")
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", "boss")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")

        # when the carrier and tracking reference are entered on the form (which says they are required)
        page.goto(live_server.url + reverse("admin:stock_picking_change", args=(picking.pk,)))
        expect(page.locator(".field-tracking_reference .help")).to_contain_text("Required for Amazon orders")
        page.select_option("#id_carrier", str(carrier.pk))
        page.fill("#id_tracking_reference", "1Z999AA10123456784")
        page.click("input[name=_save]")
        # and the transfer is validated from the list
        page.goto(live_server.url + reverse("admin:stock_picking_changelist"))
        page.check(f"input[name=_selected_action][value='{picking.pk}']")
        page.select_option("select[name=action]", "validate_selected")
        page.click("button[name=index]")
        expect(page.locator("ul.messagelist li").first).to_contain_text("validated")
        tag = page.locator(f"#result_list tr:has(input[value='{picking.pk}']) .amazon-tag")
        expect(tag).to_have_text("Synced with Amazon")
        browser.close()

    # then
    picking.refresh_from_db()
    assert picking.state == PickingState.DONE and picking.tracking_reference == "1Z999AA10123456784"
    assert OutboundMessage.objects.get().state == OutboundState.SYNCED
