"""JSON_LISTINGS_FEED (v2): apply each message to the seller's listings and write the processing report.

Messages are validated one by one, like patchListingsItem: an invalid message is reported with its issues
and changes nothing, the others apply. PATCH messages carry JSON Patch operations; PARTIAL_UPDATE and
UPDATE carry attributes (only ``fulfillment_availability`` is simulated, other attributes are accepted);
DELETE removes the merchant-fulfilled quantity. The report follows
schemas/feeds/listings-feed-processing-report-schema-v2.json.
"""

from __future__ import annotations

import json
from typing import Any

from sellersync.sandbox.routes.listings import FULFILLMENT_PATH, apply_patches, issue, patch_problems
from sellersync.sandbox.service import Sandbox

FEED_TYPE = "JSON_LISTINGS_FEED"
OPERATION_TYPES = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")


class InvalidFeed(ValueError):
    """The document is not a JSON listings feed at all (the feed ends FATAL)."""


def _patches_of(message: dict[str, Any]) -> list[Any]:
    operation = message.get("operationType")
    if operation == "PATCH":
        patches = message.get("patches")
        return patches if isinstance(patches, list) else []
    if operation == "DELETE":
        return [{"op": "delete", "path": FULFILLMENT_PATH}]
    attributes = message.get("attributes")
    if not isinstance(attributes, dict):
        return []
    return [
        {"op": "replace", "path": f"/attributes/{name}", "value": value} for name, value in attributes.items()
    ]


def _message_issues(sandbox: Sandbox, seller_id: str, message: Any) -> tuple[str, list[dict[str, Any]]]:
    if not isinstance(message, dict) or not isinstance(message.get("sku"), str):
        return "", [issue("90000900", "Each message needs a messageId and a sku.")]
    sku = message["sku"]
    if message.get("operationType") not in OPERATION_TYPES:
        return sku, [issue("90000900", "operationType must be UPDATE, PARTIAL_UPDATE, PATCH or DELETE.")]
    if message["operationType"] != "DELETE" and not message.get("productType"):
        return sku, [issue("90000900", "productType is required.")]
    body = {"patches": _patches_of(message)}
    return sku, patch_problems(sandbox, seller_id, sku, body)


def process(sandbox: Sandbox, seller_id: str, feed_id: str, content: bytes) -> bytes:
    """Apply the feed's valid messages; the processing report as JSON bytes. InvalidFeed when unreadable."""
    try:
        document = json.loads(content)
    except ValueError as error:
        raise InvalidFeed("the feed is not JSON") from error
    messages = document.get("messages") if isinstance(document, dict) else None
    if not isinstance(messages, list):
        raise InvalidFeed("the feed has no messages")
    issues: list[dict[str, Any]] = []
    accepted = 0
    for message in messages:
        sku, problems = _message_issues(sandbox, seller_id, message)
        message_id = message.get("messageId") if isinstance(message, dict) else None
        if problems:
            issues += [{"messageId": message_id, "sku": sku, **_report_issue(found)} for found in problems]
            continue
        apply_patches(sandbox, seller_id, sku, _patches_of(message))
        accepted += 1
    report = {
        "header": {"sellerId": seller_id, "version": "2.0", "feedId": feed_id},
        "issues": issues,
        "summary": {
            "errors": len(issues),
            "warnings": 0,
            "messagesProcessed": len(messages),
            "messagesAccepted": accepted,
            "messagesInvalid": len(messages) - accepted,
        },
    }
    return json.dumps(report).encode()


def _report_issue(found: dict[str, Any]) -> dict[str, Any]:
    reported = {"code": found["code"], "severity": found["severity"], "message": found["message"]}
    if found.get("attributeNames"):
        reported["attributeName"] = found["attributeNames"][0]
    return reported
