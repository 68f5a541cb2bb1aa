"""In a real browser (Debian's chromium, driven by Playwright): a buyer sends an FBA order's unit back; the
user presses Sync returns on the account (developer mode), opens the sales order, sees its return among the
linked records and clicks through to it: back in stock, in the Amazon location."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonOffer, AmazonReturn
from sellersync.core.models import Product
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login, root_urls_with

urlpatterns = root_urls_with("amazon", "amazon/", "sellersync.amazon.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]
US = "ATVPDKIKX0DER"


@pytest.fixture
def store() -> str:
    return "Returns"


def test_the_sales_order_shows_its_return_and_leads_to_it(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given a shipped FBA order of our mug in the books, and the buyer sending one mug back, sellable
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
    assert binding.sales_order is not None, binding.last_error
    sandbox.return_order(amazon_id, {item.order_item_id: 1}, disposition="SELLABLE")
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)

    # when developer mode is on and Sync returns is pressed on the account
    page.click("#developer-mode-toggle")
    expect(page.locator("#developer-mode-toggle")).to_have_text("Developer mode: on")
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    page.click("#sync-returns")
    expect(page.locator("ul.messagelist li").first).to_contain_text("1 back in stock")

    # then the sales order's linked records list the return, and a click leads to it
    page.goto(live_server.url + reverse("admin:sales_salesorder_change", args=(binding.sales_order.pk,)))
    returns = page.locator(".field-linked_returns")
    expect(returns).to_contain_text(f"{item.seller_sku} × 1")
    expect(returns).to_contain_text("Back in stock")
    returns.locator("a").first.click()
    row = AmazonReturn.objects.get(account=account, amazon_order_id=amazon_id)
    page.wait_for_url(f"**{reverse('admin:amazon_amazonreturn_change', args=(row.pk,))}")
    expect(page.locator(".field-disposition")).to_contain_text("SELLABLE")
    expect(page.locator(".field-state")).to_contain_text("Back in stock")
    expect(page.locator(".field-outcome")).to_contain_text("Amazon")
    expect(page.locator(".field-sales_order_link")).to_contain_text(binding.sales_order.name)
