"""Amazon's static sandbox cases, read from the official Swagger models, and request routing.

Every SP-API model documents example exchanges under
`paths.<path>.<method>.responses.<status>.x-amzn-api-sandbox.static[]`: when a request carries the
parameter values a case names, Amazon's static sandbox answers with that case's response. This module
loads those cases (`all_cases`), resolves a concrete request path to an operation (`operation_for`) and
finds the case a request selects (`match`).

Operation ids: an `operationId` that only one model defines is used as is (`getOrders`). Two models
reuse a name (`getOrder` in Orders v0 and Orders 2026-01-01, `getInvoice` in Invoices 2024-06-19 and
Finances Invoices 2026-06-25); those are qualified with the model file name (`ordersV0.getOrder`,
`orders_2026-01-01.getOrder`). Every operation also answers to its qualified name.

Matching rules:
- A case matches when every parameter it names equals the request's value. Path parameters compare as
  strings; query values may be sent repeated or comma-separated; the JSON body is keyed `body` by the
  cases even where the Swagger parameter is named `payload`.
- Values compare the way they travel: numbers and booleans against their query-string spelling, arrays
  as the same values in any order, date-times as the same instant (`...00Z` == `...00.000Z`), body
  members whose value is null as absent.
- When several cases match, the one naming the most parameters wins (getOrders with `NextToken` beats
  the same case without it); ties go to the first in the model.
- A case naming no parameter (or only a parameter without a value, like Listings' `"body": {}`) is a
  *default*. It matches any request only when no case of the operation names a parameter: then the
  request has nothing to select with (Sellers, Notifications), and the first success case answers.
  Where other cases do name parameters (e.g. cancelReport's 400 `{}`, updateShipmentStatus's 204 `{}`),
  an empty case cannot be selected by any request and never matches, so a stateful sandbox can answer
  every other request itself. `unselected_case` gives that case to the stateful handler, for the requests
  it has no answer of its own to (cancelReport of a report id it does not know: Amazon's sandbox answers
  the 400 for any id but the documented "ID").
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
BODY_CASE_KEY = "body"


@dataclass(frozen=True)
class Operation:
    """One operation of a loaded model: where it lives and its Swagger definition."""

    operation_id: str
    model: str
    method: str
    path: str
    parameter_locations: Mapping[str, str]
    responses: Mapping[str, Any]
    definitions: Mapping[str, Any]

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))


@dataclass(frozen=True)
class StaticCase:
    """One documented example exchange of Amazon's static sandbox.

    `parameters` holds the raw values the case names (key `body` for the JSON body); the split views
    `path_parameters`, `query_parameters` and `body` say where each one travels. `response` is None when
    the model gives no body (204, or a 200 without content).
    """

    operation_id: str
    model: str
    method: str
    path: str
    status: int
    index: int
    parameters: Mapping[str, Any]
    response: Any | None
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    query_parameters: Mapping[str, Any] = field(default_factory=dict)
    body: Any | None = None
    has_body: bool = False

    @property
    def is_default(self) -> bool:
        """True when the case names no parameter at all."""
        return not self.parameters

    def request_path(self, missing: Mapping[str, str] | None = None) -> str:
        """The concrete path of this case; `missing` fills path parameters the case does not name."""
        values = {**(missing or {}), **self.path_parameters}
        parts = []
        for segment in self.path.strip("/").split("/"):
            name = _template_name(segment)
            if name is None:
                parts.append(segment)
            elif name in values:
                parts.append(quote(values[name], safe=""))
            else:
                raise KeyError(f"{self.operation_id} case {self.index} does not name path parameter {name!r}")
        return "/" + "/".join(parts)


@dataclass(frozen=True)
class StaticResponse:
    """The answer a static case gives: status and JSON body (None for an empty body)."""

    status: int
    body: Any | None
    operation_id: str
    case_index: int
    by_default: bool = False


def all_cases() -> list[StaticCase]:
    """Every static case of every loaded model, in model order."""
    return [case for operation in _operations().values() for case in _cases_of(operation.operation_id)]


def operations() -> list[Operation]:
    """Every operation of every loaded model (with or without static cases)."""
    return list(_operations().values())


def operation(operation_id: str) -> Operation:
    """The operation with that (plain or model-qualified) id; KeyError names the choices if ambiguous."""
    index = _operations()
    if operation_id in index:
        return index[operation_id]
    qualified = _qualified_aliases().get(operation_id)
    if qualified is not None:
        return index[qualified]
    claimants = sorted(key for key, op in index.items() if key.endswith("." + operation_id))
    if claimants:
        raise KeyError(f"operation id {operation_id!r} is ambiguous: use one of {claimants}")
    raise KeyError(f"unknown operation id {operation_id!r}")


def operation_for(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """Resolve a request (method, concrete path) to (operation id, path parameters), or None.

    `path` may be percent-encoded (ASGI `raw_path`) or not; a query string is ignored. Where templates
    overlap, literal segments win over `{parameters}`, from left to right.
    """
    wanted_method = method.lower()
    segments = path.split("?", 1)[0].strip("/").split("/")
    best: tuple[tuple[bool, ...], Operation, dict[str, str]] | None = None
    for candidate in _operations().values():
        if candidate.method != wanted_method:
            continue
        bound = _bind_path(candidate.segments, segments)
        if bound is None:
            continue
        literalness = tuple(_template_name(segment) is None for segment in candidate.segments)
        if best is None or literalness > best[0]:
            best = (literalness, candidate, bound)
    if best is None:
        return None
    return best[1].operation_id, best[2]


def match(
    operation_id: str,
    path_params: Mapping[str, str],
    query: Mapping[str, list[str]],
    body: Any,
) -> StaticResponse | None:
    """The static response the request selects, or None (see the module docstring for the rules).

    `body` is the parsed JSON body (None when there is none); bytes or str are parsed here.
    """
    op = operation(operation_id)
    cases = _cases_of(op.operation_id)
    request_body = _parse_body(body)
    if cases and all(case.is_default for case in cases):
        chosen = min(cases, key=lambda case: (not 200 <= case.status < 300, case.index))
        return _response(chosen, by_default=True)
    best: StaticCase | None = None
    for case in cases:
        if case.is_default or not _case_matches(case, path_params, query, request_body):
            continue
        if best is None or len(case.parameters) > len(best.parameters):
            best = case
    return None if best is None else _response(best, by_default=False)


def unselected_case(operation_id: str) -> StaticResponse | None:
    """The operation's case that names no parameter while others do (the first one), or None.

    `match` never returns it (no request selects it); a stateful handler answers with it where Amazon's
    sandbox would, e.g. for an id it does not know.
    """
    cases = _cases_of(operation(operation_id).operation_id)
    if all(case.is_default for case in cases):
        return None
    empty = next((case for case in cases if case.is_default), None)
    return None if empty is None else _response(empty, by_default=True)


# --- loading -------------------------------------------------------------------------------------------


@cache
def _load_models() -> dict[str, dict[str, Any]]:
    models: dict[str, dict[str, Any]] = {}
    for entry in sorted(resources.files("sellersync.sandbox").joinpath("models").iterdir(), key=str):
        if entry.name.endswith(".json") and entry.is_file():
            document = json.loads(entry.read_text(encoding="utf-8"))
            if isinstance(document, dict) and "paths" in document:
                models[entry.name.removesuffix(".json")] = document
    return models


def _raw_operations() -> Iterator[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    for model, document in _load_models().items():
        for path, path_item in document["paths"].items():
            for method in HTTP_METHODS:
                if method in path_item:
                    yield model, method, path, path_item, path_item[method]


@cache
def _operations() -> dict[str, Operation]:
    raw = list(_raw_operations())
    name_counts: dict[str, int] = {}
    for _, _, _, _, definition in raw:
        name_counts[definition["operationId"]] = name_counts.get(definition["operationId"], 0) + 1
    index: dict[str, Operation] = {}
    for model, method, path, path_item, definition in raw:
        name = definition["operationId"]
        key = name if name_counts[name] == 1 else f"{model}.{name}"
        parameters = [*path_item.get("parameters", []), *definition.get("parameters", [])]
        index[key] = Operation(
            operation_id=key,
            model=model,
            method=method,
            path=path,
            parameter_locations={p["name"]: p["in"] for p in parameters if "name" in p},
            responses=definition.get("responses", {}),
            definitions=_load_models()[model].get("definitions", {}),
        )
    return index


@cache
def _qualified_aliases() -> dict[str, str]:
    """`model.operationId` -> key, for operations whose key is the plain id."""
    return {f"{op.model}.{key}": key for key, op in _operations().items() if "." not in key}


@cache
def _cases_of(operation_id: str) -> tuple[StaticCase, ...]:
    op = _operations()[operation_id]
    cases: list[StaticCase] = []
    for status_code, response in op.responses.items():
        if not status_code.isdigit():
            continue
        for example in response.get("x-amzn-api-sandbox", {}).get("static", []):
            cases.append(_build_case(op, int(status_code), len(cases), example))
    return tuple(cases)


def _build_case(op: Operation, status: int, index: int, example: Mapping[str, Any]) -> StaticCase:
    named = (example.get("request") or {}).get("parameters") or {}
    parameters = {name: spec["value"] for name, spec in named.items() if "value" in spec}
    path_parameters: dict[str, str] = {}
    query_parameters: dict[str, Any] = {}
    body: Any | None = None
    has_body = False
    for name, value in parameters.items():
        location = _location(op, name)
        if location == "path":
            path_parameters[name] = str(value)
        elif location == "body":
            body, has_body = value, True
        else:
            query_parameters[name] = value
    response = None if status == 204 else example.get("response")
    return StaticCase(
        operation_id=op.operation_id,
        model=op.model,
        method=op.method.upper(),
        path=op.path,
        status=status,
        index=index,
        parameters=parameters,
        response=response,
        path_parameters=path_parameters,
        query_parameters=query_parameters,
        body=body,
        has_body=has_body,
    )


def _location(op: Operation, name: str) -> str:
    if name == BODY_CASE_KEY or op.parameter_locations.get(name) == "body":
        return "body"
    return op.parameter_locations.get(name, "query")


def _response(case: StaticCase, *, by_default: bool) -> StaticResponse:
    return StaticResponse(
        status=case.status,
        body=case.response,
        operation_id=case.operation_id,
        case_index=case.index,
        by_default=by_default,
    )


# --- paths -----------------------------------------------------------------------------------------------


def _template_name(segment: str) -> str | None:
    if segment.startswith("{") and segment.endswith("}"):
        return segment[1:-1]
    return None


def _bind_path(template: Sequence[str], segments: Sequence[str]) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    bound: dict[str, str] = {}
    for expected, actual in zip(template, segments, strict=True):
        name = _template_name(expected)
        if name is None:
            if expected != unquote(actual):
                return None
        elif actual:
            bound[name] = unquote(actual)
        else:
            return None
    return bound


# --- value comparison ------------------------------------------------------------------------------------


def _case_matches(
    case: StaticCase, path_params: Mapping[str, str], query: Mapping[str, list[str]], body: Any
) -> bool:
    for name, expected in case.path_parameters.items():
        if name not in path_params or not _scalars_equal(expected, path_params[name]):
            return False
    for name, expected in case.query_parameters.items():
        if name not in query or not _query_equal(expected, query[name]):
            return False
    return not case.has_body or _json_equal(case.body, body)


def _query_equal(expected: Any, sent: Sequence[str]) -> bool:
    if isinstance(expected, list):
        flattened = [item for value in sent for item in value.split(",")]
        expected_texts = sorted(_query_text(item) for item in expected)
        return expected_texts == sorted(flattened)
    return len(sent) == 1 and _scalars_equal(expected, sent[0])


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scalars_equal(expected: Any, sent: Any) -> bool:
    """Compare a case value with a request value that may be its query-string spelling."""
    if isinstance(expected, bool) or isinstance(sent, bool):
        return _query_text(expected).lower() == _query_text(sent).lower()
    if isinstance(expected, int | float) or isinstance(sent, int | float):
        return _numbers_equal(expected, sent)
    if isinstance(expected, str) and isinstance(sent, str):
        return expected == sent or _same_instant(expected, sent)
    return bool(expected == sent)


def _numbers_equal(left: Any, right: Any) -> bool:
    try:
        return Decimal(str(left)) == Decimal(str(right))
    except InvalidOperation:
        return False


def _same_instant(left: str, right: str) -> bool:
    if "T" not in left or "T" not in right:
        return False
    try:
        first, second = datetime.fromisoformat(left), datetime.fromisoformat(right)
    except ValueError:
        return False
    if (first.tzinfo is None) != (second.tzinfo is None):
        return False
    return first == second


def _json_equal(expected: Any, sent: Any) -> bool:
    if isinstance(expected, dict):
        if not isinstance(sent, dict):
            return False
        expected_members = {k: v for k, v in expected.items() if v is not None}
        sent_members = {k: v for k, v in sent.items() if v is not None}
        return expected_members.keys() == sent_members.keys() and all(
            _json_equal(value, sent_members[key]) for key, value in expected_members.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(sent, list)
            and len(expected) == len(sent)
            and all(_json_equal(e, s) for e, s in zip(expected, sent, strict=True))
        )
    if isinstance(expected, bool) or isinstance(sent, bool):
        return expected is sent
    if isinstance(expected, int | float) and isinstance(sent, int | float):
        return _numbers_equal(expected, sent)
    if isinstance(expected, str) and isinstance(sent, str):
        return expected == sent or _same_instant(expected, sent)
    return bool(expected == sent)


def _parse_body(body: Any) -> Any:
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8")
    if isinstance(body, str):
        if not body.strip():
            return None
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body
