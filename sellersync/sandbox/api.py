"""The request pipeline every SP-API route shares, in Amazon's order of checks.

request id -> body -> access token (or RDT) -> rate limit -> injected faults -> static case -> handler
-> faults that hold or lose the committed answer. Each route names its operationId, which keys the rate
limit, the faults, the stats and the static cases. Responses carry a `Date` header in simulated time, as
Amazon's carry its own time: a client can bound "created since" searches with it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sellersync.sandbox.clock import parse_iso
from sellersync.sandbox.faults import AFTER_HANDLER, BEFORE_HANDLER, Fault
from sellersync.sandbox.ratelimits import documented_rate
from sellersync.sandbox.service import Sandbox, TokenGrant, TokenRejected

try:  # written by another helper in parallel; the sandbox works without it
    from sellersync.sandbox import static_cases as _static_cases
except ImportError:  # pragma: no cover - only while static_cases.py does not exist yet
    _static_cases = None  # type: ignore[assignment]


class ApiError(Exception):
    """An SP-API error response: `{"errors":[{code, message, details}]}` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def created_window(call: Call, retention: timedelta = timedelta(days=90)) -> tuple[datetime, datetime]:
    """getFeeds/getReports `createdSince` (default: `retention` ago) and `createdUntil` (default: now)."""
    now = call.sandbox.now()
    try:
        since_text, until_text = call.param("createdSince"), call.param("createdUntil")
        since = parse_iso(since_text) if since_text else now - retention
        until = parse_iso(until_text) if until_text else now
    except ValueError as error:
        raise invalid_input("createdSince and createdUntil must be ISO 8601 date-times.") from error
    if since > until:
        raise invalid_input("createdSince must be before createdUntil.")
    return since, until


def invalid_input(message: str, details: str = "") -> ApiError:
    return ApiError(400, "InvalidInput", message, details)


def not_found(message: str = "The requested resource was not found.") -> ApiError:
    return ApiError(404, "NotFound", message)


@dataclass
class Reply:
    """What a handler answers: a JSON body (None = empty) or raw bytes."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    media_type: str = "application/json"
    lost: bool = False


@dataclass
class Call:
    """One authenticated SP-API request, parsed."""

    request: Request
    sandbox: Sandbox
    operation_id: str
    path_template: str
    path_params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    grant: TokenGrant

    @property
    def seller_id(self) -> str:
        return self.grant.seller_id

    @property
    def base_url(self) -> str:
        return str(self.request.base_url).rstrip("/")

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def param_list(self, name: str) -> list[str]:
        """Array query parameters, repeated or comma-separated."""
        return [part for value in self.query.get(name, []) for part in value.split(",") if part]

    def data_elements(self) -> set[str]:
        """The restricted dataElements the RDT opens for this very request (empty for an access token)."""
        if self.grant.kind != "rdt":
            return set()
        elements: set[str] = set()
        for resource in self.grant.resources:
            if _resource_covers(resource, self.request.method, self.request.url.path, self.path_template):
                # dataElements apply to getOrder(s)/getOrderItems only; Amazon's dedicated PII operations
                # (address, buyerInfo, orderItems/buyerInfo) are opened by the RDT's path alone.
                elements.update(
                    resource.get("dataElements") or PATH_GRANTED_ELEMENTS.get(self.path_template, ())
                )
        return elements


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Operation:
    """A route of the SP-API: method, path template, operationId and the rate-limit key."""

    method: str
    path: str
    operation_id: str
    handler: Handler
    rate_key: str = ""

    @property
    def limit_key(self) -> str:
        return self.rate_key or self.operation_id


def error_body(code: str, message: str, details: str = "") -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message, "details": details}]}


def json_response(status: int, body: Any, headers: dict[str, str]) -> Response:
    content = b"" if body is None else json.dumps(body).encode()
    return Response(
        content,
        status_code=status,
        headers=headers,
        media_type="application/json" if body is not None else None,
    )


def sp_api_route(operation: Operation, sandbox: Sandbox) -> Route:
    async def endpoint(request: Request) -> Response:
        request_id = str(uuid.uuid4())
        reply = await _run(operation, sandbox, request)
        headers = {
            "x-amzn-RequestId": request_id,
            "date": format_datetime(sandbox.now(), usegmt=True),
            **reply.headers,
        }
        rate = documented_rate(operation.limit_key)
        if reply.status != 429 and rate is not None:
            headers["x-amzn-RateLimit-Limit"] = rate
        if reply.lost:
            return LostAnswer(headers)
        if reply.raw is not None:
            return Response(reply.raw, status_code=reply.status, headers=headers, media_type=reply.media_type)
        return json_response(reply.status, reply.body, headers)

    return Route(operation.path, endpoint, methods=[operation.method])


class LostAnswer(Response):
    """A 200 whose body stops half way, then the connection closes: the client gets no usable answer."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(b"", status_code=200, headers=headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in self.raw_headers if k.lower() != b"content-length"]
        promised = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": headers + promised})
        await send({"type": "http.response.body", "body": b'{"payl', "more_body": True})
        # returning without the rest of the body makes the server close the connection


