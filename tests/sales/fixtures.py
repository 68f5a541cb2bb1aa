"""Sales fixtures: a confirmed order of 3 mugs and 2 lamps. Import them with the core fixtures they use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.core.models import Company, Currency, Partner, Product
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import OrderLineData, confirm_order, create_sales_order


@pytest.fixture
def draft_order(
    company: Company, customer: Partner, eur: Currency, mug: Product, lamp: Product
) -> SalesOrder:
    lines = [
        OrderLineData(product=mug, quantity=Decimal(3), unit_price=Decimal("9.90")),
        OrderLineData(product=lamp, quantity=Decimal(2), unit_price=Decimal("35.00")),
    ]
    return create_sales_order(company, customer, eur, lines, client_order_ref="123-1234567-1234567")


@pytest.fixture
def confirmed_order(draft_order: SalesOrder) -> SalesOrder:
    return confirm_order(draft_order)
