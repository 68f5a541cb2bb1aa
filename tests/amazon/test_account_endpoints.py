"""An account is Production or Sandbox; no URL can be entered anywhere, so the reproduced attack (a staff
user pointing the token URL at a listener, then pressing "Update available marketplaces") sends nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from sellersync.amazon.choices import Environment
from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Company, CompanyMembership
from tests.amazon.fixtures import Sandbox
from tests.spapi.helpers import Listener

pytestmark = pytest.mark.django_db


def _messages(response: HttpResponse) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.fixture
def staff_client(client: Client, django_user_model: Any, company: Company) -> Client:
    """A staff user of the company holding only "view" and "change Amazon account" (the attack's rights)."""
    user = django_user_model.objects.create_user("clerk", password="clerk-password", is_staff=True)
    CompanyMembership.objects.create(user=user, company=company)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="amazon", codename__in=("view_amazonaccount", "change_amazonaccount")
        )
    )
    client.force_login(user)
    return client


def _form_data(account: AmazonAccount, **changes: str) -> dict[str, str]:
    data = {
        "name": account.name,
        "company": str(account.company_id),
        "seller_id": account.seller_id,
        "region": account.region,
        "environment": account.environment,
        "is_active": "on",
        "lwa_client_id": account.lwa_client_id,
        "lwa_client_secret": "",
        "refresh_token": "",
        "orders_api": account.orders_api,
        "sync_interval_minutes": "30",
        "audit_days": "30",
        "last_order_sync_0": "2026-01-01",
        "last_order_sync_1": "00:00:00",
        "unknown_sku_policy": account.unknown_sku_policy,
    }
    data.update(changes)
    return data


def test_the_account_form_offers_production_or_sandbox_and_no_url(
    staff_client: Client, na_account: AmazonAccount
) -> None:
    # when
    html = staff_client.get(
        reverse("admin:amazon_amazonaccount_change", args=(na_account.pk,))
    ).content.decode()
    # then
    assert '<select name="environment"' in html
    assert "Production (Amazon)" in html and "Sandbox (local SP-API)" in html
    assert 'name="api_base_url"' not in html and 'name="lwa_token_url"' not in html
    assert 'type="url"' not in html


def test_the_reproduced_attack_sends_nothing_to_the_listener(
    staff_client: Client, na_account: AmazonAccount, listener: Listener
) -> None:
    # given the clerk posts the form with the old URL fields pointed at a listener
    change_url = reverse("admin:amazon_amazonaccount_change", args=(na_account.pk,))
    forged = _form_data(na_account, api_base_url=listener.url, lwa_token_url=f"{listener.url}/auth/o2/token")
    saved = staff_client.post(change_url, forged)
    # when the clerk presses "Update available marketplaces"
    pressed = staff_client.post(
        reverse("admin:amazon_amazonaccount_update_marketplaces", args=(na_account.pk,))
    )
    # then the form was accepted, the marketplaces came from the sandbox, and the listener received nothing
    assert saved.status_code == 302
    assert pressed.status_code == 302
    assert listener.bodies == []
    assert _messages(pressed)[-1] == "Available marketplaces: Amazon.com, Amazon.ca, Amazon.com.mx."
    assert sorted(na_account.marketplaces.values_list("country_code", flat=True)) == ["CA", "MX", "US"]


def test_a_production_account_never_uses_the_sandbox_url(
    staff_client: Client, na_account: AmazonAccount, sandbox: Sandbox
) -> None:
    # given the account switched to Production while a sandbox is configured
    AmazonAccount.objects.filter(pk=na_account.pk).update(environment=Environment.PRODUCTION)
    na_account.refresh_from_db()
    # when
    from sellersync.amazon.services import client_for_account

    with client_for_account(na_account) as client:
        endpoints = client.endpoints
    # then
    assert (endpoints.api_url, endpoints.lwa_url) == (
        "https://sellingpartnerapi-na.amazon.com",
        "https://api.amazon.com/auth/o2/token",
    )


def test_a_sandbox_account_without_a_sandbox_url_says_so(
    staff_client: Client, na_account: AmazonAccount, settings: Any
) -> None:
    # given
    settings.SPAPI_SANDBOX_URL = ""
    # when
    pressed = staff_client.post(
        reverse("admin:amazon_amazonaccount_update_marketplaces", args=(na_account.pk,))
    )
    # then
    assert _messages(pressed) == [  # nothing was asked of Amazon: not "Amazon did not answer"
        "Amazon NA is a Sandbox account, but SPAPI_SANDBOX_URL is not set on this server."
    ]
    assert na_account.marketplaces.count() == 0


def test_amazons_own_refusal_is_shown_to_the_user(staff_client: Client, na_account: AmazonAccount) -> None:
    # given credentials the (sandbox) LWA endpoint refuses
    staff_client.post(
        reverse("admin:amazon_amazonaccount_change", args=(na_account.pk,)),
        _form_data(na_account, lwa_client_secret="not-the-secret"),
    )
    # when
    pressed = staff_client.post(
        reverse("admin:amazon_amazonaccount_update_marketplaces", args=(na_account.pk,))
    )
    # then
    assert _messages(pressed)[-1] == (
        "Amazon did not answer: LWA token request refused (401): invalid_client: Client authentication failed"
    )


def test_the_account_list_shows_each_accounts_environment(
    admin_client: Client, na_account: AmazonAccount, eu_account: AmazonAccount
) -> None:
    # given
    AmazonAccount.objects.filter(pk=eu_account.pk).update(environment=Environment.PRODUCTION)
    # when
    html = admin_client.get(reverse("admin:amazon_amazonaccount_changelist")).content.decode()
    # then
    assert html.count('<td class="field-environment">Sandbox (local SP-API)</td>') == 1
    assert html.count('<td class="field-environment">Production (Amazon)</td>') == 1
