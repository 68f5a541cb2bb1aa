"""LWA token exchange, token expiry on the simulated clock, and the website authorization flow."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.sandbox.conftest import US, SandboxClient

ORDERS = "/orders/v0/orders"
QUERY = {"MarketplaceIds": US, "CreatedAfter": "2026-03-01T00:00:00Z"}


def test_refresh_token_grant_returns_a_bearer_access_token(sandbox: SandboxClient) -> None:
    # given the NA seller's credentials
    seller = sandbox.seller("NA")
    # when the refresh token is exchanged
    response = sandbox.http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller["refresh_token"],
            "client_id": seller["client_id"],
            "client_secret": seller["client_secret"],
        },
    )
    # then LWA's shape comes back and the token opens the API
    body = response.json()
    assert response.status_code == 200
    assert body["access_token"].startswith("Atza|")
    assert (body["token_type"], body["expires_in"], body["refresh_token"]) == (
        "bearer",
        3600,
        seller["refresh_token"],
    )
    orders = sandbox.http.get(ORDERS, params=QUERY, headers={"x-amz-access-token": body["access_token"]})
    assert orders.status_code == 200


def test_wrong_client_secret_is_invalid_client(sandbox: SandboxClient) -> None:
    seller = sandbox.seller("NA")
    response = sandbox.http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller["refresh_token"],
            "client_id": seller["client_id"],
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_unknown_refresh_token_is_invalid_grant(sandbox: SandboxClient) -> None:
    seller = sandbox.seller("NA")
    response = sandbox.http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|nope",
            "client_id": seller["client_id"],
            "client_secret": seller["client_secret"],
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_access_token_expires_after_an_hour_of_simulated_time(sandbox: SandboxClient) -> None:
    # given a fresh access token
    headers = sandbox.headers("NA")
    # when 3601 simulated seconds pass
    sandbox.advance(3601)
    response = sandbox.http.get(ORDERS, params=QUERY, headers=headers)
    # then Amazon's 403 with the expiry detail
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "code": "Unauthorized",
                "message": "Access to requested resource is denied.",
                "details": "The access token you provided has expired.",
            }
        ]
    }
    assert response.headers["x-amzn-RequestId"]


def test_missing_or_unknown_token_is_denied(sandbox: SandboxClient) -> None:
    for headers in ({}, {"x-amz-access-token": "Atza|forged"}):
        response = sandbox.http.get(ORDERS, params=QUERY, headers=headers)
        assert response.status_code == 403
        assert response.json()["errors"][0]["details"].endswith("is revoked, malformed or invalid.")


def test_consent_page_redirects_with_a_code_that_exchanges_for_the_sellers_refresh_token(
    sandbox: SandboxClient,
) -> None:
    # given the consent page of an application
    eu_seller = sandbox.seller("EU")
    page = sandbox.http.get(
        "/apps/authorize/consent",
        params={
            "application_id": "amzn1.sp.solution.x",
            "state": "s-123",
            "redirect_uri": "https://app.test/cb",
        },
    )
    assert page.status_code == 200 and "Authorize" in page.text
    # when the EU seller authorizes
    confirm = sandbox.http.post(
        "/apps/authorize/confirm",
        data={
            "selling_partner_id": eu_seller["seller_id"],
            "state": "s-123",
            "redirect_uri": "https://app.test/cb",
        },
    )
    # then the redirect carries code, state and seller id, and the code gives the seller's refresh token once
    assert confirm.status_code == 302
    location = urlsplit(confirm.headers["location"])
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert (location.netloc, params["state"], params["selling_partner_id"]) == (
        "app.test",
        "s-123",
        eu_seller["seller_id"],
    )
    app_seller = sandbox.seller("NA")
    exchange = {
        "grant_type": "authorization_code",
        "code": params["spapi_oauth_code"],
        "client_id": app_seller["client_id"],
        "client_secret": app_seller["client_secret"],
    }
    first = sandbox.http.post("/auth/o2/token", data=exchange)
    assert first.json()["refresh_token"] == eu_seller["refresh_token"]
    assert sandbox.http.post("/auth/o2/token", data=exchange).json()["error"] == "invalid_grant"
