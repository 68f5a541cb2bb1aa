"""A per-run memo of the reference rows that every order of an account needs again.

Currency, taxes, products by SKU, the sales team, locations and customers are looked up once per run
instead of once per order. One memo serves one account for one run, never more (the caller creates it).

Rows found in the database are remembered at once: they were committed. Rows created inside an order's
transaction are staged and remembered only when that transaction commits (`transaction.on_commit`), so a
rolled-back order never leaves a row that does not exist in the memo. When a remembered row vanished during
the run anyway (deleted by a user), the insert that refers to it fails with IntegrityError; the caller then
calls `clear()` and retries the order once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

from sellersync.amazon.models import AmazonAccount, SyncRun

T = TypeVar("T")
#: Customers are many; past this size the memo of customers starts again (memory stays flat).
MAX_PARTNERS = 10_000


_MEMO_ATTRIBUTE = "_reference_lookups"


def lookups_for_run(account: AmazonAccount, run: SyncRun) -> ReferenceLookups:
    """The memo of this run object (created on first use, gone with it); never shared across accounts.

    Kept on the instance itself, not in a table keyed by the run: two SyncRun instances with the same
    primary key compare equal (a reused SQLite rowid, a test database rolled back), and must not share it.
    """
    lookups: ReferenceLookups | None = getattr(run, _MEMO_ATTRIBUTE, None)
    if lookups is None or lookups.account.pk != account.pk:
        lookups = ReferenceLookups(account)
        setattr(run, _MEMO_ATTRIBUTE, lookups)
    return lookups


class ReferenceLookups:
    """Reference rows of one account for one run, keyed by (kind, key)."""

    def __init__(self, account: AmazonAccount) -> None:
        self.account = account
        self._rows: dict[tuple[str, Any], Any] = {}
        self._partners: dict[str, Any] = {}

    def clear(self) -> None:
        """Forget everything (after an order failed on a row that was remembered)."""
        self._rows.clear()
        self._partners.clear()

    def get(self, kind: str, key: Any, find: Callable[[], tuple[T, bool]]) -> T:
        """The remembered row, else `find()` -> (row, created_here); created rows are remembered on commit."""
        memo_key = (kind, key)
        if memo_key in self._rows:
            row: T = self._rows[memo_key]
            return row
        row, created = find()
        self._remember(self._rows, memo_key, row, created)
        return row

    def partner(self, match_key: str, find: Callable[[], tuple[T, bool]]) -> T:
        """A customer by its match key (see `get`)."""
        if match_key in self._partners:
            row: T = self._partners[match_key]
            return row
        if len(self._partners) >= MAX_PARTNERS:
            self._partners.clear()
        row, created = find()
        self._remember(self._partners, match_key, row, created)
        return row

    @staticmethod
    def _remember(memo: dict[Any, Any], key: Any, row: Any, created: bool) -> None:
        if not created:
            memo[key] = row
            return

        def remember() -> None:
            memo[key] = row

        transaction.on_commit(remember)
