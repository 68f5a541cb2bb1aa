"""Split the buyer's personal data out of a raw Orders payload (v0 or 2026-01-01) before it is stored.

The raw payload of each order version is kept for traceability (issue 3); what identifies a person —
names, street lines, phone, e-mail, company, tax numbers, purchase order number, gift messages, delivery
instructions — is removed from it and returned apart, keyed by JSON Pointer (RFC 6901), so the caller
can store it encrypted and erase it on request. City, region, postal code and country stay: Amazon
shares them without PII access, and so does the anonymous customer.

Keys are matched by name wherever they appear, in both APIs' spellings; an object under a PII key
(e.g. `BuyerTaxInfo`, `taxRegistrations`) is removed whole.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

V0_PII_KEYS = frozenset(
    {
        "Name",
        "CompanyName",
        "AddressLine1",
        "AddressLine2",
        "AddressLine3",
        "Phone",
        "ExtendedFields",
        "DeliveryPreferences",
        "BuyerEmail",
        "BuyerName",
        "BuyerCompanyName",
        "BuyerTaxInfo",
        "BuyerTaxInformation",
        "PurchaseOrderNumber",
        "BuyerCustomizedInfo",
        "GiftMessageText",
    }
)
V2026_PII_KEYS = frozenset(
    {
        "name",
        "companyName",
        "addressLine1",
        "addressLine2",
        "addressLine3",
        "phone",
        "extendedFields",
        "deliveryPreference",
        "buyerName",
        "buyerEmail",
        "buyerCompanyName",
        "buyerPurchaseOrderNumber",
        "taxRegistrations",
        "giftMessage",
        "customization",
    }
)
PII_KEYS = V0_PII_KEYS | V2026_PII_KEYS


def split_pii(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(payload without PII, {json_pointer: removed value}), both as plain JSON values; `raw` is untouched.

    One pass builds the cleaned copy. Values JSON cannot hold (the client decodes fractional numbers as
    Decimal) become what a JSON round trip with `str` makes of them, so both parts store as they are.
    """
    removed: dict[str, Any] = {}
    cleaned = _without_pii(raw, "", removed)
    return cleaned, removed


def merge_pii(payload: dict[str, Any], pii: dict[str, Any]) -> dict[str, Any]:
    """The payload with the removed parts put back (the inverse of `split_pii`)."""
    merged = copy.deepcopy(payload)
    for pointer, value in pii.items():
        *parents, key = [_unescape(token) for token in pointer.split("/")[1:]]
        target: Any = merged
        for token in parents:
            target = target[int(token)] if isinstance(target, list) else target[token]
        target[key] = copy.deepcopy(value)
    return merged


#: JSON leaves, immutable: shared with the input instead of copied.
_IMMUTABLE_LEAVES = frozenset({str, int, float, bool, type(None)})


def _without_pii(node: dict[Any, Any], pointer: str, removed: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in node.items():
        if type(key) is not str:  # JSON turns other keys into strings: start again from what it makes
            return _without_pii(_json_round_trip(node), pointer, removed)
        if key in PII_KEYS:
            removed[f"{pointer}/{_escape(key)}"] = _jsonable(value)
        elif type(value) in _IMMUTABLE_LEAVES:  # most values: no pointer to build
            cleaned[key] = value
        else:
            cleaned[key] = _copy_without_pii(value, f"{pointer}/{_escape(key)}", removed)
    return cleaned


def _copy_without_pii(node: Any, pointer: str, removed: dict[str, Any]) -> Any:
    kind = type(node)
    if kind in _IMMUTABLE_LEAVES:
        return node
    if kind is dict:
        return _without_pii(node, pointer, removed)
    if kind is list:
        return [_copy_without_pii(child, f"{pointer}/{index}", removed) for index, child in enumerate(node)]
    return _json_round_trip(node)


def _jsonable(node: Any) -> Any:
    """A copy as plain JSON values, whole (a removed part: nothing inside it is split off)."""
    kind = type(node)
    if kind in _IMMUTABLE_LEAVES:
        return node
    if kind is dict and all(type(key) is str for key in node):
        return {key: _jsonable(value) for key, value in node.items()}
    if kind is list:
        return [_jsonable(child) for child in node]
    return _json_round_trip(node)


def _json_round_trip(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


REDACTED = "[buyer data]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Shorter values (a state code, an initial) are too common to blank in a message.
_MIN_REDACTED_LENGTH = 3


def redact(text: str, raw: dict[str, Any] | None = None) -> str:
    """`text` (an error about an order) without the buyer's data: every personal value of the order's raw
    payload it quotes, and any e-mail address, become "[buyer data]". Errors are stored and shown to users;
    buyer data is not, and is erased after the retention period."""
    values = sorted(_strings(split_pii(raw)[1]) if raw else set(), key=len, reverse=True)
    for value in values:
        text = text.replace(value, REDACTED)
    return _EMAIL.sub(REDACTED, text)


def _strings(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_strings(value) for value in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_strings(value) for value in node)) if node else set()
    text = str(node).strip() if node is not None and not isinstance(node, bool) else ""
    return {text} if len(text) >= _MIN_REDACTED_LENGTH else set()
