"""Amazon fees per sales order, read from imported settlements (the margin's source).

Amazon's fees (commission, FBA per-unit fees, ...) are known once a settlement names the order: the
settlement lines (`amazon.AmazonSettlementLine`, imported from the Finances API) of kind "fee" carry the
Amazon order id, often the SKU, and the amount (negative, as Amazon sends them; a refund gives part back,
positive). Fees are returned here as a positive cost. While no settlement names an order it has no fee
figure, and its margin shows as "not settled yet".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from sellersync.amazon.models import AmazonOffer, AmazonOrder
from sellersync.amazon.models.settlements import AmazonSettlementLine, SettlementAmountKind

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OrderFees:
    """The Amazon fees of one sales order: the total, and the part named per product (through the SKU)."""

    total: Decimal
    by_product: dict[int, Decimal]


def amazon_fees_by_sales_order(sales_order_ids: Iterable[int] | QuerySet[Any]) -> dict[int, OrderFees]:
    """Sales order id -> its settled Amazon fees (only orders that some settlement fee line names).

    `sales_order_ids` may be a queryset of orders (or of their ids): then the database selects the fee
    lines, and only the orders that have some are read (tens of thousands of ids never travel)."""
    if isinstance(sales_order_ids, QuerySet):
        bound = AmazonOrder.objects.filter(sales_order_id__in=sales_order_ids.values("pk"))
    else:
        ids = list(sales_order_ids)
        if not ids:
            return {}
        bound = AmazonOrder.objects.filter(sales_order_id__in=ids)
    fee_lines = AmazonSettlementLine.objects.filter(
        kind=SettlementAmountKind.FEE, amazon_order_id__in=bound.values("amazon_id")
    )
    # unordered: sums do not depend on the order, and sorting every settled order cost a second
    lines = list(
        fee_lines.values_list("settlement__account_id", "amazon_order_id", "sku", "amount").order_by()
    )
    # the settled bindings as a subquery: a list of every settled order's id as parameters took 2.7 s with
    # 100,000 settled orders on PostgreSQL
    # (every fee line's order id, not fee_lines' nested subquery: PostgreSQL planned that one row by row)
    settled = AmazonSettlementLine.objects.filter(kind=SettlementAmountKind.FEE).values("amazon_order_id")
    bindings = bound.filter(amazon_id__in=settled)
    rows = bindings.values_list("account_id", "amazon_id", "sales_order_id").order_by()
    by_amazon_id = {(account_id, amazon_id): order_id for account_id, amazon_id, order_id in rows}
    products = _products_by_sku({account_id for account_id, _amazon_id in by_amazon_id})
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    named: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for account_id, amazon_id, sku, amount in lines:
        order_id = by_amazon_id.get((account_id, amazon_id))
        if order_id is None:
            continue
        totals[order_id] -= amount
        product_id = products.get((account_id, sku))
        if product_id is not None:
            named[order_id][product_id] -= amount
    return {order_id: OrderFees(total, dict(named[order_id])) for order_id, total in totals.items()}


def _products_by_sku(account_ids: set[int]) -> dict[tuple[int, str], int]:
    offers = AmazonOffer.objects.filter(account_id__in=account_ids)
    rows = offers.values_list("account_id", "sku", "product_id")
    return {(account_id, sku): product_id for account_id, sku, product_id in rows}
