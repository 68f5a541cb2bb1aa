"""The SQLite backend converts placeholders once per statement text, with Django's rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.parametrize("run", [1, 2])  # the second run reads the remembered conversion
def test_placeholders_and_escaped_percent_signs_keep_their_meaning(run: int) -> None:
    # given a statement with two parameters, an escaped percent sign and a literal question mark
    statement = "SELECT %s || '%%' || %s || '?'"

    # when
    with connection.cursor() as cursor:
        cursor.execute(statement, ["10", f"run{run}"])
        (value,) = cursor.fetchone()

    # then
    assert value == f"10%run{run}?"


@pytest.mark.django_db
def test_named_parameters_still_work() -> None:
    # when
    with connection.cursor() as cursor:
        cursor.execute("SELECT %(first)s || %(second)s", {"first": "a", "second": "b"})
        (value,) = cursor.fetchone()

    # then
    assert value == "ab"


@pytest.mark.django_db
def test_a_sum_of_amounts_is_exact_to_the_fields_places(company: Any) -> None:
    # given rates whose float sum is not exact: 0.1 + 0.2 + 100.04 (SQLite adds decimals as floats)
    from django.db.models import Max, Sum

    from sellersync.core.models import Tax

    for index, rate in enumerate(("0.1000", "0.2000", "100.0400")):
        Tax.objects.create(company=company, name=f"T{index}", rate=Decimal(rate))
    # when they are summed and their maximum is taken by the database
    totals = Tax.objects.filter(company=company).aggregate(total=Sum("rate"), largest=Max("rate"))
    # then the results have the field's 4 places, exactly
    assert totals["total"] == Decimal("100.3400") and totals["total"].as_tuple().exponent == -4
    assert totals["largest"] == Decimal("100.0400") and totals["largest"].as_tuple().exponent == -4
