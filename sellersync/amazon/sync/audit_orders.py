"""Gap audit: Amazon's order ids of the last N days compared with the bindings; what is missing or behind
is fetched again and applied through the usual apply path.

The regular sync only sees what changed after its cursor: an order whose only change fell before a cursor
moved by hand, or that failed and was never retried, could stay out of the books. Once a day the audit lists
every order Amazon updated in the account's window (`audit_days`, 30 by default) as cheaply as the API
allows, and repairs the differences:

- **Listing**: Orders v0 getOrders by `LastUpdatedAfter`, statuses Unshipped, PartiallyShipped, Shipped and
  Canceled, 100 per page, without a restricted data token: id, status and `LastUpdateDate` are all the audit
  reads. getOrders refills three times faster than searchOrders (0.0167/s against 0.0056/s, burst 20 both),
  carries no items, and leaves the searchOrders budget of 2026 accounts to their regular sync.
- **Comparing** (one query per page): *missing* = listed, not bound, and for the books (not Canceled: an
  order canceled before it was ever synchronized creates nothing; not an FBM order Shipped or
  PartiallyShipped when the account does not book orders shipped outside sellersync); *behind* = bound,
  but the binding's version is older than Amazon's `LastUpdateDate` (or was never applied: a failed first
  sight).
- **Repairing**: the orders found are fetched through the account's order source (`by_ids`: getOrder for
  2026-01-01, getOrders by ids for v0) and applied by `import_orders.apply_entries`, in a `SyncRun` of kind
  "audit". Created or updated orders count as repaired; failed ones keep their reason on their binding;
  the others (the apply rules left them as they were) count as unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from sellersync.amazon.choices import PiiAccess, SyncKind, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OrderAudit, SyncRun
from sellersync.amazon.sync.import_orders import apply_entries, order_source, remember_pii_answer
from sellersync.amazon.sync.sources import STATUSES_V0, PiiGate
from sellersync.spapi.apis._base import unwrap_payload
from sellersync.spapi.client import SpApiClient

logger = logging.getLogger(__name__)

LISTING_PAGE_SIZE = 100
SHIPPED_STATUSES = frozenset({"Shipped", "PartiallyShipped"})


@dataclass(frozen=True)
class ListedOrder:
    """What the listing tells of one order: its id, status and last update on Amazon."""

    amazon_order_id: str
    status: str
    last_update: datetime | None
    fulfillment_channel: str = ""

    def for_the_books(self, account: AmazonAccount) -> bool:
        """Whether this order, never bound, should become a sales order (see the module docstring)."""
        if self.status == "Canceled":
            return False
        shipped_outside = self.fulfillment_channel == "MFN" and self.status in SHIPPED_STATUSES
        return account.book_orders_shipped_outside or not shipped_outside


@dataclass
class Listing:
    """Amazon's orders of the window, page by page, and the upper bound Amazon applied."""

    pages: Iterator[list[ListedOrder]]
    window_end: datetime | None = None


def audit_orders(
    account: AmazonAccount, *, now: datetime | None = None, by_report: bool = False
) -> OrderAudit:
    """Compare Amazon's orders of the last `account.audit_days` days with the bindings; repair the gaps.

    `by_report`: list them from one order report (`order_reports.list_orders_by_report`) instead of getOrders
    pages: a few calls whatever the count, but minutes of Amazon's report generation; worth it past about
    2,000 orders in the window (getOrders' burst of 20 pages), so getOrders stays the default."""
    from sellersync.amazon.services import client_for_account, synchronized_marketplace_ids

    # the cursor is Amazon's own time (its last LastUpdatedBefore): a window never starts after Amazon's now
    reference = min(now or timezone.now(), account.last_order_sync)
    window_start = reference - timedelta(days=account.audit_days)
    audit = OrderAudit.objects.create(account=account, window_start=window_start)
    client: SpApiClient | None = None
    try:
        client = client_for_account(account)
        marketplace_ids = synchronized_marketplace_ids(account, client)
        to_fetch = _compare(account, audit, client, marketplace_ids, by_report)
        if to_fetch:
            _repair(account, audit, client, marketplace_ids, to_fetch)
        audit.status = SyncRunStatus.SUCCEEDED
    except Exception as exc:  # the audit records any failure; tomorrow's audit tries again
        logger.warning("order audit of account %s failed: %s", account.pk, type(exc).__name__)
        audit.status = SyncRunStatus.FAILED
        audit.error = f"{type(exc).__name__}: {exc}"[:4000]
    finally:
        if client is not None:
            audit.api_calls = sum(stats.calls for stats in client.stats.values())
            client.close()
        audit.finished_at = timezone.now()
        audit.save()
    return audit


