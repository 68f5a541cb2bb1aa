"""Amazon's returns reports -> returned rows (pure): Amazon's columns read, a stable key per returned row,
unreadable rows kept with the reason instead of raising."""

from __future__ import annotations

from datetime import UTC, datetime

from sellersync.amazon.mappers.returns import BadReturnRow, ReturnRow, fba_return_rows, fbm_return_rows
from sellersync.sandbox.returns import FBA_COLUMNS, FBM_COLUMNS


def _tsv(columns: tuple[str, ...], *rows: dict[str, str]) -> str:
    lines = ["\t".join(columns)] + ["\t".join(row.get(column, "") for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


FBA_ROW = {
    "return-date": "2026-12-01T10:20:30+00:00",
    "order-id": "111-0000001-0000001",
    "sku": "MUG-1",
    "asin": "B000000001",
    "quantity": "2",
    "fulfillment-center-id": "PHX7",
    "detailed-disposition": "CUSTOMER_DAMAGED",
    "reason": "NOT_AS_DESCRIBED",
    "status": "Unit returned to inventory",
    "license-plate-number": "LPNAAA111",
}


def test_an_fba_row_is_read_with_its_disposition() -> None:
    [row] = fba_return_rows(_tsv(FBA_COLUMNS, FBA_ROW))
    assert isinstance(row, ReturnRow)
    assert (row.channel, row.amazon_order_id, row.sku, row.quantity) == (
        "AFN",
        "111-0000001-0000001",
        "MUG-1",
        2,
    )
    assert row.returned_at == datetime(2026, 12, 1, 10, 20, 30, tzinfo=UTC)
    assert (row.disposition, row.sellable, row.fulfillment_center) == ("CUSTOMER_DAMAGED", False, "PHX7")
    [sellable] = fba_return_rows(_tsv(FBA_COLUMNS, FBA_ROW | {"detailed-disposition": "SELLABLE"}))
    assert isinstance(sellable, ReturnRow) and sellable.sellable


def test_the_key_stays_when_amazon_reports_the_row_again_with_another_status() -> None:
    [first] = fba_return_rows(_tsv(FBA_COLUMNS, FBA_ROW))
    [later] = fba_return_rows(_tsv(FBA_COLUMNS, FBA_ROW | {"status": "Reimbursed"}))
    [other] = fba_return_rows(_tsv(FBA_COLUMNS, FBA_ROW | {"license-plate-number": "LPNBBB222"}))
    assert first.key == later.key != other.key


def test_unreadable_rows_are_kept_with_the_reason() -> None:
    rows = fba_return_rows(
        _tsv(
            FBA_COLUMNS,
            FBA_ROW | {"quantity": "two"},
            FBA_ROW | {"return-date": "yesterday"},
            FBA_ROW | {"order-id": ""},
        )
    )
    assert all(isinstance(row, BadReturnRow) for row in rows)
    assert [row.reason for row in rows if isinstance(row, BadReturnRow)] == [
        "the quantity 'two' is not a positive whole number",
        "the return date 'yesterday' is not an ISO 8601 date",
        "the row has no order-id",
    ]


def test_an_fbm_row_has_its_rma_carrier_and_tracking() -> None:
    text = _tsv(
        FBM_COLUMNS,
        {
            "Order ID": "112-0000002-0000002",
            "Return request date": "2026-12-02",
            "Return request status": "Approved",
            "Amazon RMA ID": "DRMA0001",
            "Return carrier": "UPS",
            "Tracking ID": "1ZBACK42",
            "Merchant SKU": "LAMP-1",
            "Return quantity": "1",
            "Return Reason": "CR-UNWANTED_ITEM",
        },
    )
    [row] = fbm_return_rows(text)
    assert isinstance(row, ReturnRow)
    assert (row.channel, row.amazon_order_id, row.sku, row.quantity) == (
        "MFN",
        "112-0000002-0000002",
        "LAMP-1",
        1,
    )
    assert (row.rma_id, row.carrier, row.tracking_id, row.status) == (
        "DRMA0001",
        "UPS",
        "1ZBACK42",
        "Approved",
    )
    assert row.returned_at == datetime(2026, 12, 2, tzinfo=UTC)
