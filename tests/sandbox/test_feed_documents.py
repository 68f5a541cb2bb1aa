"""Order feeds processed like Amazon: shipments and cancellations to apply, errors in the report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sellersync.sandbox.feed_documents import (
    AMAZON_CARRIER_CODES,
    CancellationToApply,
    OrderItemView,
    OrderView,
    ShipmentToApply,
    parse_processing_report,
    process_feed,
)

UNSHIPPED = OrderView(
    order_id="111-0000001-0000001",
    status="Unshipped",
    fulfillment_channel="MFN",
    items=(OrderItemView("10001", "SKU-A", 2, 0), OrderItemView("10002", "SKU-B", 1, 0)),
)
SHIPPED = OrderView(
    order_id="111-0000002-0000002",
    status="Shipped",
    fulfillment_channel="MFN",
    items=(OrderItemView("20001", "SKU-A", 1, 1),),
)


class Orders:
    def __init__(self, *orders: OrderView) -> None:
        self._orders = {order.order_id: order for order in orders}

    def get(self, amazon_order_id: str) -> OrderView | None:
        return self._orders.get(amazon_order_id)


ORDERS = Orders(UNSHIPPED, SHIPPED)


def fulfillment_xml(*messages: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        "<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>M1</MerchantIdentifier></Header>"
        "<MessageType>OrderFulfillment</MessageType>" + "".join(messages) + "</AmazonEnvelope>"
    ).encode()


def fulfillment_message(
    message_id: int,
    order_id: str = UNSHIPPED.order_id,
    carrier: str = "<CarrierCode>UPS</CarrierCode>",
    tracking: str = "1Z999AA10123456784",
    items: str = "",
    date: str = "2025-03-01T10:30:00+01:00",
) -> str:
    return (
        f"<Message><MessageID>{message_id}</MessageID><OrderFulfillment>"
        f"<AmazonOrderID>{order_id}</AmazonOrderID><FulfillmentDate>{date}</FulfillmentDate>"
        f"<FulfillmentData>{carrier}<ShippingMethod>Ground</ShippingMethod>"
        f"<ShipperTrackingNumber>{tracking}</ShipperTrackingNumber></FulfillmentData>{items}"
        "</OrderFulfillment></Message>"
    )


def item(code: str, quantity: int) -> str:
    return f"<Item><AmazonOrderItemCode>{code}</AmazonOrderItemCode><Quantity>{quantity}</Quantity></Item>"


def acknowledgement_xml(*messages: str) -> bytes:
    return (
        "<AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>"
        "<MerchantIdentifier>M1</MerchantIdentifier></Header>"
        "<MessageType>OrderAcknowledgement</MessageType>" + "".join(messages) + "</AmazonEnvelope>"
    ).encode()


def acknowledgement_message(message_id: int, order_id: str, status: str, items: str = "") -> str:
    return (
        f"<Message><MessageID>{message_id}</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{order_id}</AmazonOrderID><StatusCode>{status}</StatusCode>{items}"
        "</OrderAcknowledgement></Message>"
    )


def test_a_fulfillment_message_becomes_one_shipment_of_the_named_items():
    # given one message shipping one unit of each of two lines
    feed = fulfillment_xml(fulfillment_message(1, items=item("10001", 1) + item("10002", 1)))
    # when processed
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", feed, ORDERS)
    # then one shipment, dated in UTC, and a clean report
    assert outcome.shipments == (
        ShipmentToApply(
            order_id=UNSHIPPED.order_id,
            items=(("10001", 1), ("10002", 1)),
            carrier_code="UPS",
            carrier_name=None,
            tracking_number="1Z999AA10123456784",
            ship_date=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
            shipping_method="Ground",
        ),
    )
    assert (outcome.messages_processed, outcome.messages_successful, outcome.messages_with_error) == (1, 1, 0)
    assert outcome.fatal is False
    report = parse_processing_report(outcome.report)
    assert (report.status_code, report.messages_processed, report.messages_successful) == ("Complete", 1, 1)
    assert report.results == ()


def test_a_message_without_items_ships_everything_still_unshipped():
    partly = OrderView("111-0000003-0000003", "PartiallyShipped", "MFN", (OrderItemView("30001", "S", 3, 1),))
    outcome = process_feed(
        "POST_ORDER_FULFILLMENT_DATA",
        fulfillment_xml(fulfillment_message(1, partly.order_id)),
        Orders(partly),
    )
    assert [shipment.items for shipment in outcome.shipments] == [(("30001", 2),)]


def test_carrier_codes_are_matched_case_insensitively_and_other_needs_a_name():
    # given "fedex" in lower case, and "Other" with a carrier name
    feed = fulfillment_xml(
        fulfillment_message(1, carrier="<CarrierCode>fedex</CarrierCode>", items=item("10001", 1)),
        fulfillment_message(
            2,
            carrier="<CarrierCode>Other</CarrierCode><CarrierName>Self Delivery</CarrierName>",
            items=item("10002", 1),
        ),
    )
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", feed, ORDERS)
    assert [(s.carrier_code, s.carrier_name) for s in outcome.shipments] == [
        ("FedEx", None),
        ("Other", "Self Delivery"),
    ]


def _only_result(outcome):
    report = parse_processing_report(outcome.report)
    assert len(report.results) == 1
    return report.results[0]


@pytest.mark.parametrize(
    ("_case", "message", "code", "words"),
    [
        (
            "unknown_order",
            fulfillment_message(7, order_id="999-9999999-9999999"),
            18030,
            "unable to find the order ID",
        ),
        ("item_not_in_order", fulfillment_message(7, items=item("55555", 1)), 18032, "is not part of order"),
        (
            "quantity_too_high",
            fulfillment_message(7, items=item("10001", 3)),
            18034,
            "remains to be shipped (2)",
        ),
        ("tracking_missing", fulfillment_message(7, tracking=""), 18036, "tracking number (missing)"),
        ("tracking_too_short", fulfillment_message(7, tracking="12345"), 18036, "'12345' is not valid"),
        (
            "tracking_punctuation",
            fulfillment_message(7, tracking="1Z-999-AA1"),
            18036,
            "6 to 40 letters or digits",
        ),
        ("tracking_one_char", fulfillment_message(7, tracking="00000000"), 18036, "'00000000' is not valid"),
        ("tracking_too_long", fulfillment_message(7, tracking="A1" * 21), 18036, "is not valid"),
        (
            "unknown_carrier",
            fulfillment_message(7, carrier="<CarrierCode>Pigeon</CarrierCode>"),
            18038,
            "'Pigeon'",
        ),
        (
            "other_without_name",
            fulfillment_message(7, carrier="<CarrierCode>Other</CarrierCode>"),
            18028,
            "CarrierName",
        ),
        ("no_carrier", fulfillment_message(7, carrier=""), 18028, "incomplete or invalid"),
        ("bad_date", fulfillment_message(7, date="01/03/2025"), 18028, "FulfillmentDate"),
        ("zero_quantity", fulfillment_message(7, items=item("10001", 0)), 18028, "positive whole number"),
        ("already_shipped", fulfillment_message(7, order_id=SHIPPED.order_id), 18034, "no unshipped items"),
    ],
)
def test_each_fulfillment_error_is_reported_for_its_message(_case, message, code, words):
    # when a feed with one bad message is processed
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", fulfillment_xml(message), ORDERS)
    # then nothing is applied and the report names the message, code and order
    assert outcome.shipments == ()
    assert (outcome.messages_processed, outcome.messages_successful, outcome.messages_with_error) == (1, 0, 1)
    result = _only_result(outcome)
    assert (result.message_id, result.code, result.message_code) == (7, "Error", code)
    assert words in result.description
    assert f"<AmazonOrderID>{result.amazon_order_id}</AmazonOrderID>" in message


def test_quantities_shipped_earlier_in_the_same_feed_count():
    # given two messages each shipping 2 of a line ordered twice
    feed = fulfillment_xml(
        fulfillment_message(1, items=item("10001", 2)), fulfillment_message(2, items=item("10001", 2))
    )
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", feed, ORDERS)
    # then the second fails: nothing left to ship
    assert len(outcome.shipments) == 1
    assert (outcome.messages_successful, outcome.messages_with_error) == (1, 1)
    result = _only_result(outcome)
    assert (result.message_id, result.message_code) == (2, 18034)
    assert "remains to be shipped (0)" in result.description


def test_good_and_bad_messages_are_counted_separately():
    feed = fulfillment_xml(
        fulfillment_message(1, items=item("10001", 1)),
        fulfillment_message(2, order_id="999-9999999-9999999"),
        fulfillment_message(3, items=item("10002", 1)),
    )
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", feed, ORDERS)
    report = parse_processing_report(outcome.report)
    assert (report.messages_processed, report.messages_successful, report.messages_with_error) == (3, 2, 1)
    assert [s.items for s in outcome.shipments] == [(("10001", 1),), (("10002", 1),)]
    assert [(r.message_id, r.amazon_order_id) for r in report.results] == [(2, "999-9999999-9999999")]


def test_unspecified_errors_count_failures_without_saying_which():
    feed = fulfillment_xml(
        fulfillment_message(1, items=item("10001", 1)), fulfillment_message(2, tracking="x")
    )
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", feed, ORDERS, unspecified_errors=True)
    report = parse_processing_report(outcome.report)
    assert (report.messages_processed, report.messages_successful, report.messages_with_error) == (2, 1, 1)
    assert [(r.message_id, r.amazon_order_id, r.message_code) for r in report.results] == [
        (None, None, 18036)
    ]
    assert b"<MessageID>2</MessageID>" not in outcome.report
    assert b"AmazonOrderID" not in outcome.report


FLAT_HEADER = (
    "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method"
)


def test_flat_file_fulfillment_rows_are_messages_numbered_from_one():
    # given a flat file (UTF-8, BOM): a good row, a whole-order row for an unknown order, a bad tracking row
    rows = [
        FLAT_HEADER,
        f"{UNSHIPPED.order_id}\t10001\t2\t2025-03-01\tDHL\t\tJD014600006281234567\tExpress",
        "999-9999999-9999999\t\t\t2025-03-01\tDHL\t\tJD014600006281234567\t",
        f"{UNSHIPPED.order_id}\t10002\t1\t2025-03-01\tDHL\t\tAAAAAAAA\t",
    ]
    content = ("\ufeff" + "\r\n".join(rows) + "\r\n").encode()
    # when processed
    outcome = process_feed("POST_FLAT_FILE_FULFILLMENT_DATA", content, ORDERS)
    # then row 1 ships, rows 2 and 3 fail with their own codes
    assert outcome.shipments == (
        ShipmentToApply(
            UNSHIPPED.order_id, (("10001", 2),), "DHL", None, "JD014600006281234567",
            datetime(2025, 3, 1, tzinfo=UTC), "Express",
        ),
    )  # fmt: skip
    report = parse_processing_report(outcome.report)
    assert (report.messages_processed, report.messages_successful, report.messages_with_error) == (3, 1, 2)
    assert [(r.message_id, r.message_code) for r in report.results] == [(2, 18030), (3, 18036)]


def test_a_flat_file_without_its_header_is_fatal():
    outcome = process_feed("POST_FLAT_FILE_FULFILLMENT_DATA", b"just some text\nwith lines\n", ORDERS)
    assert outcome.fatal is True
    assert (outcome.messages_processed, outcome.shipments) == (0, ())
    assert "header row" in _only_result(outcome).description


def test_acknowledgement_failure_cancels_the_named_items_with_the_reason():
    feed = acknowledgement_xml(
        acknowledgement_message(
            1, UNSHIPPED.order_id, "Failure",
            "<Item><AmazonOrderItemCode>10002</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason></Item>",
        ),
        acknowledgement_message(2, UNSHIPPED.order_id, "Success"),
    )  # fmt: skip
    outcome = process_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", feed, ORDERS)
    assert outcome.cancellations == (CancellationToApply(UNSHIPPED.order_id, ("10002",), "NoInventory"),)
    assert (outcome.messages_processed, outcome.messages_successful, outcome.messages_with_error) == (2, 2, 0)


def test_acknowledgement_failure_without_items_cancels_the_whole_order():
    feed = acknowledgement_xml(acknowledgement_message(1, UNSHIPPED.order_id, "Failure"))
    outcome = process_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", feed, ORDERS)
    assert outcome.cancellations == (CancellationToApply(UNSHIPPED.order_id, (), None),)


@pytest.mark.parametrize(
    ("_case", "message", "code"),
    [
        ("already_shipped", acknowledgement_message(4, SHIPPED.order_id, "Failure"), 18040),
        ("unknown_order", acknowledgement_message(4, "999-9999999-9999999", "Failure"), 18030),
        (
            "item_not_in_order",
            acknowledgement_message(
                4, UNSHIPPED.order_id, "Failure", "<Item><AmazonOrderItemCode>1</AmazonOrderItemCode></Item>"
            ),
            18032,
        ),
        (
            "bad_reason",
            acknowledgement_message(
                4, UNSHIPPED.order_id, "Failure", "<Item><CancelReason>Bored</CancelReason></Item>"
            ),
            18028,
        ),
        ("bad_status", acknowledgement_message(4, UNSHIPPED.order_id, "Maybe"), 18028),
    ],
)
def test_each_acknowledgement_error_is_reported(_case, message, code):
    outcome = process_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", acknowledgement_xml(message), ORDERS)
    assert outcome.cancellations == ()
    result = _only_result(outcome)
    assert (result.message_id, result.message_code) == (4, code)


def test_canceling_a_partly_shipped_line_is_refused():
    partly = OrderView("111-0000004-0000004", "PartiallyShipped", "MFN", (OrderItemView("40001", "S", 2, 1),))
    content = (
        f"order-id\tamazon-order-item-code\tcancellation-reason-code\n{partly.order_id}\t40001\tNoInventory\n"
    )
    outcome = process_feed("POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA", content.encode(), Orders(partly))
    assert outcome.cancellations == ()
    result = _only_result(outcome)
    assert (result.message_id, result.message_code, result.amazon_order_id) == (1, 18040, partly.order_id)
    assert "already been shipped" in result.description


def test_flat_acknowledgement_rows_with_a_reason_cancel_and_rows_without_acknowledge():
    content = (
        "order-id\tamazon-order-item-code\tcancellation-reason-code\n"
        f"{UNSHIPPED.order_id}\t10001\tBuyerCanceled\n"
        f"{UNSHIPPED.order_id}\t\t\n"
    ).encode("cp1252")
    outcome = process_feed("POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA", content, ORDERS)
    assert outcome.cancellations == (CancellationToApply(UNSHIPPED.order_id, ("10001",), "BuyerCanceled"),)
    assert (outcome.messages_processed, outcome.messages_successful) == (2, 2)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<AmazonEnvelope><MessageType>OrderFulfillment</MessageType><Message>&lol3;</Message></AmazonEnvelope>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<AmazonEnvelope><MessageType>OrderFulfillment</MessageType><Message>&xxe;</Message></AmazonEnvelope>"""


