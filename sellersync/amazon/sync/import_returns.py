"""Import Amazon's customer returns into stock: FBA returns back into the Amazon location (sellable) or into
"Damaged at Amazon" (any other disposition), FBM returns as an incoming return on the warehouse, validated
when the parcel arrives (the transfer's Validate page).

Per account and report type, a cursor (`ReturnsReportCursor`) keeps the end of the data already read and the
report requested but not read yet: request (from the cursor minus `OVERLAP`, or `LOOKBACK` ago the first
time; the end left to Amazon) -> poll a short while (left pending for the next run when Amazon is slower)
-> download -> map (mappers/returns.py) -> apply each row in its own savepoint -> the cursor moves to the
report's end. A row is applied once: `AmazonReturn` is unique per (account, row key), so the same row in two
reports (the overlap) or two runs is one move. A row that cannot be applied (order not in the books, SKU
without offer, more units than delivered) is stored failed with its reason and tried again at every import,
from the row as stored when the report no longer brings it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.mappers.returns import (
    FBA_RETURNS_REPORT,
    FBM_RETURNS_REPORT,
    PARSERS,
    BadReturnRow,
    ReturnRow,
)
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonOffer,
    AmazonOrder,
    AmazonReturn,
    ReturnsReportCursor,
)
from sellersync.amazon.models.returns import ReturnState
from sellersync.amazon.sync.import_fba_inventory import amazon_location_of
from sellersync.core.errors import DomainError
from sellersync.sales.models import SalesOrder, SalesOrderLine
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import AuthError
from sellersync.stock import services as stock_services
from sellersync.stock.services import find_carrier

logger = logging.getLogger(__name__)
REPORT_TYPES = (FBA_RETURNS_REPORT, FBM_RETURNS_REPORT)
LOOKBACK = timedelta(days=60)
OVERLAP = timedelta(days=2)  # Amazon adds rows late: each report reads this much again (applied once)
POLL_EVERY = timedelta(seconds=30)
POLLS = 6
WAITING = ("IN_QUEUE", "IN_PROGRESS")
DOWNLOAD_ATTEMPTS = 4


class ReturnRefused(DomainError):
    """A returned row that cannot be applied as it is; the message is stored on the row."""


@dataclass
class ReturnsImport:
    """What one import did, over both reports."""

    restocked: int = 0
    damaged: int = 0
    to_receive: int = 0
    already_applied: int = 0
    failed: int = 0
    pending_reports: int = 0
    errors: list[str] = field(default_factory=list)


def import_returns(account: AmazonAccount, client: SpApiClient) -> ReturnsImport:
    """Read both returns reports of the account's synchronized marketplaces and apply their new rows."""
    result = ReturnsImport()
    marketplace_ids = sorted(
        account.marketplaces.filter(is_synchronized=True).values_list("marketplace_id", flat=True)
    )
    if not marketplace_ids:
        return result
    for report_type in REPORT_TYPES:
        cursor, _created = ReturnsReportCursor.objects.get_or_create(account=account, report_type=report_type)
        try:
            _read_report(account, client, cursor, marketplace_ids, result)
        except Exception as error:  # noqa: BLE001 - Amazon's refusal is kept on the cursor and said
            cursor.last_error = f"{type(error).__name__}: {error}"
            result.errors.append(f"{report_type}: {cursor.last_error}")
            logger.warning("returns report %s of account %s failed: %s", report_type, account.pk, error)
        else:
            cursor.last_error = ""
        cursor.last_run_at = timezone.now()
        cursor.save()
    retry_failed_returns(account, result)
    return result


def retry_failed_returns(account: AmazonAccount, result: ReturnsImport) -> None:
    """Apply again the failed rows the reports just read did not bring back (read before the overlap),
    from the row as stored: e.g. an order synchronized since."""
    reports = {FulfillmentChannel.FBA: FBA_RETURNS_REPORT, FulfillmentChannel.FBM: FBM_RETURNS_REPORT}
    failed = AmazonReturn.objects.filter(account=account, state=ReturnState.FAILED).order_by("pk")
    for stored in failed:
        raw = {str(key): str(value) for key, value in (stored.row or {}).items()}
        if not raw or stored.channel not in reports:
            continue
        text = "\t".join(raw) + "\n" + "\t".join(raw.values()) + "\n"
        for row in PARSERS[reports[FulfillmentChannel(stored.channel)]](text):
            if row.key == stored.row_key:
                apply_return_row(account, row, result)


def _read_report(
    account: AmazonAccount,
    client: SpApiClient,
    cursor: ReturnsReportCursor,
    marketplace_ids: list[str],
    result: ReturnsImport,
) -> None:
    if not cursor.pending_report_id:
        start = cursor.read_until - OVERLAP if cursor.read_until else timezone.now() - LOOKBACK
        created = client.reports.create_report_once(
            cursor.report_type, marketplace_ids, data_start_time=start
        )
        cursor.pending_report_id, cursor.pending_start, cursor.pending_end = created.report_id, start, None
        cursor.save()
    report = client.reports.get_report(cursor.pending_report_id)
    for _poll in range(POLLS):
        if report.processing_status not in WAITING:
            break
        time.sleep(POLL_EVERY.total_seconds() / client.time_scale)
        report = client.reports.get_report(cursor.pending_report_id)
    if report.processing_status in WAITING:
        result.pending_reports += 1  # read at the next run
        return
    if report.processing_status == "DONE" and report.report_document_id:
        text = _document_text(client, report.report_document_id)
        for row in PARSERS[cursor.report_type](text):
            apply_return_row(account, row, result)
    elif report.processing_status != "CANCELLED":  # CANCELLED: no data in the period
        cursor.pending_report_id = ""
        cursor.save()
        raise ReturnRefused(f"Amazon ended report {report.report_id} {report.processing_status}")
    cursor.read_until = report.data_end_time or report.created_time
    cursor.pending_report_id, cursor.pending_start, cursor.pending_end = "", None, None


