"""Fixtures of the dashboard tests: core's, plus the sandbox's for the end-to-end tests."""

from tests.amazon.fixtures import sandbox  # noqa: F401
from tests.core.conftest import *  # noqa: F403
from tests.dashboard.fixtures import shop  # noqa: F401
