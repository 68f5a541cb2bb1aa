"""The account screen counts failed orders and those needing attention, linked to the filtered list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.core.models import Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    return AmazonAccount.objects.create(name="US store", company=company, seller_id="A1SELLER")


def test_account_page_counts_failed_orders_and_those_needing_attention_and_links_to_them(
    admin_client: Client, account: AmazonAccount, company: Company
) -> None:
    # given two orders needing attention, one failed, one synchronized, and another account's attention order
    other = AmazonAccount.objects.create(name="EU store", company=company, seller_id="A2SELLER")
    for amazon_id, state, owner in (
        ("111-0000001-0000001", OrderSyncState.ATTENTION, account),
        ("111-0000002-0000002", OrderSyncState.ATTENTION, account),
        ("111-0000003-0000003", OrderSyncState.FAILED, account),
        ("111-0000004-0000004", OrderSyncState.SYNCED, account),
        ("111-0000005-0000005", OrderSyncState.ATTENTION, other),
    ):
        AmazonOrder.objects.create(account=owner, amazon_id=amazon_id, sync_state=state, last_error="bad")

    # when
    page = admin_client.get(reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    listed = admin_client.get(page.context["orders_attention_url"])

    # then
    html = page.content.decode()
    assert "2 orders need attention" in html
    assert "1 failed order is retried automatically" in html
    assert (
        'name="book_orders_shipped_outside"' in html
        and "checked" in html.split('name="book_orders_shipped_outside"')[1].split(">")[0]
    )
    assert sorted(o.amazon_id for o in listed.context["cl"].result_list) == [
        "111-0000001-0000001",
        "111-0000002-0000002",
    ]


def test_account_page_without_failures_says_so(admin_client: Client, account: AmazonAccount) -> None:
    # when
    page = admin_client.get(reverse("admin:amazon_amazonaccount_change", args=(account.pk,)))
    # then
    assert "No failed order." in page.content.decode()
    assert (page.context["orders_failing"], page.context["orders_needing_attention"]) == (0, 0)
