"""Every static case of Amazon's Reports model, sent over HTTP to the sandbox, gets exactly its answer;
and the Reports usage plans of the model, the sandbox and the client agree."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sellersync.sandbox import static_cases
from sellersync.sandbox.ratelimits import USAGE_PLANS
from sellersync.spapi.operations import OPERATIONS
from tests.sandbox.conftest import SandboxClient

MODEL = "reports_2021-06-30"
REPORT_CASES = [case for case in static_cases.all_cases() if case.model == MODEL]
#: Path parameters a case leaves out (cancelReport's and cancelReportSchedule's 400 name none).
UNKNOWN_IDS = {"reportId": "50123456789", "reportScheduleId": "50987654321", "reportDocumentId": "amzn1.x"}


def test_the_reports_model_has_18_static_cases() -> None:
    assert len(REPORT_CASES) == 18
    assert {case.operation_id for case in REPORT_CASES} == {
        "getReports",
        "createReport",
        "cancelReport",
        "getReport",
        "getReportSchedules",
        "createReportSchedule",
        "cancelReportSchedule",
        "getReportSchedule",
        "getReportDocument",
    }


@pytest.mark.parametrize(
    "case", REPORT_CASES, ids=lambda case: f"{case.operation_id}-{case.status}-{case.index}"
)
def test_each_static_case_gets_exactly_its_documented_answer(
    sandbox: SandboxClient, case: static_cases.StaticCase
) -> None:
    # given the request the case documents (array values comma-separated, as clients send them)
    query = {
        name: ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
        for name, value in case.query_parameters.items()
    }
    # when sent to the sandbox with a valid access token
    response = sandbox.http.request(
        case.method,
        case.request_path(missing=UNKNOWN_IDS),
        params=query,
        json=case.body if case.has_body else None,
        headers=sandbox.headers("NA"),
    )
    # then the status and the body are the model's, to the byte of JSON
    assert response.status_code == case.status, response.text
    if case.response is None:
        assert response.content == b""
    else:
        assert response.json() == case.response


def test_a_cancel_of_an_unknown_report_is_amazons_400_and_a_known_one_is_cancelled(
    sandbox: SandboxClient,
) -> None:
    headers = sandbox.headers("NA")
    created = sandbox.http.post(
        "/reports/2021-06-30/reports",
        json={
            "reportType": "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
            "marketplaceIds": ["ATVPDKIKX0DER"],
        },
        headers=headers,
    )
    report_id = created.json()["reportId"]
    unknown = sandbox.http.delete("/reports/2021-06-30/reports/no-such-report", headers=headers)
    assert (unknown.status_code, unknown.json()["errors"][0]["message"]) == (400, "Invalid input")
    known = sandbox.http.delete(f"/reports/2021-06-30/reports/{report_id}", headers=headers)
    assert known.status_code == 200
    report = sandbox.http.get(f"/reports/2021-06-30/reports/{report_id}", headers=headers).json()
    assert report["processingStatus"] == "CANCELLED"
    # another seller's report is unknown to this one
    other = sandbox.http.delete(f"/reports/2021-06-30/reports/{report_id}", headers=sandbox.headers("EU"))
    assert other.status_code == 400


def _documented_plans() -> dict[str, tuple[str, int]]:
    model = json.loads((Path(static_cases.__file__).parent / "models" / f"{MODEL}.json").read_text())
    plans = {}
    for methods in model["paths"].values():
        for operation in methods.values():
            if isinstance(operation, dict) and "operationId" in operation:
                found = re.search(r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", operation["description"])
                assert found, operation["operationId"]
                plans[operation["operationId"]] = (found.group(1), int(found.group(2)))
    return plans


def test_reports_usage_plans_of_the_model_the_sandbox_and_the_client_agree() -> None:
    # given the usage plan table in each Reports operation's description
    documented = _documented_plans()
    # then the brief's figures are the model's
    assert documented["createReport"] == ("0.0167", 15)
    assert documented["getReport"] == ("2", 15)
    assert documented["getReportDocument"] == ("0.0167", 15)
    assert documented["getReports"] == ("0.0222", 10)
    # and the sandbox's buckets are the model's, for every operation
    assert {op: USAGE_PLANS.get(op) for op in documented} == documented
    # and the client's table holds the same for every Reports operation it calls
    client: dict[str, Any] = {
        name.removeprefix("reports."): (spec.rate, spec.burst)
        for name, spec in OPERATIONS.items()
        if name.startswith("reports.")
    }
    assert set(client) == {"getReports", "createReport", "getReport", "cancelReport", "getReportDocument"}
    assert client == {op: (float(documented[op][0]), documented[op][1]) for op in client}
