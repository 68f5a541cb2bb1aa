"""Feeds API 2021-06-30: documents, feeds, and the three-step submit.

createFeed is not idempotent: a feed sent twice is processed twice (two shipments, two cancellations). When
its answer is lost (`OutcomeUnknown`), `create_feed_once` asks getFeeds whether Amazon took it before sending
it again: the feeds of the same type and marketplaces created since the document (Amazon's time of the
createFeedDocument answer, from its `Date` header) are the candidates, since our feed follows our document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from sellersync.spapi.apis._base import ApiSection, Timestamp
from sellersync.spapi.errors import AuthError, FeedOutcomeUnknown, OutcomeUnknown, SpApiError
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.feeds import (
    CreateFeedDocumentResponse,
    CreateFeedResponse,
    Feed,
    FeedDocument,
    GetFeedsResponse,
)
from sellersync.spapi.transport import amazon_time, decode_json

T = TypeVar("T")

#: How many times createFeed is sent again after Amazon was asked and had not taken it.
RESENDS_AFTER_LOST_ANSWER = 2
#: Without Amazon's Date header, the feeds created this long before our local "now" are candidates.
CLOCK_MARGIN = timedelta(minutes=5)


class Feeds20210630(ApiSection):
    """Feeds API, version 2021-06-30 (unwrapped responses)."""

    def create_feed_document(self, content_type: str) -> CreateFeedDocumentResponse:
        """createFeedDocument: an id and a pre-signed URL to upload the feed content to."""
        return self._new_document(content_type)[0]

    def _new_document(self, content_type: str) -> tuple[CreateFeedDocumentResponse, datetime]:
        """createFeedDocument, and Amazon's time of its answer (else ours, minus a margin)."""
        operation = "feeds.createFeedDocument"
        response = self._client.call(operation, body={"contentType": content_type})
        document = parse(CreateFeedDocumentResponse, decode_json(response, operation), operation=operation)
        return document, amazon_time(response) or datetime.now(UTC) - CLOCK_MARGIN

    def upload_feed_document(self, url: str, content: bytes, content_type: str) -> None:
        """PUT the feed content to the pre-signed URL (plain HTTP, no LWA token)."""
        self._client.documents.put(url, content, content_type)

    def create_feed(
        self,
        feed_type: str,
        marketplace_ids: Sequence[str],
        input_feed_document_id: str,
        feed_options: Mapping[str, str] | None = None,
    ) -> CreateFeedResponse:
        """createFeed: submit an uploaded document for processing (202)."""
        body: dict[str, object] = {
            "feedType": feed_type,
            "marketplaceIds": list(marketplace_ids),
            "inputFeedDocumentId": input_feed_document_id,
        }
        if feed_options:
            body["feedOptions"] = dict(feed_options)
        operation = "feeds.createFeed"
        return parse(CreateFeedResponse, self._client.call_json(operation, body=body), operation=operation)

    def submit_feed(
        self,
        feed_type: str,
        marketplace_ids: Sequence[str],
        content: bytes,
        content_type: str,
        feed_options: Mapping[str, str] | None = None,
    ) -> CreateFeedResponse:
        """createFeedDocument, upload (with a new document if its URL expired), createFeed once."""
        document, created = _again_if_url_expired(lambda: self._uploaded_document(content, content_type))
        return self.create_feed_once(
            feed_type, marketplace_ids, document.feed_document_id, feed_options, created_since=created
        )

    def _uploaded_document(
        self, content: bytes, content_type: str
    ) -> tuple[CreateFeedDocumentResponse, datetime]:
        document, created = self._new_document(content_type)
        self.upload_feed_document(document.url, content, content_type)
        return document, created

    def create_feed_once(
        self,
        feed_type: str,
        marketplace_ids: Sequence[str],
        input_feed_document_id: str,
        feed_options: Mapping[str, str] | None = None,
        *,
        created_since: datetime,
    ) -> CreateFeedResponse:
        """createFeed, never taken twice: after a lost answer, Amazon is asked (getFeeds) before a resend.

        One feed of this type and marketplaces created since `created_since` (Amazon's time, before our
        createFeed) is ours: its id is returned. None: Amazon did not take it, createFeed is sent again
        (up to `RESENDS_AFTER_LOST_ANSWER` times). Several, or getFeeds failing, or every answer lost:
        `FeedOutcomeUnknown` (with where to look later) is raised and nothing is resent.
        """
        for _ in range(RESENDS_AFTER_LOST_ANSWER + 1):
            try:
                return self.create_feed(feed_type, marketplace_ids, input_feed_document_id, feed_options)
            except OutcomeUnknown as lost:
                unknown = partial(_feed_unknown, feed_type, marketplace_ids, created_since)
                try:
                    taken = self.feeds_created_since(feed_type, marketplace_ids, created_since)
                except SpApiError as unreachable:
                    raise unknown(f"getFeeds failed ({type(unreachable).__name__})") from unreachable
                if len(taken) == 1:
                    return CreateFeedResponse.model_validate({"feedId": taken[0].feed_id})
                if taken:
                    raise unknown(f"getFeeds lists {len(taken)} candidates") from lost
                error = lost
        raise partial(_feed_unknown, feed_type, marketplace_ids, created_since)(
            f"{RESENDS_AFTER_LOST_ANSWER + 1} answers lost in a row"
        ) from error

    def feeds_created_since(
        self, feed_type: str, marketplace_ids: Sequence[str], created_since: datetime
    ) -> list[Feed]:
        """Every feed of this type in these marketplaces created since `created_since` (Amazon's clock)."""
        page = self.get_feeds(
            feed_types=[feed_type],
            marketplace_ids=marketplace_ids,
            created_since=created_since,
            page_size=100,
        )
        feeds = list(page.feeds)
        while page.next_token:
            page = self.get_feeds(next_token=page.next_token)
            feeds += page.feeds
        return [feed for feed in feeds if set(feed.marketplace_ids) == set(marketplace_ids)]

    def get_feed(self, feed_id: str) -> Feed:
        """getFeed: a feed's processing status and result document id."""
        operation = "feeds.getFeed"
        data = self._client.call_json(operation, path_params={"feedId": feed_id})
        return parse(Feed, data, operation=operation)

    def get_feeds(
        self,
        *,
        feed_types: Sequence[str] | None = None,
        marketplace_ids: Sequence[str] | None = None,
        page_size: int | None = None,
        processing_statuses: Sequence[str] | None = None,
        created_since: Timestamp | None = None,
        created_until: Timestamp | None = None,
        next_token: str | None = None,
    ) -> GetFeedsResponse:
        """getFeeds: one page (with ``next_token``, Amazon wants no other parameter)."""
        query = {
            "feedTypes": feed_types,
            "marketplaceIds": marketplace_ids,
            "pageSize": page_size,
            "processingStatuses": processing_statuses,
            "createdSince": created_since,
            "createdUntil": created_until,
            "nextToken": next_token,
        }
        operation = "feeds.getFeeds"
        return parse(GetFeedsResponse, self._client.call_json(operation, query=query), operation=operation)

    def cancel_feed(self, feed_id: str) -> None:
        """cancelFeed: cancel a feed still IN_QUEUE."""
        self._client.call("feeds.cancelFeed", path_params={"feedId": feed_id})

    def get_feed_document(self, feed_document_id: str) -> FeedDocument:
        """getFeedDocument: URL and compression of a feed document (e.g. a processing report)."""
        operation = "feeds.getFeedDocument"
        data = self._client.call_json(operation, path_params={"feedDocumentId": feed_document_id})
        return parse(FeedDocument, data, operation=operation)

    def feed_document_content(self, feed_document_id: str) -> bytes:
        """getFeedDocument, then its bytes (with a new URL if the first one expired)."""
        return _again_if_url_expired(lambda: self.download_document(self.get_feed_document(feed_document_id)))

    def download_document(self, document: FeedDocument) -> bytes:
        """The document's bytes, decompressed when ``compressionAlgorithm`` is GZIP."""
        return self._client.documents.get(document.url, document.compression_algorithm)


def _feed_unknown(
    feed_type: str, marketplace_ids: Sequence[str], created_since: datetime, why: str
) -> FeedOutcomeUnknown:
    return FeedOutcomeUnknown(
        f"feeds.createFeed: its answer was lost and Amazon could not tell whether it took the "
        f"{feed_type} feed ({why}); not sent again",
        feed_type=feed_type,
        marketplace_ids=tuple(marketplace_ids),
        created_since=created_since,
    )


def _again_if_url_expired(transfer: Callable[[], T]) -> T:
    """Pre-signed URLs live 5 minutes: when Amazon refuses one (403), the transfer runs once more, afresh."""
    try:
        return transfer()
    except AuthError:
        return transfer()
