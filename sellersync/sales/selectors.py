"""Read queries on sales orders."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from sellersync.core.models import Company
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesOrderLine


def deliverable_lines(order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines that ship goods, in line order."""
    return [line for line in order.lines.select_related("product") if line.is_deliverable]


def orders_of_company(company: Company, state: OrderState | None = None) -> QuerySet[SalesOrder]:
    """The company's orders, optionally in one state, newest first."""
    orders = SalesOrder.objects.filter(company=company).select_related("partner", "currency")
    return orders.filter(state=state) if state else orders


def tax_by_rate(order: SalesOrder) -> dict[Decimal | None, Decimal]:
    """The order's tax added up per rate (None: a tax without a fixed rate); untaxed lines left out."""
    totals: dict[Decimal | None, Decimal] = {}
    for line in SalesOrderLine.objects.filter(order=order).select_related("tax"):
        if line.tax is not None:
            rate = line.tax.rate.normalize() if line.tax.rate is not None else None
            totals[rate] = totals.get(rate, Decimal(0)) + line.tax_amount
    return totals
