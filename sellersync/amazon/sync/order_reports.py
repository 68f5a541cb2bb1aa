"""Amazon's all-orders reports: request one for a period, wait for it, download it, read its rows.

Used by the backfill (one report per window of order dates) and offered to the gap audit (one report lists
every order updated in its window: `list_orders_by_report`). Amazon's report states: IN_QUEUE and
IN_PROGRESS (polled again), DONE (a document), CANCELLED (Amazon's "no data": an empty period), FATAL (no
document; `ReportFailed`). A document that is not the tab-separated file with Amazon's header is
`MalformedReport`: nothing of it is used.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sellersync.amazon.sync.audit_orders import ListedOrder, Listing
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import AuthError
from sellersync.spapi.models.reports import Report

BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
#: Amazon's time between two getReport calls for a report still being generated (getReport: 2/s, burst 15).
POLL_INTERVAL = timedelta(seconds=15)
#: A report not finished after this long (Amazon's time) stops the run; the next run polls it again.
MAX_WAIT = timedelta(hours=6)
#: Columns every all-orders flat file has; the others are read when present.
REQUIRED_COLUMNS = (
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "sku",
    "quantity",
)
#: Amazon lists an order a little after its change (getOrders' LastUpdatedBefore is 2 minutes before now).
LISTING_MARGIN = timedelta(minutes=2)
#: getReportDocument + download tries: a URL that expired before its download is asked for again.
DOWNLOAD_ATTEMPTS = 3
FINISHED = frozenset({"DONE", "CANCELLED", "FATAL"})
CHANNELS = {"Amazon": "AFN", "Merchant": "MFN"}
#: The report's order-status values that the Orders API spells otherwise.
STATUSES = {"Cancelled": "Canceled"}

Sleep = Callable[[float], None]


class ReportFailed(Exception):
    """Amazon could not generate the report (FATAL)."""


class ReportNotReady(Exception):
    """Amazon has not finished the report after MAX_WAIT: the run stops, the next one polls it again."""


class MalformedReport(Exception):
    """The document is not an all-orders flat file (header missing, ragged rows, not UTF-8)."""


@dataclass(frozen=True)
class FinishedReport:
    """A report Amazon finished, and its document in a temporary file (None when CANCELLED: nothing in the
    period). Read it with `lines()`, as often as needed; close it (or use `with`) to delete the file."""

    report: Report
    document: BinaryIO | None = None

    @property
    def empty(self) -> bool:
        """Whether there is no document (CANCELLED) or an empty one: no order, and nothing malformed."""
        return self.document is None or self.document.seek(0, os.SEEK_END) == 0

    def lines(self) -> Iterator[str]:
        """The document's lines of text, one at a time (none when CANCELLED)."""
        return document_lines(self.document) if self.document is not None else iter(())

    def close(self) -> None:
        if self.document is not None:
            self.document.close()

    def __enter__(self) -> FinishedReport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def request_report(
    client: SpApiClient, report_type: str, marketplace_ids: Sequence[str], start: datetime, end: datetime
) -> str:
    """createReport for the period, not requested twice after a lost answer; the report id."""
    response = client.reports.create_report_once(
        report_type, marketplace_ids, data_start_time=start, data_end_time=end
    )
    return response.report_id


def find_report(
    client: SpApiClient, report_type: str, marketplace_ids: Sequence[str], start: datetime, end: datetime
) -> str | None:
    """The id of a report Amazon holds for exactly this type, marketplaces and period (newest), if any."""
    for report in client.reports.iter_reports(report_types=[report_type], marketplace_ids=marketplace_ids):
        if (
            set(report.marketplace_ids) == set(marketplace_ids)
            and report.data_start_time == start
            and report.data_end_time == end
            and report.processing_status != "CANCELLED"
        ):
            return report.report_id
    return None


def amazon_sleep(client: SpApiClient) -> Sleep:
    """Sleep for seconds of Amazon's time (the local sandbox's clock runs `time_scale` times faster)."""
    return lambda seconds: time.sleep(seconds / client.time_scale)


