"""Fixtures of the stock tests: core's, sales' and stock's own (see the fixtures.py modules)."""

from tests.sales.conftest import *  # noqa: F403
from tests.stock.fixtures import amazon_location, stocked_warehouse, warehouse, wh_stock  # noqa: F401
