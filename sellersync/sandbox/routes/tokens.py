"""Tokens API 2021-03-01: createRestrictedDataToken."""

from __future__ import annotations

from typing import Any

from sellersync.sandbox.api import ApiError, Call, Operation, Reply

RESTRICTED_ELEMENTS = {"buyerInfo", "shippingAddress", "buyerTaxInformation"}
METHODS = {"GET", "PUT", "POST", "DELETE"}


def create_restricted_data_token(call: Call) -> Reply:
    resources = _resources(call.body)
    seller = call.sandbox.seller(call.seller_id)
    if seller is None or not seller.pii_access:
        raise ApiError(
            400, "InvalidInput", "Application does not have access to one or more requested data elements"
        )
    token = call.sandbox.issue_rdt(call.seller_id, resources)
    return Reply(200, {"restrictedDataToken": token, "expiresIn": 3600})


def _invalid_request(details: str) -> ApiError:
    return ApiError(400, "InvalidRequest", "Request is missing or has invalid parameters", details)


def _resources(body: Any) -> list[dict[str, Any]]:
    resources = body.get("restrictedResources") if isinstance(body, dict) else None
    if not isinstance(resources, list) or not resources or len(resources) > 50:
        raise _invalid_request("Resource not provided.")
    checked = []
    for resource in resources:
        if not isinstance(resource, dict) or str(resource.get("method", "")).upper() not in METHODS:
            raise _invalid_request("Resource not provided.")
        if not str(resource.get("path", "")).startswith("/"):
            raise _invalid_request("Resource path is invalid.")
        elements = resource.get("dataElements") or []
        if not isinstance(elements, list) or set(elements) - RESTRICTED_ELEMENTS:
            raise _invalid_request(
                "dataElements must be among buyerInfo, shippingAddress, buyerTaxInformation."
            )
        checked.append(
            {
                "method": str(resource["method"]).upper(),
                "path": resource["path"],
                "dataElements": list(elements),
            }
        )
    return checked


OPERATIONS = [
    Operation(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        "createRestrictedDataToken",
        create_restricted_data_token,
    ),
]
