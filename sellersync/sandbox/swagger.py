"""Validate response bodies against the official Swagger 2.0 models.

The response schema of an operation and status is turned into a JSON Schema (draft 4, the dialect
Swagger 2.0 is built on): the model's `definitions` travel with it so `#/definitions/...` references
resolve as they are, Swagger-only types (`file`) become unconstrained, and `format: date-time` / `date`
are checked (RFC 3339 / ISO 8601 dates), other formats (int32, double...) being informative only.

`validate_response` raises AssertionError naming the JSON path of the mismatch, so the sandbox and the
client's conformance tests can both assert "this is what Amazon's model says the wire looks like".
Date-times must carry an offset (RFC 3339): the SP-API always sends `...Z` or `+hh:mm`.
Operation ids are those of `static_cases` (plain, or model-qualified where two models share a name).

A few of Amazon's own static examples break their own schema; `KNOWN_EXAMPLE_DEVIATIONS` lists each one
(case, JSON path, why) and `validate_case` tolerates exactly those paths and nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

# No stubs are required: without types-jsonschema these names are Any, with it they are typed.
from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    ValidationError,
    best_match,
)

from sellersync.sandbox.static_cases import StaticCase, operation

FORMAT_CHECKER = FormatChecker(formats=())

#: (operation id, status, case index) -> {JSON path: why Amazon's example is allowed to differ there}.
KNOWN_EXAMPLE_DEVIATIONS: Mapping[tuple[str, int, int], Mapping[str, str]] = {
    ("listBalances", 200, 1): {
        "$.balances[0].asOfDate": "example gives a date '2025-01-12' where the model says date-time",
    },
    ("listSummary", 200, 0): {
        "$.summaries[0].periodStart": "example gives a date '2025-01-12' where the model says date-time",
        "$.summaries[0].periodEnd": "example gives a date '2025-01-12' where the model says date-time",
    },
    ("getMyFeesEstimateForSKU", 200, 0): {
        "$.payload.FeesEstimateResult.FeesEstimate.TimeOfFeesEstimation": "Java Date.toString() text",
    },
    ("getMyFeesEstimateForASIN", 200, 0): {
        "$.payload.FeesEstimateResult.FeesEstimate.TimeOfFeesEstimation": "Java Date.toString() text",
    },
    ("getMyFeesEstimates", 200, 0): {
        "$[0].FeesEstimate.TimeOfFeesEstimation": "Java Date.toString() text",
        "$[1].FeesEstimate.TimeOfFeesEstimation": "Java Date.toString() text",
    },
    ("getAccount", 200, 0): {
        "$.payload.marketplaceParticipationList[0].marketplace": "example omits required defaultCurrencyCode",
    },
}


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        return False
    return datetime.fromisoformat(value).tzinfo is not None


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return True


FORMAT_CHECKER.checks("date-time", raises=ValueError)(_is_date_time)
FORMAT_CHECKER.checks("date", raises=ValueError)(_is_date)


def schema_for(operation_id: str, status: int) -> dict[str, Any] | None:
    """The JSON Schema of the response body, or None when the model documents no body for it.

    Raises KeyError for an unknown operation or a status the operation does not document.
    """
    schema = _schema_for(operation_id, status)
    return None if schema is None else copy.deepcopy(schema)


def validate_response(operation_id: str, status: int, body: Any) -> None:
    """Raise AssertionError (with the JSON path) unless `body` is what the model documents."""
    try:
        schema = _schema_for(operation_id, status)
    except KeyError as error:
        raise AssertionError(str(error.args[0])) from None
    if schema is None:
        if body not in (None, b"", ""):
            raise AssertionError(f"{operation_id} {status}: the model documents no body, got {body!r:.200}")
        return
    mismatch = best_match(_validator(operation_id, status).iter_errors(body))
    if mismatch is not None:
        raise AssertionError(f"{operation_id} {status}: {describe(mismatch)}")


def validate_case(case: StaticCase) -> None:
    """Validate a static case's response, tolerating only its listed `KNOWN_EXAMPLE_DEVIATIONS`."""
    tolerated = KNOWN_EXAMPLE_DEVIATIONS.get((case.operation_id, case.status, case.index), {})
    schema = _schema_for(case.operation_id, case.status)
    if schema is None or not tolerated:
        validate_response(case.operation_id, case.status, case.response)
        return
    errors = _validator(case.operation_id, case.status).iter_errors(case.response)
    remaining = [error for error in errors if json_path(error.absolute_path) not in tolerated]
    error = best_match(remaining)
    if error is not None:
        raise AssertionError(f"{case.operation_id} {case.status}: {describe(error)}")


def describe(error: ValidationError) -> str:
    """`$.payload.Orders[0].OrderStatus: 'X' is not one of [...]` for one validation error."""
    return f"{json_path(error.absolute_path)}: {error.message}"


def json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


@cache
def _schema_for(operation_id: str, status: int) -> dict[str, Any] | None:
    op = operation(operation_id)
    response = op.responses.get(str(status))
    if response is None:
        documented = ", ".join(sorted(op.responses))
        raise KeyError(f"{op.operation_id} does not document status {status} (documents {documented})")
    if "schema" not in response:
        return None
    schema: dict[str, Any] = dict(_convert(response["schema"]))
    schema["definitions"] = {name: _convert(value) for name, value in op.definitions.items()}
    return schema


@cache
def _validator(operation_id: str, status: int) -> Draft4Validator:
    schema = _schema_for(operation_id, status)
    return Draft4Validator(schema or {}, format_checker=FORMAT_CHECKER)


def _convert(node: Any) -> Any:
    """Swagger 2.0 schema object -> JSON Schema draft 4 (recursively)."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in {"example", "discriminator", "readOnly", "xml", "externalDocs"}:
            continue
        if key in {"properties", "definitions"} and isinstance(value, Mapping):
            converted[key] = {name: _convert(child) for name, child in value.items()}
        else:
            converted[key] = _convert(value)
    if converted.get("type") == "file":
        del converted["type"]
    if converted.get("required") == []:
        del converted["required"]
    return converted
