"""Fixtures of the SP-API client tests (see helpers.py)."""

from tests.spapi.helpers import listener  # noqa: F401
