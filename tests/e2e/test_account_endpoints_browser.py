"""In a real browser: an Amazon account shows Production or Sandbox and no URL field; "Update available
marketplaces" reads them from the configured sandbox; the account is switched to Production and saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount
from tests.amazon.fixtures import Sandbox
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login

pytestmark = BROWSER_TEST


@pytest.fixture
def store() -> str:
    """The test opens the account by its name, "Endpoints NA"."""
    return "Endpoints"


def test_the_account_page_offers_production_or_sandbox_and_reads_marketplaces_from_the_sandbox(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, live_server)
    # when the list, then the account, are opened
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_changelist"))
    expect(page.locator("td.field-environment")).to_have_text(["Sandbox (local SP-API)"])
    page.click("#result_list a:text-is('Endpoints NA')")
    # then the form has an environment and no URL
    environment = page.locator("select[name=environment]")
    expect(environment.locator("option")).to_have_text(["Production (Amazon)", "Sandbox (local SP-API)"])
    expect(environment.locator("option:checked")).to_have_text("Sandbox (local SP-API)")
    expect(page.locator("input[type=url]")).to_have_count(0)
    expect(page.locator("input[name*=url]")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "account_environment.png"), full_page=True)
    # and "Update available marketplaces" reads them from the configured sandbox
    page.click("button[form=update-marketplaces-form]")
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        "Available marketplaces: Amazon.com, Amazon.ca, Amazon.com.mx."
    )
    # when switched to Production and saved
    page.select_option("select[name=environment]", "production")
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")
    expect(page.locator("select[name=environment] option:checked")).to_have_text("Production (Amazon)")
    # then
    account.refresh_from_db()
    assert account.environment == "production"
    assert sorted(account.marketplaces.values_list("country_code", flat=True)) == ["CA", "MX", "US"]
