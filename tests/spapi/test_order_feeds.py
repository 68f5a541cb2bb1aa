"""Order feeds written by `spapi.order_feeds` read back by the sandbox's independent feed parser, and
processing reports (the sandbox's, anonymous ones, hostile ones) read safely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from sellersync.sandbox import feed_documents
from sellersync.spapi import order_feeds
from sellersync.spapi.order_feeds import CanceledItem, Cancellation, Fulfillment, ShippedItem


def test_fulfillment_feed_carries_items_quantities_carrier_tracking_and_date_in_utc() -> None:
    # given
    paris = timezone(timedelta(hours=2))
    package = Fulfillment(
        message_id=17,
        amazon_order_id="114-1234567-1234567",
        ship_date=datetime(2026, 3, 4, 12, 30, tzinfo=paris),
        carrier_code="Other",
        carrier_name="Speedy Local",
        tracking_number="SPD123456",
        items=[ShippedItem("11111111111111", 2), ShippedItem("22222222222222", 1)],
    )
    # when
    content = order_feeds.build_fulfillment_feed("A1MERCHANT", [package])
    # then
    (message,) = feed_documents.parse_feed(feed_documents.FULFILLMENT_XML, content)
    assert message == feed_documents.FulfillmentMessage(
        message_id=17,
        amazon_order_id="114-1234567-1234567",
        fulfillment_date="2026-03-04T10:30:00Z",
        carrier_code="Other",
        carrier_name="Speedy Local",
        shipping_method="",
        tracking_number="SPD123456",
        items=(("11111111111111", "2"), ("22222222222222", "1")),
    )


def test_acknowledgement_feed_cancels_each_item_with_its_reason() -> None:
    # given
    cancellation = Cancellation(
        message_id=3, amazon_order_id="114-7654321-7654321", items=[CanceledItem("333", "NoInventory")]
    )
    # when
    content = order_feeds.build_acknowledgement_feed("A1MERCHANT", [cancellation])
    # then
    (message,) = feed_documents.parse_feed(feed_documents.ACKNOWLEDGEMENT_XML, content)
    assert message == feed_documents.AcknowledgementMessage(
        message_id=3,
        amazon_order_id="114-7654321-7654321",
        status_code="Failure",
        items=(("333", "NoInventory"),),
    )


def test_a_message_id_must_be_positive() -> None:
    # given
    package = Fulfillment(0, "1", datetime(2026, 1, 1, tzinfo=UTC), "UPS", "1Z999", [ShippedItem("1", 1)])
    # when / then
    with pytest.raises(ValueError, match="positive"):
        order_feeds.build_fulfillment_feed("A1", [package])


def _report(*, anonymous: bool) -> bytes:
    results = [
        feed_documents.ProcessingResult(2, "Error", 18036, "The tracking number 'X' is not valid.", "114-1"),
        feed_documents.ProcessingResult(5, "Warning", 18099, "Ship date is in the future.", "114-2"),
    ]
    return feed_documents.build_processing_report("A1", "9000", 6, 5, results, anonymous=anonymous)


def test_processing_report_is_read_with_counts_and_named_results() -> None:
    # when
    report = order_feeds.parse_processing_report(_report(anonymous=False))
    # then
    assert (report.status_code, report.messages_processed, report.messages_successful) == ("Complete", 6, 5)
    assert (report.messages_with_error, report.messages_with_warning) == (1, 1)
    assert report.errors == (
        order_feeds.ProcessingResult(2, "Error", 18036, "The tracking number 'X' is not valid.", "114-1"),
    )
    assert [result.message_id for result in report.results] == [2, 5]


def test_anonymous_report_counts_errors_without_naming_the_message() -> None:
    # when
    report = order_feeds.parse_processing_report(_report(anonymous=True))
    # then
    assert report.messages_with_error == 1
    assert [(r.message_id, r.amazon_order_id, r.message_code) for r in report.errors] == [(None, None, 18036)]


@pytest.mark.parametrize(
    ("_case", "content"),
    [
        ("not xml", b"<AmazonEnvelope><Message>"),
        (
            "entity expansion",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><AmazonEnvelope>&a;</AmazonEnvelope>',
        ),
        ("not a report", b"<AmazonEnvelope><Message><OrderFulfillment/></Message></AmazonEnvelope>"),
        (
            "count not a number",
            b"<AmazonEnvelope><Message><ProcessingReport><ProcessingSummary><MessagesProcessed>many"
            b"</MessagesProcessed></ProcessingSummary></ProcessingReport></Message></AmazonEnvelope>",
        ),
    ],
)
def test_unreadable_reports_are_refused(_case: str, content: bytes) -> None:
    with pytest.raises(order_feeds.ProcessingReportError):
        order_feeds.parse_processing_report(content)


def test_report_with_a_default_namespace_is_read() -> None:
    # given
    content = _report(anonymous=False).replace(b"<AmazonEnvelope ", b'<AmazonEnvelope xmlns="urn:x" ', 1)
    # when
    report = order_feeds.parse_processing_report(content)
    # then
    assert report.messages_processed == 6 and len(report.errors) == 1
