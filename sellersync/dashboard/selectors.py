"""Reporting queries: confirmed and locked sales orders of one company, grouped and summed.

Currency rule: an amount is never added to an amount in another currency. Every grouped row is one
(group, currency) pair, and totals are per currency; a company selling in USD, CAD and MXN sees three totals,
not one converted guess (no exchange rates are kept yet). Canceled orders and quotations are not sales.

The Amazon side (account, marketplace, fulfillment channel) comes from the order's binding
(`AmazonOrder`); orders that did not come from Amazon appear under an empty key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, F, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace
from sellersync.core.models import Company
from sellersync.dashboard.choices import TIME_DIMENSIONS, Dimension
from sellersync.dashboard.fees import OrderFees, amazon_fees_by_sales_order
from sellersync.sales.choices import LineKind, OrderState
from sellersync.sales.models import SalesOrder, SalesOrderLine, SalesTeam

SOLD_STATES = (OrderState.CONFIRMED, OrderState.DONE)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
NOT_FROM_AMAZON = _("Not from Amazon")
NO_TEAM = _("No sales team")

#: The field (through the Amazon binding) each categorical dimension groups by.
_GROUP_FIELDS: dict[str, str] = {
    Dimension.ACCOUNT: "amazon_order__account_id",
    Dimension.MARKETPLACE: "amazon_order__marketplace_id",
    Dimension.TEAM: "team_id",
    Dimension.CHANNEL: "amazon_order__fulfillment_channel",
}


@dataclass(frozen=True)
class ReportFilters:
    """What the dashboard shows: one company, an inclusive date range, and optional narrowing."""

    company: Company
    date_from: date | None = None
    date_to: date | None = None
    account_id: int | None = None
    marketplace_id: str = ""
    channel: str = ""
    team_id: int | None = None


@dataclass(frozen=True)
class SalesRow:
    """Sales of one group in one currency."""

    key: str
    label: str
    currency: str
    orders: int
    untaxed: Decimal
    tax: Decimal
    total: Decimal


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


def sold_orders(filters: ReportFilters) -> QuerySet[SalesOrder]:
    """The company's confirmed and locked orders matching the filters (dates in the site's time zone)."""
    orders = SalesOrder.objects.filter(company=filters.company, state__in=SOLD_STATES)
    if filters.date_from is not None:
        orders = orders.filter(order_date__date__gte=filters.date_from)
    if filters.date_to is not None:
        orders = orders.filter(order_date__date__lte=filters.date_to)
    if filters.account_id is not None:
        orders = orders.filter(amazon_order__account_id=filters.account_id)
    if filters.marketplace_id:
        orders = orders.filter(amazon_order__marketplace_id=filters.marketplace_id)
    if filters.channel:
        orders = orders.filter(amazon_order__fulfillment_channel=filters.channel)
    if filters.team_id is not None:
        orders = orders.filter(team_id=filters.team_id)
    return orders


def sales_totals(filters: ReportFilters) -> list[SalesRow]:
    """One row per currency: the sales of every matching order in that currency."""
    rows = (
        sold_orders(filters)
        .values(currency_code=F("currency_id"))
        .annotate(**_sums())
        .order_by("currency_code")
    )
    return [_row(str(row["currency_code"]), str(row["currency_code"]), row) for row in rows]


def sales_by(filters: ReportFilters, dimension: Dimension) -> list[SalesRow]:
    """Sales grouped by `dimension` and currency: time in date order, the others biggest first."""
    if dimension in TIME_DIMENSIONS:
        return _sales_by_period(filters, dimension)
    field = _GROUP_FIELDS[dimension]
    rows = (
        sold_orders(filters)
        .values(group=F(field), currency_code=F("currency_id"))
        .annotate(**_sums())
        .order_by()
    )
    raw = list(rows)
    labels = _labels(dimension, filters.company, {row["group"] for row in raw})
    result = [_row(_key(row["group"]), labels.get(row["group"], str(row["group"])), row) for row in raw]
    return sorted(result, key=lambda row: (row.currency, -row.untaxed, row.label))


def _sales_by_period(filters: ReportFilters, dimension: Dimension) -> list[SalesRow]:
    trunc = TruncDate if dimension == Dimension.DAY else TruncMonth
    period = trunc("order_date", output_field=DateField())
    rows = (
        sold_orders(filters)
        .annotate(period=period)
        .values("period", currency_code=F("currency_id"))
        .annotate(**_sums())
        .order_by("period", "currency_code")
    )
    text_format = "%Y-%m-%d" if dimension == Dimension.DAY else "%Y-%m"
    return [_row(row["period"].isoformat(), row["period"].strftime(text_format), row) for row in rows]


def _sums() -> dict[str, Any]:
    return {
        "order_count": Count("pk"),
        "untaxed": Sum("amount_untaxed"),
        "tax": Sum("amount_tax"),
        "total": Sum("amount_total"),
    }


def _row(key: str, label: str, row: dict[str, Any]) -> SalesRow:
    # SQLite sums decimals as floats: quantizing to the cent gives the exact sum back (|error| << 0.005).
    return SalesRow(
        key=key,
        label=label,
        currency=str(row["currency_code"]),
        orders=int(row["order_count"]),
        untaxed=_cents(row["untaxed"]),
        tax=_cents(row["tax"]),
        total=_cents(row["total"]),
    )


def _cents(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(str(value)).quantize(CENT)


def _key(group: Any) -> str:
    return "" if group is None else str(group)


def _labels(dimension: Dimension, company: Company, groups: set[Any]) -> dict[Any, str]:
    """Readable names of the groups; the empty group is the orders not from Amazon (or without team)."""
    labels: dict[Any, str] = {None: str(NO_TEAM if dimension == Dimension.TEAM else NOT_FROM_AMAZON), "": ""}
    labels[""] = labels[None]
    if dimension == Dimension.ACCOUNT:
        accounts = AmazonAccount.objects.filter(company=company, pk__in=groups - {None})
        labels.update({account.pk: account.name for account in accounts})
    elif dimension == Dimension.MARKETPLACE:
        labels.update(marketplace_names(company))
    elif dimension == Dimension.TEAM:
        labels.update({team.pk: team.name for team in SalesTeam.objects.filter(pk__in=groups - {None})})
    elif dimension == Dimension.CHANNEL:
        labels.update({channel.value: str(channel.label) for channel in FulfillmentChannel})
    return labels


def marketplace_names(company: Company) -> dict[str, str]:
    """Marketplace id -> "Amazon.com (US)"-like name, from the company's accounts."""
    rows = AmazonMarketplace.objects.filter(account__company=company).values_list(
        "marketplace_id", "name", "country_code"
    )
    return {marketplace_id: f"{name} ({country})" for marketplace_id, name, country in rows}


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
        order__in=sold_orders(filters), line_kind=LineKind.PRODUCT, product__isnull=False
    ).values("order_id", "product_id", "product__name", "order__currency_id", "quantity", "subtotal")
    lines_list = list(lines)
    fees = amazon_fees_by_sales_order(sold_orders(filters))
    shares = _fee_shares(lines_list, fees)
    grouped: dict[tuple[int, str], dict[str, Any]] = defaultdict(
        lambda: {"quantity": Decimal(0), "untaxed": ZERO, "fees": ZERO, "name": ""}
    )
    for index, line in enumerate(lines_list):
        bucket = grouped[(line["product_id"], line["order__currency_id"])]
        bucket["name"] = line["product__name"]
        bucket["quantity"] += line["quantity"]
        bucket["untaxed"] += line["subtotal"]
        bucket["fees"] += shares[index]
    result = [
        ProductMargin(
            product_id, values["name"], currency, values["quantity"], values["untaxed"], values["fees"]
        )
        for (product_id, currency), values in grouped.items()
    ]
    return sorted(result, key=lambda row: (row.currency, -row.untaxed, row.product))


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


def group_by_currency(rows: Iterable[SalesRow]) -> dict[str, list[SalesRow]]:
    """Rows split by currency, in first-seen order (one chart per currency)."""
    result: dict[str, list[SalesRow]] = {}
    for row in rows:
        result.setdefault(row.currency, []).append(row)
    return result
