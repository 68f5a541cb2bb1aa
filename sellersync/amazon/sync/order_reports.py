"""Amazon's all-orders reports: request one for a period, wait for it, download it, read its rows.

Used by the backfill (one report per window of order dates) and offered to the gap audit (one report lists
every order updated in its window: `list_orders_by_report`). Amazon's report states: IN_QUEUE and
IN_PROGRESS (polled again), DONE (a document), CANCELLED (Amazon's "no data": an empty period), FATAL (no
document; `ReportFailed`). A document that is not the tab-separated file with Amazon's header is
`MalformedReport`: nothing of it is used.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
    """A report Amazon finished: its document's text ("" when CANCELLED: nothing in the period)."""

    report: Report
    text: str


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
    """The text once Amazon finished the report: FATAL raises ReportFailed, text that is not UTF-8
    MalformedReport."""
    report = wait_for_report(client, report_id, sleep)
    if report.processing_status == "CANCELLED":
        return FinishedReport(report, "")
    if report.processing_status != "DONE" or not report.report_document_id:
        raise ReportFailed(f"Amazon could not generate report {report_id} ({report.processing_status})")
    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        document = client.reports.get_report_document(report.report_document_id)
        try:
            return FinishedReport(report, decode(client.reports.download_report_document(document)))
        except AuthError:  # the pre-signed URL expired (5 minutes) before the download: a fresh one
            if attempt == DOWNLOAD_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def decode(document: bytes) -> str:
    """The document's text (UTF-8, a byte-order mark dropped); MalformedReport when it is not."""
    try:
        return document.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MalformedReport(f"the report is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_rows(text: str) -> list[dict[str, str]]:
    """The rows of an all-orders flat file, by column name; MalformedReport when it is not one (empty text
    is a report with no row: Amazon's CANCELLED)."""
    if not text:
        return []
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if not header:
        raise MalformedReport("the report has no header line")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise MalformedReport(f"the report's header lacks {', '.join(missing)}")
    rows = []
    for line, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != len(header):
            raise MalformedReport(f"line {line} has {len(values)} fields, the header {len(header)}")
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def order_ids(rows: Sequence[dict[str, str]]) -> list[str]:
    """The distinct order ids of the rows (one row per item), in report order."""
    return list(dict.fromkeys(row["amazon-order-id"] for row in rows if row["amazon-order-id"]))


def listed_orders(rows: Sequence[dict[str, str]]) -> list[ListedOrder]:
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
    finished = finished_report(client, report_id, sleep or amazon_sleep(client))
    listed = [order for order in listed_orders(read_rows(finished.text)) if order.status != "Pending"]

    def pages() -> Iterator[list[ListedOrder]]:
        yield listed

    return Listing(pages=pages(), window_end=finished.report.data_end_time or until)


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
