"""What needs attention, for the back office's first page: failed orders with their errors, failed or
waiting shipments, FBM deliveries nearing their ship-by date, SKUs sold as the account's default product,
currencies of recent orders without an exchange rate, and each account's last sync with its result.

Each list is bounded (`LIMIT` rows, with the full count) and served by indexed filters, so that the page
answers quickly with 100,000 orders in the books (bench/bench_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
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
    account_ids = list(accounts.values_list("pk", flat=True))
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
        accounts=[(account, _last_run(account)) for account in accounts],
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

    One indexed look-up per company and foreign currency (sales_order_currency_date_idx) finds the
    oldest recent order, instead of reading every order of the month."""
    since = timezone.now() - RATE_LOOKBACK
    codes = list(Currency.objects.order_by("code").values_list("code", flat=True))
    missing = []
    for company in scope(Company.objects.order_by("pk"), user):
        for currency in codes:
            if currency == company.currency_id:
                continue
            oldest = (
                SalesOrder.objects.filter(company=company, currency_id=currency, order_date__gte=since)
                .order_by("order_date")
                .values_list("order_date", flat=True)
                .first()
            )
            if oldest is None:
                continue
            has_rate = ExchangeRate.objects.filter(
                company=company, currency_id=currency, date__lte=oldest.date()
            ).exists()
            if not has_rate:
                missing.append((company.name, currency))
    return sorted(missing)


def _last_run(account: AmazonAccount) -> SyncRun | None:
    return (
        SyncRun.objects.filter(account=account, kind=SyncKind.ORDERS).order_by("-started_at", "-pk").first()
    )
