"""The sales reporting dashboard (charts and tables in the back office frame) and its CSV exports."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sellersync.dashboard.charts import Chart, ChartPoint, bar_chart, line_chart
from sellersync.dashboard.choices import Dimension
from sellersync.dashboard.forms import ReportFilterForm
from sellersync.dashboard.margins import order_margins, product_report
from sellersync.dashboard.selectors import (
    ReportFilters,
    SalesCube,
    SalesRow,
    group_by_currency,
    sales_by,
    sales_cube,
)

#: Both the page and its exports show sales orders (with their Amazon fees).
VIEW_PERMISSION = "sales.view_salesorder"
CATEGORY_DIMENSIONS = (Dimension.MARKETPLACE, Dimension.ACCOUNT, Dimension.TEAM, Dimension.CHANNEL)
MARGIN_ROWS_ON_PAGE = 50
MARGIN_EXPORTS = ("orders", "products", "refunds")


@dataclass(frozen=True)
class Section:
    """One dimension of the dashboard: its rows and one chart per currency."""

    dimension: Dimension
    rows: list[SalesRow]
    charts: list[Chart]


@require_GET
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET, user=request.user)
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": _("Sales reporting"),
        "form": form,
        "query": request.GET.urlencode(),
    }
    if form.is_valid():
        context.update(_report(form.report_filters(), form.chosen_period()))
    return render(request, "dashboard/index.html", context)


def _report(filters: ReportFilters, period: Dimension) -> dict[str, Any]:
    cube = sales_cube(filters)  # one query; every total, table and chart below is a roll-up of it
    sections = [_section(cube, dimension) for dimension in CATEGORY_DIMENSIONS]
    products = product_report(filters)
    return {
        "totals": cube.totals(),
        "trend": _section(cube, period),
        "sections": sections,
        "order_margins": order_margins(filters, limit=MARGIN_ROWS_ON_PAGE),
        "product_margins": products.margins[:MARGIN_ROWS_ON_PAGE],
        "refund_rates": products.refund_rates[:MARGIN_ROWS_ON_PAGE],
    }


def _section(cube: SalesCube, dimension: Dimension) -> Section:
    rows = cube.by(dimension)
    draw = line_chart if dimension == Dimension.DAY else bar_chart
    charts = [
        draw(str(dimension.label), currency, [ChartPoint(row.label, row.net) for row in currency_rows])
        for currency, currency_rows in group_by_currency(rows).items()
    ]
    return Section(dimension, rows, charts)


@require_GET
@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def export_csv(request: HttpRequest, report: str) -> HttpResponse:
    """`report` is a dimension (sales rows), "orders" / "products" (margins) or "refunds" (refund rates per
    SKU and marketplace); the page's filters apply."""
    if report not in Dimension.values and report not in MARGIN_EXPORTS:
        raise Http404(_("Unknown report"))
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    filters = form.report_filters()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sales-by-{report}.csv"'
    writer = csv.writer(response)
    if report == "orders":
        _write_order_margins(writer, filters)
    elif report == "products":
        _write_product_margins(writer, filters)
    elif report == "refunds":
        _write_refund_rates(writer, filters)
    else:
        _write_sales_rows(writer, sales_by(filters, Dimension(report)), Dimension(report))
    return response


def _write_sales_rows(writer: Any, rows: list[SalesRow], dimension: Dimension) -> None:
    writer.writerow(
        [
            str(dimension.label),
            _("Currency"),
            _("Orders"),
            _("Untaxed"),
            _("Taxes"),
            _("Total"),
            _("Refunded (untaxed)"),
            _("Net untaxed"),
        ]
    )
    for row in rows:
        writer.writerow(
            [row.label, row.currency, row.orders, row.untaxed, row.tax, row.total, row.refunded, row.net]
        )


def _write_order_margins(writer: Any, filters: ReportFilters) -> None:
    writer.writerow(
        [
            _("Order"),
            _("Amazon order"),
            _("Date"),
            _("Currency"),
            _("Untaxed"),
            _("Refunded (untaxed)"),
            _("Amazon fees"),
            _("Margin"),
        ]
    )
    for row in order_margins(filters):
        fees = "" if row.fees is None else row.fees
        margin = "" if row.margin is None else row.margin
        day = row.order_date.isoformat()
        writer.writerow(
            [row.name, row.amazon_order_id, day, row.currency, row.untaxed, row.refunded, fees, margin]
        )


def _write_product_margins(writer: Any, filters: ReportFilters) -> None:
    writer.writerow(
        [
            _("Product"),
            _("Currency"),
            _("Quantity"),
            _("Untaxed"),
            _("Refunded (untaxed)"),
            _("Refund rate (%)"),
            _("Amazon fees"),
            _("Margin"),
        ]
    )
    for row in product_report(filters).margins:
        rate = "" if row.refund_rate is None else row.refund_rate
        writer.writerow(
            [row.product, row.currency, row.quantity, row.untaxed, row.refunded, rate, row.fees, row.margin]
        )


def _write_refund_rates(writer: Any, filters: ReportFilters) -> None:
    writer.writerow(
        [
            _("SKU"),
            _("Product"),
            _("Marketplace"),
            _("Currency"),
            _("Quantity"),
            _("Sold (untaxed)"),
            _("Refunded (untaxed)"),
            _("Refund rate (%)"),
        ]
    )
    for row in product_report(filters).refund_rates:
        rate = "" if row.rate is None else row.rate
        writer.writerow(
            [row.sku, row.product, row.marketplace, row.currency, row.quantity, row.sold, row.refunded, rate]
        )
