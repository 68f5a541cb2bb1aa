"""split_pii gives plain JSON values: what a JSON round trip (str for the rest) makes of the payload."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

from sellersync.amazon.mappers.pii import split_pii


class Color(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 2


def test_values_json_cannot_hold_become_what_a_json_round_trip_makes_of_them() -> None:
    # given a decoded payload (amounts as Decimal) with values JSON cannot hold, inside and outside PII
    payload: dict[str, Any] = {
        "amount": Decimal("1.50"),
        "zero": Decimal("-0.00"),
        "pair": (1, 2),
        "keys": {1: "one", "two": None, "name": "Ann"},
        "when": datetime(2026, 1, 1, tzinfo=UTC),
        "enums": [Color.RED, Level.HIGH],
        "plain": [1.0, float("inf"), True, None, "text", {"nested": [Decimal(3)]}],
        "buyer": {"buyerName": "Ann", "buyerEmail": "ann@example.com"},
        "taxRegistrations": [{"name": "VAT", "rate": Decimal("0.20"), 3: "three"}],
    }

    # when
    cleaned, pii = split_pii(payload)

    # then
    round_trip = json.loads(json.dumps(payload, default=str))
    expected_pii = {
        "/keys/name": "Ann",
        "/buyer/buyerName": "Ann",
        "/buyer/buyerEmail": "ann@example.com",
        "/taxRegistrations": round_trip["taxRegistrations"],
    }
    for pointer in expected_pii:
        *parents, key = pointer.split("/")[1:]
        target = round_trip
        for token in parents:
            target = target[token]
        del target[key]
    assert cleaned == round_trip
    assert json.dumps(cleaned) == json.dumps(round_trip)
    assert pii == expected_pii
    assert cleaned["amount"] == "1.50" and cleaned["keys"] == {"1": "one", "two": None}
    assert pii["/taxRegistrations"] == [{"name": "VAT", "rate": "0.20", "3": "three"}]  # removed whole


def test_the_stored_parts_are_copies() -> None:
    # given
    payload: dict[str, Any] = {"items": [{"sku": "A"}], "buyer": {"buyerName": "Ann"}}

    # when
    cleaned, pii = split_pii(payload)
    cleaned["items"][0]["sku"] = "B"
    cleaned["items"].append({})

    # then
    assert payload == {"items": [{"sku": "A"}], "buyer": {"buyerName": "Ann"}}
    assert pii == {"/buyer/buyerName": "Ann"}
