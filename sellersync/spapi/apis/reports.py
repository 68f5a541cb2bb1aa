"""Reports API 2021-06-30: request reports, poll them, download their documents.

createReport is not idempotent: `create_report_once` asks getReports, after a lost answer, whether Amazon
took the request (a report of the same type, marketplaces and data period created since just before it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import BinaryIO

from sellersync.spapi.apis._base import ApiSection, Timestamp
from sellersync.spapi.errors import OutcomeUnknown
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.reports import CreateReportResponse, GetReportsResponse, Report, ReportDocument
from sellersync.spapi.transport import iso_utc

#: Amazon's clock is estimated from its latest answer: reports created this long before count as candidates.
CLOCK_MARGIN = timedelta(minutes=2)


class Reports20210630(ApiSection):
    """Reports API, version 2021-06-30 (unwrapped responses)."""

    def create_report(
        self,
        report_type: str,
        marketplace_ids: Sequence[str],
        *,
        data_start_time: Timestamp | None = None,
        data_end_time: Timestamp | None = None,
        report_options: Mapping[str, str] | None = None,
    ) -> CreateReportResponse:
        """createReport: ask Amazon to generate a report (202)."""
        body: dict[str, object] = {}
        if report_options:
            body["reportOptions"] = dict(report_options)
        body["reportType"] = report_type
        if data_start_time is not None:
            body["dataStartTime"] = iso_utc(data_start_time)
        if data_end_time is not None:
            body["dataEndTime"] = iso_utc(data_end_time)
        body["marketplaceIds"] = list(marketplace_ids)
        operation = "reports.createReport"
        return parse(CreateReportResponse, self._client.call_json(operation, body=body), operation=operation)

    def create_report_once(
        self,
        report_type: str,
        marketplace_ids: Sequence[str],
        *,
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
        report_options: Mapping[str, str] | None = None,
    ) -> CreateReportResponse:
        """createReport, not requested twice: after a lost answer, the same report created since just
        before the request (getReports) is ours; none found, it is requested once more."""
        amazon_now = self._client.amazon_now()  # unknown before any answer: Amazon's default (90 days)
        since = amazon_now - CLOCK_MARGIN if amazon_now is not None else None
        send = partial(
            self.create_report,
            report_type,
            marketplace_ids,
            data_start_time=data_start_time,
            data_end_time=data_end_time,
            report_options=report_options,
        )
        try:
            return send()
        except OutcomeUnknown:
            same = [
                report
                for report in self.iter_reports(
                    report_types=[report_type], marketplace_ids=marketplace_ids, created_since=since
                )
                if set(report.marketplace_ids) == set(marketplace_ids)
                # a period left open is filled in by Amazon: any value matches it
                and data_start_time in (None, report.data_start_time)
                and data_end_time in (None, report.data_end_time)
            ]
            if same:  # newest first
                return CreateReportResponse.model_validate({"reportId": same[0].report_id})
        return send()  # a second lost answer raises OutcomeUnknown

    def get_report(self, report_id: str) -> Report:
        """getReport: a report's processing status and document id."""
        operation = "reports.getReport"
        return parse(
            Report,
            self._client.call_json(operation, path_params={"reportId": report_id}),
            operation=operation,
        )

    def get_reports(
        self,
        *,
        report_types: Sequence[str] | None = None,
        processing_statuses: Sequence[str] | None = None,
        marketplace_ids: Sequence[str] | None = None,
        page_size: int | None = None,
        created_since: Timestamp | None = None,
        created_until: Timestamp | None = None,
        next_token: str | None = None,
    ) -> GetReportsResponse:
        """getReports: one page."""
        query = {
            "reportTypes": report_types,
            "processingStatuses": processing_statuses,
            "marketplaceIds": marketplace_ids,
            "pageSize": page_size,
            "createdSince": created_since,
            "createdUntil": created_until,
            "nextToken": next_token,
        }
        operation = "reports.getReports"
        return parse(GetReportsResponse, self._client.call_json(operation, query=query), operation=operation)

    def iter_reports(
        self,
        *,
        report_types: Sequence[str] | None = None,
        processing_statuses: Sequence[str] | None = None,
        marketplace_ids: Sequence[str] | None = None,
        page_size: int | None = None,
        created_since: Timestamp | None = None,
        created_until: Timestamp | None = None,
    ) -> Iterator[Report]:
        """Every report matching the filters; later pages are requested with ``nextToken`` alone, lazily."""
        page = self.get_reports(
            report_types=report_types,
            processing_statuses=processing_statuses,
            marketplace_ids=marketplace_ids,
            page_size=page_size,
            created_since=created_since,
            created_until=created_until,
        )
        while True:
            yield from page.reports
            if not page.next_token:
                return
            page = self.get_reports(next_token=page.next_token)

    def cancel_report(self, report_id: str) -> None:
        """cancelReport: cancel a report still IN_QUEUE."""
        self._client.call("reports.cancelReport", path_params={"reportId": report_id})

    def get_report_document(self, report_document_id: str) -> ReportDocument:
        """getReportDocument: URL (5 minutes) and compression of a report document."""
        operation = "reports.getReportDocument"
        data = self._client.call_json(operation, path_params={"reportDocumentId": report_document_id})
        return parse(ReportDocument, data, operation=operation)

    def download_report_document(self, document: ReportDocument) -> bytes:
        """The report's bytes, decompressed when ``compressionAlgorithm`` is GZIP."""
        return self._client.documents.get(document.url, document.compression_algorithm)

    def download_report_document_into(self, document: ReportDocument, sink: BinaryIO) -> int:
        """The report's bytes (decompressed when GZIP) written to `sink` as they arrive; how many."""
        return self._client.documents.get_into(document.url, document.compression_algorithm, sink)
