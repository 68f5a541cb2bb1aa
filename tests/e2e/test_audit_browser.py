"""In a real browser (Debian's chromium, driven by Playwright): developer mode on, "Audit now" on an account
whose cursor was moved past every order, and the audit's row on the account page: every order Amazon lists
was missing and is booked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderAudit
from sellersync.sandbox.app import create_app
from tests.amazon.fixtures import TIME_SCALE, Sandbox, serving
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login, root_urls_with, store_account

urlpatterns = root_urls_with("amazon", "amazon/", "sellersync.amazon.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """Amazon's clock stands still (nothing changes between the audit and the check); buckets refill fast."""
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    app = create_app(seed=42, time_scale=0, rate_time_scale=TIME_SCALE, start_time=start)
    with serving(settings, app) as box:
        yield box


def _amazon_now(sandbox: Sandbox) -> datetime:
    return datetime.fromisoformat(sandbox.http.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))


@pytest.fixture
def account(sandbox: Sandbox) -> AmazonAccount:
    """An account whose Last Order Sync was moved past every order: the regular sync would see none."""
    account = store_account(sandbox, "Audit", "Audited NA")
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
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    page.set_default_timeout(120_000)
    login(page, live_server)
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
