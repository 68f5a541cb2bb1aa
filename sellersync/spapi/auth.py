"""Login with Amazon (LWA): credentials, a shareable token cache, and an ``httpx.Auth`` flow.

The flow adds ``x-amz-access-token`` to every SP-API request, fetching an access token from the LWA
endpoint when the cache has none (cached until 60 s before expiry). When Amazon answers 401/403 with an
error saying the token is expired or invalid, the flow drops the cached token, fetches a new one and
replays the request once. A request that already carries ``x-amz-access-token`` (a restricted data
token) is left untouched. Tokens and secrets are never logged and never appear in ``repr()``.

Before anything is sent, the flow checks the request's host and the token endpoint's against the client's
``Endpoints`` (Amazon's hosts, or the configured sandbox): credentials and tokens go nowhere else, even when
a URL was changed after the client was made.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.errors import AuthError, ServerError, Timeout

ACCESS_TOKEN_HEADER = "x-amz-access-token"  # noqa: S105  # nosec B105  # a header name, not a secret
EXPIRY_MARGIN_SECONDS = 60.0
#: Amazon's error and error_description are shown to the user: this long at most.
MAX_REASON_CHARS = 300
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"


@dataclass(frozen=True)
class LwaCredentials:
    """An application's LWA client id/secret and one seller's refresh token. ``repr()`` hides the secrets."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    selling_partner_id: str | None = None

    @property
    def cache_key(self) -> str:
        """A stable, non-secret key for this (application, seller) pair."""
        digest = hashlib.sha256(f"{self.client_id}\0{self.refresh_token}".encode()).hexdigest()[:24]
        return f"lwa:{digest}"

    @property
    def seller_key(self) -> str:
        """The key rate limits are kept under: the selling partner id, or a digest of the refresh token."""
        return self.selling_partner_id or self.cache_key


class TokenCache(Protocol):
    """Where access tokens are kept between requests (share one across clients of the same seller)."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float) -> None: ...

    def delete(self, key: str) -> None: ...


class InMemoryTokenCache:
    """A thread-safe in-process TokenCache with per-entry expiry."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: str) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[1] <= self._clock():
                self._entries.pop(key, None)
                return None
            return entry[0]

    def set(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (value, self._clock() + ttl)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


@dataclass(frozen=True)
class LwaToken:
    """The LWA token endpoint's answer."""

    access_token: str = field(repr=False)
    expires_in: float
    refresh_token: str | None = field(default=None, repr=False)


def token_request(credentials: LwaCredentials, lwa_url: str) -> httpx.Request:
    """The refresh-token grant request for these credentials."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": credentials.refresh_token,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    }
    return httpx.Request("POST", lwa_url, data=form, headers={"content-type": _FORM_CONTENT_TYPE})


def read_token_response(response: httpx.Response) -> LwaToken:
    """Parse the token endpoint's response, or raise AuthError naming Amazon's reason (never a secret)."""
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        body = {}
    if not response.is_success:
        reason = _refusal_reason(body)
        error_class = ServerError if response.status_code >= 500 else AuthError
        raise error_class(
            f"LWA token request refused ({response.status_code}): {reason}", status=response.status_code
        )
    if not isinstance(body.get("access_token"), str):
        raise AuthError("LWA token response has no access_token", status=response.status_code)
    return LwaToken(body["access_token"], float(body.get("expires_in", 3600)), body.get("refresh_token"))


def _refusal_reason(body: object) -> str:
    """``error: error_description`` of an LWA refusal, shortened (Amazon's own words, nothing else)."""
    if not isinstance(body, dict):
        return "unknown_error"
    error = str(body.get("error") or "unknown_error")[:MAX_REASON_CHARS]
    description = str(body.get("error_description") or "")[:MAX_REASON_CHARS]
    return f"{error}: {description}".rstrip(": ")


def _is_token_rejection(response: httpx.Response) -> bool:
    if response.status_code not in (401, 403):
        return False
    text = response.content.decode("utf-8", "replace").lower()
    return "unauthorized" in text or "expired" in text or ("invalid" in text and "token" in text)


class LwaAuth(httpx.Auth):
    """The httpx auth flow adding an LWA access token, refreshing once when Amazon rejects it."""

    requires_response_body = True

    def __init__(
        self,
        credentials: LwaCredentials,
        *,
        endpoints: Endpoints,
        cache: TokenCache,
        time_scale: float = 1.0,
    ) -> None:
        self.credentials = credentials
        self.endpoints = endpoints
        self.lwa_url = endpoints.lwa_url
        self.cache = cache
        self.time_scale = time_scale
        self.token_fetches = 0

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.endpoints.check_api_url(request.url)
        if ACCESS_TOKEN_HEADER in request.headers:
            yield request
            return
        token = self.cache.get(self.credentials.cache_key)
        if token is None:
            token = yield from self._fetch_token()
        request.headers[ACCESS_TOKEN_HEADER] = token
        response = yield request
        if response.status_code in (401, 403):
            response.read()  # overriding sync_auth_flow skips httpx's own requires_response_body handling
        if _is_token_rejection(response):
            self.cache.delete(self.credentials.cache_key)
            request.headers[ACCESS_TOKEN_HEADER] = yield from self._fetch_token()
            yield request

    def _fetch_token(self) -> Generator[httpx.Request, httpx.Response, str]:
        request = token_request(self.credentials, self.lwa_url)
        self.endpoints.check_lwa_url(request.url)
        self.token_fetches += 1
        response = yield request
        response.read()
        token = read_token_response(response)
        # A time-scaled sandbox lets tokens expire time_scale times sooner in real time.
        ttl = max(token.expires_in - EXPIRY_MARGIN_SECONDS, 0.0) / self.time_scale
        self.cache.set(self.credentials.cache_key, token.access_token, ttl)
        return token.access_token


def exchange_authorization_code(
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    endpoints: Endpoints,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30,
) -> str:
    """Exchange an OAuth authorization code ("Link with Amazon") for the seller's refresh token.

    The code and the client secret are sent to the token endpoint of ``endpoints`` only (UntrustedHost else).
    """
    endpoints.check_lwa_url(endpoints.lwa_url)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    with httpx.Client(transport=transport, timeout=timeout) as http:
        try:
            response = http.post(endpoints.lwa_url, data=form, headers={"content-type": _FORM_CONTENT_TYPE})
        except httpx.TimeoutException as exc:
            raise Timeout("LWA authorization-code exchange timed out") from exc
    token = read_token_response(response)
    if not token.refresh_token:
        raise AuthError(
            "LWA authorization-code exchange returned no refresh_token", status=response.status_code
        )
    return token.refresh_token
