"""Orders v0 and 2026-01-01 over HTTP: paging, equal money in both versions, PII, confirmShipment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sellersync.sandbox import swagger
from tests.sandbox.conftest import UK, US, SandboxClient

V0 = "/orders/v0/orders"
V2026 = "/orders/2026-01-01/orders"
SINCE = "2026-02-01T00:00:00Z"


def _all_v0(sandbox: SandboxClient, headers: dict[str, str], marketplace: str) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = []
    params: dict[str, str] = {"MarketplaceIds": marketplace, "CreatedAfter": SINCE, "MaxResultsPerPage": "25"}
    while True:
        response = sandbox.http.get(V0, params=params, headers=headers)
        swagger.validate_response("getOrders", 200, response.json())
        payload = response.json()["payload"]
        orders += payload["Orders"]
        if "NextToken" not in payload:
            return orders
        params = {"MarketplaceIds": marketplace, "NextToken": payload["NextToken"]}


def _all_2026(sandbox: SandboxClient, headers: dict[str, str], marketplace: str) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = []
    params = {
        "marketplaceIds": marketplace,
        "createdAfter": SINCE,
        "maxResultsPerPage": "25",
        "includedData": "PROCEEDS,FULFILLMENT,BUYER,RECIPIENT,PACKAGES,CANCELLATION,TAX,PROMOTION",
    }
    while True:
        response = sandbox.http.get(V2026, params=params, headers=headers)
        swagger.validate_response("searchOrders", 200, response.json())
        orders += response.json()["orders"]
        token = response.json().get("pagination", {}).get("nextToken")
        if not token:
            return orders
        params = {"paginationToken": token}


def test_v0_and_2026_report_the_same_total_for_every_order(sandbox: SandboxClient) -> None:
    # given the NA and EU sellers' generated orders
    for region, marketplace in (("NA", US), ("EU", UK)):
        headers = sandbox.headers(region)
        # when both versions list them
        v0 = {order["AmazonOrderId"]: order["OrderTotal"] for order in _all_v0(sandbox, headers, marketplace)}
        v2026 = {
            order["orderId"]: order["proceeds"]["grandTotal"]
            for order in _all_2026(sandbox, headers, marketplace)
        }
        # then the same orders with the same amount and currency
        assert len(v0) > 5
        assert v0.keys() == v2026.keys()
        for order_id, total in v0.items():
            assert (total["Amount"], total["CurrencyCode"]) == (
                v2026[order_id]["amount"],
                v2026[order_id]["currencyCode"],
            ), order_id


def test_v0_order_total_is_the_sum_of_its_items_amounts(sandbox: SandboxClient) -> None:
    # given US (tax added on top) and UK (VAT included) orders
    for region, marketplace, tax_on_top in (("NA", US, True), ("EU", UK, False)):
        headers = sandbox.headers(region)
        for order in _all_v0(sandbox, headers, marketplace)[:15]:
            # when the items are read
            items = sandbox.http.get(f"{V0}/{order['AmazonOrderId']}/orderItems", headers=headers).json()
            swagger.validate_response("getOrderItems", 200, items)
            # then the total is what the buyer paid for them, to the cent
            paid = Decimal(0)
            for item in items["payload"]["OrderItems"]:

                def amount(name: str, source: dict[str, Any] = item) -> Decimal:
                    return Decimal(source.get(name, {"Amount": "0"})["Amount"])

                wrap = item.get("BuyerInfo", {})
                paid += amount("ItemPrice") + amount("ShippingPrice") + amount("GiftWrapPrice", wrap)
                paid -= amount("PromotionDiscount")
                if tax_on_top:
                    paid += amount("ItemTax") + amount("ShippingTax") + amount("GiftWrapTax", wrap)
                    paid -= amount("PromotionDiscountTax")
            assert Decimal(order["OrderTotal"]["Amount"]) == paid, order["AmazonOrderId"]


def test_us_items_carry_marketplace_facilitator_tax(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    order_id = _all_v0(sandbox, headers, US)[0]["AmazonOrderId"]
    items = sandbox.http.get(f"{V0}/{order_id}/orderItems", headers=headers).json()["payload"]["OrderItems"]
    assert items[0]["TaxCollection"] == {
        "Model": "MarketplaceFacilitator",
        "ResponsibleParty": "Amazon Services, Inc.",
    }


def test_next_token_keeps_returning_the_same_page_after_orders_change(sandbox: SandboxClient) -> None:
    # given the first page of a LastUpdatedAfter query and its token
    headers = sandbox.headers("NA")
    params = {"MarketplaceIds": US, "LastUpdatedAfter": SINCE, "MaxResultsPerPage": "5"}
    first = sandbox.http.get(V0, params=params, headers=headers).json()["payload"]
    token = first["NextToken"]
    second = sandbox.http.get(V0, params={"MarketplaceIds": US, "NextToken": token}, headers=headers).json()
    second_ids = [order["AmazonOrderId"] for order in second["payload"]["Orders"]]
    # when an order of that second page changes and new orders arrive
    sandbox.http.post(f"/_sandbox/orders/{second_ids[0]}/cancel", json={"by": "amazon"})
    sandbox.create_orders("NA", 3, marketplace_id=US)
    sandbox.advance(600)
    # then the token still returns the same page, and no order of page one repeats
    again = sandbox.http.get(V0, params={"MarketplaceIds": US, "NextToken": token}, headers=headers).json()
    assert [order["AmazonOrderId"] for order in again["payload"]["Orders"]] == second_ids
    assert not {order["AmazonOrderId"] for order in first["Orders"]} & set(second_ids)
    assert again["payload"]["LastUpdatedBefore"] == first["LastUpdatedBefore"]


def test_before_bound_closer_than_two_minutes_is_rejected(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    now = sandbox.http.get("/_sandbox/clock").json()["now"]
    params = {"MarketplaceIds": US, "CreatedAfter": SINCE, "CreatedBefore": now}
    response = sandbox.http.get(V0, params=params, headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
    swagger.validate_response("getOrders", 400, response.json())


def test_filters_by_status_and_channel_and_sorts_by_last_update(sandbox: SandboxClient) -> None:
    headers = sandbox.headers("NA")
    params = {
        "MarketplaceIds": US,
        "LastUpdatedAfter": SINCE,
        "OrderStatuses": "Shipped",
        "FulfillmentChannels": "AFN",
    }
    orders = sandbox.http.get(V0, params=params, headers=headers).json()["payload"]["Orders"]
    assert orders
    assert {(order["OrderStatus"], order["FulfillmentChannel"]) for order in orders} == {("Shipped", "AFN")}
    updates = [order["LastUpdateDate"] for order in orders]
    assert updates == sorted(updates)


def _rdt(sandbox: SandboxClient, region: str, path: str, elements: list[str]) -> Any:
    body = {"restrictedResources": [{"method": "GET", "path": path, "dataElements": elements}]}
    return sandbox.http.post(
        "/tokens/2021-03-01/restrictedDataToken", json=body, headers=sandbox.headers(region)
    )


def _unshipped_mfn_order(sandbox: SandboxClient) -> str:
    [order_id] = sandbox.create_orders(
        "NA", 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(3600)
    return order_id


def test_address_without_rdt_has_only_city_region_postal_code_country(sandbox: SandboxClient) -> None:
    order_id = _unshipped_mfn_order(sandbox)
    response = sandbox.http.get(f"{V0}/{order_id}/address", headers=sandbox.headers("NA")).json()
    swagger.validate_response("getOrderAddress", 200, response)
    assert set(response["payload"]["ShippingAddress"]) == {
        "City",
        "StateOrRegion",
        "PostalCode",
        "CountryCode",
    }
    buyer = sandbox.http.get(f"{V0}/{order_id}/buyerInfo", headers=sandbox.headers("NA")).json()
    assert "BuyerName" not in buyer["payload"]
    assert buyer["payload"]["BuyerEmail"].endswith("@marketplace.amazon.com")


def test_rdt_opens_the_address_it_was_issued_for_only(sandbox: SandboxClient) -> None:
    # given an RDT for one order's address
    order_id = _unshipped_mfn_order(sandbox)
    issued = _rdt(sandbox, "NA", f"{V0}/{order_id}/address", ["shippingAddress"])
    swagger.validate_response("createRestrictedDataToken", 200, issued.json())
    rdt = {"x-amz-access-token": issued.json()["restrictedDataToken"]}
    assert issued.json()["restrictedDataToken"].startswith("Atz.sprdt|")
    # when it is used there and elsewhere
    address = sandbox.http.get(f"{V0}/{order_id}/address", headers=rdt).json()["payload"]["ShippingAddress"]
    elsewhere = sandbox.http.get(f"{V0}/{order_id}/buyerInfo", headers=rdt)
    # then the restricted fields appear there only
    assert address["Name"] and address["AddressLine1"] and address["Phone"]
    assert elsewhere.status_code == 403


def test_bulk_rdt_shows_buyer_names_in_both_versions(sandbox: SandboxClient) -> None:
    _unshipped_mfn_order(sandbox)
    v0_rdt = _rdt(sandbox, "NA", V0, ["buyerInfo", "shippingAddress"]).json()["restrictedDataToken"]
    orders = sandbox.http.get(
        V0, params={"MarketplaceIds": US, "CreatedAfter": SINCE}, headers={"x-amz-access-token": v0_rdt}
    ).json()["payload"]["Orders"]
    assert all(order["BuyerInfo"].get("BuyerName") for order in orders)
    v2026_rdt = _rdt(sandbox, "NA", V2026, ["buyerInfo"]).json()["restrictedDataToken"]
    result = sandbox.http.get(
        V2026,
        params={"marketplaceIds": US, "createdAfter": SINCE, "includedData": "BUYER"},
        headers={"x-amz-access-token": v2026_rdt},
    ).json()
    assert all(order["buyer"].get("buyerName") for order in result["orders"])


def test_seller_without_pii_access_gets_no_rdt(sandbox: SandboxClient) -> None:
    response = _rdt(sandbox, "EU", V0, ["buyerInfo"])
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "InvalidInput",
                "message": "Application does not have access to one or more requested data elements",
                "details": "",
            }
        ]
    }


def _confirm(
    sandbox: SandboxClient,
    order_id: str,
    item_id: str,
    quantity: int,
    reference: str,
    ship_date: str = "2026-03-02T15:00:00Z",
) -> Any:
    body = {
        "marketplaceId": US,
        "packageDetail": {
            "packageReferenceId": reference,
            "carrierCode": "UPS",
            "trackingNumber": "1Z999",
            "shipDate": ship_date,
            "orderItems": [{"orderItemId": item_id, "quantity": quantity}],
        },
    }
    return sandbox.http.post(
        f"{V0}/{order_id}/shipmentConfirmation", json=body, headers=sandbox.headers("NA")
    )


def test_confirm_shipment_ships_partially_then_fully(sandbox: SandboxClient) -> None:
    # given an unshipped FBM order
    order_id = _unshipped_mfn_order(sandbox)
    headers = sandbox.headers("NA")
    items = sandbox.http.get(f"{V0}/{order_id}/orderItems", headers=headers).json()["payload"]["OrderItems"]
    before = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]
    # when the first item ships, then the rest
    first = _confirm(sandbox, order_id, items[0]["OrderItemId"], items[0]["QuantityOrdered"], "1")
    middle = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]["OrderStatus"]
    for index, item in enumerate(items[1:], start=2):
        assert (
            _confirm(sandbox, order_id, item["OrderItemId"], item["QuantityOrdered"], str(index)).status_code
            == 204
        )
    after = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]
    # then 204 with no body, PartiallyShipped in between (when several items), Shipped at the end
    assert (first.status_code, first.content) == (204, b"")
    assert middle == ("PartiallyShipped" if len(items) > 1 else "Shipped")
    assert after["OrderStatus"] == "Shipped"
    assert after["NumberOfItemsUnshipped"] == 0
    assert after["LastUpdateDate"] > before["LastUpdateDate"]


def test_confirm_shipment_rejects_bad_requests_without_changing_the_order(sandbox: SandboxClient) -> None:
    order_id = _unshipped_mfn_order(sandbox)
    headers = sandbox.headers("NA")
    item = sandbox.http.get(f"{V0}/{order_id}/orderItems", headers=headers).json()["payload"]["OrderItems"][0]
    cases = [
        ("_case non-ISO shipDate", item["OrderItemId"], 1, "1", "02/21/2022"),
        ("_case unknown item", "00000000000000", 1, "1", "2026-03-02T15:00:00Z"),
        (
            "_case too many units",
            item["OrderItemId"],
            item["QuantityOrdered"] + 1,
            "1",
            "2026-03-02T15:00:00Z",
        ),
        ("_case reference not numeric", item["OrderItemId"], 1, "A1", "2026-03-02T15:00:00Z"),
    ]
    for label, item_id, quantity, reference, ship_date in cases:
        response = _confirm(sandbox, order_id, item_id, quantity, reference, ship_date)
        assert response.status_code == 400, label
        swagger.validate_response("confirmShipment", 400, response.json())
    status = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]["OrderStatus"]
    assert status == "Unshipped"


def test_duplicate_package_reference_is_rejected(sandbox: SandboxClient) -> None:
    # given an unshipped FBM order of at least two units
    order_ids = sandbox.create_orders(
        "NA", 20, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(3600)
    headers = sandbox.headers("NA")
    order_id, lines = next(
        (order_id, lines)
        for order_id in order_ids
        for lines in [
            sandbox.http.get(f"{V0}/{order_id}/orderItems", headers=headers).json()["payload"]["OrderItems"]
        ]
        if sum(line["QuantityOrdered"] for line in lines) >= 2
    )
    units = [line["OrderItemId"] for line in lines for _ in range(line["QuantityOrdered"])]
    # when two packages use the same reference
    first = _confirm(sandbox, order_id, units[0], 1, "7")
    second = _confirm(sandbox, order_id, units[1], 1, "7")
    # then the second is refused and the order stays partially shipped
    assert (first.status_code, second.status_code) == (204, 400)
    status = sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()["payload"]["OrderStatus"]
    assert status == "PartiallyShipped"


def test_getorder_2026_and_participations_match_the_models(sandbox: SandboxClient) -> None:
    order_id = _unshipped_mfn_order(sandbox)
    headers = sandbox.headers("NA")
    response = sandbox.http.get(
        f"{V2026}/{order_id}", params={"includedData": "PROCEEDS,FULFILLMENT,TAX"}, headers=headers
    )
    swagger.validate_response("orders_2026-01-01.getOrder", 200, response.json())
    assert response.json()["order"]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    swagger.validate_response(
        "ordersV0.getOrder", 200, sandbox.http.get(f"{V0}/{order_id}", headers=headers).json()
    )
    swagger.validate_response(
        "getOrderItemsBuyerInfo",
        200,
        sandbox.http.get(f"{V0}/{order_id}/orderItems/buyerInfo", headers=headers).json(),
    )
    participations = sandbox.http.get("/sellers/v1/marketplaceParticipations", headers=headers).json()
    swagger.validate_response("getMarketplaceParticipations", 200, participations)
    assert [entry["marketplace"]["id"] for entry in participations["payload"]] == [
        "ATVPDKIKX0DER",
        "A2EUQ1WTGCTBG2",
        "A1AM78C64UM0Y8",
    ]


def test_amazons_static_case_answers_before_the_stateful_handler(sandbox: SandboxClient) -> None:
    # given the documented static case getOrders(CreatedAfter=TEST_CASE_200)
    params = {"MarketplaceIds": "ATVPDKIKX0DER", "CreatedAfter": "TEST_CASE_200"}
    # when it is requested with a valid token
    response = sandbox.http.get(V0, params=params, headers=sandbox.headers("NA"))
    # then the model's example comes back, with the usual headers
    assert response.status_code == 200
    assert response.json()["payload"]["Orders"][0]["AmazonOrderId"] == "902-1845936-5435065"
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert response.headers["x-amzn-RequestId"]
