"""Order feeds in flight: submit outbound messages as one feed, then read Amazon's processing report.

Each outbound message is one feed message whose MessageID is the message's primary key, so a report's
Result points straight back to it. The report is downloaded and read with defusedxml
(`spapi.order_feeds.parse_processing_report`). A message named by an Error result fails with Amazon's text;
when the report counts more errors than it names, every message of the feed still unknown counts as failed
(Amazon did not say which); the others are synced. One summary e-mail per feed lists the failures.

createFeed is never sent twice blindly (docs/fbm.md): when its answer is lost and getFeeds cannot settle it
at once (`FeedOutcomeUnknown`), the messages are `sent` without a feed id, with where to look for the feed
(`payload["lost_feed"]`). The next pass looks first (`resolve_lost_feeds`): the one feed of that type that
no message of the account knows is theirs; none, they are pending again and sent; several, they wait (and
fail after a day, saying so).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.spapi import order_feeds
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import FeedOutcomeUnknown

logger = logging.getLogger(__name__)

IN_FLIGHT = frozenset({"IN_QUEUE", "IN_PROGRESS"})
ORDER_FEED_KINDS = (OutboundKind.SHIPMENT, OutboundKind.CANCELLATION)
LOST_FEED = "lost_feed"
#: A lost feed that Amazon cannot tell apart from others (several candidates) fails after this long.
LOST_FEED_PATIENCE = timedelta(days=1)


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
    try:
        feed_id = client.feeds.submit_feed(
            feed_type, marketplace_ids, content, order_feeds.XML_CONTENT_TYPE
        ).feed_id
        lost: dict[str, Any] = {}
    except FeedOutcomeUnknown as unknown:
        logger.warning("feed of account %s: answer lost, looked for at the next pass", account.pk)
        feed_id, lost = "", {LOST_FEED: _where_to_look(unknown)}
    now = timezone.now()
    for message in messages:
        message.state, message.feed_id, message.sent_at = OutboundState.SENT, feed_id, now
        message.attempts += 1
        message.payload = {**message.payload, "channel": feed_type, **lost}
        message.save(update_fields=["state", "feed_id", "sent_at", "attempts", "payload"])
    return feed_id


def _where_to_look(unknown: FeedOutcomeUnknown) -> dict[str, Any]:
    return {
        "feed_type": unknown.feed_type,
        "marketplace_ids": list(unknown.marketplace_ids),
        "created_since": unknown.created_since.isoformat(),
    }


# --- feeds whose createFeed answer was lost ---------------------------------------------------------------


def resolve_lost_feeds(account: AmazonAccount, client: SpApiClient) -> None:
    """Messages sent in a feed whose answer was lost: find the feed on Amazon, or make them pending again."""
    waiting = OutboundMessage.objects.filter(
        account=account, state=OutboundState.SENT, feed_id="", kind__in=ORDER_FEED_KINDS
    ).order_by("pk")
    groups: dict[str, list[OutboundMessage]] = defaultdict(list)
    for message in waiting:
        where = message.payload.get(LOST_FEED)
        if isinstance(where, dict):
            groups[repr(sorted(where.items()))].append(message)
    for messages in groups.values():
        _resolve_lost_feed(account, client, messages, messages[0].payload[LOST_FEED])


def _resolve_lost_feed(
    account: AmazonAccount, client: SpApiClient, messages: list[OutboundMessage], where: dict[str, Any]
) -> None:
    since = datetime.fromisoformat(where["created_since"])
    listed = client.feeds.feeds_created_since(where["feed_type"], where["marketplace_ids"], since)
    known = set(
        OutboundMessage.objects.filter(account=account, sent_at__gte=timezone.now() - timedelta(days=7))
        .exclude(feed_id="")
        .values_list("feed_id", flat=True)
    )
    candidates = [feed.feed_id for feed in listed if feed.feed_id not in known]
    if len(candidates) == 1:
        _settle(messages, state=OutboundState.SENT, feed_id=candidates[0])
    elif not candidates:  # Amazon did not take it: sent again by this pass
        _settle(messages, state=OutboundState.PENDING, feed_id="")
    elif messages[0].sent_at is not None and messages[0].sent_at < timezone.now() - LOST_FEED_PATIENCE:
        text = ngettext(
            "Amazon's answer to feed submission was lost and Amazon lists %(count)d %(type)s feed that "
            "could be it; this message's state is unknown and counts as failed.",
            "Amazon's answer to feed submission was lost and Amazon lists %(count)d %(type)s feeds that "
            "could be it; this message's state is unknown and counts as failed.",
            len(candidates),
        ) % {"count": len(candidates), "type": where["feed_type"]}
        for message in messages:
            mark_failed(message, text)


def _settle(messages: list[OutboundMessage], *, state: str, feed_id: str) -> None:
    for message in messages:
        message.payload = {key: value for key, value in message.payload.items() if key != LOST_FEED}
        message.state, message.feed_id = state, feed_id
        message.save(update_fields=["payload", "state", "feed_id"])


# --- reading results -------------------------------------------------------------------------------------


def feeds_in_flight(account: AmazonAccount) -> list[str]:
    """Ids of the account's order feeds (shipments, cancellations) awaiting Amazon's XML report."""
    return list(
        OutboundMessage.objects.filter(account=account, state=OutboundState.SENT, kind__in=ORDER_FEED_KINDS)
        .exclude(feed_id="")
        .order_by("feed_id")
        .values_list("feed_id", flat=True)
        .distinct()
    )


def check_feed_results(account: AmazonAccount, client: SpApiClient) -> list[FeedOutcome]:
    """Find feeds whose answer was lost; poll each feed in flight once; read the report of those Amazon
    finished and mark their messages."""
    resolve_lost_feeds(account, client)
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
            text = ngettext(
                "Amazon reported %(count)d failed message in feed %(feed)s without saying which; this "
                "shipment's state is unknown and counts as failed. Amazon's errors: %(detail)s",
                "Amazon reported %(count)d failed messages in feed %(feed)s without saying which; this "
                "shipment's state is unknown and counts as failed. Amazon's errors: %(detail)s",
                report.messages_with_error,
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
