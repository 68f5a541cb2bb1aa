"""Amazon's all-orders flat file report -> OrderData: hand-checked orders, bad rows, streaming, apply."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from sellersync.amazon.mappers import order_report
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.types import ANONYMOUS_CUSTOMER_NAME, LineKind, OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonOrderEvent, SyncRun
from sellersync.amazon.sync.export_shipments import order_item_ids_by_line
from sellersync.amazon.sync.import_orders import apply_entries
from sellersync.amazon.sync.sources import (
    REPORT_API_VERSION,
    MappingFailure,
    SourceEntry,
    entries_from_order_report,
    entry_from_2026,
    needs_order_item_ids,
)
from sellersync.core.models import Company
from sellersync.sales.models import SalesOrder
from sellersync.sandbox import render_2026
from sellersync.sandbox.generators import OrderGenerator, OrderOptions, generate_sellers
from sellersync.sandbox.records import Order
from sellersync.sandbox.routes import reports
from sellersync.stock.services import setup_company_stock

HEADER = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\t"
    "sales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\t"
    "currency\titem-price\titem-tax\tshipping-price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\t"
    "item-promotion-discount\tship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\t"
    "promotion-ids\tis-business-order\tpurchase-order-number\tprice-designation"
).split("\t")
DE_ORDER = "028-1111111-1111111"
US_ORDER = "111-2222222-2222222"


def row(**values: str) -> str:
    """A report line: Amazon's columns, the given ones set (underscores for dashes), the others blank."""
    given = {key.replace("_", "-"): value for key, value in values.items()}
    return "\t".join(given.get(column, "") for column in HEADER)


def de_rows(order_id: str = DE_ORDER, updated: str = "2026-03-02T10:00:00+00:00") -> list[str]:
    common = {
        "amazon_order_id": order_id,
        "purchase_date": "2026-03-01T09:30:00+00:00",
        "last_updated_date": updated,
        "order_status": "Shipped",
        "fulfillment_channel": "Amazon",
        "sales_channel": "Amazon.de",
        "currency": "EUR",
        "ship_city": "Berlin",
        "ship_state": "BE",
        "ship_postal_code": "10115",
        "ship_country": "DE",
        "is_business_order": "true",
        "purchase_order_number": "PO-77",
    }
    return [
        row(
            **common,
            product_name="Garden Book",
            sku="BOOK-1",
            asin="B000BOOK01",
            item_status="Shipped",
            quantity="2",
            item_price="59.98",
            item_tax="9.58",
            shipping_price="4.99",
            shipping_tax="0.80",
            item_promotion_discount="-6.00",
            promotion_ids="PROMO-1",
        ),
        row(
            **common,
            product_name="Desk Lamp",
            sku="LAMP-2",
            asin="B000LAMP02",
            item_status="Shipped",
            quantity="1",
            item_price="25.00",
            item_tax="3.99",
            gift_wrap_price="3.99",
            gift_wrap_tax="0.64",
        ),
    ]


def us_rows(order_id: str = US_ORDER, status: str = "Unshipped") -> list[str]:
    return [
        row(
            amazon_order_id=order_id,
            purchase_date="2026-03-01T15:00:00Z",
            last_updated_date="2026-03-01T15:20:00Z",
            order_status=status,
            fulfillment_channel="Merchant",
            sales_channel="Amazon.com",
            product_name="Smart Headlamp",
            sku="HEAD-9",
            asin="B000HEAD09",
            item_status=status,
            quantity="1",
            currency="USD",
            item_price="20.00",
            item_tax="1.65",
            shipping_price="4.99",
            shipping_tax="0.41",
            item_promotion_discount="-2.00",
            ship_city="Austin",
            ship_state="TX",
            ship_postal_code="73301",
            ship_country="US",
            is_business_order="false",
        )
    ]


