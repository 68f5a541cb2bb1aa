"""Order feeds in flight: submit outbound messages as one feed, then read Amazon's processing report.

Each outbound message is one feed message whose MessageID is the message's primary key, so a report's
Result points straight back to it. The report is downloaded and read with defusedxml
(`spapi.order_feeds.parse_processing_report`). A message named by an Error result fails with Amazon's text;
when the report counts more errors than it names, every message of the feed still unknown counts as failed
(Amazon did not say which); the others are synced. One summary e-mail per feed lists the failures.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.spapi import order_feeds
from sellersync.spapi.client import SpApiClient

logger = logging.getLogger(__name__)

IN_FLIGHT = frozenset({"IN_QUEUE", "IN_PROGRESS"})


@dataclass
class FeedOutcome:
    """What reading one feed's result did."""

    feed_id: str
    processing_status: str
    synced: list[OutboundMessage] = field(default_factory=list)
    failed: list[OutboundMessage] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.processing_status not in IN_FLIGHT


# --- message states --------------------------------------------------------------------------------------


def mark_synced(message: OutboundMessage, *, channel: str = "") -> None:
    now = timezone.now()
    message.state, message.amazon_error, message.synced_at = OutboundState.SYNCED, "", now
    if channel:
        message.payload = {**message.payload, "channel": channel}
    message.save(update_fields=["state", "amazon_error", "synced_at", "payload"])


def mark_failed(message: OutboundMessage, amazon_error: str) -> None:
    message.state, message.amazon_error = OutboundState.FAILED, redact(amazon_error)[:4000]
    message.save(update_fields=["state", "amazon_error"])


# --- submitting ------------------------------------------------------------------------------------------


def submit(
    account: AmazonAccount,
    client: SpApiClient,
    feed_type: str,
    messages: Sequence[OutboundMessage],
    content: bytes,
) -> str:
    """Upload and submit `content` as one feed for these messages; they become `sent` with its id."""
    marketplace_ids = sorted({str(m.payload.get("marketplace_id") or "") for m in messages} - {""})
    if not marketplace_ids:
        marketplace_ids = list(
            account.marketplaces.filter(is_synchronized=True).values_list("marketplace_id", flat=True)
        )
    response = client.feeds.submit_feed(feed_type, marketplace_ids, content, order_feeds.XML_CONTENT_TYPE)
    now = timezone.now()
    for message in messages:
        message.state, message.feed_id, message.sent_at = OutboundState.SENT, response.feed_id, now
        message.attempts += 1
        message.payload = {**message.payload, "channel": feed_type}
        message.save(update_fields=["state", "feed_id", "sent_at", "attempts", "payload"])
    return response.feed_id


# --- reading results -------------------------------------------------------------------------------------


def feeds_in_flight(account: AmazonAccount) -> list[str]:
    """Ids of the account's order feeds (shipments, cancellations) awaiting Amazon's XML report."""
    order_feed_kinds = (OutboundKind.SHIPMENT, OutboundKind.CANCELLATION)
    return list(
        OutboundMessage.objects.filter(account=account, state=OutboundState.SENT, kind__in=order_feed_kinds)
        .exclude(feed_id="")
        .order_by("feed_id")
        .values_list("feed_id", flat=True)
        .distinct()
    )


def check_feed_results(account: AmazonAccount, client: SpApiClient) -> list[FeedOutcome]:
    """Poll each feed in flight once; read the report of those Amazon finished and mark their messages."""
    return [check_feed(account, client, feed_id) for feed_id in feeds_in_flight(account)]


def check_feed(account: AmazonAccount, client: SpApiClient, feed_id: str) -> FeedOutcome:
    feed = client.feeds.get_feed(feed_id)
    outcome = FeedOutcome(feed_id, feed.processing_status)
    if not outcome.finished:
        return outcome
    messages = _messages_of(account, feed_id)
    if feed.result_feed_document_id:
        content = client.feeds.feed_document_content(feed.result_feed_document_id)
        try:
            report = order_feeds.parse_processing_report(content)
        except order_feeds.ProcessingReportError as error:
            _fail_all(
                messages,
                outcome,
                _("Amazon's processing report could not be read: %(error)s") % {"error": error},
            )
        else:
            apply_report(report, list(messages), outcome)
    else:
        _fail_all(
            messages,
            outcome,
            _("Amazon ended feed %(feed)s as %(status)s without a processing report.")
            % {"feed": feed_id, "status": feed.processing_status},
        )
    if outcome.failed:
        from sellersync.amazon.notifications import notify_failed_shipments

        notify_failed_shipments(account, outcome.failed, feed_id=feed_id)
    return outcome


def _messages_of(account: AmazonAccount, feed_id: str) -> QuerySet[OutboundMessage]:
    return OutboundMessage.objects.filter(
        account=account, feed_id=feed_id, state=OutboundState.SENT
    ).order_by("pk")


def _fail_all(messages: QuerySet[OutboundMessage], outcome: FeedOutcome, text: str) -> None:
    for message in messages:
        mark_failed(message, text)
        outcome.failed.append(message)


def apply_report(
    report: order_feeds.ProcessingReport, messages: list[OutboundMessage], outcome: FeedOutcome
) -> None:
    """Mark each message of a finished feed from its report (see the module docstring)."""
    errors_by_message = _errors_by_message(report, messages)
    unnamed = [result.description for result in report.errors if _named_message(result, messages) is None]
    unexplained = max(report.messages_with_error - len(errors_by_message), 0)
    for message in messages:
        if message.pk in errors_by_message:
            mark_failed(message, "\n".join(errors_by_message[message.pk]))
            outcome.failed.append(message)
        elif unexplained or report.status_code not in ("", "Complete"):
            detail = "\n".join(unnamed) or _("no detail given")
            text = _(
                "Amazon reported %(count)d failed message(s) in feed %(feed)s without saying which; this "
                "shipment's state is unknown and counts as failed. Amazon's errors: %(detail)s"
            ) % {"count": report.messages_with_error, "feed": outcome.feed_id, "detail": detail}
            mark_failed(message, text)
            outcome.failed.append(message)
        else:
            mark_synced(message)
            outcome.synced.append(message)


def _errors_by_message(
    report: order_feeds.ProcessingReport, messages: list[OutboundMessage]
) -> dict[int, list[str]]:
    errors: dict[int, list[str]] = defaultdict(list)
    for result in report.errors:
        message = _named_message(result, messages)
        if message is not None:
            errors[message.pk].append(f"{result.message_code}: {result.description}")
    return dict(errors)


def _named_message(
    result: order_feeds.ProcessingResult, messages: list[OutboundMessage]
) -> OutboundMessage | None:
    """The message a Result names: by MessageID, else by AmazonOrderID when only one message has it."""
    for message in messages:
        if result.message_id is not None and message.pk == result.message_id:
            return message
    if result.message_id is None and result.amazon_order_id:
        same_order = [m for m in messages if m.amazon_order_id == result.amazon_order_id]
        if len(same_order) == 1:
            return same_order[0]
    return None
