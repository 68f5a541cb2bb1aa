"""Reporting queries: confirmed and locked sales orders of one company, grouped and summed.

Currency rule: an amount is never added to an amount in another currency. Every grouped row is one
(group, currency) pair, and totals are per currency; a company selling in USD, CAD and MXN sees three totals,
not one converted guess (no exchange rates are kept yet). Canceled orders and quotations are not sales.

The Amazon side (account, marketplace, fulfillment channel) comes from the order's binding
(`AmazonOrder`); orders that did not come from Amazon appear under an empty key.

Refunds: the posted credit notes of an order (made by the "Refund" action or from Amazon's refund events)
count against that order: its day, account, marketplace, team and channel, whatever the credit note's own
date. A period's figures are thus the orders of that period net of what was refunded on them so far, and a
refund rate is refunds over the sales they refund. `refunded` is the credit notes' untaxed amount (a
restocking fee the seller keeps lessens it); `net` is untaxed sales less that.

Speed: the database sums the matching orders once, per day, account, marketplace, sales team, channel and
currency (`sales_cube`: one GROUP BY over the orders, a few hundred rows for 100,000 orders); every total,
table and chart of the page is a roll-up of those rows in Decimal, so they all agree to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.models import Invoice
from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace
from sellersync.core.models import Company
from sellersync.dashboard.choices import Dimension
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesTeam

SOLD_STATES = (OrderState.CONFIRMED, OrderState.DONE)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
NOT_FROM_AMAZON = _("Not from Amazon")
NO_TEAM = _("No sales team")

#: The field (through the Amazon binding) each categorical dimension groups by, under its cube alias.
_GROUP_FIELDS: dict[str, tuple[str, str]] = {
    Dimension.ACCOUNT: ("cube_account", "amazon_order__account_id"),
    Dimension.MARKETPLACE: ("cube_marketplace", "amazon_order__marketplace_id"),
    Dimension.TEAM: ("cube_team", "team_id"),
    Dimension.CHANNEL: ("cube_channel", "amazon_order__fulfillment_channel"),
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
    refunded: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """Untaxed sales less the untaxed amount refunded on them (credit notes)."""
        return self.untaxed - self.refunded


def order_conditions(filters: ReportFilters, prefix: str = "") -> Q:
    """The sold orders matching the filters, as a condition on the orders reached through `prefix`
    ("" for orders, "order__" for their lines). The date range is turned into the bounds of the days in
    the site's time zone, so that the order date index serves it."""
    conditions = {"company": filters.company, "state__in": SOLD_STATES}
    if filters.date_from is not None:
        conditions["order_date__gte"] = _start_of(filters.date_from)
    if filters.date_to is not None:
        conditions["order_date__lt"] = _start_of(filters.date_to + timedelta(days=1))
    if filters.account_id is not None:
        conditions["amazon_order__account_id"] = filters.account_id
    if filters.marketplace_id:
        conditions["amazon_order__marketplace_id"] = filters.marketplace_id
    if filters.channel:
        conditions["amazon_order__fulfillment_channel"] = filters.channel
    if filters.team_id is not None:
        conditions["team_id"] = filters.team_id
    return Q(**{f"{prefix}{name}": value for name, value in conditions.items()})


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def sold_orders(filters: ReportFilters) -> QuerySet[SalesOrder]:
    """The company's confirmed and locked orders matching the filters (dates in the site's time zone)."""
    return SalesOrder.objects.filter(order_conditions(filters))


def local_day(field: str, using: str = "default") -> Combinable:
    """The calendar day of a date-time field in the site's time zone, computed by the database.

    On SQLite, Django's TruncDate calls back into Python for every row (a second per 100,000 orders);
    date-times are stored there as UTC text, so in UTC SQLite's own date() gives the same day."""
    if connections[using].vendor == "sqlite" and timezone.get_current_timezone_name() == "UTC":
        return Cast(field, DateField())
    return TruncDate(field)