def mapped(lines: list[str]) -> OrderData:
    (order,) = list(order_report.iter_order_rows(["\t".join(HEADER), *lines]))
    assert order.problem == ""
    return order_report.map_order(order.rows)


def test_a_vat_inclusive_order_with_promotion_and_gift_wrap_maps_to_hand_checked_lines() -> None:
    # given: DE (19 % VAT included) 2 x 29.99 book with 4.99 shipping and a 6.00 promotion, a 25.00 lamp
    # with 3.99 gift wrap
    lines = de_rows()

    # when
    data = mapped(lines)

    # then: the promotion's tax is 6.00 x 19/119 = 0.957.. -> 0.96; the total is what the buyer paid
    summary = [
        (line.kind, line.description, line.quantity, line.unit_price, line.tax_amount) for line in data.lines
    ]
    assert summary == [
        (LineKind.PRODUCT, "Garden Book", 2, Decimal("29.99"), Decimal("9.58")),
        (LineKind.PRODUCT, "Desk Lamp", 1, Decimal("25.00"), Decimal("3.99")),
        (LineKind.SHIPPING, "Shipping (BOOK-1)", 1, Decimal("4.99"), Decimal("0.80")),
        (LineKind.GIFT_WRAP, "Gift wrap (LAMP-2)", 1, Decimal("3.99"), Decimal("0.64")),
        (LineKind.PROMOTION, "Promotion PROMO-1 (BOOK-1)", 1, Decimal("-6.00"), Decimal("-0.96")),
    ]
    assert [line.total for line in data.lines] == [
        Decimal(v) for v in ("59.98", "25.00", "4.99", "3.99", "-6.00")
    ]
    assert all(line.price_includes_tax and not line.tax_collected_by_marketplace for line in data.lines)
    assert data.order_total == Decimal("87.96")
    assert [line.quantity_shipped for line in data.lines[:2]] == [2, 1]
    assert (data.amazon_order_id, data.marketplace_id, data.fulfillment_channel, data.status) == (
        DE_ORDER,
        "A1PA6795UKMFR9",
        "AFN",
        "Shipped",
    )
    assert (data.currency, data.sales_channel, data.is_business_order) == ("EUR", "Amazon.de", True)
    assert data.purchase_date == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert data.last_update == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert data.extra == {"purchase_order_number": "PO-77"}
    customer = data.customer
    assert (customer.name, customer.is_anonymous, customer.is_business) == (
        ANONYMOUS_CUSTOMER_NAME,
        True,
        True,
    )
    address = customer.address
    assert (address.street, address.city, address.state, address.postal_code, address.country_code) == (
        "",
        "Berlin",
        "BE",
        "10115",
        "DE",
    )


def test_a_us_order_adds_its_sales_tax_collected_by_amazon() -> None:
    # given: US, 20.00 item with 1.65 tax, 4.99 shipping with 0.41 tax, a 2.00 promotion (no fixed US rate:
    # its tax is at the item's own ratio, 2.00 x 1.65 / 20.00 = 0.165 -> 0.17)
    lines = us_rows()

    # when
    data = mapped(lines)

    # then
    assert [(line.kind, line.unit_price, line.tax_amount, line.total) for line in data.lines] == [
        (LineKind.PRODUCT, Decimal("20.00"), Decimal("1.65"), Decimal("21.65")),
        (LineKind.SHIPPING, Decimal("4.99"), Decimal("0.41"), Decimal("5.40")),
        (LineKind.PROMOTION, Decimal("-2.00"), Decimal("-0.17"), Decimal("-2.17")),
    ]
    assert data.order_total == Decimal("24.88")
    assert all(not line.price_includes_tax and line.tax_collected_by_marketplace for line in data.lines)
    assert (data.marketplace_id, data.fulfillment_channel, data.status) == (
        "ATVPDKIKX0DER",
        "MFN",
        "Unshipped",
    )
    assert data.lines[0].quantity_shipped == 0


