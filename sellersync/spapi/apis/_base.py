"""Shared plumbing of the API classes: the client they call and v0 payload unwrapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sellersync.spapi.errors import PayloadError, PiiAccessDenied
from sellersync.spapi.models.base import PII_GRANTED

#: A timestamp parameter: an aware datetime (sent as ISO 8601 UTC "Z") or a string sent verbatim.
Timestamp = datetime | str

if TYPE_CHECKING:
    from sellersync.spapi.client import SpApiClient


class ApiSection:
    """Base of an API class: holds the client that sends its operations."""

    def __init__(self, client: SpApiClient) -> None:
        self._client = client

    def _restricted_token(self, method: str, path: str, data_elements: Sequence[str] = ()) -> str | None:
        """An RDT for this resource; None when Amazon refuses PII access (the call then uses LWA)."""
        from sellersync.spapi.apis.tokens import RestrictedResource

        resource = RestrictedResource(method, path, tuple(data_elements))
        try:
            return self._client.restricted_data_tokens.token_for([resource])
        except PiiAccessDenied:
            return None


def mark_pii(model: BaseModel, granted: bool) -> None:
    """Record on a parsed object whether it was fetched with a restricted data token.

    Only a grant is stored (see `SpApiModel.pii_granted`): a model marked False equals an unmarked one.
    """
    private = dict(model.__pydantic_private__ or {})
    private.pop(PII_GRANTED, None)
    if granted:
        private[PII_GRANTED] = True
    object.__setattr__(model, "__pydantic_private__", private or None)


def unwrap_payload(data: Any, operation: str) -> Any:
    """The ``payload`` of a v0 response (``{"payload": ..., "errors": [...]}``)."""
    if not isinstance(data, dict) or "payload" not in data:
        raise PayloadError(f"{operation}: response has no 'payload' object", operation=operation)
    return data["payload"]
