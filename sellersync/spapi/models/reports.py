"""Reports API 2021-06-30 payloads."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sellersync.spapi.models.base import CamelModel


class CreateReportResponse(CamelModel):
    """The id of a report just requested."""

    report_id: str


class Report(CamelModel):
    """A report and its processing status (IN_QUEUE, IN_PROGRESS, DONE, FATAL, CANCELLED)."""

    report_id: str
    report_type: str
    marketplace_ids: list[str] = Field(default_factory=list)
    data_start_time: AwareDatetime | None = None
    data_end_time: AwareDatetime | None = None
    report_schedule_id: str | None = None
    created_time: AwareDatetime
    processing_status: str
    processing_start_time: AwareDatetime | None = None
    processing_end_time: AwareDatetime | None = None
    report_document_id: str | None = None


class GetReportsResponse(CamelModel):
    """One page of getReports."""

    reports: list[Report]
    next_token: str | None = None


class ReportDocument(CamelModel):
    """A report document: URL (5 minutes) and optional GZIP compression."""

    report_document_id: str
    url: str = Field(repr=False)
    compression_algorithm: str | None = None
