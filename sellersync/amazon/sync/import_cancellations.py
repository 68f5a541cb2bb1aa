"""Import cancellations: re-read the status of open synchronized orders and cancel those Amazon canceled.

Complements `import_orders` (which also applies cancellations it sees in its window) for orders whose
cancellation fell outside the window, e.g. after the cursor was moved forward by hand.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from sellersync.amazon.choices import OrderSyncState, SyncKind, SyncRunStatus
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.models import AmazonAccount, AmazonOrder, SyncRun
from sellersync.amazon.sync.import_orders import apply_entries, order_source
from sellersync.amazon.sync.sources import PiiGate
from sellersync.sales.choices import OrderState

logger = logging.getLogger(__name__)


def open_bindings(account: AmazonAccount) -> list[str]:
    """Amazon ids of the account's synchronized orders whose sales order may still be canceled."""
    return list(
        AmazonOrder.objects.filter(
            account=account,
            sync_state=OrderSyncState.SYNCED,
            sales_order__state__in=(OrderState.DRAFT, OrderState.CONFIRMED),
        )
        .exclude(amazon_status="Canceled")
        .order_by("amazon_id")
        .values_list("amazon_id", flat=True)
    )


def sync_cancellations(account: AmazonAccount) -> SyncRun:
    """Fetch the open orders again by id and apply what changed (cancellations included)."""
    from sellersync.amazon.services import (
        CLIENT_REFUSALS,
        client_for_account,
        refuse_run,
        synchronized_marketplace_ids,
    )

    run = SyncRun.objects.create(account=account, kind=SyncKind.CANCELLATIONS)
    try:
        client = client_for_account(account)
    except CLIENT_REFUSALS as refusal:
        return refuse_run(run, refusal)
    with client:
        try:
            ids = open_bindings(account)
            if ids:
                # by id through the account's API version (2026: one getOrder per order; v0: 50 ids a call)
                source = order_source(account, client, PiiGate(client, allowed=False))
                entries = source.by_ids(synchronized_marketplace_ids(account, client), ids)
                apply_entries(account, run, entries)
                run.pages = 1
            run.status = SyncRunStatus.SUCCEEDED
        except Exception as exc:  # recorded on the run
            logger.warning("cancellation sync of account %s failed: %s", account.pk, type(exc).__name__)
            run.status = SyncRunStatus.FAILED
            run.error = redact(f"{type(exc).__name__}: {exc}")[:4000]
        finally:
            run.api_calls = sum(stats.calls for stats in client.stats.values())
            run.finished_at = timezone.now()
            run.save()
    return run