def test_report_spellings_map_to_the_orders_api_words() -> None:
    # given: "Cancelled" as the report spells it, a positive discount, "quantity-purchased" (some pages)
    text = "\n".join(["\t".join(HEADER), *us_rows(status="Cancelled")]).replace("-2.00", "2.00")
    text = text.replace("\tquantity\t", "\tquantity-purchased\t", 1)

    # when
    (order,) = list(order_report.iter_order_rows(text.splitlines()))
    data = order_report.map_order(order.rows)

    # then
    assert data.status == "Canceled"
    assert data.lines[-1].unit_price == Decimal("-2.00")
    assert data.lines[0].quantity == 1


def test_columns_are_found_by_name_in_any_order() -> None:
    # given: the DE order with its columns in reverse order (the order id last)
    def reverse(line: str) -> str:
        return "\t".join(reversed(line.split("\t")))

    lines = [reverse("\t".join(HEADER)), *(reverse(line) for line in de_rows())]

    # when
    (order,) = list(order_report.iter_order_rows(lines))

    # then
    assert order_report.map_order(order.rows) == mapped(de_rows())


@pytest.mark.parametrize(
    ("_case", "column", "value", "field", "message"),
    [
        ("amount", "item-tax", "1,65", "row 1.item-tax", "'1,65' is not an amount"),
        ("quantity", "quantity", "one", "row 1.quantity", "'one' is not a quantity"),
        (
            "channel",
            "sales-channel",
            "Non-Amazon",
            "sales-channel",
            "'Non-Amazon' is not an Amazon marketplace",
        ),
        ("status", "order-status", "Complete-ish", "order-status", "unknown status 'Complete-ish'"),
        ("fulfilment", "fulfillment-channel", "Drone", "fulfillment-channel", "unknown channel 'Drone'"),
        ("date", "purchase-date", "03/01/2026", "purchase-date", "'03/01/2026' is not an ISO 8601 date-time"),
        ("naive date", "last-updated-date", "2026-03-01T15:20:00", "last-updated-date", "has no time zone"),
        ("business", "is-business-order", "maybe", "is-business-order", "'maybe' is neither true nor false"),
    ],
)
def test_a_bad_value_fails_the_order_naming_the_column(
    _case: str, column: str, value: str, field: str, message: str
) -> None:
    # given
    fields = us_rows()[0].split("\t")
    fields[HEADER.index(column)] = value

    # when
    with pytest.raises(MappingError) as raised:
        mapped(["\t".join(fields)])

    # then
    assert (raised.value.amazon_order_id, raised.value.field) == (US_ORDER, field)
    assert message in raised.value.message


def test_rows_of_one_order_that_disagree_on_an_order_column_fail_it() -> None:
    # given
    first, second = de_rows()
    second = second.replace("\tEUR\t", "\tGBP\t")

    # when
    with pytest.raises(MappingError) as raised:
        mapped([first, second])

    # then
    assert raised.value.field == "currency"
    assert raised.value.message == "rows of the order disagree: EUR, GBP"


@pytest.mark.parametrize(
    ("_case", "text", "message"),
    [
        ("empty", "", "the report is empty: no header line"),
        (
            "other report",
            "sku\tasin\tprice\nA\tB\t1.00\n",
            "not an all-orders report: it lacks amazon-order-id",
        ),
        ("row without order id", "\t".join(HEADER) + "\n\t2026-03-01\n", "row 2 has no amazon-order-id"),
    ],
)
def test_a_document_that_is_no_order_report_is_refused_before_any_order(
    _case: str, text: str, message: str
) -> None:
    with pytest.raises(order_report.ReportFormatError) as raised:
        list(entries_from_order_report(text.splitlines()))
    assert str(raised.value).startswith(message)


