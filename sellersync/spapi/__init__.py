"""sellersync's SP-API client: typed, rate limited, retried; no Django.

Layers: ``SpApiClient`` (policy: LWA auth, token buckets, retries, error mapping) -> httpx transport
(real, ``MockTransport`` or ``ASGITransport`` to the local sandbox). One class per API and version
(``client.orders_v0``, ``client.orders``, ``client.feeds``, ``client.reports``, ``client.tokens``,
``client.sellers``, ``client.finances_v0``), one method per operation, returning pydantic models.
"""

from sellersync.spapi.auth import InMemoryTokenCache, LwaCredentials, TokenCache, exchange_authorization_code
from sellersync.spapi.client import OperationStats, SpApiClient
from sellersync.spapi.errors import (
    ApiErrorDetail,
    AuthError,
    ConnectionFailed,
    FeedOutcomeUnknown,
    InvalidInput,
    NotFound,
    OutcomeUnknown,
    PayloadError,
    PermanentError,
    PiiAccessDenied,
    ServerError,
    SpApiError,
    Throttled,
    Timeout,
    TransientError,
)
from sellersync.spapi.marketplaces import Marketplace, Region
from sellersync.spapi.operations import OPERATIONS, OperationSpec
from sellersync.spapi.ratelimit import RateLimiter

__all__ = [
    "OPERATIONS",
    "ApiErrorDetail",
    "AuthError",
    "ConnectionFailed",
    "FeedOutcomeUnknown",
    "InMemoryTokenCache",
    "InvalidInput",
    "LwaCredentials",
    "Marketplace",
    "NotFound",
    "OperationSpec",
    "OperationStats",
    "OutcomeUnknown",
    "PayloadError",
    "PermanentError",
    "PiiAccessDenied",
    "RateLimiter",
    "Region",
    "ServerError",
    "SpApiClient",
    "SpApiError",
    "Throttled",
    "Timeout",
    "TokenCache",
    "TransientError",
    "exchange_authorization_code",
]
