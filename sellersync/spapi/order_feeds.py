"""Order feeds: write the fulfillment and acknowledgement feeds, read the processing reports.

Feeds are written with the standard library's ElementTree (we only write what we built ourselves) and the
processing report Amazon returns is read with defusedxml (untrusted input: no DTD, no entities). The
format is Amazon's legacy MWS XML envelope, still what the order feeds of the Feeds API 2021-06-30 take
and return. No Django here: the connector turns these values into its own records.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree  # noqa: S405  # nosec B405  # used only to write XML; reading is defusedxml
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    fromstring,
)

FULFILLMENT_FEED = "POST_ORDER_FULFILLMENT_DATA"
ACKNOWLEDGEMENT_FEED = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
OTHER_CARRIER = "Other"
CANCELLATION_STATUS = "Failure"  # an acknowledgement with StatusCode Failure cancels the items
ERROR = "Error"
WARNING = "Warning"


class ProcessingReportError(ValueError):
    """A document that is not a readable processing report (not XML, a DTD/entity, the wrong envelope)."""


@dataclass(frozen=True)
class ShippedItem:
    """An order item and how many of its units left in the package."""

    order_item_id: str
    quantity: int


@dataclass(frozen=True)
class Fulfillment:
    """One OrderFulfillment message: a package of an order, its carrier and tracking number.

    `carrier_name` is sent with `carrier_code` "Other" (Amazon requires it then); `message_id` is any
    positive integer unique within the feed, which the processing report quotes back.
    """

    message_id: int
    amazon_order_id: str
    ship_date: datetime
    carrier_code: str
    tracking_number: str
    items: Sequence[ShippedItem]
    carrier_name: str = ""
    shipping_method: str = ""


@dataclass(frozen=True)
class CanceledItem:
    """An order item the seller cancels, with Amazon's CancelReason (e.g. NoInventory)."""

    order_item_id: str
    reason: str


@dataclass(frozen=True)
class Cancellation:
    """One OrderAcknowledgement message with StatusCode Failure: the seller cancels these items."""

    message_id: int
    amazon_order_id: str
    items: Sequence[CanceledItem]


@dataclass(frozen=True)
class ProcessingResult:
    """One Result of a report; `message_id` and `amazon_order_id` are None when Amazon does not say."""

    message_id: int | None
    code: str  # Error or Warning
    message_code: int
    description: str
    amazon_order_id: str | None


@dataclass(frozen=True)
class ProcessingReport:
    """A processing report: Amazon's summary counts and the results it chose to detail."""

    status_code: str
    messages_processed: int
    messages_successful: int
    messages_with_error: int
    messages_with_warning: int
    results: tuple[ProcessingResult, ...]

    @property
    def errors(self) -> tuple[ProcessingResult, ...]:
        return tuple(result for result in self.results if result.code == ERROR)


