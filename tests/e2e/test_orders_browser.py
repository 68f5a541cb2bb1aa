"""In a real browser (Debian's chromium, driven by Playwright): log in, switch developer mode on, press
Sync Orders on the account, and see the new sales orders in the list; move Last Order Sync back on the
account's form and sync again: the orders come again, none twice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon.choices import SyncKind
from sellersync.amazon.models import AmazonAccount, SyncRun
from sellersync.sales.models import SalesOrder
from sellersync.sandbox.app import create_app
from tests.amazon.fixtures import Sandbox, serving
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login, root_urls_with, store_account

urlpatterns = root_urls_with("amazon", "amazon/", "sellersync.amazon.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]

# Where a sync picks orders up: FBA shipped, FBM waiting to ship (canceled ones never synced create nothing).
# FBM orders Amazon already shipped are booked too (the account's "book orders shipped outside sellersync").
SYNCED_QUERIES = (("AFN", "Shipped"), ("MFN", "Unshipped,PartiallyShipped,Shipped"))


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """A sandbox on real time, so that nothing changes between the sync and the check."""
    with serving(settings, create_app(seed=42, time_scale=1.0), time_scale=1.0) as box:
        yield box


@pytest.fixture
def account(sandbox: Sandbox) -> AmazonAccount:
    account = store_account(sandbox, "Browser")
    account.last_order_sync = timezone.now() - timedelta(days=2)
    account.save(update_fields=["last_order_sync"])
    return account


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def sandbox_orders_in_window(
    sandbox: Sandbox, account: AmazonAccount, start: datetime, end: datetime
) -> set[str]:
    """What Amazon (the sandbox) lists for the window, asked directly over getOrders (v0)."""
    seller = sandbox.sellers()["NA"]
    token = sandbox.http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller["refresh_token"],
            "client_id": seller["client_id"],
            "client_secret": seller["client_secret"],
        },
    ).json()["access_token"]
    marketplaces = ",".join(
        account.marketplaces.filter(is_synchronized=True).values_list("marketplace_id", flat=True)
    )
    found: set[str] = set()
    for channel, statuses in SYNCED_QUERIES:
        params: dict[str, str] = {
            "MarketplaceIds": marketplaces,
            "LastUpdatedAfter": _iso(start),
            "LastUpdatedBefore": _iso(end),
            "OrderStatuses": statuses,
            "FulfillmentChannels": channel,
            "MaxResultsPerPage": "100",
        }
        while True:
            response = sandbox.http.get(
                "/orders/v0/orders", params=params, headers={"x-amz-access-token": token}
            )
            assert response.status_code == 200, response.text
            payload = response.json()["payload"]
            found |= {order["AmazonOrderId"] for order in payload["Orders"]}
            if not payload.get("NextToken"):
                break
            params = {"MarketplaceIds": marketplaces, "NextToken": payload["NextToken"]}
    return found


def test_sync_orders_from_the_browser_shows_the_new_sales_orders(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given a superuser, developer mode off, an account with no order yet
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)
    expect(page.locator("#developer-mode-toggle")).to_have_text("Developer mode: off")

    # when developer mode is switched on, and Sync Orders pressed on the account
    page.click("#developer-mode-toggle")
    expect(page.locator("#developer-mode-toggle")).to_have_text("Developer mode: on")
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    page.click("#sync-orders")
    expect(page.locator("ul.messagelist li").first).to_contain_text("created")
    page.goto(live_server.url + reverse("admin:sales_salesorder_changelist") + "?all=")
    listed = set(page.locator("#result_list td.field-client_order_ref").all_inner_texts())

    # then the list shows exactly the orders Amazon lists for the synced window
    run = SyncRun.objects.get(account=account, kind=SyncKind.ORDERS)
    assert run.window_start is not None and run.window_end is not None
    expected = sandbox_orders_in_window(sandbox, account, run.window_start, run.window_end)
    assert len(expected) > 10
    assert listed == expected


def _run_counts(message: str) -> dict[str, int]:
    """{"created": 3, "updated": 0, ...} read from a sync run's message as the page shows it."""
    return {
        kind: int(count) for count, kind in re.findall(r"(\d+) (created|updated|unchanged|failed)", message)
    }


def test_moving_last_order_sync_back_brings_the_orders_again_without_duplicates(
    live_server: Any, sandbox: Sandbox, account: AmazonAccount, browser_page: Any
) -> None:
    from playwright.sync_api import expect

    # given a superuser in developer mode, whose account's orders were synchronized from its page
    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)
    page.click("#developer-mode-toggle")
    expect(page.locator("#developer-mode-toggle")).to_have_text("Developer mode: on")
    account_url = live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,))
    page.goto(account_url)
    page.click("#sync-orders")
    first = _run_counts(page.locator("ul.messagelist li").first.inner_text())
    synced = set(SalesOrder.objects.values_list("client_order_ref", flat=True))
    assert first["created"] == len(synced) > 10

    # when Last Order Sync is moved back three days on the account's form, and Sync Orders pressed again
    back = timezone.localtime(timezone.now() - timedelta(days=3))
    page.fill("#id_last_order_sync_0", back.strftime("%Y-%m-%d"))
    page.fill("#id_last_order_sync_1", back.strftime("%H:%M:%S"))
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")
    account.refresh_from_db()
    assert account.last_order_sync is not None
    assert abs((account.last_order_sync - back).total_seconds()) < 1
    page.click("#sync-orders")
    second_message = page.locator("ul.messagelist li").first.inner_text()
    page.goto(live_server.url + reverse("admin:sales_salesorder_changelist") + "?all=")
    listed = page.locator("#result_list td.field-client_order_ref").all_inner_texts()
    page.screenshot(path=str(SCREENSHOTS / "forced_resync.png"), full_page=True)

    # then the re-sync read the window again: every order synced before came again, none was created twice
    run = SyncRun.objects.filter(account=account, kind=SyncKind.ORDERS).order_by("pk").last()
    assert run is not None and run.window_start is not None and run.window_end is not None
    assert run.window_start <= back
    again = sandbox_orders_in_window(sandbox, account, run.window_start, run.window_end)
    second = _run_counts(second_message)
    assert synced <= again
    assert second["created"] == len(again - synced)
    # (every order the first run read, canceled ones it skipped included, was read again)
    assert second["updated"] + second["unchanged"] >= first["created"] + first["updated"] + first["unchanged"]
    assert second["failed"] == 0
    # and the list shows each order once
    assert len(listed) == len(set(listed)) == SalesOrder.objects.count()
    assert set(listed) == synced | again
