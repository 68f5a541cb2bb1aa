"""Stock fixtures: the company's default warehouse and Amazon location, with stock in them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from sellersync.core.models import Company, Product
from sellersync.stock.models import Carrier, Location, Picking, Warehouse
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


def post_validate_page(
    client: Any, picking: Picking, quantities: Mapping[int, object], carrier: Carrier | None, tracking: str
) -> str:
    """Submit a transfer's Validate page with these quantities per move id; the page shown after it."""
    data: dict[str, object] = {
        "lines-TOTAL_FORMS": len(quantities),
        "lines-INITIAL_FORMS": len(quantities),
        "carrier": carrier.pk if carrier else "",
        "tracking_reference": tracking,
    }
    for index, (move_id, quantity) in enumerate(quantities.items()):
        data[f"lines-{index}-move_id"] = move_id
        data[f"lines-{index}-quantity_done"] = quantity
    url = reverse("admin:stock_picking_validate", args=(picking.pk,))
    return str(client.post(url, data, follow=True).content.decode())


def everything(picking: Picking) -> dict[int, object]:
    """Each open move's whole demand: what the Validate page proposes."""
    return {move.pk: move.quantity for move in picking.moves.order_by("pk")}
