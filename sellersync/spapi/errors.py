"""Exceptions raised by the SP-API client.

The hierarchy, decided on the HTTP status (never on the body)::

    SpApiError                      anything the client raises on purpose
    ├── TransientError              worth retrying later (the client retries these itself)
    │   ├── Throttled               429 (Amazon's "QuotaExceeded")
    │   ├── ServerError             5xx
    │   ├── Timeout                 the request timed out
    │   ├── ConnectionFailed        the connection could not be made or was dropped
    │   └── OutcomeUnknown          a non-idempotent request (createFeed, confirmShipment, createReport)
    │       │                       went out but its answer did not come back (timeout after sending,
    │       │                       connection dropped, 500/502/504): Amazon may have taken it. Never
    │       │                       resent by the client; the caller asks Amazon before sending again
    │       └── FeedOutcomeUnknown  ... and getFeeds could not settle it: where to look for it later
    ├── PermanentError              retrying the same request cannot help
    │   ├── AuthError               401 / 403, or the LWA token endpoint refused the credentials
    │   │   └── PiiAccessDenied     Amazon refused a restricted data token (no PII role)
    │   ├── NotFound                404
    │   ├── InvalidInput            400 / 413 / 415 / 422 (and any other 4xx)
    │   ├── UntrustedHost           a request to a host that is not Amazon's (or the sandbox's): not sent
    │   └── DocumentTooLarge        a feed/report document larger than the cap (compressed or not)
    └── PayloadError                a 2xx response that does not fit the model of its operation

Every error carries the HTTP ``status`` (``None`` when no response came back), Amazon's ``errors`` as
``ApiErrorDetail(code, message, details)`` and the ``request_id`` (``x-amzn-RequestId``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ApiErrorDetail:
    """One entry of Amazon's ``{"errors": [{"code", "message", "details"}]}`` body."""

    code: str
    message: str
    details: str = ""


class SpApiError(Exception):
    """Base class of every error raised by the client."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: tuple[ApiErrorDetail, ...] = (),
        request_id: str | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors
        self.request_id = request_id
        self.operation = operation


class TransientError(SpApiError):
    """A failure that may succeed when retried later."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class Throttled(TransientError):
    """HTTP 429: the selling partner's quota for this operation is exhausted."""


class ServerError(TransientError):
    """HTTP 5xx: Amazon failed to serve the request."""


class Timeout(TransientError):
    """The request did not complete within the configured timeout."""


class ConnectionFailed(TransientError):
    """The connection could not be established or broke mid-request."""


class OutcomeUnknown(TransientError):
    """A non-idempotent request was sent and its answer lost: Amazon may or may not have taken it.

    The client does not resend it (a second createFeed or confirmShipment could do the work twice); the
    caller finds out from Amazon (getFeeds, the order's packages, getReports) before sending again.
    """


class FeedOutcomeUnknown(OutcomeUnknown):
    """createFeed's answer was lost and Amazon could not say whether it took it (getFeeds failed, or listed
    several candidates): the feed type, marketplaces and Amazon time to look for it from, later."""

    def __init__(
        self,
        message: str,
        *,
        feed_type: str,
        marketplace_ids: tuple[str, ...],
        created_since: datetime,
        **kwargs: object,
    ) -> None:
        super().__init__(message, operation="feeds.createFeed", **kwargs)  # type: ignore[arg-type]
        self.feed_type = feed_type
        self.marketplace_ids = marketplace_ids
        self.created_since = created_since


class PermanentError(SpApiError):
    """A failure that the same request will hit again: never retried."""


class AuthError(PermanentError):
    """HTTP 401/403, or the LWA token endpoint refused the credentials."""


class PiiAccessDenied(AuthError):
    """Amazon refused a restricted data token: the application has no access to this PII."""


class NotFound(PermanentError):
    """HTTP 404: the resource does not exist (or not for this seller)."""


class InvalidInput(PermanentError):
    """HTTP 400/413/415/422 (and any other 4xx): Amazon rejected the request as built."""


class UntrustedHost(PermanentError):
    """The request was going to a host that is not Amazon's (or the configured sandbox): nothing was sent."""


class DocumentTooLarge(PermanentError):
    """A feed or report document is larger than the client's cap (before or after decompression)."""


class PayloadError(SpApiError):
    """A successful response whose body does not fit the model of its operation."""


def error_class_for_status(status: int) -> type[SpApiError]:
    """The exception class for a non-2xx HTTP status."""
    if status == 429:
        return Throttled
    if status >= 500:
        return ServerError
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFound
    return InvalidInput