def test_orders_are_grouped_by_consecutive_rows_and_streamed() -> None:
    # given: DE (2 rows), US (1 row), a truncated row, DE's id again further down; read lazily
    truncated = "\t".join(us_rows("111-3333333-3333333")[0].split("\t")[:10])
    lines = ["\t".join(HEADER), *de_rows(), *us_rows(), truncated, *de_rows()[:1]]
    consumed: list[int] = []

    def reading() -> Iterator[str]:
        for number, line in enumerate(lines, start=1):
            consumed.append(number)
            yield line + "\r\n"

    # when
    entries = entries_from_order_report(reading())
    first = next(entries)
    consumed_at_first = len(consumed)
    rest = list(entries)

    # then: the first order came out once its rows ended (header + 2 rows + 1 look-ahead), not at the end
    assert consumed_at_first == 4
    assert [entry.amazon_order_id for entry in [first, *rest]] == [
        DE_ORDER,
        US_ORDER,
        "111-3333333-3333333",
        DE_ORDER,
    ]
    assert isinstance(first.result, OrderData) and len(first.result.lines) == 5
    assert isinstance(rest[0].result, OrderData) and rest[0].result.order_total == Decimal("24.88")
    assert rest[1].result == MappingFailure(
        "111-3333333-3333333", "111-3333333-3333333: row 5: 10 fields where the header has 32"
    )
    assert rest[2].result == MappingFailure(
        DE_ORDER, f"{DE_ORDER}: row 6: the order's rows are not together in the report (seen before)"
    )
    assert {entry.api_version for entry in [first, *rest]} == {REPORT_API_VERSION}
    assert first.raw_payload["report_rows"][1]["sku"] == "LAMP-2"


def test_a_bad_order_of_a_report_fails_alone() -> None:
    # given
    bad = us_rows()[0].replace("Amazon.com", "Non-Amazon")
    lines = ["\t".join(HEADER), bad, *de_rows()]

    # when
    entries = list(entries_from_order_report(lines))

    # then
    assert entries[0].result == MappingFailure(
        US_ORDER, f"{US_ORDER}: sales-channel: 'Non-Amazon' is not an Amazon marketplace"
    )
    assert isinstance(entries[1].result, OrderData)


# --- the sandbox's own reports ---------------------------------------------------------------------------


def report_lines(records: list[Order], now: datetime) -> list[str]:
    """The sandbox's all-orders report rows of these orders, as its report generator writes them."""
    return reports.tsv_lines(reports.BY_ORDER_DATE, records, now)


def api_entries_at(records: list[Order], now: datetime) -> list[SourceEntry]:
    """The orders as searchOrders serves them at `now`, without PII."""
    return [
        entry_from_2026(render_2026.order(record, now, render_2026.INCLUDED_DATA, set()), pii=False)
        for record in records
    ]


def _sandbox_entries(count: int, now_offset: timedelta) -> tuple[list[Order], datetime]:
    seller = next(s for s in generate_sellers(seed=11) if "A1PA6795UKMFR9" in s.marketplace_ids)
    generator = OrderGenerator(seller, random.Random(11))
    start = datetime(2026, 6, 1, tzinfo=UTC)
    return [generator.order(start + timedelta(minutes=n)) for n in range(count)], start + now_offset


