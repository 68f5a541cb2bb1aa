"""In a real browser: an Amazon account shows Production or Sandbox and no URL field; "Update available
marketplaces" reads them from the configured sandbox; the account is switched to Production and saved."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
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
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    settings.SPAPI_TIME_SCALE = TIME_SCALE
    settings.REDIS_URL = ""
    with serve_in_thread(create_app(seed=42, time_scale=TIME_SCALE)) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        yield box
        box.http.close()


@pytest.fixture
def account(sandbox: Sandbox) -> AmazonAccount:
    company = create_company("Endpoints Store", Currency.objects.get(code="USD"), "US")
    return make_account(sandbox, company, "NA", name="Endpoints NA")


def test_the_account_page_offers_production_or_sandbox_and_reads_marketplaces_from_the_sandbox(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount
) -> None:
    from playwright.sync_api import expect, sync_playwright

    # given
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", "boss")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
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
        browser.close()
    # then
    account.refresh_from_db()
    assert account.environment == "production"
    assert sorted(account.marketplaces.values_list("country_code", flat=True)) == ["CA", "MX", "US"]
