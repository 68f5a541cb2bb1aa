"""Tokens API 2021-03-01 and the restricted data token (RDT) cache used for PII calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sellersync.spapi.apis._base import ApiSection
from sellersync.spapi.errors import AuthError, InvalidInput, PiiAccessDenied
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.tokens import CreateRestrictedDataTokenResponse

RDT_EXPIRY_MARGIN_SECONDS = 60.0
#: After Amazon refuses an RDT (no PII role), further PII calls fall back at once for this long.
RDT_DENIAL_MEMORY_SECONDS = 300.0


@dataclass(frozen=True, order=True)
class RestrictedResource:
    """An operation path (generic ``/orders/v0/orders`` or a concrete one) and the PII elements wanted."""

    method: str
    path: str
    data_elements: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The ``restrictedResources[]`` entry Amazon expects."""
        entry: dict[str, object] = {"method": self.method, "path": self.path}
        if self.data_elements:
            entry["dataElements"] = list(self.data_elements)
        return entry


class RestrictedDataTokenProvider(Protocol):
    """Gives an RDT for a set of resources, or raises PiiAccessDenied."""

    def token_for(self, resources: Sequence[RestrictedResource]) -> str: ...


class Tokens20210301(ApiSection):
    """Tokens API, version 2021-03-01."""

    def create_restricted_data_token(
        self, restricted_resources: Sequence[RestrictedResource], target_application: str | None = None
    ) -> CreateRestrictedDataTokenResponse:
        """createRestrictedDataToken: an RDT for these resources (pass it as the access token)."""
        body: dict[str, object] = {"restrictedResources": [r.as_json() for r in restricted_resources]}
        if target_application is not None:
            body = {"targetApplication": target_application, **body}
        operation = "tokens.createRestrictedDataToken"
        data = self._client.call_json(operation, body=body)
        return parse(CreateRestrictedDataTokenResponse, data, operation=operation)


class CachedRestrictedDataTokens:
    """RestrictedDataTokenProvider over the Tokens API, caching each RDT for its lifetime minus a margin.

    A refusal by Amazon (400 "no access to requested data elements", 401/403) becomes PiiAccessDenied,
    and is remembered for RDT_DENIAL_MEMORY_SECONDS so a batch of PII calls does not ask again for each order.
    """

    def __init__(
        self, tokens: Tokens20210301, clock: Callable[[], float] = time.monotonic, time_scale: float = 1.0
    ) -> None:
        self._tokens = tokens
        self._clock = clock
        self._time_scale = time_scale
        self._cache: dict[tuple[RestrictedResource, ...], tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._denied: tuple[PiiAccessDenied, float] | None = None

    def token_for(self, resources: Sequence[RestrictedResource]) -> str:
        key = tuple(sorted(resources))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[1] > self._clock():
                return cached[0]
            if self._denied is not None and self._denied[1] > self._clock():
                raise self._denied[0]
        try:
            answer = self._tokens.create_restricted_data_token(list(key))
        except (InvalidInput, AuthError) as exc:
            denial = PiiAccessDenied(
                f"Amazon refused a restricted data token: {exc.message}",
                status=exc.status,
                errors=exc.errors,
                request_id=exc.request_id,
                operation=exc.operation,
            )
            with self._lock:
                self._denied = (denial, self._clock() + RDT_DENIAL_MEMORY_SECONDS)
            raise denial from exc
        lifetime = max(answer.expires_in - RDT_EXPIRY_MARGIN_SECONDS, 0.0) / self._time_scale
        expires_at = self._clock() + lifetime
        with self._lock:
            self._cache[key] = (answer.restricted_data_token, expires_at)
        return answer.restricted_data_token
