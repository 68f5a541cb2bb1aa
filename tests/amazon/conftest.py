"""Fixtures of the Amazon tests: core's, sales', stock's and the sandbox (see the fixtures.py modules)."""

from tests.amazon.fixtures import eu_account, na_account, sandbox  # noqa: F401
from tests.spapi.helpers import listener  # noqa: F401
from tests.stock.conftest import *  # noqa: F403
