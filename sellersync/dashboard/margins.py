"""Margins and refund rates: each order's and each product's untaxed sales, less what was refunded on them
(posted credit notes) and the Amazon fees settled for them.

The database sums the product lines per product, marketplace and currency, and the credit note lines
likewise; only the lines of orders that some settlement names (the orders with fees) are read, to share
each order's fees among its lines to the cent.

A refund rate is the untaxed amount refunded over the untaxed amount sold, not units: Amazon refunds
amounts (a partial refund, a price adjustment or goodwill gives money back with no unit returned, and a
credit note of Amazon's amounts keeps the line's quantity), so a rate in units would count a 2.00 goodwill
refund as a whole unit refunded. Product refunds are the credit notes' product lines; shipping, gift wrap
and a restocking fee the seller keeps count in the order's refund, not in a product's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Sum

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.models import Invoice, InvoiceLine
from sellersync.amazon.models import AmazonMarketplace, AmazonOffer
from sellersync.amazon.models.settlements import AmazonSettlementLine, SettlementAmountKind
from sellersync.core.models import Product
from sellersync.dashboard.fees import OrderFees, amazon_fees_by_sales_order
from sellersync.dashboard.selectors import (
    CENT,
    NOT_FROM_AMAZON,
    ZERO,
    ReportFilters,
    marketplace_names,
    order_conditions,
    sold_orders,
)
from sellersync.sales.choices import LineKind
from sellersync.sales.models import SalesOrderLine

QUANTITY = Decimal("0.001")
PERCENT = Decimal("0.1")


def rate_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, to 0.1 % (None when nothing was sold)."""
    return None if not whole else (part * 100 / whole).quantize(PERCENT)


@dataclass(frozen=True)
class OrderMargin:
    """An order's untaxed sales, what was refunded on it, the Amazon fees settled for it, and what is left.

    `fees` is None while no settlement line names the order (the margin is then not known yet).
    """

    order_id: int
    name: str
    amazon_order_id: str
    order_date: date
    currency: str
    untaxed: Decimal
    fees: Decimal | None
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.untaxed - self.refunded

    @property
    def margin(self) -> Decimal | None:
        return None if self.fees is None else self.net - self.fees


@dataclass(frozen=True)
class ProductMargin:
    """A product's untaxed sales in one currency, what was refunded, and the Amazon fees allocated to it."""

    product_id: int
    product: str
    currency: str
    quantity: Decimal
    untaxed: Decimal
    fees: Decimal
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.untaxed - self.refunded

    @property
    def margin(self) -> Decimal:
        return self.net - self.fees

    @property
    def refund_rate(self) -> Decimal | None:
        return rate_of(self.refunded, self.untaxed)


@dataclass(frozen=True)
class RefundRate:
    """Sales and refunds of a product on one marketplace in one currency (untaxed amounts).

    `sku` is the SKU(s) the account's offers give the product on that marketplace (sales order lines name
    the product, and an account has one SKU per product as a rule), or the product's own reference."""

    product_id: int
    sku: str
    product: str
    marketplace_id: str
    marketplace: str
    currency: str
    quantity: Decimal
    sold: Decimal
    refunded: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Refunded over sold, in percent to 0.1 %."""
        return rate_of(self.refunded, self.sold)


@dataclass(frozen=True)
class ProductReport:
    margins: list[ProductMargin]
    refund_rates: list[RefundRate]


def order_margins(filters: ReportFilters, limit: int | None = None) -> list[OrderMargin]:
    """Each matching order, newest first, with its refunds, Amazon fees (from settlements) and margin."""
    orders = sold_orders(filters).values(
        "pk", "name", "order_date", "currency_id", "amount_untaxed", "amazon_order__amazon_id"
    )
    selected = list(orders[:limit] if limit is not None else orders)
    if limit is None:
        fees = amazon_fees_by_sales_order(sold_orders(filters))
        refunded = _refunded_by_order(sold_orders(filters).values("pk"))
    else:
        fees = amazon_fees_by_sales_order([order["pk"] for order in selected])
        refunded = _refunded_by_order([order["pk"] for order in selected])
    return [
        OrderMargin(
            order_id=order["pk"],
            name=order["name"],
            amazon_order_id=order["amazon_order__amazon_id"] or "",
            order_date=order["order_date"].date(),
            currency=order["currency_id"],
            untaxed=order["amount_untaxed"],
            fees=fees[order["pk"]].total if order["pk"] in fees else None,
            refunded=refunded.get(order["pk"], ZERO),
        )
        for order in selected
    ]


def _refunded_by_order(order_ids: Any) -> dict[int, Decimal]:
    credit_notes = Invoice.objects.filter(
        sales_order_id__in=order_ids, kind=InvoiceKind.CREDIT_NOTE, state=InvoiceState.POSTED
    )
    rows = credit_notes.values("sales_order_id").annotate(refunded=Sum("amount_untaxed")).order_by()
    return {row["sales_order_id"]: _exact(row["refunded"], CENT) for row in rows}


def product_margins(filters: ReportFilters) -> list[ProductMargin]:
    """Per product and currency: quantity, untaxed sales, refunds and the Amazon fees allocated to it."""
    return product_report(filters).margins


def refund_rates(filters: ReportFilters) -> list[RefundRate]:
    """Per product (SKU), marketplace and currency: untaxed sales, refunds and the refund rate."""
    return product_report(filters).refund_rates


def product_report(filters: ReportFilters) -> ProductReport:
    """Product margins (per product and currency) and refund rates (per product, marketplace and
    currency), from one sum of the product lines and one of the credit notes' product lines.

    A fee whose settlement line names the SKU of a product of the order goes to that product; the rest of an
    order's fees is shared among its product lines in proportion to their untaxed amounts. Shipping, gift
    wrap and promotion lines carry none.
    """
    lines = SalesOrderLine.objects.filter(
        order_conditions(filters, "order__"), line_kind=LineKind.PRODUCT, product__isnull=False
    )
    sold = list(
        lines.values(
            "product_id",
            currency_code=F("order__currency_id"),
            marketplace=F("order__amazon_order__marketplace_id"),
        )
        .annotate(quantity_sum=Sum("quantity"), untaxed_sum=Sum("subtotal"))
        .order_by()
    )
    refunds = _product_refunds(filters)
    products = {row["product_id"] for row in sold}
    names = dict(Product.objects.filter(pk__in=products).values_list("pk", "name"))
    fees = _product_fees(lines, amazon_fees_by_sales_order(sold_orders(filters)))
    return ProductReport(_margins(sold, refunds, fees, names), _refund_rates(filters, sold, refunds, names))


def _product_refunds(filters: ReportFilters) -> dict[tuple[int, str, str | None], Decimal]:
    """(product, currency, marketplace) -> untaxed amount of the posted credit notes' product lines."""
    lines = InvoiceLine.objects.filter(
        order_conditions(filters, "invoice__sales_order__"),
        invoice__kind=InvoiceKind.CREDIT_NOTE,
        invoice__state=InvoiceState.POSTED,
        line_kind=LineKind.PRODUCT,
        product__isnull=False,
    )
    rows = (
        lines.values(
            "product_id",
            currency_code=F("invoice__currency_id"),
            marketplace=F("invoice__sales_order__amazon_order__marketplace_id"),
        )
        .annotate(refunded=Sum("subtotal"))
        .order_by()
    )
    return {
        (row["product_id"], row["currency_code"], row["marketplace"]): _exact(row["refunded"], CENT)
        for row in rows
    }