@dataclass(frozen=True)
class SalesCube:
    """The matching orders summed by the database per day, account, marketplace, team, channel and
    currency; `totals` and `by` roll these cells up (in Decimal, exact to the cent)."""

    company: Company
    cells: list[dict[str, Any]]
    refund_cells: list[dict[str, Any]] = field(default_factory=list)

    def totals(self) -> list[SalesRow]:
        """One row per currency: the sales of every matching order in that currency."""
        rows = self._roll_up(lambda cell: cell["currency_code"])
        return [
            SalesRow(currency, currency, currency, *sums) for (_k, currency), sums in sorted(rows.items())
        ]

    def by(self, dimension: Dimension) -> list[SalesRow]:
        """Sales grouped by `dimension` and currency: time in date order, the others biggest first."""
        if dimension in (Dimension.DAY, Dimension.MONTH):
            return self._by_period(dimension)
        alias = _GROUP_FIELDS[dimension][0]
        rows = self._roll_up(lambda cell: cell[alias])
        labels = _labels(dimension, self.company, {group for group, _currency in rows})
        result = [
            SalesRow(_key(group), labels.get(group, str(group)), currency, *sums)
            for (group, currency), sums in rows.items()
        ]
        return sorted(result, key=lambda row: (row.currency, -row.untaxed, row.label))

    def _by_period(self, dimension: Dimension) -> list[SalesRow]:
        if dimension == Dimension.DAY:
            rows = self._roll_up(lambda cell: cell["cube_day"])
            text_format = "%Y-%m-%d"
        else:
            rows = self._roll_up(lambda cell: cell["cube_day"].replace(day=1))
            text_format = "%Y-%m"
        return [
            SalesRow(period.isoformat(), period.strftime(text_format), currency, *sums)
            for (period, currency), sums in sorted(rows.items())
        ]

    def _roll_up(
        self, group_of: Any
    ) -> dict[tuple[Any, str], tuple[int, Decimal, Decimal, Decimal, Decimal]]:
        sums: dict[tuple[Any, str], tuple[int, Decimal, Decimal, Decimal, Decimal]] = {}
        for cell in self.cells:
            key = (group_of(cell), str(cell["currency_code"]))
            orders, untaxed, tax, total, refunded = sums.get(key, (0, ZERO, ZERO, ZERO, ZERO))
            sums[key] = (
                orders + int(cell["order_count"]),
                untaxed + _cents(cell["untaxed"]),
                tax + _cents(cell["tax"]),
                total + _cents(cell["total"]),
                refunded,
            )
        for cell in self.refund_cells:
            key = (group_of(cell), str(cell["currency_code"]))
            orders, untaxed, tax, total, refunded = sums.get(key, (0, ZERO, ZERO, ZERO, ZERO))
            sums[key] = (orders, untaxed, tax, total, refunded + _cents(cell["refunded"]))
        return sums


def sales_cube(filters: ReportFilters) -> SalesCube:
    """The matching orders summed per day, account, marketplace, team, channel and currency, and the
    posted credit notes of those orders likewise (two queries)."""
    orders = sold_orders(filters)
    groups = {alias: F(path) for alias, path in _GROUP_FIELDS.values()}
    cells = (
        orders.annotate(cube_day=local_day("order_date", orders.db))
        .values("cube_day", currency_code=F("currency_id"), **groups)
        .annotate(**_sums())
        .order_by()
    )
    credit_notes = refunds_of(filters)
    refund_groups = {alias: F(f"sales_order__{path}") for alias, path in _GROUP_FIELDS.values()}
    refund_cells = (
        credit_notes.annotate(cube_day=local_day("sales_order__order_date", credit_notes.db))
        .values("cube_day", currency_code=F("currency_id"), **refund_groups)
        .annotate(refunded=Sum("amount_untaxed"))
        .order_by()
    )
    return SalesCube(filters.company, list(cells), list(refund_cells))


def refunds_of(filters: ReportFilters) -> QuerySet[Invoice]:
    """The posted credit notes of the matching orders."""
    return Invoice.objects.filter(
        order_conditions(filters, "sales_order__"),
        kind=InvoiceKind.CREDIT_NOTE,
        state=InvoiceState.POSTED,
    )


def sales_totals(filters: ReportFilters) -> list[SalesRow]:
    """One row per currency: the sales of every matching order in that currency."""
    return sales_cube(filters).totals()


def sales_by(filters: ReportFilters, dimension: Dimension) -> list[SalesRow]:
    """Sales grouped by `dimension` and currency: time in date order, the others biggest first."""
    return sales_cube(filters).by(dimension)


def _sums() -> dict[str, Any]:
    return {
        "order_count": Count("pk"),
        "untaxed": Sum("amount_untaxed"),
        "tax": Sum("amount_tax"),
        "total": Sum("amount_total"),
    }


def _cents(value: Any) -> Decimal:
    # SQLite sums decimals as floats: quantizing to the cent gives the exact sum back (|error| << 0.005).
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


def group_by_currency(rows: Iterable[SalesRow]) -> dict[str, list[SalesRow]]:
    """Rows split by currency, in first-seen order (one chart per currency)."""
    result: dict[str, list[SalesRow]] = {}
    for row in rows:
        result.setdefault(row.currency, []).append(row)
    return result
