"""Finances API v0 over HTTP: events that agree with the orders, payout groups that add them up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sellersync.sandbox import swagger
from tests.sandbox.conftest import UK, US, SandboxClient

FIN = "/finances/v0"
DAY = 24 * 3600


def _amounts(node: Any) -> list[Decimal]:
    """Every CurrencyAmount under a JSON node (the test's own walk of the wire, not the importer's)."""
    if isinstance(node, dict):
        found = [Decimal(str(node["CurrencyAmount"]))] if "CurrencyAmount" in node else []
        return found + [amount for value in node.values() for amount in _amounts(value)]
    if isinstance(node, list):
        return [amount for value in node for amount in _amounts(value)]
    return []


def _by_type(components: list[dict[str, Any]], key: str, amount_key: str) -> dict[str, Decimal]:
    return {entry[key]: Decimal(str(entry[amount_key]["CurrencyAmount"])) for entry in components}


def test_a_shipped_fba_order_is_one_shipment_event_whose_charges_are_the_order_total(
    sandbox: SandboxClient,
) -> None:
    # given an FBA order on amazon.com that shipped
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(DAY)
    headers = sandbox.headers("NA")
    # when its financial events are read
    response = sandbox.http.get(f"{FIN}/orders/{order_id}/financialEvents", headers=headers)
    # then one shipment event: charges + promotions = OrderTotal, the tax withheld, 15 % commission, FBA fee
    assert response.status_code == 200
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
    swagger.validate_response("listFinancialEventsByOrderId", 200, response.json())
    events = response.json()["payload"]["FinancialEvents"]
    [shipment] = events["ShipmentEventList"]
    assert events["RefundEventList"] == [] or events["RefundEventList"][0]["AmazonOrderId"] == order_id
    order = sandbox.http.get(f"/orders/v0/orders/{order_id}", headers=headers).json()["payload"]
    items = shipment["ShipmentItemList"]
    charged = sum(
        (
            sum(_amounts(item["ItemChargeList"]), Decimal(0))
            + sum(_amounts(item.get("PromotionList", [])), Decimal(0))
        )
        for item in items
    )
    assert charged == Decimal(order["OrderTotal"]["Amount"])
    for item in items:
        charges = _by_type(item["ItemChargeList"], "ChargeType", "ChargeAmount")
        fees = _by_type(item["ItemFeeList"], "FeeType", "FeeAmount")
        withheld = _by_type(item["ItemTaxWithheldList"][0]["TaxesWithheld"], "ChargeType", "ChargeAmount")
        assert withheld["MarketplaceFacilitatorTax-Principal"] == -charges["Tax"]
        assert fees["FBAPerUnitFulfillmentFee"] == Decimal("-3.22") * item["QuantityShipped"]
        pre_tax = charges["Principal"] + charges.get("ShippingCharge", Decimal(0))
        assert fees["Commission"] == -(pre_tax * Decimal("0.15")).quantize(Decimal("0.01"))


def test_groups_close_every_14_days_with_the_sum_of_their_events_as_total(sandbox: SandboxClient) -> None:
    # given orders shipped over a month in the US and the UK
    for _week in range(5):
        sandbox.create_orders("NA", 3, marketplace_id=US, status="Shipped")
        sandbox.create_orders("EU", 2, marketplace_id=UK, fulfillment_channel="MFN", status="Shipped")
        sandbox.advance(7 * DAY)
    headers = sandbox.headers("NA")
    # when the payout groups are listed
    response = sandbox.http.get(
        f"{FIN}/financialEventGroups", params={"MaxResultsPerPage": 100}, headers=headers
    )
    # then closed groups carry a transfer, and each total is the sum of the group's events to the cent
    swagger.validate_response("listFinancialEventGroups", 200, response.json())
    groups = response.json()["payload"]["FinancialEventGroupList"]
    closed = [group for group in groups if group["ProcessingStatus"] == "Closed"]
    assert len(closed) >= 2
    assert [group["ProcessingStatus"] for group in groups].count("Open") >= 1
    for group in closed:
        assert group["FundTransferStatus"] == "Succeeded"
        assert group["FundTransferDate"] == group["FinancialEventGroupEnd"]
    for group in groups:
        events = sandbox.http.get(
            f"{FIN}/financialEventGroups/{group['FinancialEventGroupId']}/financialEvents", headers=headers
        ).json()
        swagger.validate_response("listFinancialEventsByGroupId", 200, events)
        total = sum(_amounts(events["payload"]["FinancialEvents"]), Decimal(0))
        assert total == Decimal(str(group["OriginalTotal"]["CurrencyAmount"]))
        assert {group["OriginalTotal"]["CurrencyCode"]} <= {"USD", "CAD", "MXN"}
    subscriptions = [
        event
        for group in closed
        for event in sandbox.http.get(
            f"{FIN}/financialEventGroups/{group['FinancialEventGroupId']}/financialEvents", headers=headers
        ).json()["payload"]["FinancialEvents"]["ServiceFeeEventList"]
    ]
    assert {event["FeeList"][0]["FeeAmount"]["CurrencyAmount"] for event in subscriptions} == {-39.99}


def test_returned_orders_get_refund_events_paged_with_the_others(sandbox: SandboxClient) -> None:
    # given 30 shipped FBM orders on amazon.com, ten days later
    sandbox.create_orders("NA", 30, marketplace_id=US, fulfillment_channel="MFN", status="Shipped")
    sandbox.advance(10 * DAY)
    headers = sandbox.headers("NA")
    # when every event is listed page by page
    refunds: list[dict[str, Any]] = []
    token: str | None = None
    pages = 0
    while True:
        params = {"MaxResultsPerPage": "10", **({"NextToken": token} if token else {})}
        page = sandbox.http.get(f"{FIN}/financialEvents", params=params, headers=headers).json()
        swagger.validate_response("listFinancialEvents", 200, page)
        events = page["payload"]["FinancialEvents"]["RefundEventList"]
        refunds += [event for event in events if event["MarketplaceName"] == "Amazon.com"]
        pages += 1
        token = page["payload"].get("NextToken")
        if not token:
            break
    # then some refunds: principal back to the buyer, the tax Amazon withheld returned, commission back
    # minus 20 % of it (at most 5.00) as RefundCommission (tests/sandbox/test_finances_refunds.py: the rest)
    assert pages > 3
    assert refunds
    for refund in refunds:
        for item in refund["ShipmentItemAdjustmentList"]:
            charges = _by_type(item["ItemChargeAdjustmentList"], "ChargeType", "ChargeAmount")
            fees = _by_type(item["ItemFeeAdjustmentList"], "FeeType", "FeeAmount")
            returned = _by_type(item["ItemTaxWithheldList"][0]["TaxesWithheld"], "ChargeType", "ChargeAmount")
            assert charges["Principal"] < 0
            assert returned["MarketplaceFacilitatorTax-Principal"] == -charges["Tax"] - charges.get(
                "TaxDiscount", Decimal(0)
            )
            assert fees["Commission"] > 0
            assert fees["RefundCommission"] == -min(
                (fees["Commission"] * Decimal("0.20")).quantize(Decimal("0.01")), Decimal("5.00")
            )


def test_bad_page_size_and_a_too_recent_posted_before_are_invalid_input(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    too_big = sandbox.http.get(
        f"{FIN}/financialEventGroups", params={"MaxResultsPerPage": 101}, headers=headers
    )
    too_recent = sandbox.http.get(
        f"{FIN}/financialEvents", params={"PostedBefore": "2030-01-01T00:00:00Z"}, headers=headers
    )
    assert (too_big.status_code, too_recent.status_code) == (400, 400)
    assert too_big.json()["errors"][0]["code"] == "InvalidInput"
