"""Where a client may send what: Amazon's production hosts, or the one local sandbox.

An account's credentials (client secret, refresh token) and the access tokens they buy must only ever reach
Amazon. ``Endpoints`` is fixed when a client is made and checked again on every request, so a URL forced
into a client afterwards is refused before anything is sent (``UntrustedHost``):

=============  ==========================================  ==========================================
               production (``Endpoints.production``)        sandbox (``Endpoints.local_sandbox``)
=============  ==========================================  ==========================================
LWA tokens     https://api.amazon.com/auth/o2/token         {sandbox}/auth/o2/token
SP-API         https://sellingpartnerapi-{na,eu,fe}...      {sandbox}
documents      https, the S3 buckets of Amazon's document      the sandbox's origin
               service (tortuga-prod-{na,eu,fe}.s3...)
consent page   the marketplace's (else region's) Seller     {sandbox}/apps/authorize/consent
               Central, /apps/authorize/consent
=============  ==========================================  ==========================================

Hosts are compared exactly (scheme, host and port), never by prefix; plain http is accepted only for the
sandbox URL the operator configured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from sellersync.spapi.errors import UntrustedHost
from sellersync.spapi.marketplaces import Marketplace, Region

AMAZON_LWA_URL = "https://api.amazon.com/auth/o2/token"
SANDBOX_LWA_PATH = "/auth/o2/token"
CONSENT_PATH = "/apps/authorize/consent"
#: Where Amazon's pre-signed feed/report document URLs point: the S3 buckets of its document service
#: ("Tortuga", as in the ids amzn1.tortuga.*), one bucket per region, seen on S3 endpoints of various AWS
#: regions (na.s3-external-1 and na.s3, eu.s3-eu-west-1, fe.s3-us-west-2).
#: The first label of a virtual-hosted S3 host is the bucket, and bucket names are global, so pinning the
#: bucket names keeps anyone else's bucket (or any other service under amazonaws.com) out.
DOCUMENT_BUCKETS = ("tortuga-prod-na", "tortuga-prod-eu", "tortuga-prod-fe")
_S3_ENDPOINT = r"s3(?:-external-1|[.-][a-z]{2}(?:-[a-z]+)+-\d)?\.amazonaws\.com"
DOCUMENT_HOST = re.compile(rf"(?:{'|'.join(map(re.escape, DOCUMENT_BUCKETS))})\.{_S3_ENDPOINT}")
_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port of a URL: what two URLs must share to reach the same server."""

    scheme: str
    host: str
    port: int | None

    @classmethod
    def of(cls, url: str | httpx.URL) -> Origin:
        parsed = httpx.URL(url)
        return cls(parsed.scheme, parsed.host, parsed.port or _DEFAULT_PORTS.get(parsed.scheme))

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one client and the hosts it may send credentials, tokens and documents to."""

    api_url: str
    lwa_url: str
    region: Region | None = None  # production only

    @classmethod
    def production(cls, region: Region) -> Endpoints:
        """Amazon's LWA and the region's SP-API host."""
        return cls(api_url=region.host, lwa_url=AMAZON_LWA_URL, region=region)

    @classmethod
    def local_sandbox(cls, url: str) -> Endpoints:
        """Everything on the local sandbox at ``url`` (http or https, no user, query or fragment)."""
        parsed = httpx.URL(url)
        if parsed.scheme not in _DEFAULT_PORTS or not parsed.host:
            raise ValueError(f"the sandbox URL must be an http(s) URL with a host, not {url!r}")
        if parsed.userinfo or parsed.query or parsed.fragment:
            raise ValueError("the sandbox URL must not carry a user, a query or a fragment")
        base = str(parsed).rstrip("/")
        return cls(api_url=base, lwa_url=base + SANDBOX_LWA_PATH)

    @property
    def is_sandbox(self) -> bool:
        return self.region is None

    def consent_url(self, marketplace: Marketplace | None = None) -> str:
        """Where a seller authorizes the application: the marketplace's Seller Central (else the region's)."""
        if self.region is None:
            return self.api_url + CONSENT_PATH
        if marketplace is not None and marketplace.region is self.region:
            return marketplace.seller_central + CONSENT_PATH
        return self.region.seller_central + CONSENT_PATH

    @property
    def _trusted_lwa_url(self) -> str:
        # Production: the table's value, whatever lwa_url holds (a forged Endpoints gains nothing).
        return AMAZON_LWA_URL if self.region is not None else self.api_url

    @property
    def _trusted_api_url(self) -> str:
        return self.region.host if self.region is not None else self.api_url

    def check_lwa_url(self, url: str | httpx.URL) -> None:
        """Refuse to send LWA credentials anywhere but Amazon's token endpoint (or the sandbox's)."""
        self._require_same_origin(url, self._trusted_lwa_url, "LWA credentials")

    def check_api_url(self, url: str | httpx.URL) -> None:
        """Refuse to send an access token anywhere but the region's SP-API host (or the sandbox)."""
        self._require_same_origin(url, self._trusted_api_url, "an SP-API request")

    def check_request_url(self, url: str | httpx.URL) -> None:
        """Refuse any request of the API client that goes neither to the SP-API host nor to LWA."""
        if Origin.of(url) != Origin.of(self._trusted_lwa_url):
            self.check_api_url(url)

    def check_document_url(self, url: str | httpx.URL) -> None:
        """Refuse a document transfer to anything but an https bucket of Amazon's document service (or the
        sandbox)."""
        if self.region is None:
            self._require_same_origin(url, self.api_url, "a document transfer")
            return
        origin = Origin.of(url)
        amazon_bucket = DOCUMENT_HOST.fullmatch(origin.host) is not None
        if origin.scheme != "https" or origin.port != _DEFAULT_PORTS["https"] or not amazon_bucket:
            raise UntrustedHost(
                f"refusing a document transfer with {origin}: not an https bucket of Amazon's document "
                f"service ({', '.join(DOCUMENT_BUCKETS)} on S3)"
            )

    def _require_same_origin(self, url: str | httpx.URL, expected: str, what: str) -> None:
        origin = Origin.of(url)
        allowed = Origin.of(expected)
        if origin != allowed:
            raise UntrustedHost(f"refusing to send {what} to {origin}: only {allowed} is allowed")
