"""SpApiClient: the policy layer (LWA auth, rate limits, retries, error mapping) over an httpx transport.

One instance per (application, seller, region). The API classes (``client.orders_v0``, ``client.orders``,
``client.feeds``...) build the requests; every SP-API call goes through ``SpApiClient.call``, which
waits for a rate-limit token, sends, maps the HTTP status to an exception and retries transient failures
with tenacity (exponential backoff with jitter, or Retry-After when Amazon sends it). A non-idempotent
operation (``OPERATIONS[...].idempotent`` False: createFeed, confirmShipment, createReport) is retried only
when Amazon surely did not take it (429, 503, no connection made); when its answer is lost after sending,
``OutcomeUnknown`` is raised instead of sending it again.

Where it sends is fixed by its ``Endpoints`` (Amazon's production hosts of the region by default, or the
local sandbox): every request, token request and document transfer is checked against them before it
leaves (``UntrustedHost``).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_not_exception_type,
    stop_after_attempt,
)

from sellersync.spapi.apis.documents import DEFAULT_MAX_DOCUMENT_BYTES, DocumentTransfer
from sellersync.spapi.apis.fba_inventory import FbaInventoryV1
from sellersync.spapi.apis.feeds import Feeds20210630
from sellersync.spapi.apis.finances_v0 import FinancesV0
from sellersync.spapi.apis.listings import ListingsItems20210801
from sellersync.spapi.apis.orders_2026 import Orders20260101
from sellersync.spapi.apis.orders_v0 import OrdersV0
from sellersync.spapi.apis.reports import Reports20210630
from sellersync.spapi.apis.sellers import SellersV1
from sellersync.spapi.apis.tokens import (
    CachedRestrictedDataTokens,
    RestrictedDataTokenProvider,
    Tokens20210301,
)
from sellersync.spapi.auth import (
    ACCESS_TOKEN_HEADER,
    InMemoryTokenCache,
    LwaAuth,
    LwaCredentials,
    TokenCache,
)
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.errors import (
    ConnectionFailed,
    OutcomeUnknown,
    ServerError,
    SpApiError,
    Throttled,
    Timeout,
    TransientError,
)
from sellersync.spapi.marketplaces import Region
from sellersync.spapi.operations import OPERATIONS
from sellersync.spapi.ratelimit import RateLimiter
from sellersync.spapi.transport import (
    QueryValue,
    amazon_time,
    announced_rate,
    decode_json,
    encode_query,
    fill_path,
    log_exchange,
    raise_for_status,
)

USER_AGENT = "sellersync/0.1 (Language=Python)"
BACKOFF_INITIAL_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0


@dataclass
class OperationStats:
    """What one operation cost: HTTP calls sent, retries among them, 429s received, answers lost."""

    calls: int = 0
    retries: int = 0
    throttled: int = 0
    unknown: int = 0


def answer_may_be_lost(error: TransientError) -> bool:
    """Whether Amazon may have processed a request that failed this way.

    Not when the connection was never made (connect/pool timeout, connect error), nor on 503 (Amazon refused
    to serve it) or 429; yes after a read timeout, a dropped connection, or a 500/502/504.
    """
    cause = error.__cause__
    if isinstance(error, Timeout):
        return not isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(error, ConnectionFailed):
        return not isinstance(cause, httpx.ConnectError)
    return isinstance(error, ServerError) and error.status != 503


class SpApiClient:
    """A typed SP-API client for one seller in one region. Use as a context manager to close connections."""

    def __init__(
        self,
        credentials: LwaCredentials,
        *,
        region: Region,
        endpoints: Endpoints | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30,
        rate_limiter: RateLimiter | None = None,
        time_scale: float = 1.0,
        max_retries: int = 5,
        restricted_data_token_provider: RestrictedDataTokenProvider | None = None,
        token_cache: TokenCache | None = None,
        sleep: Callable[[float], None] | None = None,
        max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
    ) -> None:
        self.credentials = credentials
        self.region = region
        self.endpoints = endpoints or Endpoints.production(region)
        self.time_scale = time_scale
        self.max_retries = max_retries
        self.rate_limiter = rate_limiter or RateLimiter(time_scale=time_scale, headroom_tokens=1)
        self._sleep = sleep or self.rate_limiter.sleep
        self.auth = LwaAuth(
            credentials,
            endpoints=self.endpoints,
            cache=token_cache or InMemoryTokenCache(),
            time_scale=time_scale,
        )
        headers = {"user-agent": USER_AGENT}
        self._http = httpx.Client(
            base_url=self.endpoints.api_url,
            transport=transport,
            timeout=timeout,
            auth=self.auth,
            headers=headers,
            event_hooks={"request": [self._refuse_untrusted_request]},
        )
        # Pre-signed S3 URLs of feed/report documents: no LWA header, no rate limit.
        self.documents_http = httpx.Client(
            transport=transport,
            timeout=timeout,
            headers=headers,
            event_hooks={"request": [self._refuse_untrusted_document]},
        )
        self.documents = DocumentTransfer(self.documents_http, self.endpoints, max_document_bytes)
        self.stats: defaultdict[str, OperationStats] = defaultdict(OperationStats)
        self._amazon_clock: tuple[datetime, float] | None = None
        self.orders_v0 = OrdersV0(self)
        self.orders = Orders20260101(self)
        self.feeds = Feeds20210630(self)
        self.reports = Reports20210630(self)
        self.tokens = Tokens20210301(self)
        self.sellers = SellersV1(self)
        self.finances_v0 = FinancesV0(self)
        self.listings = ListingsItems20210801(self)
        self.fba_inventory = FbaInventoryV1(self)
        self.restricted_data_tokens = restricted_data_token_provider or CachedRestrictedDataTokens(
            self.tokens, time_scale=time_scale
        )

    def call(
        self,
        operation: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        access_token: str | None = None,
    ) -> httpx.Response:
        """Send one SP-API operation (rate limited, retried on transient errors); the 2xx response."""
        spec = OPERATIONS[operation]
        path = fill_path(spec.path, path_params or {})
        params = encode_query(query or {})
        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            retry=retry_if_exception_type(TransientError) & retry_if_not_exception_type(OutcomeUnknown),
            wait=self._wait_before_retry,
            sleep=self._sleep,
            before_sleep=lambda _state: self._count_retry(operation),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                try:
                    response = self._send_once(operation, spec.method, path, params, body, access_token)
                    self._note_amazon_time(response)
                    return response
                except (Timeout, ConnectionFailed, ServerError) as error:
                    if spec.idempotent or not answer_may_be_lost(error):
                        raise
                    self.stats[operation].unknown += 1
                    raise OutcomeUnknown(
                        f"{operation} was sent but its answer was lost ({error.message}); "
                        "Amazon may have taken it: not sent again",
                        status=error.status,
                        errors=error.errors,
                        request_id=error.request_id,
                        operation=operation,
                    ) from error
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    def call_json(
        self,
        operation: str,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Mapping[str, QueryValue] | None = None,
        body: Any = None,
        access_token: str | None = None,
    ) -> Any:
        """Like ``call``, returning the decoded JSON body (Decimal for numbers with a fraction)."""
        response = self.call(
            operation, path_params=path_params, query=query, body=body, access_token=access_token
        )
        return decode_json(response, operation)

    def _send_once(
        self,
        operation: str,
        method: str,
        path: str,
        params: dict[str, str],
        body: Any,
        access_token: str | None,
    ) -> httpx.Response:
        seller = self.credentials.seller_key
        self.rate_limiter.acquire(seller, operation)
        headers = {ACCESS_TOKEN_HEADER: access_token} if access_token else None
        request = self._http.build_request(method, path, params=params or None, json=body, headers=headers)
        stats = self.stats[operation]
        stats.calls += 1
        try:
            response = self._http.send(request)
        except httpx.TimeoutException as exc:
            raise Timeout(f"{operation} timed out", operation=operation) from exc
        except httpx.TransportError as exc:
            raise ConnectionFailed(
                f"{operation}: connection failed ({type(exc).__name__})", operation=operation
            ) from exc
        rate = announced_rate(response)
        if rate is not None:
            self.rate_limiter.update_rate(seller, operation, rate)
        error: SpApiError | None = None
        try:
            raise_for_status(response, operation)
        except Throttled as exc:
            stats.throttled += 1
            error = exc
            raise
        except SpApiError as exc:
            error = exc
            raise
        finally:
            log_exchange(request, response, error)
        return response

    def _note_amazon_time(self, response: httpx.Response) -> None:
        when = amazon_time(response)
        if when is not None:
            self._amazon_clock = (when, time.monotonic())

    def amazon_now(self) -> datetime | None:
        """Amazon's clock now, estimated from the ``Date`` of its latest answer; None before any answer.

        The elapsed time is scaled by ``time_scale`` (the local sandbox's clock runs that much faster).
        """
        if self._amazon_clock is None:
            return None
        when, seen = self._amazon_clock
        return when + timedelta(seconds=(time.monotonic() - seen) * self.time_scale)

    def _refuse_untrusted_request(self, request: httpx.Request) -> None:
        """Last check before a request leaves (the auth flow checks each kind more narrowly before)."""
        self.endpoints.check_request_url(request.url)

    def _refuse_untrusted_document(self, request: httpx.Request) -> None:
        self.endpoints.check_document_url(request.url)

    def _count_retry(self, operation: str) -> None:
        self.stats[operation].retries += 1

    def _wait_before_retry(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, TransientError) and error.retry_after is not None:
            return float(error.retry_after)
        exponential: float = BACKOFF_INITIAL_SECONDS * 2.0 ** (retry_state.attempt_number - 1)
        backoff = min(exponential, BACKOFF_MAX_SECONDS) + random.uniform(0, BACKOFF_INITIAL_SECONDS)  # nosec B311  # jitter, not security
        return backoff / self.time_scale

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()
        self.documents_http.close()

    def __enter__(self) -> SpApiClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
