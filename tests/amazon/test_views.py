"""Link with Amazon (website authorization flow, the sandbox playing Seller Central) and developer mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import include, path, reverse

from sellersync import urls as root_urls
from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace
from sellersync.core.models import Company, UserPreference
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.amazon.fixtures import Sandbox, make_account

# The root urls include the connector's pages once the lead adds the include line; until then, add it here.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(pattern, "namespace", None) == "amazon" for pattern in urlpatterns):
    urlpatterns.append(path("amazon/", include("sellersync.amazon.urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def sandbox(settings: Any) -> Iterator[Sandbox]:
    """A sandbox on real time: an authorization code lives 5 simulated minutes, a blink at a fast scale."""
    settings.SPAPI_TIME_SCALE = 1.0
    settings.REDIS_URL = ""
    with serve_in_thread(create_app(seed=42, time_scale=1.0)) as base_url:
        settings.SPAPI_SANDBOX_URL = base_url
        box = Sandbox(base_url)
        yield box
        box.http.close()


@pytest.fixture
def unlinked_account(sandbox: Sandbox, company: Company) -> AmazonAccount:
    """An account with the application's LWA credentials but no refresh token yet."""
    account = make_account(sandbox, company, "NA")
    account.refresh_token = ""
    account.seller_id = ""
    account.save()
    return account


def _consent(admin_client: Client, account: AmazonAccount, sandbox: Sandbox) -> dict[str, str]:
    """Press Link with Amazon; return the consent page's query parameters."""
    response = admin_client.get(reverse("admin:amazon_amazonaccount_link", args=(account.pk,)))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == sandbox.base_url
    assert location.path == "/apps/authorize/consent"
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def _seller_authorizes(sandbox: Sandbox, consent: dict[str, str], seller_id: str) -> str:
    """The seller picks their account on the sandbox's consent page; returns where Amazon redirects."""
    response = sandbox.http.post("/apps/authorize/confirm", data={**consent, "selling_partner_id": seller_id})
    assert response.status_code == 302
    return str(response.headers["location"])


def test_link_with_amazon_stores_the_sellers_refresh_token_and_reads_its_marketplaces(
    admin_client: Client, sandbox: Sandbox, unlinked_account: AmazonAccount
) -> None:
    # given
    seller = sandbox.sellers()["NA"]
    consent = _consent(admin_client, unlinked_account, sandbox)
    back = urlsplit(_seller_authorizes(sandbox, consent, seller["seller_id"]))
    # when
    response = admin_client.get(f"{back.path}?{back.query}")
    # then
    assert consent["redirect_uri"] == "http://testserver/amazon/oauth/callback/"
    assert consent["application_id"] == seller["client_id"]
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:amazon_amazonaccount_change", args=(unlinked_account.pk,))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"The account is linked with Amazon seller {seller['seller_id']}. "
        "Synchronized marketplaces: Amazon.com, Amazon.ca, Amazon.com.mx."
    ]
    unlinked_account.refresh_from_db()
    assert unlinked_account.refresh_token == seller["refresh_token"]
    assert unlinked_account.seller_id == seller["seller_id"]
    synchronized = unlinked_account.marketplaces.filter(is_synchronized=True)
    assert sorted(synchronized.values_list("country_code", flat=True)) == ["CA", "MX", "US"]


def test_callback_rejects_a_tampered_state(
    admin_client: Client, sandbox: Sandbox, unlinked_account: AmazonAccount
) -> None:
    # given
    consent = _consent(admin_client, unlinked_account, sandbox)
    back = urlsplit(_seller_authorizes(sandbox, consent, sandbox.sellers()["NA"]["seller_id"]))
    tampered = back.query.replace("state=", "state=x")
    # when
    response = admin_client.get(f"{back.path}?{tampered}")
    # then
    assert response.status_code == 400
    unlinked_account.refresh_from_db()
    assert (unlinked_account.refresh_token, unlinked_account.seller_id) == ("", "")


