"""Margins: each order's and each product's untaxed sales less the Amazon fees settled for them.

The database sums the product lines per product and currency; only the lines of orders that some
settlement names (the orders with fees) are read, to share each order's fees among its lines to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Sum

from sellersync.amazon.models.settlements import AmazonSettlementLine, SettlementAmountKind
from sellersync.core.models import Product
from sellersync.dashboard.fees import OrderFees, amazon_fees_by_sales_order
from sellersync.dashboard.selectors import CENT, ZERO, ReportFilters, order_conditions, sold_orders
from sellersync.sales.choices import LineKind
from sellersync.sales.models import SalesOrderLine

QUANTITY = Decimal("0.001")


@dataclass(frozen=True)
class OrderMargin:
    """An order's untaxed sales, the Amazon fees settled for it, and what is left.

    `fees` is None while no settlement line names the order (the margin is then not known yet).
    """

    order_id: int
    name: str
    amazon_order_id: str
    order_date: date
    currency: str
    untaxed: Decimal
    fees: Decimal | None

    @property
    def margin(self) -> Decimal | None:
        return None if self.fees is None else self.untaxed - self.fees


@dataclass(frozen=True)
class ProductMargin:
    """A product's untaxed sales in one currency, and the Amazon fees allocated to it."""

    product_id: int
    product: str
    currency: str
    quantity: Decimal
    untaxed: Decimal
    fees: Decimal

    @property
    def margin(self) -> Decimal:
        return self.untaxed - self.fees


def order_margins(filters: ReportFilters, limit: int | None = None) -> list[OrderMargin]:
    """Each matching order, newest first, with its Amazon fees (from settlements) and margin."""
    orders = sold_orders(filters).values(
        "pk", "name", "order_date", "currency_id", "amount_untaxed", "amazon_order__amazon_id"
    )
    selected = list(orders[:limit] if limit is not None else orders)
    fees = amazon_fees_by_sales_order([order["pk"] for order in selected])
    return [
        OrderMargin(
            order_id=order["pk"],
            name=order["name"],
            amazon_order_id=order["amazon_order__amazon_id"] or "",
            order_date=order["order_date"].date(),
            currency=order["currency_id"],
            untaxed=order["amount_untaxed"],
            fees=fees[order["pk"]].total if order["pk"] in fees else None,
        )
        for order in selected
    ]


def product_margins(filters: ReportFilters) -> list[ProductMargin]:
    """Per product and currency: quantity, untaxed sales and the Amazon fees allocated to it.

    A fee whose settlement line names the SKU of a product of the order goes to that product; the rest of an
    order's fees is shared among its product lines in proportion to their untaxed amounts. Shipping, gift
    wrap and promotion lines carry none.
    """
    lines = SalesOrderLine.objects.filter(
        order_conditions(filters, "order__"), line_kind=LineKind.PRODUCT, product__isnull=False
    )
    sums = list(
        lines.values("product_id", currency_code=F("order__currency_id"))
        .annotate(quantity_sum=Sum("quantity"), untaxed_sum=Sum("subtotal"))
        .order_by()
    )
    names = dict(Product.objects.filter(pk__in={row["product_id"] for row in sums}).values_list("pk", "name"))
    fees = _product_fees(lines, amazon_fees_by_sales_order(sold_orders(filters)))
    result = [
        ProductMargin(
            row["product_id"],
            names[row["product_id"]],
            row["currency_code"],
            _exact(row["quantity_sum"], QUANTITY),
            _exact(row["untaxed_sum"], CENT),
            fees.get((row["product_id"], row["currency_code"]), ZERO),
        )
        for row in sums
    ]
    return sorted(result, key=lambda row: (row.currency, -row.untaxed, row.product))


def _exact(value: Any, places: Decimal) -> Decimal:
    # SQLite sums decimals as floats: quantizing gives the exact sum back (|error| << half the last place).
    return Decimal(0).quantize(places) if value is None else Decimal(str(value)).quantize(places)


def _product_fees(lines: Any, fees: dict[int, OrderFees]) -> dict[tuple[int, str], Decimal]:
    """(product, currency) -> the fees allocated to the product; only lines of orders with fees are read."""
    if not fees:
        return {}
    settled = AmazonSettlementLine.objects.filter(
        kind=SettlementAmountKind.FEE,
        settlement__account_id=OuterRef("order__amazon_order__account_id"),
        amazon_order_id=OuterRef("order__amazon_order__amazon_id"),
    )
    rows = list(
        lines.filter(Exists(settled)).values("order_id", "product_id", "order__currency_id", "subtotal")
    )
    totals: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for line, share in zip(rows, _fee_shares(rows, fees), strict=True):
        totals[(line["product_id"], line["order__currency_id"])] += share
    return dict(totals)


def _fee_shares(lines: list[dict[str, Any]], fees: dict[int, OrderFees]) -> list[Decimal]:
    """Each line's share of its order's fees, to the cent; an order's last line takes the rounding rest."""
    by_order: dict[int, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        by_order[line["order_id"]].append(index)
    shares = [ZERO] * len(lines)
    for order_id, indexes in by_order.items():
        if order_id in fees:
            order_shares = _order_shares([lines[i] for i in indexes], fees[order_id])
            for index, share in zip(indexes, order_shares, strict=True):
                shares[index] = share
    return shares


def _order_shares(lines: list[dict[str, Any]], fees: OrderFees) -> list[Decimal]:
    """One order's fees over its product lines: named ones to their product (its first line), the rest
    pro rata of the untaxed amounts."""
    shares = [ZERO] * len(lines)
    first_line = {}
    for index, line in enumerate(lines):
        first_line.setdefault(line["product_id"], index)
    rest = fees.total
    for product_id, amount in fees.by_product.items():
        if product_id in first_line:
            shares[first_line[product_id]] += amount
            rest -= amount
    base = sum((line["subtotal"] for line in lines), ZERO)
    if not rest or not base:
        shares[-1] += rest
        return shares
    given = ZERO
    for index, line in enumerate(lines[:-1]):
        part = (rest * line["subtotal"] / base).quantize(CENT)
        shares[index] += part
        given += part
    shares[-1] += rest - given
    return shares
