"""Wire helpers: query/path encoding, JSON decoding with exact decimals, and HTTP status -> exception."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from sellersync.spapi.auth import ACCESS_TOKEN_HEADER
from sellersync.spapi.errors import (
    ApiErrorDetail,
    PayloadError,
    SpApiError,
    TransientError,
    error_class_for_status,
)

logger = logging.getLogger("sellersync.spapi")

REQUEST_ID_HEADER = "x-amzn-RequestId"
RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"
_REDACTED = "***"

QueryValue = str | int | bool | datetime | date | Iterable[str] | None


def iso_utc(value: datetime | date | str) -> str:
    """ISO 8601 in UTC with a "Z" suffix; strings are sent verbatim (Amazon's own values, test cases)."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: SP-API timestamps must be timezone-aware")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def encode_query(params: Mapping[str, QueryValue]) -> dict[str, str]:
    """Query parameters as Amazon expects them: None dropped, arrays comma-separated, dates ISO 8601 UTC."""
    encoded: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[name] = "true" if value else "false"
        elif isinstance(value, str | int):
            encoded[name] = str(value)
        elif isinstance(value, datetime | date):
            encoded[name] = iso_utc(value)
        else:
            items = list(value)
            if items:
                encoded[name] = ",".join(items)
    return encoded


def fill_path(template: str, path_params: Mapping[str, str]) -> str:
    """The path with each ``{name}`` replaced by its percent-encoded value."""
    return template.format(**{name: quote(value, safe="") for name, value in path_params.items()})


def decode_json(response: httpx.Response, operation: str) -> Any:
    """The response body as JSON, numbers with a fraction as Decimal (money stays exact)."""
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError as exc:
        raise PayloadError(
            f"{operation}: response body is not valid JSON ({response.status_code})",
            status=response.status_code,
            request_id=response.headers.get(REQUEST_ID_HEADER),
            operation=operation,
        ) from exc


def _error_details(response: httpx.Response) -> tuple[ApiErrorDetail, ...]:
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return ()
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ()
    return tuple(
        ApiErrorDetail(str(e.get("code", "")), str(e.get("message", "")), str(e.get("details") or ""))
        for e in errors
        if isinstance(e, dict)
    )


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (delta or HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def raise_for_status(response: httpx.Response, operation: str) -> None:
    """Raise the exception class of a non-2xx status, carrying Amazon's errors and request id."""
    if response.is_success:
        return
    error_class = error_class_for_status(response.status_code)
    details = _error_details(response)
    summary = "; ".join(f"{d.code}: {d.message}" for d in details) or response.reason_phrase
    kwargs: dict[str, Any] = {
        "status": response.status_code,
        "errors": details,
        "request_id": response.headers.get(REQUEST_ID_HEADER),
        "operation": operation,
    }
    message = f"{operation} failed with HTTP {response.status_code}: {summary}"
    if issubclass(error_class, TransientError):
        raise error_class(message, retry_after=retry_after_seconds(response), **kwargs)
    raise error_class(message, **kwargs)


def amazon_time(response: httpx.Response) -> datetime | None:
    """Amazon's clock when it answered (its `Date` header, to the second); None when absent or unreadable."""
    value = response.headers.get("date")
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def announced_rate(response: httpx.Response) -> float | None:
    """The rate Amazon announces in ``x-amzn-RateLimit-Limit`` (requests per second), if any."""
    value = response.headers.get(RATE_LIMIT_HEADER)
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        return None
    return rate if rate > 0 else None


def redacted_headers(headers: httpx.Headers) -> dict[str, str]:
    """Headers safe to log: the access token (LWA token or RDT) replaced by ***."""
    return {k: (_REDACTED if k.lower() == ACCESS_TOKEN_HEADER else v) for k, v in headers.items()}


def log_exchange(request: httpx.Request, response: httpx.Response | None, error: SpApiError | None) -> None:
    """Debug-log one HTTP exchange without tokens, query values or bodies (they may hold PII)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug(
        "%s %s -> %s request_id=%s headers=%s error=%s",
        request.method,
        request.url.path,
        response.status_code if response is not None else "-",
        response.headers.get(REQUEST_ID_HEADER) if response is not None else "-",
        redacted_headers(request.headers),
        type(error).__name__ if error else "-",
    )
