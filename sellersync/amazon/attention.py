"""What needs attention, for the back office's first page: failed orders with their errors, failed or
waiting shipments, FBM deliveries nearing their ship-by date, SKUs sold as the account's default product,
currencies of recent orders without an exchange rate, and each account's last sync with its result.

Each list is bounded (`LIMIT` rows, with the full count) and served by indexed filters, so that the page
answers quickly with 100,000 orders in the books (bench/bench_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, F, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from sellersync.accounting.models import ExchangeRate
from sellersync.amazon.choices import (
    FulfillmentChannel,
    OrderSyncState,
    OutboundKind,
    OutboundState,
    SyncKind,
)
from sellersync.amazon.models import AmazonAccount, AmazonOffer, AmazonOrder, OutboundMessage, SyncRun
from sellersync.core.models import Company, Currency
from sellersync.core.scoping import scope
from sellersync.sales.models import SalesOrder
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Picking

LIMIT = 20
SHIP_BY_WITHIN = timedelta(hours=24)
RATE_LOOKBACK = timedelta(days=31)


@dataclass
class Bounded:
    """At most LIMIT rows of a list, and how many there are in all."""

    rows: list[Any]
    count: int


def _bounded(queryset: QuerySet[Any]) -> Bounded:
    rows = list(queryset[:LIMIT])
    count = len(rows) if len(rows) < LIMIT else queryset.count()
    return Bounded(rows, count)


@dataclass
class Attention:
    failed_orders: Bounded
    shipments: Bounded
    ship_soon: Bounded
    default_product_skus: Bounded
    missing_rates: list[tuple[Any, str]] = field(default_factory=list)
    accounts: list[tuple[AmazonAccount, SyncRun | None]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        lists = (self.failed_orders, self.shipments, self.ship_soon, self.default_product_skus)
        return not any(item.count for item in lists) and not self.missing_rates


def needs_attention(user: Any) -> Attention:
    accounts = scope(AmazonAccount.objects.select_related("company").order_by("name", "pk"), user)
    accounts_with_runs = _with_last_run(accounts)
    account_ids = [account.pk for account, _run in accounts_with_runs]
    # a subquery, not a list of ids: SQLite then picks the index on the (few) failed orders instead of
    # reading every order of the accounts (100 ms for a count with 100,000 orders)
    in_scope = accounts.order_by().values("pk")
    return Attention(
        failed_orders=_bounded(
            AmazonOrder.objects.filter(account_id__in=in_scope, sync_state=OrderSyncState.FAILED)
            .select_related("account")
            .order_by("-pk")
        ),
        shipments=_bounded(
            OutboundMessage.objects.filter(
                account_id__in=account_ids,
                kind=OutboundKind.SHIPMENT,
                state__in=(OutboundState.FAILED, OutboundState.PENDING, OutboundState.SENT),
            ).order_by("-pk")
        ),
        ship_soon=_bounded(_ship_soon(user)),
        default_product_skus=_bounded(
            AmazonOffer.objects.filter(
                account_id__in=account_ids, product_id=F("account__default_product_id")
            )
            .select_related("account", "product")
            .order_by("sku")
        ),
        missing_rates=_missing_rates(user),
        accounts=accounts_with_runs,
    )


def _ship_soon(user: Any) -> QuerySet[Picking]:
    fbm = AmazonOrder.objects.filter(
        sales_order_id=OuterRef("sales_order_id"), fulfillment_channel=FulfillmentChannel.FBM
    )
    return scope(
        Picking.objects.filter(
            state__in=(PickingState.DRAFT, PickingState.READY),
            deadline__lte=timezone.now() + SHIP_BY_WITHIN,
        )
        .filter(Exists(fbm))
        .select_related("sales_order")
        .order_by("deadline", "pk"),
        user,
    )


def _missing_rates(user: Any) -> list[tuple[Any, str]]:
    """(company, currency) of orders of the last month in a foreign currency with no rate on or before
    the order's date: invoices and settlements of those orders cannot be booked.

    Per company, one query finds the oldest recent order of each foreign currency, named in a list:
    sales_order_currency_date_idx then seeks each currency's month instead of reading every order of the
    month (a correlated subquery per currency misleads PostgreSQL into walking the date index), and one
    more reads the first rate of the currencies found; the number of currencies adds no query."""
    since = timezone.now() - RATE_LOOKBACK
    codes = list(Currency.objects.order_by("code").values_list("code", flat=True))
    missing = []
    for company in scope(Company.objects.order_by("pk"), user):
        foreign = [code for code in codes if code != company.currency_id]
        oldest = dict(
            SalesOrder.objects.filter(company=company, currency_id__in=foreign, order_date__gte=since)
            .values("currency_id")
            .annotate(oldest=Min("order_date"))
            .order_by()
            .values_list("currency_id", "oldest")
        )
        if not oldest:
            continue
        first_rates = dict(
            ExchangeRate.objects.filter(company=company, currency_id__in=oldest)
            .values("currency_id")
            .annotate(first=Min("date"))
            .order_by()
            .values_list("currency_id", "first")
        )
        for currency, moment in oldest.items():
            first_rate = first_rates.get(currency)
            if first_rate is None or first_rate > moment.date():
                missing.append((company.name, currency))
    return sorted(missing)


def _with_last_run(accounts: QuerySet[AmazonAccount]) -> list[tuple[AmazonAccount, SyncRun | None]]:
    """Each account with its last orders run (two queries, whatever the number of accounts)."""
    last_run = (
        SyncRun.objects.filter(account=OuterRef("pk"), kind=SyncKind.ORDERS)
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    annotated = list(accounts.annotate(last_run_id=Subquery(last_run)))
    runs = SyncRun.objects.in_bulk([account.last_run_id for account in annotated if account.last_run_id])
    return [(account, runs.get(account.last_run_id)) for account in annotated]
