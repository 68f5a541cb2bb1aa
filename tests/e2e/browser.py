"""What every browser test shares: chromium's flags, the test user's password, where screenshots go,
logging in through the admin's login page, and the root URLconf with an app's URLs added."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, include, path, reverse

from sellersync import urls as root_urls
from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from tests.amazon.fixtures import Sandbox, make_account

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_TEST = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def login(page: Any, live_server: Any, username: str = "boss", password: str = PASSWORD) -> None:
    """Log in through the admin's login page and wait for the admin's home."""
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def root_urls_with(namespace: str, route: str, module: str) -> list[URLPattern | URLResolver]:
    """The project's URLs, plus `module` under `route` when the root URLconf does not include it."""
    urlpatterns = list(root_urls.urlpatterns)
    if not any(getattr(pattern, "namespace", None) == namespace for pattern in urlpatterns):
        urlpatterns.append(path(route, include(module)))
    return urlpatterns


def store_account(sandbox: Sandbox, store: str, account_name: str = "") -> AmazonAccount:
    """A US company named "<store> Store" with the sandbox's NA seller as "<store> NA"."""
    company = create_company(f"{store} Store", Currency.objects.get(code="USD"), "US")
    return make_account(sandbox, company, "NA", name=account_name or f"{store} NA")
