"""The SQLite backend converts placeholders once per statement text, with Django's rules."""

from __future__ import annotations

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
