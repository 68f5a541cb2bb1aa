"""Listings Items client: the exact requests patchListingsItem/getListingsItem send and what they read."""

from __future__ import annotations

import httpx
import pytest

from sellersync.spapi import OPERATIONS, InvalidInput, PayloadError
from sellersync.spapi.models.listings import fbm_quantity_patch
from tests.spapi.helpers import json_body, make_client, with_lwa

SELLER = "A1SELLER"
US = "ATVPDKIKX0DER"


def test_set_fbm_quantity_sends_one_fulfillment_availability_patch() -> None:
    # given
    seen: list[httpx.Request] = []

    def amazon(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"sku": "MUG/RED 1", "status": "ACCEPTED", "submissionId": "s-1"})

    client = make_client(with_lwa(amazon))
    # when
    result = client.listings.set_fbm_quantity(SELLER, "MUG/RED 1", [US], 7)
    # then
    request = seen[0]
    assert request.method == "PATCH"
    assert request.url.raw_path == (
        b"/listings/2021-08-01/items/A1SELLER/MUG%2FRED%201?marketplaceIds=ATVPDKIKX0DER"
    )
    assert json_body(request) == {
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 7}],
            }
        ],
    }
    assert result.accepted and result.submission_id == "s-1"
    assert client.stats["listings.patchListingsItem"].calls == 1


def test_invalid_submission_keeps_amazons_error_issues() -> None:
    # given
    body = {
        "sku": "X",
        "status": "INVALID",
        "submissionId": "s-2",
        "issues": [
            {"code": "90220", "message": "'size' is required.", "severity": "ERROR"},
            {"code": "1", "message": "just so you know", "severity": "INFO"},
        ],
    }
    client = make_client(with_lwa(lambda request: httpx.Response(200, json=body)))
    # when
    result = client.listings.set_fbm_quantity(SELLER, "X", [US], 0)
    # then
    assert not result.accepted
    assert result.error_text() == "90220: 'size' is required."


def test_get_listings_item_reads_the_fbm_quantity_only_from_the_default_channel() -> None:
    # given
    body = {
        "sku": "X",
        "fulfillmentAvailability": [
            {"fulfillmentChannelCode": "AMAZON_NA", "quantity": 40},
            {"fulfillmentChannelCode": "DEFAULT", "quantity": 3},
        ],
    }
    seen: list[httpx.Request] = []

    def amazon(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    client = make_client(with_lwa(amazon))
    # when
    item = client.listings.get_listings_item(SELLER, "X", [US], included_data=["fulfillmentAvailability"])
    # then
    assert item.fbm_quantity() == 3
    assert dict(seen[0].url.params) == {"marketplaceIds": US, "includedData": "fulfillmentAvailability"}


def test_a_listing_without_default_channel_has_no_fbm_quantity() -> None:
    # given
    body = {"sku": "X", "fulfillmentAvailability": [{"fulfillmentChannelCode": "AMAZON_EU", "quantity": 9}]}
    client = make_client(with_lwa(lambda request: httpx.Response(200, json=body)))
    # when
    item = client.listings.get_listings_item(SELLER, "X", [US])
    # then
    assert item.fbm_quantity() is None


def test_bad_sku_is_a_bad_request_with_amazons_code() -> None:
    # given
    errors = {"errors": [{"code": "BAD_REQUEST", "message": "Invalid input", "details": "Invalid input"}]}
    client = make_client(with_lwa(lambda request: httpx.Response(400, json=errors)), max_retries=0)
    # when / then
    with pytest.raises(InvalidInput) as raised:
        client.listings.get_listings_item(SELLER, "BadSKU", [US])
    assert raised.value.errors[0].code == "BAD_REQUEST"


def test_a_submission_without_status_is_a_payload_error() -> None:
    # given
    body = {"sku": "X", "submissionId": "1"}
    client = make_client(with_lwa(lambda request: httpx.Response(200, json=body)))
    # when / then
    with pytest.raises(PayloadError, match="status"):
        client.listings.set_fbm_quantity(SELLER, "X", [US], 1)


def test_a_negative_quantity_is_refused_before_sending() -> None:
    # when / then
    with pytest.raises(ValueError, match="negative"):
        fbm_quantity_patch(-1)


@pytest.mark.parametrize(
    ("_case", "operation", "rate", "burst"),
    [
        ("get", "listings.getListingsItem", 5, 10),
        ("patch", "listings.patchListingsItem", 5, 5),
        ("fba", "fba_inventory.getInventorySummaries", 2, 2),
    ],
)
def test_usage_plans_are_the_documented_ones(_case: str, operation: str, rate: float, burst: int) -> None:
    # when
    spec = OPERATIONS[operation]
    # then
    assert (spec.rate, spec.burst) == (rate, burst)