def _compare(
    account: AmazonAccount,
    audit: OrderAudit,
    client: SpApiClient,
    marketplace_ids: Sequence[str],
    by_report: bool = False,
) -> list[str]:
    """Walk the listing; the ids of the orders missing or behind, counted on the audit."""
    to_fetch: list[str] = []
    if by_report:
        from sellersync.amazon.sync.order_reports import LISTING_MARGIN, list_orders_by_report

        until = (client.amazon_now() or timezone.now()) - LISTING_MARGIN
        listing = list_orders_by_report(client, marketplace_ids, audit.window_start, until)
    else:
        listing = list_orders(client, marketplace_ids, audit.window_start)
    for page in listing.pages:
        versions = dict(
            AmazonOrder.objects.filter(
                account=account, amazon_id__in=[order.amazon_order_id for order in page]
            ).values_list("amazon_id", "amazon_updated_at")
        )
        for order in page:
            audit.orders_checked += 1
            if order.amazon_order_id not in versions:
                if order.for_the_books(account):
                    audit.missing_found += 1
                    to_fetch.append(order.amazon_order_id)
            elif _behind(versions[order.amazon_order_id], order.last_update):
                audit.behind_found += 1
                to_fetch.append(order.amazon_order_id)
    audit.window_end = listing.window_end
    audit.save(update_fields=["orders_checked", "missing_found", "behind_found", "window_end"])
    return list(dict.fromkeys(to_fetch))


def _behind(applied: datetime | None, on_amazon: datetime | None) -> bool:
    return applied is None or on_amazon is None or applied < on_amazon


def _repair(
    account: AmazonAccount,
    audit: OrderAudit,
    client: SpApiClient,
    marketplace_ids: Sequence[str],
    amazon_order_ids: Sequence[str],
) -> None:
    """Fetch the orders again and apply them as the sync does; count what was repaired or failed."""
    run = SyncRun.objects.create(
        account=account, kind=SyncKind.AUDIT, window_start=audit.window_start, window_end=audit.window_end
    )
    audit.sync_run = run
    try:
        pii = PiiGate(client, allowed=account.pii_access != PiiAccess.REFUSED)
        entries = order_source(account, client, pii).by_ids(marketplace_ids, amazon_order_ids)
        apply_entries(account, run, entries)
        remember_pii_answer(account, pii)
        not_found = len(set(amazon_order_ids) - {entry.amazon_order_id for entry in entries})
        audit.repaired = run.orders_created + run.orders_updated
        audit.failed = run.orders_failed + not_found
        audit.unchanged = run.orders_unchanged
        run.status = SyncRunStatus.SUCCEEDED
    except Exception as exc:
        run.status, run.error = SyncRunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:4000]
        raise
    finally:
        run.api_calls = sum(stats.calls for stats in client.stats.values())
        run.finished_at = timezone.now()
        run.save()


def list_orders(client: SpApiClient, marketplace_ids: Sequence[str], since: datetime) -> Listing:
    """Amazon's orders updated since `since` (getOrders pages, without PII), lazily page by page."""
    listing = Listing(pages=iter(()))

    def pages() -> Iterator[list[ListedOrder]]:
        query: dict[str, Any] = {
            "MarketplaceIds": list(marketplace_ids),
            "LastUpdatedAfter": since,
            "OrderStatuses": list(STATUSES_V0),
            "MaxResultsPerPage": LISTING_PAGE_SIZE,
        }
        while True:
            data = client.call_json("orders_v0.getOrders", query=query)
            payload = unwrap_payload(data, "orders_v0.getOrders")
            listing.window_end = listing.window_end or _instant(payload.get("LastUpdatedBefore"))
            listed = [_listed(raw) for raw in payload.get("Orders") or [] if isinstance(raw, dict)]
            yield [order for order in listed if order.amazon_order_id]
            next_token = payload.get("NextToken")
            if not next_token:
                return
            query = {"MarketplaceIds": list(marketplace_ids), "NextToken": next_token}

    listing.pages = pages()
    return listing


def _listed(raw: dict[str, Any]) -> ListedOrder:
    """Only id, status and date are read: a listing row that does not parse counts as behind."""
    try:
        last_update = _instant(raw.get("LastUpdateDate"))
    except ValueError:
        last_update = None
    return ListedOrder(
        str(raw.get("AmazonOrderId", "")),
        str(raw.get("OrderStatus", "")),
        last_update,
        str(raw.get("FulfillmentChannel", "")),
    )


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
