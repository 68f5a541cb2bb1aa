"""Fixtures of the accounting tests: core's and the ledger's own (see the fixtures.py modules)."""

from tests.accounting.fixtures import chart, journals, sales_journal  # noqa: F401
from tests.core.conftest import *  # noqa: F403