async def _run(operation: Operation, sandbox: Sandbox, request: Request) -> Reply:
    fault: Fault | None = None
    try:
        body = await _read_body(request)
        grant = _authenticate(operation, sandbox, request)
        if sandbox.faults.take(operation.operation_id, ("throttle",)):
            sandbox.limiter.record_throttle(grant.seller_id, operation.limit_key)
            return _quota_exceeded()
        if not sandbox.limiter.try_acquire(grant.seller_id, operation.limit_key, sandbox.rate_clock.now()):
            return _quota_exceeded()
        fault = sandbox.faults.take_fault(
            operation.operation_id, (*BEFORE_HANDLER, *AFTER_HANDLER, "malformed_json")
        )
        if fault is not None and fault.kind in BEFORE_HANDLER:
            return await _fault_reply(fault)
        call = Call(
            request,
            sandbox,
            operation.operation_id,
            operation.path,
            dict(request.path_params),
            _query(request),
            body,
            grant,
        )
        reply = _static_reply(call) or operation.handler(call)
    except ApiError as error:
        reply = Reply(error.status, error_body(error.code, error.message, error.details))
        if fault is None or fault.kind not in AFTER_HANDLER:
            return reply
    sandbox.remember_clock()
    return await _after_handler(fault, reply)


async def _after_handler(fault: Fault | None, reply: Reply) -> Reply:
    """Faults on an answer already committed: held past the client's timeout, lost, or cut in half."""
    if fault is None:
        return reply
    if fault.kind == "slow":
        await asyncio.sleep(fault.timeout_seconds)
        return reply
    if fault.kind == "answer_lost":
        return Reply(reply.status, lost=True)
    if fault.kind == "malformed_json" and reply.body is not None:
        text = json.dumps(reply.body)
        return Reply(reply.status, raw=text[: max(1, len(text) // 2)].encode(), headers=reply.headers)
    return reply


def _quota_exceeded() -> Reply:
    return Reply(429, error_body("QuotaExceeded", "You exceeded your quota for the requested resource."))


async def _read_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise invalid_input("The request body is not valid JSON.", str(error)) from error


def _authenticate(operation: Operation, sandbox: Sandbox, request: Request) -> TokenGrant:
    if sandbox.faults.take(operation.operation_id, ("expired_token",)):
        raise _unauthorized("The access token you provided has expired.")
    try:
        grant = sandbox.check_token(request.headers.get("x-amz-access-token"))
    except TokenRejected as rejected:
        raise _unauthorized(rejected.reason) from rejected
    if grant.kind == "rdt" and not any(
        _resource_covers(resource, request.method, request.url.path, operation.path)
        for resource in grant.resources
    ):
        raise _unauthorized("The restricted data token you provided is not valid for this resource.")
    return grant


PATH_GRANTED_ELEMENTS: dict[str, tuple[str, ...]] = {
    "/orders/v0/orders/{orderId}/address": ("shippingAddress",),
    "/orders/v0/orders/{orderId}/buyerInfo": ("buyerInfo", "buyerTaxInformation"),
    "/orders/v0/orders/{orderId}/orderItems/buyerInfo": ("buyerInfo",),
}


def _unauthorized(details: str) -> ApiError:
    return ApiError(403, "Unauthorized", "Access to requested resource is denied.", details)


def _resource_covers(resource: dict[str, Any], method: str, path: str, template: str) -> bool:
    return str(resource.get("method", "")).upper() == method and resource.get("path") in (path, template)


def _query(request: Request) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    return query


async def _fault_reply(fault: Fault) -> Reply:
    if fault.kind == "throttle":
        return _quota_exceeded()
    if fault.kind == "timeout":
        await asyncio.sleep(fault.timeout_seconds)
        return Reply(504, error_body("RequestTimeout", "The request timed out."))
    if fault.kind == "http_503":
        return Reply(503, error_body("ServiceUnavailable", "Service temporarily unavailable. Please retry."))
    return Reply(500, error_body("InternalFailure", "We encountered an internal error. Please try again."))


def _static_reply(call: Call) -> Reply | None:
    if _static_cases is None:
        return None
    matched = _static_cases.match(call.operation_id, call.path_params, call.query, call.body)
    if matched is None or matched.by_default:  # a case that selects nothing must not hide the stateful answer
        return None
    return Reply(matched.status, matched.body)
