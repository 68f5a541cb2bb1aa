"""Fixed endpoints: credentials and tokens go to Amazon's hosts (or the configured sandbox) and nowhere else.

The reproduced attack: a token URL pointed at a local listener received `refresh_token=...&client_secret=...`
and its answer was echoed to the user. Here a real listener on 127.0.0.1 stands for the attacker's server:
a client whose URL is forced onto it after creation refuses to send, and the listener receives nothing.
"""

from __future__ import annotations

import httpx
import pytest

from sellersync.spapi import LwaCredentials, Marketplace, Region, SpApiClient, exchange_authorization_code
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.errors import UntrustedHost
from tests.spapi.helpers import CREDENTIALS, Listener


def test_the_production_table_names_amazons_hosts() -> None:
    # when
    eu = Endpoints.production(Region.EU)
    fe = Endpoints.production(Region.FE)
    # then
    assert (eu.api_url, eu.lwa_url) == (
        "https://sellingpartnerapi-eu.amazon.com",
        "https://api.amazon.com/auth/o2/token",
    )
    assert fe.api_url == "https://sellingpartnerapi-fe.amazon.com"
    assert eu.consent_url(Marketplace.DE) == "https://sellercentral-europe.amazon.com/apps/authorize/consent"
    assert eu.consent_url(Marketplace.NL) == "https://sellercentral.amazon.nl/apps/authorize/consent"
    assert eu.consent_url(Marketplace.JP) == "https://sellercentral-europe.amazon.com/apps/authorize/consent"
    assert fe.consent_url() == "https://sellercentral.amazon.co.jp/apps/authorize/consent"


@pytest.mark.parametrize(
    ("_case", "url"),
    [
        ("plain http to Amazon's host", "http://sellingpartnerapi-na.amazon.com/orders/v0/orders"),
        ("another region", "https://sellingpartnerapi-eu.amazon.com/orders/v0/orders"),
        ("a look-alike suffix", "https://sellingpartnerapi-na.amazon.com.evil.example/orders/v0/orders"),
        ("another port", "https://sellingpartnerapi-na.amazon.com:8443/orders/v0/orders"),
        ("a local listener", "http://127.0.0.1:8100/orders/v0/orders"),
    ],
)
def test_production_refuses_any_other_sp_api_host(_case: str, url: str) -> None:
    with pytest.raises(UntrustedHost):
        Endpoints.production(Region.NA).check_api_url(url)


@pytest.mark.parametrize(
    ("_case", "url"),
    [
        ("another port", "http://127.0.0.1:8242/auth/o2/token"),
        ("another name of the host", "http://localhost:8241/auth/o2/token"),
        ("https on the http port", "https://127.0.0.1:8241/auth/o2/token"),
        ("Amazon itself", "https://api.amazon.com/auth/o2/token"),
    ],
)
def test_sandbox_allows_its_own_origin_only(_case: str, url: str) -> None:
    # given
    sandbox = Endpoints.local_sandbox("http://127.0.0.1:8241")
    # when / then
    sandbox.check_lwa_url("http://127.0.0.1:8241/auth/o2/token")
    with pytest.raises(UntrustedHost):
        sandbox.check_lwa_url(url)


def test_a_token_url_forced_onto_a_listener_receives_no_credentials(listener: Listener) -> None:
    # given a production client whose token URL is changed after creation
    client = SpApiClient(CREDENTIALS, region=Region.NA, max_retries=0)
    client.auth.lwa_url = f"{listener.url}/auth/o2/token"
    # when
    with pytest.raises(UntrustedHost) as refused:
        client.sellers.get_marketplace_participations()
    # then nothing was sent, and the message names the refused host, not what it would have answered
    assert listener.bodies == []
    assert "127.0.0.1" in str(refused.value)
    assert "LISTENER-ANSWER" not in str(refused.value)


def test_an_api_url_forced_onto_a_listener_receives_no_token(listener: Listener) -> None:
    # given a client with a valid cached token whose SP-API base is changed after creation
    client = SpApiClient(CREDENTIALS, region=Region.NA, max_retries=0)
    client.auth.cache.set(CREDENTIALS.cache_key, "Atza|cached-token", 3600)
    client._http.base_url = httpx.URL(listener.url)
    # when / then
    with pytest.raises(UntrustedHost):
        client.sellers.get_marketplace_participations()
    assert listener.bodies == []


def test_a_sandbox_client_talks_to_the_sandbox_url_only(listener: Listener) -> None:
    # given a client of the sandbox at the listener's URL (the operator's choice), then forced elsewhere
    client = SpApiClient(CREDENTIALS, region=Region.NA, endpoints=Endpoints.local_sandbox(listener.url))
    client.auth.lwa_url = "http://127.0.0.2:9/auth/o2/token"
    # when / then
    with pytest.raises(UntrustedHost):
        client.sellers.get_marketplace_participations()
    assert listener.bodies == []


def test_the_authorization_code_goes_to_the_token_endpoint_only(listener: Listener) -> None:
    # given endpoints whose token URL is not their own origin (forced)
    forged = Endpoints(
        api_url="https://sellingpartnerapi-na.amazon.com", lwa_url=f"{listener.url}/t", region=Region.NA
    )
    # when / then
    with pytest.raises(UntrustedHost):
        exchange_authorization_code(
            client_id="cid",
            client_secret="csecret",
            code="ANcode",
            redirect_uri="https://erp.test/cb",
            endpoints=forged,
        )
    assert listener.bodies == []


def test_credentials_never_show_in_the_refusal() -> None:
    # given
    secret = LwaCredentials("cid", client_secret="s3cr3t-value", refresh_token="Atzr|r3fr3sh")
    client = SpApiClient(secret, region=Region.EU, max_retries=0)
    client.auth.lwa_url = "http://127.0.0.1:1/auth/o2/token"
    # when
    with pytest.raises(UntrustedHost) as refused:
        client.sellers.get_marketplace_participations()
    # then
    assert "s3cr3t" not in str(refused.value) and "r3fr3sh" not in str(refused.value)
