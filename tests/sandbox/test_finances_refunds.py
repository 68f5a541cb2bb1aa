"""Refunds over HTTP: a test's refund (control API) and the simulated buyers' ones, in the Finances API and in
the payout groups, with Amazon's field names and signs, to the cent."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from sellersync.sandbox import swagger
from sellersync.sandbox.clock import parse_iso
from tests.sandbox.conftest import UK, US, SandboxClient

DE = "A1PA6795UKMFR9"

FIN = "/finances/v0"
DAY = 24 * 3600
CENT = Decimal("0.01")


def _amounts(node: Any) -> list[Decimal]:
    """Every CurrencyAmount under a JSON node (the test's own walk of the wire)."""
    if isinstance(node, dict):
        found = [Decimal(str(node["CurrencyAmount"]))] if "CurrencyAmount" in node else []
        return found + [amount for value in node.values() for amount in _amounts(value)]
    if isinstance(node, list):
        return [amount for value in node for amount in _amounts(value)]
    return []


def _by_type(components: list[dict[str, Any]], key: str, amount_key: str) -> dict[str, Decimal]:
    return {entry[key]: Decimal(str(entry[amount_key]["CurrencyAmount"])) for entry in components}


def _parts(item: dict[str, Any], charges: str, fees: str, promotions: str) -> dict[str, Decimal]:
    """One item of an event as {type: amount}: charges, fees, withheld taxes and promotions together."""
    parts = _by_type(item.get(charges, []), "ChargeType", "ChargeAmount")
    parts |= _by_type(item.get(fees, []), "FeeType", "FeeAmount")
    for withheld in item.get("ItemTaxWithheldList", []):
        parts |= _by_type(withheld["TaxesWithheld"], "ChargeType", "ChargeAmount")
    for promotion in item.get(promotions, []):
        parts["Promotion"] = parts.get("Promotion", Decimal(0)) + Decimal(
            str(promotion["PromotionAmount"]["CurrencyAmount"])
        )
    return parts


def _order_events(sandbox: SandboxClient, order_id: str, region: str = "NA") -> dict[str, Any]:
    response = sandbox.http.get(f"{FIN}/orders/{order_id}/financialEvents", headers=sandbox.headers(region))
    assert response.status_code == 200, response.text
    swagger.validate_response("listFinancialEventsByOrderId", 200, response.json())
    return dict(response.json()["payload"]["FinancialEvents"])


def _items(sandbox: SandboxClient, order_id: str, region: str = "NA") -> list[dict[str, Any]]:
    response = sandbox.http.get(f"/orders/v0/orders/{order_id}/orderItems", headers=sandbox.headers(region))
    return list(response.json()["payload"]["OrderItems"])


def _money(item: dict[str, Any], key: str) -> Decimal:
    return Decimal(item[key]["Amount"]) if key in item else Decimal(0)


def _refund(sandbox: SandboxClient, order_id: str, body: dict[str, Any]) -> Any:
    return sandbox.http.post(f"/_sandbox/orders/{order_id}/refund", json=body)


def _shipped(sandbox: SandboxClient, region: str, count: int, **options: Any) -> list[str]:
    """Orders shipped (FBM ones up to 41 h after purchase): no simulated refund posted yet (3 days on)."""
    order_ids = sandbox.create_orders(region, count, status="Shipped", **options)
    sandbox.advance(42 * 3600)
    return order_ids


def test_a_full_refund_gives_back_every_charge_of_the_shipment_and_the_commission_minus_refund_commission(
    sandbox: SandboxClient,
) -> None:
    # given a shipped FBM order on amazon.com with a shipping charge (US: tax-exclusive, tax withheld)
    order_ids = _shipped(sandbox, "NA", 6, marketplace_id=US, fulfillment_channel="MFN")
    order_id = next(
        order_id
        for order_id in order_ids
        if any(_money(item, "ShippingPrice") for item in _items(sandbox, order_id))
    )
    # when the test refunds everything (no items: all of them, shipping included)
    response = _refund(sandbox, order_id, {})
    # then one refund event whose every charge, promotion and withheld tax is the shipment's, negated
    assert response.status_code == 200, response.text
    events = _order_events(sandbox, order_id)
    [shipment] = events["ShipmentEventList"]
    [refund] = events["RefundEventList"]
    assert refund == response.json()["event"]
    assert (refund["AmazonOrderId"], refund["MarketplaceName"]) == (order_id, "Amazon.com")
    shipped = {item["OrderItemId"]: item for item in shipment["ShipmentItemList"]}
    adjusted = {item["OrderItemId"]: item for item in refund["ShipmentItemAdjustmentList"]}
    assert set(adjusted) == set(shipped)
    for item_id, item in adjusted.items():
        sold = _parts(shipped[item_id], "ItemChargeList", "ItemFeeList", "PromotionList")
        back = _parts(item, "ItemChargeAdjustmentList", "ItemFeeAdjustmentList", "PromotionAdjustmentList")
        assert item["QuantityShipped"] == shipped[item_id]["QuantityShipped"]
        assert item["SellerSKU"] == shipped[item_id]["SellerSKU"]
        assert len(item["OrderAdjustmentItemId"]) == 14 and item["OrderAdjustmentItemId"].isdigit()
        for kind, amount in sold.items():
            if kind not in ("Commission", "FBAPerUnitFulfillmentFee"):
                assert back[kind] == -amount, kind
        # the commission comes back, 20 % of it (at most 5.00) kept as RefundCommission; FBA fees stay
        assert back["Commission"] == -sold["Commission"]
        expected = min((back["Commission"] * Decimal("0.20")).quantize(CENT, ROUND_HALF_UP), Decimal("5.00"))
        assert back["RefundCommission"] == -expected
        assert "FBAPerUnitFulfillmentFee" not in back
    assert any(
        item["ItemChargeAdjustmentList"][2]["ChargeType"] == "ShippingCharge" for item in adjusted.values()
    )
    assert Decimal(response.json()["total"]) == sum(_amounts(refund), Decimal(0))
    # and nothing is left: a second full refund is refused
    again = _refund(sandbox, order_id, {})
    assert (again.status_code, again.json()) == (
        400,
        {"error": f"every unit of order {order_id} is refunded already"},
    )


def test_a_hand_stated_partial_refund_with_a_restocking_fee_is_posted_exactly(sandbox: SandboxClient) -> None:
    # given a shipped FBA order on amazon.com with an item of at least 10.00
    order_ids = _shipped(sandbox, "NA", 6, marketplace_id=US, fulfillment_channel="AFN")
    order_id, item = next(
        (order_id, item)
        for order_id in order_ids
        for item in _items(sandbox, order_id)
        if _money(item, "ItemPrice") >= Decimal("10.00")
    )
    # when the test refunds 10.00 of principal and 0.83 of tax, keeping a restocking fee of 2.00
    response = _refund(
        sandbox,
        order_id,
        {
            "items": [{"order_item_id": item["OrderItemId"], "principal": "10.00", "tax": "0.83"}],
            "restocking_fee": "2.00",
        },
    )
    # then the event says so: commission back 15 % of 10.00 = 1.50, RefundCommission 20 % of it = 0.30,
    # the facilitator tax returned 0.83; total -10.00 - 0.83 + 2.00 + 1.50 - 0.30 + 0.83 = -6.80
    assert response.status_code == 200, response.text
    [refund] = _order_events(sandbox, order_id)["RefundEventList"]
    [line] = refund["ShipmentItemAdjustmentList"]
    assert (line["OrderItemId"], line["QuantityShipped"]) == (item["OrderItemId"], item["QuantityOrdered"])
    assert _by_type(line["ItemChargeAdjustmentList"], "ChargeType", "ChargeAmount") == {
        "Principal": Decimal("-10.00"),
        "Tax": Decimal("-0.83"),
        "RestockingFee": Decimal("2.00"),
    }
    assert _by_type(line["ItemFeeAdjustmentList"], "FeeType", "FeeAmount") == {
        "Commission": Decimal("1.50"),
        "RefundCommission": Decimal("-0.30"),
    }
    assert line["ItemTaxWithheldList"] == [
        {
            "TaxCollectionModel": "MarketplaceFacilitator",
            "TaxesWithheld": [
                {
                    "ChargeType": "MarketplaceFacilitatorTax-Principal",
                    "ChargeAmount": {"CurrencyCode": "USD", "CurrencyAmount": 0.83},
                }
            ],
        }
    ]
    assert "PromotionAdjustmentList" not in line
    assert response.json()["total"] == "-6.80"
    assert sum(_amounts(refund), Decimal(0)) == Decimal("-6.80")
    # and the truth of the control API lists it with no unit returned (a price adjustment)
    [truth] = sandbox.http.get(f"/_sandbox/orders/{order_id}/refunds").json()
    assert truth["refund_id"] == f"{order_id}-R1" and truth["generated"] is False
    assert [(row["returned"], row["principal"], row["restocking_fee"]) for row in truth["lines"]] == [
        (0, "10.00", "2.00")
    ]


def test_units_of_a_vat_inclusive_item_are_refunded_one_by_one_and_add_up_to_the_shipment(
    sandbox: SandboxClient,
) -> None:
    # given a shipped amazon.co.uk order with an item of several units (prices include 20 % VAT)
    order_ids = _shipped(sandbox, "EU", 40, marketplace_id=UK, fulfillment_channel="AFN")
    order_id, item = next(
        (order_id, item)
        for order_id in order_ids
        for item in _items(sandbox, order_id, "EU")
        if item["QuantityOrdered"] >= 2
    )
    units = item["QuantityOrdered"]
    gross, vat = _money(item, "ItemPrice"), _money(item, "ItemTax")
    promotion, promotion_vat = _money(item, "PromotionDiscount"), _money(item, "PromotionDiscountTax")
    # when one unit is returned, then the rest
    first = _refund(sandbox, order_id, {"items": [{"order_item_id": item["OrderItemId"], "quantity": 1}]})
    rest = _refund(sandbox, order_id, {"items": [{"order_item_id": item["OrderItemId"]}]})
    # then the first gives back the unit's gross price: its VAT in proportion (rounded half up), the
    # principal net of it; the promotion in proportion too; commission 15 % of the gross refunded
    assert (first.status_code, rest.status_code) == (200, 200), first.text + rest.text
    events = _order_events(sandbox, order_id, "EU")
    assert len(events["RefundEventList"]) == 2
    [one] = events["RefundEventList"][0]["ShipmentItemAdjustmentList"]
    parts = _parts(one, "ItemChargeAdjustmentList", "ItemFeeAdjustmentList", "PromotionAdjustmentList")
    unit_vat = (vat / units).quantize(CENT, ROUND_HALF_UP)
    unit_promotion_vat = (promotion_vat / units).quantize(CENT, ROUND_HALF_UP)
    unit_promotion = (promotion / units).quantize(CENT, ROUND_HALF_UP)
    assert one["QuantityShipped"] == 1
    assert parts["Tax"] == -unit_vat
    assert parts["Principal"] == -(gross / units - unit_vat)
    assert parts.get("Promotion", Decimal(0)) == unit_promotion - unit_promotion_vat
    assert parts.get("TaxDiscount", Decimal(0)) == unit_promotion_vat
    refunded_gross = gross / units - unit_promotion
    assert parts["Commission"] == (refunded_gross * Decimal("0.15")).quantize(CENT, ROUND_HALF_UP)
    assert "ItemTaxWithheldList" not in one  # no facilitator tax outside amazon.com
    # and both together give back exactly what the shipment charged for the item
    [shipment] = events["ShipmentEventList"]
    [sold] = [line for line in shipment["ShipmentItemList"] if line["OrderItemId"] == item["OrderItemId"]]
    sold_parts = _parts(sold, "ItemChargeList", "ItemFeeList", "PromotionList")
    [two] = events["RefundEventList"][1]["ShipmentItemAdjustmentList"]
    assert two["QuantityShipped"] == units - 1
    both = Counter(parts)
    both.update(_parts(two, "ItemChargeAdjustmentList", "ItemFeeAdjustmentList", "PromotionAdjustmentList"))
    for kind in ("Principal", "Tax", "Promotion", "TaxDiscount", "Commission"):
        assert both.get(kind, Decimal(0)) == -sold_parts.get(kind, Decimal(0)), kind
    # and a third return of that item is refused: no unit left
    third = _refund(sandbox, order_id, {"items": [{"order_item_id": item["OrderItemId"], "quantity": 1}]})
    assert third.status_code == 400
    assert "not between 0 and the 0 units left" in third.json()["error"]


def test_refunds_amazon_would_not_make_are_refused_with_the_reason(sandbox: SandboxClient) -> None:
    # given a shipped order and an unshipped one
    [order_id] = _shipped(sandbox, "NA", 1, marketplace_id=US, fulfillment_channel="MFN")
    [pending] = sandbox.create_orders("NA", 1, marketplace_id=US, status="Pending")
    [item] = _items(sandbox, order_id)[:1]
    item_id, price = item["OrderItemId"], _money(item, "ItemPrice")
    # when refunds beyond the order are asked
    cases = {
        "pending": _refund(sandbox, pending, {}),
        "unknown order": _refund(sandbox, "111-0000000-0000000", {}),
        "unknown item": _refund(sandbox, order_id, {"items": [{"order_item_id": "999"}]}),
        "too much": _refund(
            sandbox, order_id, {"items": [{"order_item_id": item_id, "principal": str(price + 1)}]}
        ),
        "fee too big": _refund(
            sandbox,
            order_id,
            {"items": [{"order_item_id": item_id, "principal": "1.00"}], "restocking_fee": "5.00"},
        ),
        "sub-cent": _refund(sandbox, order_id, {"items": [{"order_item_id": item_id, "principal": "1.001"}]}),
        "nothing": _refund(sandbox, order_id, {"items": [{"order_item_id": item_id, "principal": "0"}]}),
        "unknown field": _refund(sandbox, order_id, {"amount": "1.00"}),
        "negative delay": _refund(sandbox, order_id, {"posted_after_seconds": -1}),
    }
    # then each is refused, saying why, and nothing is posted
    statuses = {name: response.status_code for name, response in cases.items()}
    assert statuses == {
        "pending": 409,
        "unknown order": 404,
        "unknown item": 400,
        "too much": 400,
        "fee too big": 400,
        "sub-cent": 400,
        "nothing": 400,
        "unknown field": 400,
        "negative delay": 400,
    }
    assert "only a shipped order can be refunded (this one: Pending)" in cases["pending"].json()["error"]
    assert "is not an item of order" in cases["unknown item"].json()["error"]
    assert f"principal {price + 1} is not between 0 and the {price} left" in cases["too much"].json()["error"]
    assert "restocking fee 5.00" in cases["fee too big"].json()["error"]
    assert "not an amount in USD" in cases["sub-cent"].json()["error"]
    assert "nothing to refund (every amount is zero)" in cases["nothing"].json()["error"]
    assert "unknown fields: amount" in cases["unknown field"].json()["error"]
    assert _order_events(sandbox, order_id)["RefundEventList"] == []
    assert sandbox.http.get(f"/_sandbox/orders/{order_id}/refunds").json() == []


def test_a_refund_is_seen_in_the_events_once_posted_then_in_its_closed_payout_group_unchanged(
    sandbox: SandboxClient,
) -> None:
    # given a shipped order refunded by the test, posted two days from now
    [order_id] = _shipped(sandbox, "NA", 1, marketplace_id=US, fulfillment_channel="AFN")
    made = _refund(sandbox, order_id, {"posted_after_seconds": 2 * DAY})
    assert made.status_code == 200, made.text
    # when the events are read before and after its PostedDate
    before = _order_events(sandbox, order_id)["RefundEventList"]
    sandbox.advance(2 * DAY + 60)
    after = _order_events(sandbox, order_id)["RefundEventList"]
    # then it appears only once posted, as the control API announced it
    assert before == []
    assert after == [made.json()["event"]]
    posted = after[0]["PostedDate"]
    headers = sandbox.headers("NA")
    groups = sandbox.http.get(
        f"{FIN}/financialEventGroups", params={"MaxResultsPerPage": 100}, headers=headers
    )
    group = next(
        group
        for group in groups.json()["payload"]["FinancialEventGroupList"]
        if group["FinancialEventGroupStart"] <= posted
        and group["OriginalTotal"]["CurrencyCode"] == "USD"
        and ("FinancialEventGroupEnd" not in group or posted < group["FinancialEventGroupEnd"])
    )
    assert group["ProcessingStatus"] == "Open"
    # when the group closes (14-day periods) and its events are read as a settlement
    sandbox.advance(15 * DAY)
    headers = sandbox.headers("NA")
    group_id = group["FinancialEventGroupId"]
    closed = next(
        each
        for each in sandbox.http.get(
            f"{FIN}/financialEventGroups", params={"MaxResultsPerPage": 100}, headers=headers
        ).json()["payload"]["FinancialEventGroupList"]
        if each["FinancialEventGroupId"] == group_id
    )
    first = sandbox.http.get(f"{FIN}/financialEventGroups/{group_id}/financialEvents", headers=headers)
    swagger.validate_response("listFinancialEventsByGroupId", 200, first.json())
    pages = _group_pages(sandbox, group_id, headers)
    # then the settlement holds the same refund, to the field, and its total is the sum of its events
    settled = [
        event for page in pages for event in page["RefundEventList"] if event["AmazonOrderId"] == order_id
    ]
    assert settled == after
    assert closed["ProcessingStatus"] == "Closed"
    total = sum(_amounts(pages), Decimal(0))
    assert total == Decimal(str(closed["OriginalTotal"]["CurrencyAmount"]))


@pytest.mark.parametrize(("region", "marketplace_id"), [("NA", US), ("EU", DE)])
def test_the_simulated_buyers_refund_in_every_way_and_the_groups_still_add_up(
    sandbox: SandboxClient, region: str, marketplace_id: str
) -> None:
    # given 90 shipped orders on amazon.com (tax-exclusive) or amazon.de (VAT-inclusive), three weeks later
    order_ids = _shipped(sandbox, region, 90, marketplace_id=marketplace_id)
    sandbox.advance(21 * DAY)
    headers = sandbox.headers(region)
    # when their refunds are read from the control API and from the Finances API
    truths = {
        order_id: sandbox.http.get(f"/_sandbox/orders/{order_id}/refunds").json() for order_id in order_ids
    }
    refunded = {order_id: refunds for order_id, refunds in truths.items() if refunds}
    # then about one order in six is refunded, once, posted 3 to 14 days after shipment, deterministically
    assert 5 <= len(refunded) <= 30
    assert {len(refunds) for refunds in refunded.values()} == {1}
    assert sandbox.http.get(f"/_sandbox/orders/{order_ids[0]}/refunds").json() == truths[order_ids[0]]
    kinds: Counter[str] = Counter()
    for order_id, [truth] in refunded.items():
        assert truth["generated"] is True
        events = _order_events(sandbox, order_id, region)
        assert events["RefundEventList"] == [truth["event"]]
        [shipment] = events["ShipmentEventList"]
        delay = _seconds(truth["posted"]) - _seconds(shipment["PostedDate"])
        assert 3 * DAY <= delay <= 14 * DAY
        lines = truth["lines"]
        items = _items(sandbox, order_id, region)
        if len(lines) == len(items) and all(
            int(line["returned"]) == item["QuantityOrdered"] for line, item in zip(lines, items, strict=True)
        ):
            kinds["full"] += 1
        elif all(int(line["returned"]) == 0 for line in lines):
            kinds["price adjustment"] += 1
        else:
            kinds["item"] += 1
        kinds["restocking fee"] += any(Decimal(line["restocking_fee"]) for line in lines)
        # and every refund's withheld tax is its tax net of the tax discount given back (amazon.com only)
        for line in truth["event"]["ShipmentItemAdjustmentList"]:
            parts = _parts(
                line, "ItemChargeAdjustmentList", "ItemFeeAdjustmentList", "PromotionAdjustmentList"
            )
            taxes = ("Tax", "ShippingTax", "GiftWrapTax", "TaxDiscount")
            tax = -sum((parts.get(kind, Decimal(0)) for kind in taxes), Decimal(0))
            withheld = line.get("ItemTaxWithheldList")
            assert withheld is None if region == "EU" else sum(_amounts(withheld), Decimal(0)) == tax
            assert parts.get("RestockingFee", Decimal(0)) >= 0 and parts["Principal"] < 0
        assert Decimal(truth["total"]) == sum(_amounts(truth["event"]), Decimal(0))
    assert kinds["full"] and kinds["item"] and kinds["price adjustment"] and kinds["restocking fee"]
    # and every payout group's total is still the sum of its events to the cent
    groups = sandbox.http.get(
        f"{FIN}/financialEventGroups", params={"MaxResultsPerPage": 100}, headers=headers
    )
    for group in groups.json()["payload"]["FinancialEventGroupList"]:
        pages = _group_pages(sandbox, group["FinancialEventGroupId"], headers)
        total = sum(_amounts(pages), Decimal(0))
        assert total == Decimal(str(group["OriginalTotal"]["CurrencyAmount"]))


def _group_pages(sandbox: SandboxClient, group_id: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every page of a group's events (NextToken followed)."""
    pages: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        params = {"MaxResultsPerPage": "100", **({"NextToken": token} if token else {})}
        page = sandbox.http.get(
            f"{FIN}/financialEventGroups/{group_id}/financialEvents", params=params, headers=headers
        ).json()["payload"]
        pages.append(page["FinancialEvents"])
        token = page.get("NextToken")
        if not token:
            return pages


def test_a_tests_refund_replaces_the_simulated_one_not_yet_posted_and_counts_a_posted_one(
    sandbox: SandboxClient,
) -> None:
    # given shipped orders that the simulation refunds later
    order_ids = _shipped(sandbox, "NA", 60, marketplace_id=US)
    simulated = {
        order_id: refunds[0]
        for order_id in order_ids
        if (refunds := sandbox.http.get(f"/_sandbox/orders/{order_id}/refunds").json())
    }
    assert len(simulated) >= 2
    waiting, posted = list(simulated)[:2]
    # when the test refunds one of them before its simulated refund is posted
    replaced = _refund(sandbox, waiting, {})
    # then only the test's refund remains
    assert replaced.status_code == 200, replaced.text
    assert [
        refund["refund_id"] for refund in sandbox.http.get(f"/_sandbox/orders/{waiting}/refunds").json()
    ] == [f"{waiting}-R1"]
    # when the other's simulated refund is posted, then the test refunds what is left of the order
    sandbox.advance(15 * DAY)
    rest = _refund(sandbox, posted, {})
    truth = sandbox.http.get(f"/_sandbox/orders/{posted}/refunds").json()
    # then both refunds are there, and together they give back at most what was charged
    assert [refund["refund_id"] for refund in truth] == [f"{posted}-G", f"{posted}-R1"][: len(truth)]
    events = _order_events(sandbox, posted)
    if rest.status_code == 200:
        assert len(events["RefundEventList"]) == 2
    else:  # the simulated refund had refunded every unit already
        assert rest.json()["error"] == f"every unit of order {posted} is refunded already"
        assert len(events["RefundEventList"]) == 1
    sold = Counter[str]()
    for line in events["ShipmentEventList"][0]["ShipmentItemList"]:
        sold.update(_by_type(line["ItemChargeList"], "ChargeType", "ChargeAmount"))
    back = Counter[str]()
    for refund in events["RefundEventList"]:
        for line in refund["ShipmentItemAdjustmentList"]:
            back.update(_by_type(line["ItemChargeAdjustmentList"], "ChargeType", "ChargeAmount"))
    assert -back["Principal"] <= sold["Principal"] and -back["Tax"] <= sold["Tax"]


def _seconds(text: str) -> float:
    return parse_iso(text).timestamp()
