"""Django's SQLite backend, with each distinct statement's placeholders converted once per process, and sums
of money exact.

Django's SQLite cursor rewrites `%s` into `?` with a regular expression at every execution. The ingest runs
the same few INSERT statements, many columns wide, thousands of times: converting each text once saved
7 % of the instructions per ingested order (valgrind, bench/ingest_worker.py).

SQLite adds decimals as floats. Django rounds a column's value back to its decimal places, but not an
aggregate's: a Sum of amounts came back as 13921.3399999999 instead of 13921.34, and a trial balance's
debit and credit differed. An aggregate whose output field has decimal places is rounded to them, as a
column is (sums, minimums and maximums of such fields have no more places; the project takes no averages).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base, operations
from django.db.models.expressions import Col

#: Distinct statement texts remembered; the application has a few hundred.
_REMEMBERED_STATEMENTS = 2048


@lru_cache(maxsize=_REMEMBERED_STATEMENTS)
def _qmark_style(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: list[str] | None = None) -> str:
        if param_names is None:
            return _qmark_style(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression: Any) -> Callable[..., Any]:
        converter = super().get_decimalfield_converter(expression)
        places = getattr(expression.output_field, "decimal_places", None)
        if isinstance(expression, Col) or places is None:
            return converter
        quantum = decimal.Decimal(1).scaleb(-places)

        def rounded_to_the_fields_places(value: Any, expression: Any, connection: Any) -> Any:
            value = converter(value, expression, connection)
            return None if value is None else value.quantize(quantum)

        return rounded_to_the_fields_places


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