def test_callback_rejects_a_state_issued_to_another_session(
    admin_client: Client,
    client: Client,
    admin_user: object,
    sandbox: Sandbox,
    unlinked_account: AmazonAccount,
) -> None:
    # given a state issued to one session, replayed from another (same user, new login)
    consent = _consent(admin_client, unlinked_account, sandbox)
    back = urlsplit(_seller_authorizes(sandbox, consent, sandbox.sellers()["NA"]["seller_id"]))
    client.force_login(admin_user)  # type: ignore[arg-type]
    # when
    response = client.get(f"{back.path}?{back.query}")
    # then
    assert response.status_code == 400
    unlinked_account.refresh_from_db()
    assert unlinked_account.refresh_token == ""


def test_callback_requires_login(client: Client) -> None:
    # when
    response = client.get(reverse("amazon:oauth-callback"), {"state": "x", "spapi_oauth_code": "y"})
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_developer_mode_switch_toggles_and_goes_back(admin_client: Client, admin_user: object) -> None:
    # given
    url = reverse("amazon:developer-mode")
    # when
    first = admin_client.post(url, {"next": "/admin/sales/"})
    on = UserPreference.objects.get(user=admin_user).developer_mode
    admin_client.post(url, {"next": "/admin/"})
    off = UserPreference.objects.get(user=admin_user).developer_mode
    # then
    assert (on, off) == (True, False)
    assert first["Location"] == "/admin/sales/"


def test_developer_mode_switch_refuses_get_and_foreign_redirects(
    admin_client: Client, admin_user: object
) -> None:
    # when
    get = admin_client.get(reverse("amazon:developer-mode"))
    post = admin_client.post(reverse("amazon:developer-mode"), {"next": "https://evil.example/"})
    # then
    assert get.status_code == 405
    assert post["Location"] == reverse("admin:index")


def test_header_shows_the_switch_in_its_current_position(admin_client: Client, admin_user: object) -> None:
    # given
    off = admin_client.get(reverse("admin:index")).content.decode()
    UserPreference.objects.create(user=admin_user, developer_mode=True)  # type: ignore[misc]
    # when
    on = admin_client.get(reverse("admin:index")).content.decode()
    # then
    assert "Developer mode: off" in off
    assert "Developer mode: on" in on


def _link(admin_client: Client, sandbox: Sandbox, account: AmazonAccount, seller_id: str) -> list[str]:
    """The whole round trip: Link with Amazon, the seller consents, Amazon sends them back; the messages."""
    back = urlsplit(_seller_authorizes(sandbox, _consent(admin_client, account, sandbox), seller_id))
    response = admin_client.get(f"{back.path}?{back.query}")
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_consent_page_is_the_regions_seller_central_with_the_configured_application(
    admin_client: Client, company: Company, settings: Any
) -> None:
    # given a production EU account selling in the Netherlands, and a draft application
    settings.SPAPI_APPLICATION_ID = "amzn1.sp.solution.app-id-1"
    settings.SPAPI_REDIRECT_URL = "https://erp.example.com/amazon/oauth/callback/"
    settings.SPAPI_APP_IS_DRAFT = True
    account = AmazonAccount.objects.create(
        name="EU", company=company, region="EU", lwa_client_id="cid", lwa_client_secret="secret"
    )
    AmazonMarketplace.objects.create(
        account=account,
        marketplace_id="A1805IZSGTT6HS",
        name="Amazon.nl",
        country_code="NL",
        currency_code="EUR",
    )
    # when
    response = admin_client.get(reverse("admin:amazon_amazonaccount_link", args=(account.pk,)))
    # then
    location = urlsplit(response["Location"])
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://sellercentral.amazon.nl/apps/authorize/consent"
    )
    assert query["application_id"] == "amzn1.sp.solution.app-id-1"
    assert query["redirect_uri"] == "https://erp.example.com/amazon/oauth/callback/"
    assert query["version"] == "beta"


