"""The LWA client id and secret belong to the application (one pair, from the server's environment); each
account holds the seller's authorization (a refresh token), and a pair of its own only for a private
application, which then takes precedence. Without either, the sync says which variable is missing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon import selectors, services
from sellersync.amazon.choices import Environment, SyncRunStatus
from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Company
from tests.amazon.fixtures import Sandbox, make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_account(company: Company) -> AmazonAccount:
    """A Production account the seller authorized: a refresh token, no application pair of its own."""
    return AmazonAccount.objects.create(
        name="Amazon NA", company=company, region="NA", seller_id="A2SELLER", refresh_token="Atzr|authorized"
    )


def test_an_account_without_a_pair_of_its_own_signs_in_with_the_servers_application(
    sandbox: Sandbox, company: Company, settings: Any
) -> None:
    # given the application's pair in the environment only, and an account with the seller's refresh token
    seller = sandbox.sellers()["NA"]
    settings.SPAPI_LWA_CLIENT_ID = seller["client_id"]
    settings.SPAPI_LWA_CLIENT_SECRET = seller["client_secret"]
    account = make_account(sandbox, company, "NA")
    AmazonAccount.objects.filter(pk=account.pk).update(lwa_client_id="", lwa_client_secret="")
    account.refresh_from_db()

    # when
    due = selectors.accounts_due(timezone.now())
    marketplaces = services.update_marketplaces(account)
    run = sync_orders(account)

    # then Amazon (the sandbox) accepted the application's pair
    assert {marketplace.marketplace_id for marketplace in marketplaces} == set(seller["marketplace_ids"])
    assert (run.status, run.error) == (SyncRunStatus.SUCCEEDED, "")
    assert due == [account]


def test_a_private_applications_pair_on_the_account_takes_precedence(
    sandbox: Sandbox, na_account: AmazonAccount, settings: Any
) -> None:
    # given the server's application is another one, unknown to this seller's private application
    settings.SPAPI_LWA_CLIENT_ID = "amzn1.application-oa2-client.another"
    settings.SPAPI_LWA_CLIENT_SECRET = "another-secret"

    # when
    run = sync_orders(na_account)

    # then
    assert (run.status, run.error) == (SyncRunStatus.SUCCEEDED, "")
    assert services.application_credentials(na_account)[0] == na_account.lwa_client_id


@pytest.mark.parametrize(
    ("_case", "client_id", "client_secret", "missing"),
    [
        ("neither", "", "", "Not set on this server: SPAPI_LWA_CLIENT_ID, SPAPI_LWA_CLIENT_SECRET."),
        (
            "no secret",
            "amzn1.application-oa2-client.app",
            "",
            "Not set on this server: SPAPI_LWA_CLIENT_SECRET.",
        ),
        ("no client id", "", "s3cret-of-the-app", "Not set on this server: SPAPI_LWA_CLIENT_ID."),
    ],
)
def test_without_the_applications_pair_the_sync_fails_naming_the_missing_variable(
    _case: str,
    client_id: str,
    client_secret: str,
    missing: str,
    production_account: AmazonAccount,
    settings: Any,
) -> None:
    # given
    settings.SPAPI_LWA_CLIENT_ID = client_id
    settings.SPAPI_LWA_CLIENT_SECRET = client_secret

    # when the every-minute sync picks the account (it is linked: not skipped in silence)
    due = selectors.accounts_due(production_account.created_at)
    run = sync_orders(production_account)

    # then the run stopped with the message, no traceback, nothing of a secret
    assert due == [production_account]
    assert run.status == SyncRunStatus.FAILED
    assert run.finished_at is not None
    assert run.error.startswith(missing)
    assert "Traceback" not in run.error and "s3cret" not in run.error


def test_half_a_private_pair_on_the_account_is_refused_not_mixed_with_the_servers(
    production_account: AmazonAccount, settings: Any
) -> None:
    # given
    settings.SPAPI_LWA_CLIENT_ID = "amzn1.application-oa2-client.app"
    settings.SPAPI_LWA_CLIENT_SECRET = "app-secret"
    production_account.lwa_client_id = "amzn1.application-oa2-client.private"
    production_account.save()

    # when
    run = sync_orders(production_account)

    # then
    assert run.status == SyncRunStatus.FAILED
    assert "only half of a private application's credentials" in run.error


def test_the_account_page_shows_the_error_and_never_a_secret(
    admin_client: Client, production_account: AmazonAccount, settings: Any
) -> None:
    # given a server with the application's client id only, and an account with a private secret stored
    settings.SPAPI_LWA_CLIENT_ID = "amzn1.application-oa2-client.app"
    settings.SPAPI_LWA_CLIENT_SECRET = ""
    sync_orders(production_account)
    settings.SPAPI_LWA_CLIENT_SECRET = "env-s3cret-of-the-app"

    # when
    html = admin_client.get(
        reverse("admin:amazon_amazonaccount_change", args=(production_account.pk,))
    ).content.decode()

    # then
    assert 'id="last-order-sync-error"' in html
    assert "SPAPI_LWA_CLIENT_SECRET" in html
    assert "env-s3cret-of-the-app" not in html and "Atzr|authorized" not in html


def test_link_with_amazon_uses_the_servers_application(
    admin_client: Client, company: Company, settings: Any
) -> None:
    # given a new Production account: no pair of its own, the application's in the environment
    settings.SPAPI_APPLICATION_ID = "amzn1.sp.solution.app-id-1"
    settings.SPAPI_LWA_CLIENT_ID = "amzn1.application-oa2-client.app"
    settings.SPAPI_LWA_CLIENT_SECRET = "app-secret"
    account = AmazonAccount.objects.create(name="NA", company=company, region="NA")
    assert account.environment == Environment.PRODUCTION

    # when
    response = admin_client.get(reverse("admin:amazon_amazonaccount_link", args=(account.pk,)))

    # then off to Seller Central
    assert response["Location"].startswith("https://sellercentral.amazon.com/apps/authorize/consent?")


def test_link_with_amazon_without_the_applications_pair_names_the_variables(
    admin_client: Client, company: Company, settings: Any
) -> None:
    # given
    settings.SPAPI_APPLICATION_ID = "amzn1.sp.solution.app-id-1"
    settings.SPAPI_LWA_CLIENT_ID = ""
    settings.SPAPI_LWA_CLIENT_SECRET = ""
    account = AmazonAccount.objects.create(name="NA", company=company, region="NA")

    # when
    response = admin_client.get(reverse("admin:amazon_amazonaccount_link", args=(account.pk,)))

    # then
    assert response["Location"] == reverse("admin:amazon_amazonaccount_change", args=(account.pk,))
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(shown) == 1 and shown[0].startswith(
        "Not set on this server: SPAPI_LWA_CLIENT_ID, SPAPI_LWA_CLIENT_SECRET."
    )
