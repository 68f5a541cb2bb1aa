"""Django's SQLite backend, with each distinct statement's placeholders converted once per process.

Django's SQLite cursor rewrites `%s` into `?` with a regular expression at every execution. The ingest runs
the same few INSERT statements, many columns wide, thousands of times: converting each text once saved
7 % of the instructions per ingested order (valgrind, bench/ingest_worker.py). Nothing else differs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base

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


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> Any:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