def test_a_published_application_gets_no_beta_and_a_new_account_its_regions_seller_central(
    admin_client: Client, company: Company, settings: Any
) -> None:
    # given
    settings.SPAPI_APPLICATION_ID = "amzn1.sp.solution.app-id-1"
    settings.SPAPI_APP_IS_DRAFT = False
    account = AmazonAccount.objects.create(
        name="FE", company=company, region="FE", lwa_client_id="cid", lwa_client_secret="secret"
    )
    # when
    response = admin_client.get(reverse("admin:amazon_amazonaccount_link", args=(account.pk,)))
    # then
    assert response["Location"].startswith("https://sellercentral.amazon.co.jp/apps/authorize/consent?")
    assert "version" not in parse_qs(urlsplit(response["Location"]).query)


def test_linking_a_production_account_needs_the_application_id(
    admin_client: Client, company: Company, settings: Any
) -> None:
    # given
    settings.SPAPI_APPLICATION_ID = ""
    account = AmazonAccount.objects.create(
        name="NA", company=company, region="NA", lwa_client_id="cid", lwa_client_secret="secret"
    )
    # when
    response = admin_client.get(reverse("admin:amazon_amazonaccount_link", args=(account.pk,)))
    # then
    assert response["Location"] == reverse("admin:amazon_amazonaccount_change", args=(account.pk,))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Set SPAPI_APPLICATION_ID (your application's id in Developer Central) to link with Amazon."
    ]


def test_an_account_of_one_seller_is_never_moved_to_another_seller(
    admin_client: Client, sandbox: Sandbox, company: Company
) -> None:
    # given an account linked with the NA seller
    sellers = sandbox.sellers()
    account = make_account(sandbox, company, "NA")
    # when the EU seller is the one who consents
    messages = _link(admin_client, sandbox, account, sellers["EU"]["seller_id"])
    # then
    na, eu = sellers["NA"]["seller_id"], sellers["EU"]["seller_id"]
    assert messages == [
        f"The account was not linked: This account belongs to seller {na}, but seller {eu} gave the consent. "
        f"Sign in to Seller Central as {na}, or create a new account for {eu}."
    ]
    account.refresh_from_db()
    assert (account.seller_id, account.refresh_token) == (
        sellers["NA"]["seller_id"],
        sellers["NA"]["refresh_token"],
    )
    assert account.marketplaces.count() == 0


def test_a_second_account_of_a_seller_takes_only_marketplaces_the_first_leaves(
    admin_client: Client, sandbox: Sandbox, company: Company, unlinked_account: AmazonAccount
) -> None:
    # given a first account of the NA seller that synchronizes its three marketplaces
    seller = sandbox.sellers()["NA"]
    first = make_account(sandbox, company, "NA", name="First")
    services.update_marketplaces(first)
    # when the second account is linked with the same seller
    refused = _link(admin_client, sandbox, unlinked_account, seller["seller_id"])
    unlinked_account.refresh_from_db()
    after_refusal = (
        unlinked_account.seller_id,
        unlinked_account.refresh_token,
        unlinked_account.marketplaces.count(),
    )
    # and again once the first account leaves Canada
    first.marketplaces.filter(country_code="CA").update(is_synchronized=False)
    accepted = _link(admin_client, sandbox, unlinked_account, seller["seller_id"])
    # then
    assert refused == [
        f"The account was not linked: Seller {seller['seller_id']} is already linked to First, which "
        "synchronizes all of its marketplaces in this region. To split them between two accounts, untick "
        "there the marketplaces this account should take, then link again."
    ]
    assert after_refusal == ("", "", 0)
    assert accepted[-1] == (  # (the refusal's message was not displayed in between)
        f"The account is linked with Amazon seller {seller['seller_id']}. "
        "Synchronized marketplaces: Amazon.ca."
    )
    synchronized = AmazonMarketplace.objects.filter(is_synchronized=True)
    assert sorted(synchronized.values_list("account__name", "country_code")) == [
        ("Amazon NA", "CA"),
        ("First", "MX"),
        ("First", "US"),
    ]
