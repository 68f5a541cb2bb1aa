"""Fixtures of the sales tests: core's and sales' own (see the fixtures.py modules)."""

from tests.core.conftest import *  # noqa: F403
from tests.sales.fixtures import confirmed_order, draft_order  # noqa: F401
