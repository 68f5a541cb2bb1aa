"""In a real browser (Debian's chromium, driven by Playwright): "Import history from" a date on an account,
the progress on its page at once, then, once the worker ran the task, the windows done and the orders
imported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage

from sellersync.amazon.choices import SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderBackfill
from tests.e2e.browser import BROWSER_TEST, PASSWORD, login

pytestmark = BROWSER_TEST


@pytest.fixture
def worker_queue() -> Iterator[MemoryStorage]:
    """The worker's queue, in memory for this test: what the page enqueues, the test runs as the worker."""
    previous = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)
    yield HUEY.storage
    HUEY.storage = previous


def test_import_history_from_the_browser_shows_the_progress_then_the_orders_imported(
    live_server: Any, account: AmazonAccount, browser_page: Any, worker_queue: MemoryStorage
) -> None:
    from playwright.sync_api import expect

    get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = browser_page
    login(page, live_server)
    page.goto(live_server.url + reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    since = (timezone.now() - timedelta(days=40)).date()
    # given no history imported yet
    expect(page.locator("#backfill-progress")).to_have_count(0)
    # when the user picks a day 40 days ago and presses "Import history"
    page.fill("#backfill-since", since.isoformat())
    page.click("#import-history")
    # then the page shows the import started: two windows of 30 days, none done yet, and a time left
    expect(page.locator("ul.messagelist li").first).to_contain_text(
        f"The order history since {since.isoformat()} is being imported in 2 windows."
    )
    expect(page.locator("#backfill-status")).to_contain_text("Running")
    expect(page.locator("#backfill-windows")).to_have_text("Windows done: 0 / 2")
    expect(page.locator("#backfill-orders")).to_have_text("Orders imported: 0")
    expect(page.locator("#backfill-time-left")).to_contain_text("Time left: about 1 minute")
    assert HUEY.pending_count() == 1
    # when the worker runs the task, and the user reloads the page
    HUEY.execute(HUEY.dequeue())
    page.reload()
    # then both windows are done and the orders imported are the account's orders in the books
    backfill = OrderBackfill.objects.get(account=account)
    booked = AmazonOrder.objects.filter(account=account, sales_order__isnull=False).count()
    assert backfill.status == SyncRunStatus.SUCCEEDED and booked > 20
    expect(page.locator("#backfill-status")).to_contain_text("Succeeded")
    expect(page.locator("#backfill-windows")).to_have_text("Windows done: 2 / 2")
    expect(page.locator("#backfill-orders")).to_have_text(f"Orders imported: {booked}")
    expect(page.locator("#backfill-time-left")).to_have_count(0)