def _margins(
    sold: list[dict[str, Any]],
    refunds: dict[tuple[int, str, str | None], Decimal],
    fees: dict[tuple[int, str], Decimal],
    names: dict[int, str],
) -> list[ProductMargin]:
    totals: dict[tuple[int, str], list[Decimal]] = defaultdict(lambda: [Decimal(0).quantize(QUANTITY), ZERO])
    for row in sold:
        bucket = totals[(row["product_id"], row["currency_code"])]
        bucket[0] += _exact(row["quantity_sum"], QUANTITY)
        bucket[1] += _exact(row["untaxed_sum"], CENT)
    refunded: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for (product_id, currency, _marketplace), amount in refunds.items():
        refunded[(product_id, currency)] += amount
    result = [
        ProductMargin(
            product_id,
            names[product_id],
            currency,
            quantity,
            untaxed,
            fees.get((product_id, currency), ZERO),
            refunded.get((product_id, currency), ZERO),
        )
        for (product_id, currency), (quantity, untaxed) in totals.items()
    ]
    return sorted(result, key=lambda row: (row.currency, -row.untaxed, row.product))


def _refund_rates(
    filters: ReportFilters,
    sold: list[dict[str, Any]],
    refunds: dict[tuple[int, str, str | None], Decimal],
    names: dict[int, str],
) -> list[RefundRate]:
    marketplaces = marketplace_names(filters.company)
    skus = _skus(filters, {row["product_id"] for row in sold})
    result = []
    for row in sold:
        product_id, currency, marketplace = row["product_id"], row["currency_code"], row["marketplace"]
        result.append(
            RefundRate(
                product_id=product_id,
                sku=", ".join(sorted(skus.get((product_id, marketplace or ""), set()))),
                product=names[product_id],
                marketplace_id=marketplace or "",
                marketplace=marketplaces.get(marketplace or "", str(NOT_FROM_AMAZON)),
                currency=currency,
                quantity=_exact(row["quantity_sum"], QUANTITY),
                sold=_exact(row["untaxed_sum"], CENT),
                refunded=refunds.get((product_id, currency, marketplace), ZERO),
            )
        )
    return sorted(result, key=lambda row: (row.currency, -row.sold, row.product, row.marketplace))


def _skus(filters: ReportFilters, products: set[int]) -> dict[tuple[int, str], set[str]]:
    """(product, marketplace) -> the SKUs of the company's offers for it: an offer names its marketplace,
    or (blank) is valid on every marketplace of its account."""
    accounts: dict[int, set[str]] = defaultdict(set)
    rows = AmazonMarketplace.objects.filter(account__company=filters.company).values_list(
        "account_id", "marketplace_id"
    )
    for account_id, marketplace_id in rows:
        accounts[account_id].add(marketplace_id)
    offers = AmazonOffer.objects.filter(account__company=filters.company, product_id__in=products)
    if filters.account_id is not None:
        offers = offers.filter(account_id=filters.account_id)
    result: dict[tuple[int, str], set[str]] = defaultdict(set)
    for account_id, product_id, marketplace_id, sku in offers.values_list(
        "account_id", "product_id", "marketplace_id", "sku"
    ):
        for marketplace in [marketplace_id] if marketplace_id else accounts[account_id]:
            result[(product_id, marketplace)].add(sku)
    return result


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
