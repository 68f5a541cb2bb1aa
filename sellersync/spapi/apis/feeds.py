"""Feeds API 2021-06-30: documents, feeds, and the three-step submit."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from sellersync.spapi.apis._base import ApiSection, Timestamp
from sellersync.spapi.apis.documents import get_document, put_document
from sellersync.spapi.errors import AuthError
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.feeds import (
    CreateFeedDocumentResponse,
    CreateFeedResponse,
    Feed,
    FeedDocument,
    GetFeedsResponse,
)

T = TypeVar("T")


class Feeds20210630(ApiSection):
    """Feeds API, version 2021-06-30 (unwrapped responses)."""

    def create_feed_document(self, content_type: str) -> CreateFeedDocumentResponse:
        """createFeedDocument: an id and a pre-signed URL to upload the feed content to."""
        operation = "feeds.createFeedDocument"
        data = self._client.call_json(operation, body={"contentType": content_type})
        return parse(CreateFeedDocumentResponse, data, operation=operation)

    def upload_feed_document(self, url: str, content: bytes, content_type: str) -> None:
        """PUT the feed content to the pre-signed URL (plain HTTP, no LWA token)."""
        put_document(self._client.documents_http, url, content, content_type)

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
        """createFeedDocument, upload (with a new document if its URL expired), createFeed in one call."""
        document = _again_if_url_expired(lambda: self._uploaded_document(content, content_type))
        return self.create_feed(feed_type, marketplace_ids, document.feed_document_id, feed_options)

    def _uploaded_document(self, content: bytes, content_type: str) -> CreateFeedDocumentResponse:
        document = self.create_feed_document(content_type)
        self.upload_feed_document(document.url, content, content_type)
        return document

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
        return get_document(self._client.documents_http, document.url, document.compression_algorithm)


def _again_if_url_expired(transfer: Callable[[], T]) -> T:
    """Pre-signed URLs live 5 minutes: when Amazon refuses one (403), the transfer runs once more, afresh."""
    try:
        return transfer()
    except AuthError:
        return transfer()
