"""Fixtures of the browser tests: the sandbox served in a thread, a store's Amazon account, and Debian's
chromium launched by Playwright (a browser, or a page of it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sellersync.amazon.models import AmazonAccount
from tests.amazon.fixtures import Sandbox, sandbox  # noqa: F401
from tests.conftest import CHROMIUM
from tests.e2e.browser import CHROMIUM_ARGS, store_account


@pytest.fixture
def store() -> str:
    """The store's name; a test module overrides this fixture where the names show in what it asserts."""
    return "Browser"


@pytest.fixture
def account(sandbox: Sandbox, store: str) -> AmazonAccount:  # noqa: F811
    return store_account(sandbox, store)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright's sync API; closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser: Any) -> Any:
    """A new page of the browser; a step waits at most 60 s."""
    page = browser.new_page()
    page.set_default_timeout(60_000)
    return page