@pytest.mark.parametrize(
    ("_case", "content", "words"),
    [
        ("billion_laughs", BILLION_LAUGHS, "DTD or entities"),
        ("external_entity", EXTERNAL_ENTITY, "DTD or entities"),
        ("not_xml", b"order-id\ttracking-number\n1\t2\n", "not well-formed"),
        ("truncated", fulfillment_xml(fulfillment_message(1))[:-20], "not well-formed"),
        ("empty", b"", "not well-formed"),
        ("wrong_message_type", acknowledgement_xml(acknowledgement_message(1, "x", "Success")), "Envelope"),
    ],
)
def test_hostile_or_malformed_xml_is_a_fatal_outcome_not_a_crash(_case, content, words):
    outcome = process_feed("POST_ORDER_FULFILLMENT_DATA", content, ORDERS)
    assert outcome.fatal is True
    assert (outcome.shipments, outcome.cancellations, outcome.messages_processed) == ((), (), 0)
    result = _only_result(outcome)
    assert (result.message_id, result.code) == (None, "Error")
    assert result.message_code in (5000, 5001)
    assert words in result.description
    assert b"root:" not in outcome.report


def test_an_unknown_feed_type_is_fatal():
    outcome = process_feed("POST_PRODUCT_DATA", b"<AmazonEnvelope/>", ORDERS)
    assert outcome.fatal is True
    assert "POST_PRODUCT_DATA" in _only_result(outcome).description