@pytest.mark.django_db
def test_report_orders_apply_like_api_orders_and_never_downgrade_a_newer_version(company: Company) -> None:
    # given: orders booked through the Orders API, as seen 3 days after purchase
    setup_company_stock(company)
    account = AmazonAccount.objects.create(name="Report", company=company, seller_id="REPORT")
    records, later = _sandbox_entries(30, timedelta(days=3))
    apply_entries(account, SyncRun.objects.create(account=account), api_entries_at(records, later))
    booked = SalesOrder.objects.filter(company=company).count()
    events = AmazonOrderEvent.objects.count()
    bindings = set(AmazonOrder.objects.values_list("amazon_id", "amazon_status", "amazon_updated_at"))

    # when: the same orders read from a report at the same moment, then from a report of an older moment
    same = SyncRun.objects.create(account=account)
    apply_entries(account, same, entries_from_order_report(report_lines(records, later)))
    older = SyncRun.objects.create(account=account)
    older_entries = list(entries_from_order_report(report_lines(records, later - timedelta(days=2))))
    apply_entries(account, older, older_entries)

    # then: nothing changed, nothing created, nothing failed
    assert booked > 0
    for run in (same, older):
        assert (run.orders_created, run.orders_updated, run.orders_failed) == (0, 0, 0)
        assert run.orders_unchanged == len(records)
    assert SalesOrder.objects.filter(company=company).count() == booked
    assert AmazonOrderEvent.objects.count() == events
    assert set(AmazonOrder.objects.values_list("amazon_id", "amazon_status", "amazon_updated_at")) == bindings


@pytest.mark.django_db
def test_a_report_books_new_orders_and_a_later_api_version_updates_them(company: Company) -> None:
    # given
    setup_company_stock(company)
    account = AmazonAccount.objects.create(name="Report", company=company, seller_id="REPORT")
    records, later = _sandbox_entries(20, timedelta(days=3))
    run = SyncRun.objects.create(account=account)

    # when: booked from the report, then the Orders API serves the same versions
    apply_entries(account, run, entries_from_order_report(report_lines(records, later)))
    api_run = SyncRun.objects.create(account=account)
    apply_entries(account, api_run, api_entries_at(records, later))

    # then
    refs = list(SalesOrder.objects.filter(company=company).values_list("client_order_ref", flat=True))
    assert run.orders_created == len(refs) > 0 and run.orders_failed == 0
    assert (api_run.orders_created, api_run.orders_updated, api_run.orders_failed) == (0, 0, 0)
    assert len(refs) == len(set(refs))
    versions = set(AmazonOrderEvent.objects.values_list("api_version", flat=True))
    assert versions == {REPORT_API_VERSION}


@pytest.mark.django_db
def test_a_report_booked_fbm_order_takes_its_item_ids_from_its_first_api_version(company: Company) -> None:
    # given: unshipped FBM orders booked from a report (which has no order item ids)
    setup_company_stock(company)
    account = AmazonAccount.objects.create(name="Report", company=company, seller_id="REPORT")
    seller = next(s for s in generate_sellers(seed=11) if "A1PA6795UKMFR9" in s.marketplace_ids)
    generator = OrderGenerator(seller, random.Random(3))
    options = OrderOptions(marketplace_id="A1PA6795UKMFR9", fulfillment_channel="MFN", status="Unshipped")
    start = datetime(2026, 6, 1, tzinfo=UTC)
    records = [generator.order(start + timedelta(minutes=n), options) for n in range(3)]
    later = start + timedelta(days=1)
    report_entries = list(entries_from_order_report(report_lines(records, later)))
    apply_entries(account, SyncRun.objects.create(account=account), report_entries)
    bindings = {b.amazon_id: b for b in AmazonOrder.objects.filter(account=account)}
    before = {order_id: order_item_ids_by_line(binding) for order_id, binding in bindings.items()}

    # when: the Orders API serves a newer version of each
    newer = []
    for entry in api_entries_at(records, later):
        assert isinstance(entry.result, OrderData)
        version = replace(entry.result, last_update=entry.result.last_update + timedelta(minutes=1))
        newer.append(replace(entry, result=version))
    run = SyncRun.objects.create(account=account)
    apply_entries(account, run, newer)

    # then: the report's orders were still to ship, without item ids; the API version brought them
    assert all(
        needs_order_item_ids(entry.result) for entry in report_entries if isinstance(entry.result, OrderData)
    )
    assert before == {record.order_id: {} for record in records}
    assert run.orders_updated == len(records)
    for record in records:
        ids = order_item_ids_by_line(bindings[record.order_id])
        assert list(ids.values()) == [item.order_item_id for item in record.items]
