"""Amazon's static sandbox cases: counted, routed and matched the way Amazon's static sandbox does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sellersync.sandbox import static_cases
from sellersync.sandbox.static_cases import all_cases, match, operation_for

MODELS = Path(static_cases.__file__).parent / "models"


def _count_static_cases_by_walking(model_file: Path) -> int:
    document = json.loads(model_file.read_text(encoding="utf-8"))
    count = 0
    for path_item in document["paths"].values():
        for method, definition in path_item.items():
            if method == "parameters" or not isinstance(definition, dict):
                continue
            for response in definition.get("responses", {}).values():
                count += len(response.get("x-amzn-api-sandbox", {}).get("static", []))
    return count


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("ordersV0", 31),
        ("orders_2026-01-01", 8),
        ("feeds_2021-06-30", 12),
        ("reports_2021-06-30", 18),
        ("tokens_2021-03-01", 3),
        ("financesV0", 8),
        ("finances_2024-06-19", 7),
        ("notifications", 9),
        ("sellers", 3),
        ("listingsItems_2021-08-01", 14),
        ("catalogItems_2022-04-01", 4),
        ("productFeesV0", 6),
        ("InvoicesApiModel_2024-06-19", 23),
        ("fbaInventory", 0),
        ("financesInvoices_2026-06-25", 4),
        ("transfers_2024-06-01", 8),
    ],
)
def test_every_static_case_of_a_model_is_loaded(model, expected):
    # given the model file, walked independently of the loader
    walked = _count_static_cases_by_walking(MODELS / f"{model}.json")
    # when the loader reads all cases
    loaded = [case for case in all_cases() if case.model == model]
    # then both agree with the documented count
    assert walked == expected
    assert len(loaded) == expected


def test_all_models_together_hold_158_cases():
    # given every model file in the folder
    walked = sum(_count_static_cases_by_walking(path) for path in MODELS.glob("*.json"))
    # then the loader returns each case once
    assert walked == 158
    assert len(all_cases()) == 158
    assert len({(case.operation_id, case.index) for case in all_cases()}) == 158


def test_orders_v0_get_orders_test_case_200_returns_the_documented_order():
    # given the request the model documents
    query = {"CreatedAfter": ["TEST_CASE_200"], "MarketplaceIds": ["ATVPDKIKX0DER"]}
    # when matched
    response = match("getOrders", {}, query, None)
    # then the two documented orders come back
    assert response is not None
    assert response.status == 200
    assert response.case_index == 0
    orders = response.body["payload"]["Orders"]
    assert [order["AmazonOrderId"] for order in orders] == ["902-1845936-5435065", "902-8745147-1934268"]
    assert orders[0]["OrderTotal"] == {"CurrencyCode": "USD", "Amount": "11.01"}


def test_the_case_with_next_token_wins_over_the_same_case_without_it():
    # given the paging request with the documented NextToken
    query = {
        "CreatedAfter": ["TEST_CASE_200_NEXT_TOKEN"],
        "MarketplaceIds": ["ATVPDKIKX0DER"],
        "NextToken": ["2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"],
    }
    # when matched
    response = match("getOrders", {}, query, None)
    # then the more specific case (three parameters) answers, without a further NextToken
    assert response is not None
    assert response.case_index == 2
    assert "NextToken" not in response.body["payload"]
    assert response.body["payload"]["Orders"][0]["AmazonOrderId"] == "902-3159896-1390916"


def test_first_page_of_the_next_token_case_carries_the_token():
    query = {"CreatedAfter": ["TEST_CASE_200_NEXT_TOKEN"], "MarketplaceIds": ["ATVPDKIKX0DER"]}
    response = match("getOrders", {}, query, None)
    assert response is not None
    assert response.case_index == 1
    assert response.body["payload"]["NextToken"] == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"


def test_test_case_400_returns_amazons_error_body():
    response = match("getOrders", {}, {"CreatedAfter": ["TEST_CASE_400"]}, None)
    assert response is not None
    assert response.status == 400
    assert response.body["errors"][0]["code"] == "InvalidInput"


@pytest.mark.parametrize(
    ("_case", "query"),
    [
        ("comma_separated", {"includedData": ["classifications,dimensions,identifiers,images"]}),
        ("repeated", {"includedData": ["classifications", "dimensions", "identifiers", "images"]}),
        ("other_order", {"includedData": ["images,identifiers", "dimensions", "classifications"]}),
    ],
)
def test_array_query_values_may_be_repeated_or_comma_separated(_case, query):
    # given searchCatalogItems' documented 200 request, with its arrays spelled in different ways
    included = "productTypes,relationships,salesRanks,summaries,vendorDetails"
    request = {
        "keywords": ["samsung,tv"],
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "includedData": [*query["includedData"], included],
    }
    # when matched
    response = match("searchCatalogItems", {}, request, None)
    # then the 200 case answers
    assert response is not None
    assert (response.status, response.case_index) == (200, 0)


def test_an_array_with_a_missing_value_does_not_match():
    request = {"keywords": ["samsung"], "marketplaceIds": ["ATVPDKIKX0DER"], "includedData": ["summaries"]}
    assert match("searchCatalogItems", {}, request, None) is None


def test_an_empty_marketplace_selects_the_documented_400():
    # given the 400 case whose marketplaceIds is [""]
    included = "classifications,dimensions,identifiers,images,productTypes,relationships,salesRanks,summaries"
    request = {
        "keywords": ["samsung,tv"],
        "marketplaceIds": [""],
        "includedData": [included, "vendorDetails"],
    }
    response = match("searchCatalogItems", {}, request, None)
    assert response is not None
    assert response.status == 400


def test_numbers_and_dates_compare_as_the_query_string_carries_them():
    # given listFinancialEventGroups' 200 case: MaxResultsPerPage 1 (a number) and two dates
    query = {
        "MaxResultsPerPage": ["1"],
        "FinancialEventGroupStartedBefore": ["2019-10-31"],
        "FinancialEventGroupStartedAfter": ["2019-10-13"],
    }
    response = match("listFinancialEventGroups", {}, query, None)
    assert response is not None
    assert (response.status, response.case_index) == (200, 0)
    # and a different number does not match it
    assert match("listFinancialEventGroups", {}, {**query, "MaxResultsPerPage": ["2"]}, None) is None


def test_date_times_match_as_the_same_instant():
    # given searchOrders' 200 case with createdAfter 2024-12-25T00:00:00Z, sent with milliseconds
    query = {
        "createdAfter": ["2024-12-25T00:00:00.000+00:00"],
        "marketplaceIds": ["A1VC38T7YXB528"],
        "includedData": ["BUYER,RECIPIENT,PROCEEDS,EXPENSE,PROMOTION,CANCELLATION,FULFILLMENT,PACKAGES"],
    }
    response = match("searchOrders", {}, query, None)
    assert response is not None
    assert (response.status, response.case_index) == (200, 0)


def test_body_is_matched_under_the_case_key_body_for_a_payload_parameter():
    # given confirmShipment's 204 case (Swagger names the body parameter "payload")
    case = next(c for c in all_cases() if c.operation_id == "confirmShipment" and c.status == 204)
    body = json.loads(json.dumps(case.body))
    body["packageDetail"]["shipDate"] = "2022-02-11T01:00:00Z"
    body["packageDetail"]["extra"] = None
    # when the same body arrives (date-time spelled differently, a null member added)
    response = match("confirmShipment", {"orderId": "902-1106328-1059050"}, {}, json.dumps(body).encode())
    # then the 204 answers with no body
    assert response is not None
    assert (response.status, response.body) == (204, None)


def test_a_body_that_differs_in_one_value_does_not_match():
    case = next(c for c in all_cases() if c.operation_id == "confirmShipment" and c.status == 204)
    body = json.loads(json.dumps(case.body))
    body["packageDetail"]["trackingNumber"] = "999"
    assert match("confirmShipment", {"orderId": "902-1106328-1059050"}, {}, body) is None


def test_every_case_that_names_parameters_is_selected_by_its_own_request():
    # given each case's own parameters, sent as a client would (arrays comma-separated)
    for case in all_cases():
        if case.is_default:
            continue
        query = {
            name: [",".join(str(v) for v in value)] if isinstance(value, list) else [str(value)]
            for name, value in case.query_parameters.items()
        }
        # when matched
        response = match(case.operation_id, case.path_parameters, query, case.body if case.has_body else None)
        # then that very case answers
        assert response is not None, (case.operation_id, case.index)
        assert (response.status, response.case_index) == (case.status, case.index), case.operation_id


def test_empty_cases_answer_when_the_operation_has_nothing_to_select_with():
    # given getAccount: a 200 {} and a 400 {} — nothing in a request can choose between them
    response = match("getAccount", {}, {}, None)
    # then the success case answers, flagged as a default
    assert response is not None
    assert (response.status, response.case_index, response.by_default) == (200, 0, True)


def test_empty_cases_never_match_when_other_cases_name_parameters():
    # given cancelReport: 200 for reportId "ID", and a 400 with no parameters
    # when another report id is sent
    response = match("cancelReport", {"reportId": "some-other-report"}, {}, None)
    # then no static case answers (the stateful sandbox decides)
    assert response is None
    assert match("cancelReport", {"reportId": "ID"}, {}, None) is not None


def test_a_listings_body_without_value_is_no_constraint():
    # given getListingsItem: 200 with {"body": {}} (no value), 400 for sku BadSKU
    assert match("getListingsItem", {"sellerId": "A1", "sku": "GOOD"}, {}, None) is None
    response = match("getListingsItem", {"sellerId": "A1", "sku": "BadSKU"}, {}, None)
    assert response is not None
    assert response.status == 400


@pytest.mark.parametrize(
    ("_case", "method", "path", "expected"),
    [
        ("collection", "GET", "/orders/v0/orders", ("getOrders", {})),
        (
            "order",
            "get",
            "/orders/v0/orders/111-2222222-3333333",
            ("ordersV0.getOrder", {"orderId": "111-2222222-3333333"}),
        ),
        (
            "literal_wins",
            "GET",
            "/orders/v0/orders/X/orderItems/buyerInfo",
            ("getOrderItemsBuyerInfo", {"orderId": "X"}),
        ),
        (
            "new_orders_api",
            "GET",
            "/orders/2026-01-01/orders/X",
            ("orders_2026-01-01.getOrder", {"orderId": "X"}),
        ),
        (
            "method_decides",
            "PATCH",
            "/orders/v0/orders/X/regulatedInfo",
            ("updateVerificationStatus", {"orderId": "X"}),
        ),
        ("query_ignored", "GET", "/feeds/2021-06-30/feeds/F1?x=1", ("getFeed", {"feedId": "F1"})),
        (
            "encoded_sku",
            "GET",
            "/listings/2021-08-01/items/S1/a%2Fb",
            ("getListingsItem", {"sellerId": "S1", "sku": "a/b"}),
        ),
        (
            "literal_over_template",
            "GET",
            "/finances/transfers/2024-06-01/payouts/expected",
            ("listExpectedPayouts", {}),
        ),
    ],
)
def test_operation_for_resolves_concrete_paths(_case, method, path, expected):
    assert operation_for(method, path) == expected


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/orders/v0/nothing"), ("PUT", "/orders/v0/orders"), ("GET", "/orders/v0/orders//orderItems")],
)
def test_operation_for_returns_none_for_unknown_requests(method, path):
    assert operation_for(method, path) is None


def test_an_ambiguous_plain_operation_id_is_refused_with_the_choices():
    with pytest.raises(KeyError, match="ordersV0.getOrder"):
        match("getOrder", {"orderId": "TEST_CASE_200"}, {}, None)


def test_a_plain_operation_id_also_answers_to_its_qualified_name():
    response = match("ordersV0.getOrders", {}, {"CreatedAfter": ["TEST_CASE_400"]}, None)
    assert response is not None
    assert response.operation_id == "getOrders"


def test_request_path_fills_the_template_from_the_case():
    case = next(c for c in all_cases() if c.operation_id == "getOrderItems" and c.status == 200)
    assert case.request_path() == "/orders/v0/orders/TEST_CASE_200/orderItems"
    assert operation_for(case.method, case.request_path()) == ("getOrderItems", {"orderId": "TEST_CASE_200"})