def test_parse_processing_report_reads_an_amazon_report():
    # given a report in the MWS ProcessingReport format, with xsi attributes and a warning
    content = b"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A2EXAMPLE</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message><MessageID>1</MessageID><ProcessingReport>
    <DocumentTransactionID>50001018337</DocumentTransactionID><StatusCode>Complete</StatusCode>
    <ProcessingSummary><MessagesProcessed>3</MessagesProcessed><MessagesSuccessful>1</MessagesSuccessful>
      <MessagesWithError>1</MessagesWithError><MessagesWithWarning>1</MessagesWithWarning></ProcessingSummary>
    <Result><MessageID>2</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>18028</ResultMessageCode>
      <ResultDescription>The data you submitted is incomplete or invalid.</ResultDescription>
      <AdditionalInfo><AmazonOrderID>123-1234567-1234567</AmazonOrderID></AdditionalInfo></Result>
    <Result><MessageID>3</MessageID><ResultCode>Warning</ResultCode><ResultMessageCode>5002</ResultMessageCode>
      <ResultDescription>Carrier name is not standard.</ResultDescription></Result>
  </ProcessingReport></Message>
</AmazonEnvelope>"""
    report = parse_processing_report(content)
    assert report.document_transaction_id == "50001018337"
    assert (report.messages_processed, report.messages_successful) == (3, 1)
    assert (report.messages_with_error, report.messages_with_warning) == (1, 1)
    assert [(r.message_id, r.code, r.message_code, r.amazon_order_id) for r in report.results] == [
        (2, "Error", 18028, "123-1234567-1234567"),
        (3, "Warning", 5002, None),
    ]


def test_a_document_that_is_no_report_is_refused():
    with pytest.raises(ValueError, match="not a ProcessingReport"):
        parse_processing_report(b"<AmazonEnvelope><Message/></AmazonEnvelope>")


def test_the_carrier_list_holds_the_usual_carriers_once():
    expected = {"USPS", "UPS", "FedEx", "DHL", "Royal Mail", "Deutsche Post", "Yamato Transport", "Other"}
    assert expected <= set(AMAZON_CARRIER_CODES)
    assert len({code.casefold() for code in AMAZON_CARRIER_CODES}) == len(AMAZON_CARRIER_CODES)
