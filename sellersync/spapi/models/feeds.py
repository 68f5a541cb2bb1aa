"""Feeds API 2021-06-30 payloads."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sellersync.spapi.models.base import CamelModel


class CreateFeedDocumentResponse(CamelModel):
    """Where to upload a feed's content (pre-signed URL, valid 5 minutes)."""

    feed_document_id: str
    url: str = Field(repr=False)


class CreateFeedResponse(CamelModel):
    """The id of a feed just submitted."""

    feed_id: str


class Feed(CamelModel):
    """A feed and its processing status (IN_QUEUE, IN_PROGRESS, DONE, FATAL, CANCELLED)."""

    feed_id: str
    feed_type: str
    marketplace_ids: list[str] = Field(default_factory=list)
    created_time: AwareDatetime
    processing_status: str
    processing_start_time: AwareDatetime | None = None
    processing_end_time: AwareDatetime | None = None
    result_feed_document_id: str | None = None


class GetFeedsResponse(CamelModel):
    """One page of getFeeds."""

    feeds: list[Feed]
    next_token: str | None = None


class FeedDocument(CamelModel):
    """A feed document (input or processing report): URL and optional GZIP compression."""

    feed_document_id: str
    url: str = Field(repr=False)
    compression_algorithm: str | None = None
