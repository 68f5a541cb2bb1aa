"""jsonable: a payload as plain JSON values, exactly what a JSON round trip (str for the rest) gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

from sellersync.amazon.sync.sources import jsonable


class Color(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 2


def test_values_json_cannot_hold_become_what_a_json_round_trip_makes_of_them() -> None:
    # given
    payload: dict[str, Any] = {
        "amount": Decimal("1.50"),
        "zero": Decimal("-0.00"),
        "pair": (1, 2),
        "keys": {1: "one", "two": None},
        "when": datetime(2026, 1, 1, tzinfo=UTC),
        "enums": [Color.RED, Level.HIGH],
        "plain": [1.0, float("inf"), True, None, "text", {"nested": [Decimal(3)]}],
    }

    # when
    result = jsonable(payload)

    # then
    round_trip = json.loads(json.dumps(payload, default=str))
    assert result == round_trip
    assert json.dumps(result) == json.dumps(round_trip)
    assert result["amount"] == "1.50"
    assert result["keys"] == {"1": "one", "two": None}


def test_the_result_is_a_copy() -> None:
    # given
    payload: dict[str, Any] = {"items": [{"sku": "A"}]}

    # when
    result = jsonable(payload)
    result["items"][0]["sku"] = "B"
    result["items"].append({})

    # then
    assert payload == {"items": [{"sku": "A"}]}