def wait_for_report(
    client: SpApiClient, report_id: str, sleep: Sleep, *, max_wait: timedelta = MAX_WAIT
) -> Report:
    """Poll getReport until Amazon finished the report (DONE, CANCELLED or FATAL)."""
    waited = timedelta(0)
    while True:
        report = client.reports.get_report(report_id)
        if report.processing_status in FINISHED:
            return report
        if waited >= max_wait:
            raise ReportNotReady(f"report {report_id} still {report.processing_status} after {waited}")
        sleep(POLL_INTERVAL.total_seconds())
        waited += POLL_INTERVAL


def finished_report(client: SpApiClient, report_id: str, sleep: Sleep) -> FinishedReport:
    """The report once Amazon finished it, its document downloaded to a temporary file: FATAL raises
    ReportFailed."""
    report = wait_for_report(client, report_id, sleep)
    if report.processing_status == "CANCELLED":
        return FinishedReport(report)
    if report.processing_status != "DONE" or not report.report_document_id:
        raise ReportFailed(f"Amazon could not generate report {report_id} ({report.processing_status})")
    return FinishedReport(report, download(client, report.report_document_id))


def download(client: SpApiClient, report_document_id: str) -> BinaryIO:
    """The document in a temporary file, written as it arrives (gunzipped, under the client's size cap)."""
    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        document = client.reports.get_report_document(report_document_id)
        file = tempfile.TemporaryFile()
        try:
            client.reports.download_report_document_into(document, file)
        except AuthError:  # the pre-signed URL expired (5 minutes) before the download: a fresh one
            file.close()
            if attempt == DOWNLOAD_ATTEMPTS:
                raise
            continue
        except BaseException:
            file.close()
            raise
        return file
    raise AssertionError("unreachable")  # pragma: no cover


def document_lines(document: BinaryIO) -> Iterator[str]:
    """The document's lines of text from its start, one at a time (UTF-8, a byte-order mark dropped);
    MalformedReport at the first bytes that are not UTF-8."""
    document.seek(0)
    offset = 0
    for number, raw in enumerate(document):
        try:
            yield raw.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedReport(
                f"the report is not UTF-8 text ({exc.reason} at byte {offset + exc.start})"
            ) from exc
        offset += len(raw)


def read_rows(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """The rows of an all-orders flat file, by column name, one at a time; MalformedReport when it is not
    one (no line at all is a report with no row: Amazon's CANCELLED)."""
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return
    if not header:
        raise MalformedReport("the report has no header line")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise MalformedReport(f"the report's header lacks {', '.join(missing)}")
    for line, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != len(header):
            raise MalformedReport(f"line {line} has {len(values)} fields, the header {len(header)}")
        yield dict(zip(header, values, strict=True))


def order_ids(rows: Iterable[dict[str, str]]) -> list[str]:
    """The distinct order ids of the rows (one row per item), in report order."""
    return list(dict.fromkeys(row["amazon-order-id"] for row in rows if row["amazon-order-id"]))


def listed_orders(rows: Iterable[dict[str, str]]) -> list[ListedOrder]:
    """One `ListedOrder` per order of the rows: what the gap audit compares with the bindings."""
    listed: dict[str, ListedOrder] = {}
    for row in rows:
        order_id = row["amazon-order-id"]
        if not order_id or order_id in listed:
            continue
        listed[order_id] = ListedOrder(
            order_id,
            STATUSES.get(row["order-status"], row["order-status"]),
            _instant(row["last-updated-date"]),
            CHANNELS.get(row.get("fulfillment-channel", ""), row.get("fulfillment-channel", "")),
        )
    return list(listed.values())


def list_orders_by_report(
    client: SpApiClient,
    marketplace_ids: Sequence[str],
    since: datetime,
    until: datetime,
    *,
    sleep: Sleep | None = None,
) -> Listing:
    """The gap audit's listing from one _BY_LAST_UPDATE_ report instead of getOrders pages (statuses as the
    audit lists them: Pending orders are left out)."""
    report_id = request_report(client, BY_LAST_UPDATE, marketplace_ids, since, until)
    with finished_report(client, report_id, sleep or amazon_sleep(client)) as finished:
        listed = [order for order in listed_orders(read_rows(finished.lines())) if order.status != "Pending"]

    def pages() -> Iterator[list[ListedOrder]]:
        yield listed

    return Listing(pages=pages(), window_end=finished.report.data_end_time or until)


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
