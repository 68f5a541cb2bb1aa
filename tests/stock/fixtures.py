"""Stock fixtures: the company's default warehouse and Amazon location, with stock in them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.core.models import Company, Product
from sellersync.stock.models import Location, Warehouse
from sellersync.stock.services import (
    adjust_inventory,
    get_or_create_amazon_location,
    setup_company_stock,
)


@pytest.fixture
def warehouse(company: Company) -> Warehouse:
    return setup_company_stock(company)


@pytest.fixture
def wh_stock(warehouse: Warehouse) -> Location:
    return warehouse.stock_location


@pytest.fixture
def amazon_location(company: Company, warehouse: Warehouse) -> Location:
    return get_or_create_amazon_location(company)


@pytest.fixture
def stocked_warehouse(wh_stock: Location, mug: Product, lamp: Product) -> Location:
    """The warehouse stock with 10 mugs and 10 lamps."""
    adjust_inventory(wh_stock, mug, Decimal(10))
    adjust_inventory(wh_stock, lamp, Decimal(10))
    return wh_stock