# --- writing feeds ----------------------------------------------------------------------------------------


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, as Amazon writes dates (naive datetimes are taken as UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_fulfillment_feed(merchant_identifier: str, fulfillments: Sequence[Fulfillment]) -> bytes:
    """The POST_ORDER_FULFILLMENT_DATA document for these packages."""
    envelope = _envelope(merchant_identifier, "OrderFulfillment")
    for fulfillment in fulfillments:
        body = _message(envelope, fulfillment.message_id, "OrderFulfillment")
        _add(body, "AmazonOrderID", fulfillment.amazon_order_id)
        _add(body, "FulfillmentDate", iso_utc(fulfillment.ship_date))
        data = ElementTree.SubElement(body, "FulfillmentData")
        _add(data, "CarrierCode", fulfillment.carrier_code)
        if fulfillment.carrier_name:
            _add(data, "CarrierName", fulfillment.carrier_name)
        if fulfillment.shipping_method:
            _add(data, "ShippingMethod", fulfillment.shipping_method)
        _add(data, "ShipperTrackingNumber", fulfillment.tracking_number)
        for item in fulfillment.items:
            element = ElementTree.SubElement(body, "Item")
            _add(element, "AmazonOrderItemCode", item.order_item_id)
            _add(element, "Quantity", str(item.quantity))
    return _serialize(envelope)


def build_acknowledgement_feed(merchant_identifier: str, cancellations: Sequence[Cancellation]) -> bytes:
    """The POST_ORDER_ACKNOWLEDGEMENT_DATA document cancelling these items (StatusCode Failure)."""
    envelope = _envelope(merchant_identifier, "OrderAcknowledgement")
    for cancellation in cancellations:
        body = _message(envelope, cancellation.message_id, "OrderAcknowledgement")
        _add(body, "AmazonOrderID", cancellation.amazon_order_id)
        _add(body, "StatusCode", CANCELLATION_STATUS)
        for item in cancellation.items:
            element = ElementTree.SubElement(body, "Item")
            _add(element, "AmazonOrderItemCode", item.order_item_id)
            _add(element, "CancelReason", item.reason)
    return _serialize(envelope)


def _envelope(merchant_identifier: str, message_type: str) -> ElementTree.Element:
    envelope = ElementTree.Element(
        "AmazonEnvelope",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "amzn-envelope.xsd",
        },
    )
    header = ElementTree.SubElement(envelope, "Header")
    _add(header, "DocumentVersion", "1.01")
    _add(header, "MerchantIdentifier", merchant_identifier)
    _add(envelope, "MessageType", message_type)
    return envelope


def _message(envelope: ElementTree.Element, message_id: int, message_type: str) -> ElementTree.Element:
    if message_id < 1:
        raise ValueError(f"MessageID must be a positive integer, not {message_id}")
    message = ElementTree.SubElement(envelope, "Message")
    _add(message, "MessageID", str(message_id))
    return ElementTree.SubElement(message, message_type)


def _add(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def _serialize(envelope: ElementTree.Element) -> bytes:
    ElementTree.indent(envelope)
    return bytes(ElementTree.tostring(envelope, encoding="utf-8", xml_declaration=True))


# --- reading processing reports ---------------------------------------------------------------------------


def parse_processing_report(content: bytes) -> ProcessingReport:
    """Read a ProcessingReport safely; ProcessingReportError when the document is not one."""
    report = _read_xml(content).find("Message/ProcessingReport")
    if report is None:
        raise ProcessingReportError("not a processing report: Message/ProcessingReport is missing")
    return ProcessingReport(
        status_code=_text(report, "StatusCode"),
        messages_processed=_number(_text(report, "ProcessingSummary/MessagesProcessed")),
        messages_successful=_number(_text(report, "ProcessingSummary/MessagesSuccessful")),
        messages_with_error=_number(_text(report, "ProcessingSummary/MessagesWithError")),
        messages_with_warning=_number(_text(report, "ProcessingSummary/MessagesWithWarning")),
        results=tuple(_result(element) for element in report.findall("Result")),
    )


def _read_xml(content: bytes) -> ElementTree.Element:
    try:
        root: ElementTree.Element = fromstring(content, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ProcessingReportError(
            f"the report declares a DTD or entities ({type(error).__name__})"
        ) from None
    except ParseError:
        raise ProcessingReportError("the report is not well-formed XML") from None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]  # Amazon's reports may carry a default namespace
    return root


def _result(element: ElementTree.Element) -> ProcessingResult:
    message_id = _text(element, "MessageID")
    return ProcessingResult(
        message_id=int(message_id) if message_id.isdigit() else None,
        code=_text(element, "ResultCode"),
        message_code=_number(_text(element, "ResultMessageCode")),
        description=_text(element, "ResultDescription"),
        amazon_order_id=_text(element, "AdditionalInfo/AmazonOrderID") or None,
    )


def _text(element: ElementTree.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _number(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit():
        raise ProcessingReportError(f"the report holds '{text}' where a number is expected")
    return int(text)
