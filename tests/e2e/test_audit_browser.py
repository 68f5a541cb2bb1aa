"""In a real browser (Debian's chromium, driven by Playwright): developer mode on, "Audit now" on an account
whose cursor was moved past every order, and the audit's row on the account page: every order Amazon lists
was missing and is booked."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import include, path, reverse
from django.utils import timezone

from sellersync import urls as root_urls
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderAudit
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.amazon.fixtures import TIME_SCALE, Sandbox, make_account
from tests.conftest import CHROMIUM
from tests.e2e.test_orders_browser import CHROMIUM_ARGS, PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "amazon" for pattern in urlpatterns):
    urlpatterns.append(path("amazon/", include("sellersync.amazon.urls")))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """Amazon's clock stands still (nothing changes between the audit and the check); buckets refill fast."""
    settings.SPAPI_TIME_SCALE = TIME_SCALE
    settings.REDIS_URL = ""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    app = create_app(seed=42, time_scale=0, rate_time_scale=TIME_SCALE, start_time=start)
    with serve_in_thread(app) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        yield box
        box.http.close()


def _amazon_now(sandbox: Sandbox) -> datetime:
    return datetime.fromisoformat(sandbox.http.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))


@pytest.fixture
def account(sandbox: Sandbox) -> AmazonAccount:
    """An account whose Last Order Sync was moved past every order: the regular sync would see none."""
    company = create_company("Audit Store", Currency.objects.get(code="USD"), "US")
    account = make_account(sandbox, company, "NA", name="Audited NA")
    account.last_order_sync = _amazon_now(sandbox) - timedelta(minutes=2)
    account.save(update_fields=["last_order_sync"])
    return account


def _bookable_on_amazon(sandbox: Sandbox, account: AmazonAccount) -> set[str]:
    """By hand from Amazon's truth: orders of the synchronized marketplaces that a sync books when unbound."""
    marketplaces = set(
        account.marketplaces.filter(is_synchronized=True).values_list("marketplace_id", flat=True)
    )
    listed_until = _amazon_now(sandbox) - timedelta(minutes=2)
    return {
        order["order_id"]
        for order in sandbox.truth(account.seller_id).values()
        if order["marketplace_id"] in marketplaces
        and order["status"] in ("Unshipped", "PartiallyShipped", "Shipped")
        and datetime.fromisoformat(order["last_update"].replace("Z", "+00:00")) <= listed_until
    }


def test_audit_now_from_the_browser_shows_the_audit_and_books_the_missing_orders(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount
) -> None:
    from playwright.sync_api import expect, sync_playwright

    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(120_000)
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", "boss")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        account_url = live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,))
        # given: no "Audit now" without developer mode, and no audit yet
        page.goto(account_url)
        expect(page.locator("#audit-now")).to_have_count(0)
        expect(page.locator("#order-audits")).to_contain_text("No audit yet")
        # when developer mode is switched on and "Audit now" pressed
        page.click("#developer-mode-toggle")
        expect(page.locator("#developer-mode-toggle")).to_have_text("Developer mode: on")
        page.goto(account_url)
        page.click("#audit-now")
        expect(page.locator("ul.messagelist li").first).to_contain_text("Gap audit:")
        row = page.locator("#order-audits tr.order-audit")
        expect(row).to_have_count(1)
        shown = {
            name: row.locator(f"td.audit-{name}").inner_text()
            for name in ("status", "checked", "missing", "behind", "repaired", "unchanged", "failed")
        }
        browser.close()

    # then the row shows the audit: every order Amazon lists for the books was missing, none failed
    expected = _bookable_on_amazon(sandbox, account)
    audit = OrderAudit.objects.get(account=account)
    booked = set(
        AmazonOrder.objects.filter(account=account, sales_order__isnull=False).values_list(
            "amazon_id", flat=True
        )
    )
    assert len(expected) > 10
    assert shown["status"] == "Succeeded"
    assert int(shown["missing"]) == audit.missing_found == len(expected)
    assert (int(shown["behind"]), int(shown["failed"])) == (0, 0)
    assert int(shown["repaired"]) + int(shown["unchanged"]) == len(expected)
    assert int(shown["repaired"]) == len(booked) and booked <= expected
    assert int(shown["checked"]) == audit.orders_checked >= len(expected)
