"""Persistence in SQLite (stdlib sqlite3, WAL): a restart with the same file keeps everything.

Records are JSON documents keyed by (kind, id) with the owning seller; uploaded and generated documents are
blobs. `:memory:` (state_path None) keeps everything in the process for tests.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id TEXT NOT NULL, seller_id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS records_by_seller ON records (kind, seller_id);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, content BLOB NOT NULL);
"""


class SandboxState:
    """A small thread-safe document store over one SQLite connection."""

    def __init__(self, path: Path | None = None) -> None:
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def reset(self) -> None:
        with self._lock:
            self._db.executescript("DELETE FROM meta; DELETE FROM records; DELETE FROM blobs;")

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def put(self, kind: str, record_id: str, seller_id: str, data: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO records (kind, id, seller_id, data) VALUES (?, ?, ?, ?)",
                (kind, record_id, seller_id, json.dumps(data)),
            )

    def put_many(self, kind: str, rows: list[tuple[str, str, dict[str, Any]]]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO records (kind, id, seller_id, data) VALUES (?, ?, ?, ?)",
                [(kind, record_id, seller_id, json.dumps(data)) for record_id, seller_id, data in rows],
            )
            self._db.execute("COMMIT")

    def get(self, kind: str, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM records WHERE kind = ? AND id = ?", (kind, record_id)
            ).fetchone()
        return None if row is None else _loads(row[0])

    def all(self, kind: str, seller_id: str | None = None) -> Iterator[dict[str, Any]]:
        with self._lock:
            if seller_id is None:
                rows = self._db.execute("SELECT data FROM records WHERE kind = ? ORDER BY id", (kind,))
            else:
                rows = self._db.execute(
                    "SELECT data FROM records WHERE kind = ? AND seller_id = ? ORDER BY id", (kind, seller_id)
                )
            loaded = [_loads(row[0]) for row in rows.fetchall()]
        return iter(loaded)

    def count(self, kind: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM records WHERE kind = ?", (kind,)).fetchone()
        return int(row[0])

    def put_blob(self, blob_id: str, content: bytes) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO blobs (id, content) VALUES (?, ?)", (blob_id, content))

    def get_blob(self, blob_id: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT content FROM blobs WHERE id = ?", (blob_id,)).fetchone()
        return None if row is None else bytes(row[0])


def _loads(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise TypeError("a stored record is not a JSON object")
    return value
