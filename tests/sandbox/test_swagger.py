"""Response bodies checked against Amazon's Swagger models, Amazon's own examples first."""

from __future__ import annotations

import copy

import pytest

from sellersync.sandbox.static_cases import all_cases
from sellersync.sandbox.swagger import KNOWN_EXAMPLE_DEVIATIONS, schema_for, validate_case, validate_response


def _case(operation_id, status):
    return next(c for c in all_cases() if c.operation_id == operation_id and c.status == status)


def test_every_static_response_validates_against_its_operation_schema():
    # given all 158 static cases of the models
    cases = all_cases()
    # when each response is validated (only the listed deviations of Amazon's examples tolerated)
    validated = 0
    for case in cases:
        validate_case(case)
        validated += 1
    # then all of them pass
    assert validated == 158


def test_exactly_six_amazon_examples_break_their_own_schema():
    # given the cases validated strictly, without tolerance
    failing = set()
    for case in all_cases():
        try:
            validate_response(case.operation_id, case.status, case.response)
        except AssertionError:
            failing.add((case.operation_id, case.status, case.index))
    # then the failures are exactly the listed deviations
    assert failing == set(KNOWN_EXAMPLE_DEVIATIONS)
    assert len(failing) == 6


def test_a_deviation_is_tolerated_only_at_its_listed_path():
    # given getAccount's example, tolerated for its missing defaultCurrencyCode
    case = _case("getAccount", 200)
    broken = copy.deepcopy(case.response)
    broken["payload"]["businessType"] = "NOT_A_TYPE"
    # when another field breaks
    with pytest.raises(AssertionError, match=r"\$\.payload\.businessType"):
        validate_case(type(case)(**{**case.__dict__, "response": broken}))


def test_a_wrong_enum_names_its_json_path():
    # given the documented getOrders order with an unknown status
    body = copy.deepcopy(_case("getOrders", 200).response)
    body["payload"]["Orders"][0]["OrderStatus"] = "Lost"
    # then the message points at the field
    with pytest.raises(
        AssertionError, match=r"getOrders 200: \$\.payload\.Orders\[0\]\.OrderStatus: 'Lost' is not one of"
    ):
        validate_response("getOrders", 200, body)


def test_a_missing_required_member_is_reported():
    body = copy.deepcopy(_case("getOrders", 200).response)
    del body["payload"]["Orders"][0]["PurchaseDate"]
    with pytest.raises(
        AssertionError, match=r"\$\.payload\.Orders\[0\]: 'PurchaseDate' is a required property"
    ):
        validate_response("getOrders", 200, body)


def test_money_amount_must_be_a_string():
    body = copy.deepcopy(_case("getOrders", 200).response)
    body["payload"]["Orders"][0]["OrderTotal"]["Amount"] = 11.01
    with pytest.raises(AssertionError, match=r"OrderTotal\.Amount: 11\.01 is not of type 'string'"):
        validate_response("getOrders", 200, body)


@pytest.mark.parametrize("value", ["2024-03-12", "2024-03-12T13:47:20", "yesterday"])
def test_date_times_need_a_time_and_an_offset(value):
    # given getReportSchedule's documented schedule, nextReportCreationTime being format date-time
    body = {**_case("getReportSchedule", 200).response, "nextReportCreationTime": value}
    with pytest.raises(AssertionError, match=r"\$\.nextReportCreationTime: .* is not a 'date-time'"):
        validate_response("getReportSchedule", 200, body)


def test_an_aware_date_time_with_fraction_is_accepted():
    body = {
        **_case("getReportSchedule", 200).response,
        "nextReportCreationTime": "2024-03-12T13:47:20.6+02:00",
    }
    validate_response("getReportSchedule", 200, body)


def test_additional_properties_schema_is_enforced():
    # given ReportOptions: an object whose values must be strings
    schema = schema_for("getReportSchedule", 200)
    assert schema is not None
    assert schema["definitions"]["ReportOptions"]["additionalProperties"] == {"type": "string"}
    body = {**_case("getReportSchedule", 200).response, "reportOptions": {"ok": "yes", "bad": 3}}
    with pytest.raises(AssertionError, match=r"\$\.reportOptions\.bad: 3 is not of type 'string'"):
        validate_response("getReportSchedule", 200, body)


def test_an_error_body_follows_the_error_list_schema():
    validate_response("getOrders", 400, {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]})
    with pytest.raises(AssertionError, match=r"\$\.errors\[0\]: 'message' is a required property"):
        validate_response("getOrders", 400, {"errors": [{"code": "InvalidInput"}]})


def test_a_status_without_schema_expects_no_body():
    assert schema_for("confirmShipment", 204) is None
    validate_response("confirmShipment", 204, None)
    with pytest.raises(AssertionError, match="documents no body"):
        validate_response("confirmShipment", 204, {"ok": True})


def test_an_undocumented_status_is_a_mismatch():
    with pytest.raises(AssertionError, match="does not document status 418"):
        validate_response("getOrders", 418, {})


def test_qualified_operation_ids_pick_their_own_model():
    order_v0 = _case("ordersV0.getOrder", 200).response
    validate_response("ordersV0.getOrder", 200, order_v0)
    with pytest.raises(AssertionError):
        validate_response("orders_2026-01-01.getOrder", 200, order_v0)