def _document_text(client: SpApiClient, document_id: str) -> str:
    """The report's text; a pre-signed URL lives 5 minutes: refused (403), it is asked for afresh."""
    for _attempt in range(DOWNLOAD_ATTEMPTS - 1):
        try:
            document = client.reports.get_report_document(document_id)
            return client.reports.download_report_document(document).decode("utf-8-sig")
        except AuthError:
            continue
    document = client.reports.get_report_document(document_id)
    return client.reports.download_report_document(document).decode("utf-8-sig")


def apply_return_row(account: AmazonAccount, row: ReturnRow | BadReturnRow, result: ReturnsImport) -> None:
    """Apply one returned row once: new or failed before -> applied or failed (with the reason)."""
    with transaction.atomic():
        stored, created = AmazonReturn.objects.select_for_update().get_or_create(
            account=account,
            row_key=row.key,
            defaults=_fields(row) | {"state": ReturnState.FAILED},
        )
        if not created and stored.state != ReturnState.FAILED:
            result.already_applied += 1
            return
        for name, value in _fields(row).items():
            setattr(stored, name, value)
        try:
            with transaction.atomic():
                _apply(account, stored, row)
        except (ReturnRefused, DomainError) as error:
            stored.state, stored.error = ReturnState.FAILED, str(error)
            result.failed += 1
        else:
            stored.error = ""
            counters = {
                ReturnState.RESTOCKED: "restocked",
                ReturnState.DAMAGED: "damaged",
                ReturnState.TO_RECEIVE: "to_receive",
            }
            name = counters[ReturnState(stored.state)]
            setattr(result, name, getattr(result, name) + 1)
        stored.save()


def _fields(row: ReturnRow | BadReturnRow) -> dict[str, object]:
    values: dict[str, object] = {
        "channel": row.channel,
        "amazon_order_id": row.amazon_order_id[:40],
        "sku": row.sku[:200],
        "row": row.raw,
    }
    if isinstance(row, ReturnRow):
        values |= {
            "quantity": row.quantity,
            "returned_at": row.returned_at,
            "disposition": row.disposition[:40],
            "reason": row.reason[:100],
            "amazon_status": row.status[:100],
            "rma_id": row.rma_id[:64],
            "carrier_name": row.carrier[:64],
            "tracking_id": row.tracking_id[:128],
            "fulfillment_center": row.fulfillment_center[:16],
            "license_plate_number": row.license_plate_number[:64],
        }
    else:
        values["quantity"] = 0
    return values


def _apply(account: AmazonAccount, stored: AmazonReturn, row: ReturnRow | BadReturnRow) -> None:
    if isinstance(row, BadReturnRow):
        raise ReturnRefused(row.reason)
    order = _sales_order(account, row)
    line = _sales_line(account, order, row)
    stored.sales_order, stored.product = order, line.product
    origin = f"{order.name} return {row.rma_id or row.amazon_order_id}"
    if row.channel == FulfillmentChannel.FBA:
        amazon = amazon_location_of(account)
        destination = amazon if row.sellable else stock_services.get_or_create_damaged_location(amazon)
        stored.move = stock_services.record_customer_return(
            line, Decimal(row.quantity), destination, origin, date=row.returned_at
        )
        stored.state = ReturnState.RESTOCKED if row.sellable else ReturnState.DAMAGED
        return
    warehouse = stock_services.setup_company_stock(account.company)
    stored.picking = stock_services.create_return_receipt(
        order,
        [(line, Decimal(row.quantity))],
        warehouse.stock_location,
        origin,
        carrier=find_carrier(row.carrier) if row.carrier else None,
        tracking_reference=row.tracking_id,
    )
    stored.state = ReturnState.TO_RECEIVE


def _sales_order(account: AmazonAccount, row: ReturnRow) -> SalesOrder:
    binding = (
        AmazonOrder.objects.select_related("sales_order__company")
        .filter(account=account, amazon_id=row.amazon_order_id)
        .first()
    )
    if binding is None or binding.sales_order is None:
        raise ReturnRefused(f"order {row.amazon_order_id} is not in the books yet (it is synchronized first)")
    if binding.fulfillment_channel and binding.fulfillment_channel != row.channel:
        raise ReturnRefused(
            f"order {row.amazon_order_id} is {binding.fulfillment_channel}, "
            f"the returns report says {row.channel}"
        )
    return binding.sales_order


def _sales_line(account: AmazonAccount, order: SalesOrder, row: ReturnRow) -> SalesOrderLine:
    offer = AmazonOffer.objects.filter(account=account, sku=row.sku).select_related("product").first()
    if offer is None:
        raise ReturnRefused(f"SKU {row.sku} has no offer on this account")
    lines = [line for line in order.lines.select_related("product") if line.product_id == offer.product_id]
    if not lines:
        raise ReturnRefused(f"{order.name} has no line of {offer.product} (SKU {row.sku})")
    line = lines[0]
    already = stock_services.returned_quantities(order).get(line.pk, Decimal(0))
    if already + row.quantity > line.quantity_delivered:
        raise ReturnRefused(
            f"{order.name}: {row.quantity} returned of SKU {row.sku}, but "
            f"{line.quantity_delivered.normalize()} delivered and {already.normalize()} returned already"
        )
    return line
