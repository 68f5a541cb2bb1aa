"""In a real browser (Debian's chromium, driven by Playwright): a seller adds an Amazon account with their
application's LWA credentials only, presses "Link with Amazon", picks their seller account on the sandbox's
consent page (Amazon's website authorization flow, as the sandbox serves it) and authorizes: back on the
account, the page says which seller it is linked with and lists the marketplaces read with the new token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from sellersync.sandbox.app import create_app
from tests.amazon.fixtures import Sandbox, serving
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login, root_urls_with

urlpatterns = root_urls_with("amazon", "amazon/", "sellersync.amazon.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """A sandbox on real time: an authorization code lives 5 simulated minutes, a blink at a fast scale."""
    with serving(settings, create_app(seed=42, time_scale=1.0), time_scale=1.0) as box:
        yield box


def test_link_with_amazon_from_a_new_account_stores_the_sellers_token_and_marketplaces(
    live_server: Any, sandbox: Sandbox, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given a company, a superuser, and the sandbox's NA seller with our application's LWA credentials
    company = create_company("Link Store", Currency.objects.get(code="USD"), "US")
    seller = sandbox.sellers()["NA"]
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, live_server)

    # when an account is added with the application's credentials only (no seller id, no refresh token)
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_add"))
    page.fill("#id_name", "Link NA")
    page.select_option("#id_company", str(company.pk))
    page.select_option("#id_region", "NA")
    page.select_option("#id_environment", "sandbox")
    page.fill("#id_lwa_client_id", seller["client_id"])
    page.fill("#id_lwa_client_secret", seller["client_secret"])
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was added successfully")
    account = AmazonAccount.objects.get(name="Link NA")
    assert (account.seller_id, account.refresh_token) == ("", "")

    # and "Link with Amazon" is pressed: the browser is on the sandbox's consent page
    page.click("#link-with-amazon")
    expect(page.locator("h1")).to_have_text("Authorize application")
    assert page.url.startswith(sandbox.base_url + "/apps/authorize/consent")
    expect(page.locator("code")).to_have_text(seller["client_id"])
    page.screenshot(path=str(SCREENSHOTS / "link_consent.png"), full_page=True)
    # where the seller picks their account and authorizes
    page.select_option("select[name=selling_partner_id]", seller["seller_id"])
    page.click("button:text-is('Authorize')")

    # then Amazon sends the browser back to the account, which says whom it is linked with
    page.wait_for_url(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        f"The account is linked with Amazon seller {seller['seller_id']}. "
        "Synchronized marketplaces: Amazon.com, Amazon.ca, Amazon.com.mx."
    )
    # and its marketplaces, read with the new token, are listed and synchronized
    countries = page.locator("td.field-country_code")
    expect(countries).to_have_count(3)
    assert sorted(text.strip() for text in countries.all_inner_texts()) == ["CA", "MX", "US"]
    ticked = page.locator("td.field-is_synchronized input[type=checkbox]:checked")
    expect(ticked).to_have_count(3)
    page.screenshot(path=str(SCREENSHOTS / "linked_account.png"), full_page=True)
    account.refresh_from_db()
    assert account.seller_id == seller["seller_id"]
    assert account.refresh_token == seller["refresh_token"]
    synchronized = account.marketplaces.filter(is_synchronized=True)
    assert sorted(synchronized.values_list("country_code", flat=True)) == ["CA", "MX", "US"]
