"""Every page outside the model admin's own views checks the model permission of what it shows or changes:
a logged-in member of the company without it gets 403, one with it gets the page and its effect.

The model admin's list/change/add/delete views are Django's, which check the model permissions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Company, UserPreference
from sellersync.stock.models import Location
from tests.core.fixtures import make_member

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    url: str  # a URL name; "{account}" in args stands for the account's pk
    args: tuple[str, ...]
    permission: str
    expected: int
    base: tuple[str, ...] = ("amazon.view_amazonaccount", "stock.view_picking", "stock.change_picking")
    data: dict[str, Any] = field(default_factory=dict)


PAGES = [
    Page("dashboard", "get", "dashboard:index", (), "sales.view_salesorder", 200),
    Page(
        "dashboard CSV by marketplace",
        "get",
        "dashboard:export",
        ("marketplace",),
        "sales.view_salesorder",
        200,
    ),
    Page(
        "dashboard CSV of order margins", "get", "dashboard:export", ("orders",), "sales.view_salesorder", 200
    ),
    Page(
        "dashboard CSV of product margins",
        "get",
        "dashboard:export",
        ("products",),
        "sales.view_salesorder",
        200,
    ),
    Page("VAT report", "get", "dashboard:vat", (), "accounting.view_journalentry", 200),
    Page("VAT report CSV", "get", "dashboard:vat_csv", (), "accounting.view_journalentry", 200),
    Page("developer mode switch", "post", "amazon:developer-mode", (), "amazon.change_amazonaccount", 302),
    # with the permission, the callback goes on to check the (here missing) authorization state
    Page("Link with Amazon callback", "get", "amazon:oauth-callback", (), "amazon.change_amazonaccount", 400),
    Page(
        "Link with Amazon",
        "get",
        "admin:amazon_amazonaccount_link",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Update available marketplaces",
        "post",
        "admin:amazon_amazonaccount_update_marketplaces",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Recover Order",
        "get",
        "admin:amazon_amazonaccount_recover",
        ("{account}",),
        "amazon.change_amazonaccount",
        200,
    ),
    Page(
        "Retry failed orders",
        "post",
        "admin:amazon_amazonaccount_retry_failed",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Sync Orders",
        "post",
        "admin:amazon_amazonaccount_sync",
        ("{account}", "orders"),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Sync returns",
        "post",
        "admin:amazon_amazonaccount_returns",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Audit now",
        "post",
        "admin:amazon_amazonaccount_audit",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Import FBA inventory now",
        "post",
        "admin:amazon_amazonaccount_fba_inventory",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page(
        "Sync refunds",
        "post",
        "admin:amazon_amazonaccount_refunds",
        ("{account}",),
        "amazon.change_amazonaccount",
        302,
    ),
    Page("New transfer", "get", "admin:stock_picking_new_transfer", (), "stock.add_picking", 200),
]


def _request(client: Client, page: Page, account: AmazonAccount) -> Any:
    args = [str(account.pk) if arg == "{account}" else arg for arg in page.args]
    return getattr(client, page.method)(reverse(page.url, args=args), page.data)


def _client_of(company: Company, name: str, permissions: list[str]) -> tuple[Client, Any]:
    user = make_member(name, [company], permissions)
    UserPreference.objects.create(user=user, developer_mode=True)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_member_without_the_permission_is_refused(page: Page, na_account: AmazonAccount) -> None:
    # given a member of the account's company holding everything but the page's permission
    client, user = _client_of(na_account.company, "without", list(page.base))

    # when
    response = _request(client, page, na_account)

    # then
    assert response.status_code == 403
    assert UserPreference.objects.get(user=user).developer_mode is True  # nothing changed
    assert not na_account.marketplaces.exists()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_member_with_the_permission_gets_the_page(page: Page, na_account: AmazonAccount) -> None:
    # given
    client, _user = _client_of(na_account.company, "with", [*page.base, page.permission])

    # when
    response = _request(client, page, na_account)

    # then
    assert response.status_code == page.expected


def test_the_switch_and_the_marketplaces_button_do_their_job_with_the_permission(
    na_account: AmazonAccount,
) -> None:
    # given
    client, user = _client_of(
        na_account.company, "with", ["amazon.view_amazonaccount", "amazon.change_amazonaccount"]
    )

    # when
    client.post(reverse("amazon:developer-mode"))
    client.post(reverse("admin:amazon_amazonaccount_update_marketplaces", args=(na_account.pk,)))

    # then developer mode went off, and the sandbox's NA marketplaces were read
    assert UserPreference.objects.get(user=user).developer_mode is False
    assert set(na_account.marketplaces.values_list("country_code", flat=True)) >= {"US", "CA"}


def test_a_transfer_needs_the_permission_to_create_transfers(
    na_account: AmazonAccount, company: Company
) -> None:
    # given two internal locations of the company
    source = Location.objects.create(company=company, name="Stock", code="WH")
    target = Location.objects.create(company=company, name="Amazon", code="AMZ")
    mug = company.product_set.create(name="Mug", default_code="MUG")
    data = {
        "company": company.pk,
        "source": source.pk,
        "destination": target.pk,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": mug.pk,
        "lines-0-quantity": "2",
    }
    without, _ = _client_of(company, "without", ["stock.view_picking", "stock.change_picking"])
    allowed, _ = _client_of(company, "with", ["stock.view_picking", "stock.add_picking"])

    # when
    refused = without.post(reverse("admin:stock_picking_new_transfer"), data)
    created = allowed.post(reverse("admin:stock_picking_new_transfer"), data)

    # then
    assert refused.status_code == 403
    assert created.status_code == 302
    picking = company.picking_set.get()
    assert (picking.source_location, picking.destination_location) == (source, target)
    assert [(move.product, move.quantity) for move in picking.moves.all()] == [(mug, 2)]
