"""Sync Pickings: send every pending shipment and cancellation of an account now, then read the results of
its feeds in flight. The account's button, the periodic task and the CLI call `sync_pickings`."""

from __future__ import annotations

import logging

from django.utils import timezone

from sellersync.amazon.choices import SyncKind, SyncRunStatus
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.models import AmazonAccount, SyncRun
from sellersync.amazon.sync.export_cancellations import send_pending_cancellations
from sellersync.amazon.sync.export_shipments import send_pending_shipments
from sellersync.amazon.sync.feed_results import check_feed_results

logger = logging.getLogger(__name__)


def sync_pickings(account: AmazonAccount, *, use_feed: bool | None = None) -> SyncRun:
    """One run: results of feeds in flight first (so retried messages are not mixed up), then sending.

    Counts on the run: `orders_updated` = messages synced, `orders_failed` = messages failed,
    `orders_unchanged` = messages sent in a feed and awaiting Amazon's report.
    """
    from sellersync.amazon.services import CLIENT_REFUSALS, client_for_account, refuse_run

    run = SyncRun.objects.create(account=account, kind=SyncKind.PICKINGS)
    log: list[str] = []
    try:
        client = client_for_account(account)
    except CLIENT_REFUSALS as refusal:
        return refuse_run(run, refusal)
    with client:
        try:
            for outcome in check_feed_results(account, client):
                run.orders_updated += len(outcome.synced)
                run.orders_failed += len(outcome.failed)
                log.append(f"feed {outcome.feed_id}: {outcome.processing_status}")
            shipments = send_pending_shipments(account, client, use_feed=use_feed)
            cancellations = send_pending_cancellations(account, client)
            for result in (shipments, cancellations):
                run.orders_updated += len(result.synced)
                run.orders_failed += len(result.failed)
                run.orders_unchanged += len(result.sent)
                if result.feed_id:
                    count = len(result.sent)
                    log.append(f"feed {result.feed_id}: {count} message{'' if count == 1 else 's'} submitted")
            run.status = SyncRunStatus.SUCCEEDED
        except Exception as exc:  # recorded on the run, shown in the back office
            logger.warning("sync pickings of account %s failed: %s", account.pk, type(exc).__name__)
            run.status = SyncRunStatus.FAILED
            run.error = redact(f"{type(exc).__name__}: {exc}")[:4000]
        finally:
            run.api_calls = sum(stats.calls for stats in client.stats.values())
            run.finished_at = timezone.now()
            run.log = "\n".join(log)
            run.save()
    return run
