"""The account page's "Import history from": permission-gated, company-scoped, a bad date refused with a
message; the worker's task imports the history and the page shows its progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon.choices import BackfillWindowState, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderBackfill
from sellersync.core.models import Company
from tests.core.fixtures import make_member

pytestmark = pytest.mark.django_db


def _import_history(client: Client, account: AmazonAccount, since: str) -> HttpResponse:
    url = reverse("admin:amazon_amazonaccount_backfill", args=(account.pk,))
    return client.post(url, {"since": since})  # type: ignore[return-value]


def _messages(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _page(client: Client, account: AmazonAccount) -> str:
    response = client.get(reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    assert response.status_code == 200
    return response.content.decode()


def test_import_history_runs_in_the_worker_and_the_page_shows_its_progress(
    admin_client: Client, na_account: AmazonAccount, immediate_huey: None
) -> None:
    # given the account's page offers the import, with no history imported yet
    assert 'id="import-history"' in _page(admin_client, na_account)
    since = (timezone.now() - timedelta(days=40)).date()
    # when "Import history from" a date 40 days ago is pressed (the worker runs the task at once here)
    response = _import_history(admin_client, na_account, since.isoformat())
    # then two windows of 30 days were imported, and the page says so
    backfill = OrderBackfill.objects.get(account=na_account)
    imported = AmazonOrder.objects.filter(account=na_account).count()
    assert response.status_code == 302
    assert _messages(response) == [
        f"The order history since {since.isoformat()} is being imported in 2 windows."
    ]
    assert backfill.status == SyncRunStatus.SUCCEEDED and imported > 20
    assert set(backfill.windows.values_list("state", flat=True)) == {BackfillWindowState.DONE}
    page = _page(admin_client, na_account)
    assert "Windows done: 2 / 2" in page and f"Orders imported: {imported}" in page
    assert 'id="backfill-time-left"' not in page


def test_a_day_that_is_not_before_today_is_refused_with_a_message(
    admin_client: Client, na_account: AmazonAccount
) -> None:
    response = _import_history(admin_client, na_account, timezone.now().date().isoformat())
    assert _messages(response) == ["Choose a day before today."]
    assert not OrderBackfill.objects.exists()


def test_import_history_needs_the_change_permission_and_the_accounts_company(
    company: Company, other_company: Company, na_account: AmazonAccount
) -> None:
    since = (timezone.now() - timedelta(days=3)).date().isoformat()
    viewer = Client()
    viewer.force_login(make_member("viewer", [company], ["amazon.view_amazonaccount"]))
    outsider = Client()
    outsider.force_login(
        make_member("outsider", [other_company], ["amazon.view_amazonaccount", "amazon.change_amazonaccount"])
    )
    # a user who may only look at the account sees no button and is refused
    assert 'id="import-history"' not in _page(viewer, na_account)
    assert _import_history(viewer, na_account, since).status_code == 403
    # a user of another company does not find the account
    assert _import_history(outsider, na_account, since).status_code == 404
    assert not OrderBackfill.objects.exists()
