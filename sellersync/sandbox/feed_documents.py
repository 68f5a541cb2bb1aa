"""Order feeds as Amazon processes them: parse, check against the orders, report like Amazon.

Four feed types: POST_ORDER_FULFILLMENT_DATA and POST_ORDER_ACKNOWLEDGEMENT_DATA (XML, read with
defusedxml — a feed is untrusted input) and their flat-file (tab-separated) twins. `process_feed` checks
every message against the seller's orders (through `OrderLookup`), returns what to apply (shipments,
cancellations) and the processing report: the legacy MWS XML `ProcessingReport`, written with
ElementTree, for XML and flat-file feeds alike. `parse_processing_report` reads that report back (the
connector uses it on the real Amazon's reports too).

Result message codes: 5001 (XML fatal error) and 18028 (incomplete or invalid data) are Amazon's; the
other 180xx codes and all texts are written in Amazon's style for the sandbox, not copied from Amazon.
A feed that cannot be read at all (not XML, a DTD or entity, the wrong envelope) is FATAL: no message is
processed, the report says why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import xml.etree.ElementTree as ElementTree  # noqa: S405  # nosec B405  # used only to write XML; reading is defusedxml
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

# No stubs are required: without types-defusedxml these names are Any, with it they are typed.
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    ParseError,
    fromstring,
)

FULFILLMENT_XML = "POST_ORDER_FULFILLMENT_DATA"
FULFILLMENT_FLAT = "POST_FLAT_FILE_FULFILLMENT_DATA"
ACKNOWLEDGEMENT_XML = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
ACKNOWLEDGEMENT_FLAT = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
ORDER_FEED_TYPES = (FULFILLMENT_XML, FULFILLMENT_FLAT, ACKNOWLEDGEMENT_XML, ACKNOWLEDGEMENT_FLAT)

OTHER_CARRIER = "Other"
#: Carrier codes Amazon accepts in CarrierCode / carrier-code (compared case-insensitively).
AMAZON_CARRIER_CODES: tuple[str, ...] = (
    "USPS", "UPS", "UPS Mail Innovations", "FedEx", "FedEx SmartPost", "DHL", "DHL eCommerce", "DHL Express",
    "DHL Freight", "OnTrac", "LaserShip", "Amazon Shipping", "Newgistics", "Streamlite", "Estes",
    "Royal Mail", "Parcelforce", "DPD", "DPD UK", "Hermes", "Evri", "Yodel", "UK Mail", "Whistl", "TNT",
    "GLS", "Deutsche Post", "Hermes Logistik Gruppe", "Colissimo", "Chronopost", "La Poste", "Mondial Relay",
    "Colis Prive", "Poste Italiane", "BRT", "SDA", "Nexive", "SEUR", "Correos", "Correos Express", "MRW",
    "Nacex", "PostNL", "bpost", "PostNord", "InPost", "Poczta Polska", "Yamato Transport", "Sagawa",
    "Japan Post", "Seino Transportation", "Canada Post", "Purolator", "Canpar", "Australia Post",
    "StarTrack", "Aramex", "Blue Dart", "Delhivery", "India Post", "China Post", "Singapore Post",
    "Landmark Global", OTHER_CARRIER,
)  # fmt: skip
CANCEL_REASONS = (
    "NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled", "GeneralAdjustment",
    "CarrierCreditDecision", "RiskAssessmentInformationNotValid", "CarrierCoverageFailure", "CustomerReturn",
    "MerchandiseNotReceived",
)  # fmt: skip
SHIPPED_STATUSES = ("Shipped", "InvoiceUnconfirmed")

XML_FATAL = 5001
INCOMPLETE_DATA = 18028
ORDER_NOT_FOUND = 18030
ITEM_NOT_IN_ORDER = 18032
QUANTITY_EXCEEDS_UNSHIPPED = 18034
INVALID_TRACKING_NUMBER = 18036
UNKNOWN_CARRIER = 18038
ALREADY_SHIPPED = 18040
ORDER_CANCELED = 18042
FULFILLED_BY_AMAZON = 18044


class FeedDocumentError(ValueError):
    """A feed or processing report that cannot be read; `code` is the ResultMessageCode to report."""

    def __init__(self, description: str, code: int = XML_FATAL) -> None:
        super().__init__(description)
        self.code = code


# --- contract with the sandbox state ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderItemView:
    """One line of an order as the feed processor needs it."""

    order_item_id: str
    sku: str
    quantity: int
    quantity_shipped: int


@dataclass(frozen=True)
class OrderView:
    """An order as the feed processor needs it (status as in Orders v0: Unshipped, Shipped...)."""

    order_id: str
    status: str
    fulfillment_channel: str
    items: tuple[OrderItemView, ...]


class OrderLookup(Protocol):
    """The seller's orders, by AmazonOrderId."""

    def get(self, amazon_order_id: str) -> OrderView | None: ...


@dataclass(frozen=True)
class ShipmentToApply:
    """A confirmed package: (order item id, quantity) pairs, carrier and tracking."""

    order_id: str
    items: tuple[tuple[str, int], ...]
    carrier_code: str
    carrier_name: str | None
    tracking_number: str
    ship_date: datetime
    shipping_method: str | None


@dataclass(frozen=True)
class CancellationToApply:
    """A seller cancellation; empty `order_item_ids` cancels the whole order."""

    order_id: str
    order_item_ids: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class FeedOutcome:
    """What processing a feed produced: the report document and the changes to apply."""

    report: bytes
    shipments: tuple[ShipmentToApply, ...]
    cancellations: tuple[CancellationToApply, ...]
    messages_processed: int
    messages_successful: int
    messages_with_error: int
    fatal: bool


@dataclass(frozen=True)
class ProcessingResult:
    """One Result of a processing report; ids are None when Amazon does not say which message failed."""

    message_id: int | None
    code: str
    message_code: int
    description: str
    amazon_order_id: str | None


@dataclass(frozen=True)
class ProcessingReport:
    """A parsed ProcessingReport: summary counts and results."""

    document_transaction_id: str
    status_code: str
    messages_processed: int
    messages_successful: int
    messages_with_error: int
    messages_with_warning: int
    results: tuple[ProcessingResult, ...]


# --- parsed messages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FulfillmentMessage:
    """One OrderFulfillment message (or flat-file row); items empty = every unshipped item."""

    message_id: int | None
    amazon_order_id: str
    fulfillment_date: str
    carrier_code: str
    carrier_name: str
    shipping_method: str
    tracking_number: str
    items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AcknowledgementMessage:
    """One OrderAcknowledgement message (or flat-file row); Failure cancels the items (none = all)."""

    message_id: int | None
    amazon_order_id: str
    status_code: str
    items: tuple[tuple[str, str], ...] = ()


@dataclass
class _Rejection(Exception):
    code: int
    description: str


@dataclass
class _Run:
    """Mutable state of one processing run."""

    orders: OrderLookup
    shipped_in_feed: dict[tuple[str, str], int] = field(default_factory=dict)
    shipments: list[ShipmentToApply] = field(default_factory=list)
    cancellations: list[CancellationToApply] = field(default_factory=list)
    results: list[ProcessingResult] = field(default_factory=list)


# --- processing ------------------------------------------------------------------------------------------


def process_feed(
    feed_type: str,
    content: bytes,
    orders: OrderLookup,
    *,
    unspecified_errors: bool = False,
    merchant_identifier: str = "SANDBOX_MERCHANT",
) -> FeedOutcome:
    """Process an order feed like Amazon: per-message checks, changes to apply, processing report.

    With `unspecified_errors` the summary counts the failed messages but no Result says which one
    (neither MessageID nor AmazonOrderID), as Amazon sometimes does.
    """
    transaction_id = str(int(hashlib.sha256(content).hexdigest()[:12], 16) % 10**11)
    try:
        messages = parse_feed(feed_type, content)
    except FeedDocumentError as error:
        failure = ProcessingResult(None, "Error", error.code, str(error), None)
        report = build_processing_report(
            merchant_identifier, transaction_id, 0, 0, [failure], anonymous=False
        )
        return FeedOutcome(report, (), (), 0, 0, 0, fatal=True)
    run = _Run(orders)
    for message in messages:
        try:
            if isinstance(message, FulfillmentMessage):
                run.shipments.append(_check_fulfillment(message, run))
            else:
                cancellation = _check_acknowledgement(message, run)
                if cancellation is not None:
                    run.cancellations.append(cancellation)
        except _Rejection as rejection:
            run.results.append(
                ProcessingResult(
                    message.message_id,
                    "Error",
                    rejection.code,
                    rejection.description,
                    message.amazon_order_id,
                )
            )
    errors = len(run.results)
    successful = len(messages) - errors
    report = build_processing_report(
        merchant_identifier,
        transaction_id,
        len(messages),
        successful,
        run.results,
        anonymous=unspecified_errors,
    )
    return FeedOutcome(
        report, tuple(run.shipments), tuple(run.cancellations), len(messages), successful, errors, fatal=False
    )


def _check_fulfillment(message: FulfillmentMessage, run: _Run) -> ShipmentToApply:
    order = _order(message.amazon_order_id, run)
    if order.fulfillment_channel == "AFN":
        raise _Rejection(
            FULFILLED_BY_AMAZON, f"Order {order.order_id} is fulfilled by Amazon; it cannot be confirmed."
        )
    if order.status == "Canceled":
        raise _Rejection(ORDER_CANCELED, f"Order {order.order_id} has been canceled and cannot be shipped.")
    ship_date = _ship_date(message.fulfillment_date)
    carrier_code, carrier_name = _carrier(message.carrier_code, message.carrier_name)
    tracking = _tracking_number(message.tracking_number, carrier_name or carrier_code)
    items = _items_to_ship(order, message.items, run)
    for item_id, quantity in items:
        key = (order.order_id, item_id)
        run.shipped_in_feed[key] = run.shipped_in_feed.get(key, 0) + quantity
    return ShipmentToApply(
        order_id=order.order_id,
        items=items,
        carrier_code=carrier_code,
        carrier_name=carrier_name,
        tracking_number=tracking,
        ship_date=ship_date,
        shipping_method=message.shipping_method or None,
    )


def _check_acknowledgement(message: AcknowledgementMessage, run: _Run) -> CancellationToApply | None:
    order = _order(message.amazon_order_id, run)
    if message.status_code not in ("Success", "Failure"):
        raise _incomplete(f"StatusCode must be Success or Failure, not '{message.status_code}'")
    by_id = {item.order_item_id: item for item in order.items}
    for item_id, reason in message.items:
        if item_id and item_id not in by_id:
            raise _Rejection(
                ITEM_NOT_IN_ORDER, f"The order item code {item_id} is not part of order {order.order_id}."
            )
        if reason and reason not in CANCEL_REASONS:
            raise _incomplete(f"CancelReason '{reason}' is not a valid value")
    if message.status_code == "Success" and not any(reason for _, reason in message.items):
        return None
    item_ids = tuple(item_id for item_id, _ in message.items if item_id)
    targets = [by_id[item_id] for item_id in item_ids] if item_ids else list(order.items)
    if order.status in SHIPPED_STATUSES or any(item.quantity_shipped > 0 for item in targets):
        raise _Rejection(
            ALREADY_SHIPPED,
            f"Order {order.order_id} cannot be canceled because it has already been shipped. "
            "Items that have been shipped cannot be canceled.",
        )
    reasons = [reason for _, reason in message.items if reason]
    return CancellationToApply(order.order_id, item_ids, reasons[0] if reasons else None)


def _order(amazon_order_id: str, run: _Run) -> OrderView:
    if not amazon_order_id:
        raise _incomplete("AmazonOrderID is missing")
    order = run.orders.get(amazon_order_id)
    if order is None:
        raise _Rejection(
            ORDER_NOT_FOUND,
            f"We are unable to find the order ID {amazon_order_id} in our records. "
            "Check that the AmazonOrderID is correct and belongs to this seller account.",
        )
    return order


def _ship_date(text: str) -> datetime:
    if not text:
        raise _incomplete("FulfillmentDate is missing")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _incomplete(f"FulfillmentDate '{text}' is not a valid date") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _carrier(code: str, name: str) -> tuple[str, str | None]:
    if not code and not name:
        raise _incomplete("CarrierCode or CarrierName is required")
    if not code:
        return OTHER_CARRIER, name
    canonical = {carrier.casefold(): carrier for carrier in AMAZON_CARRIER_CODES}.get(code.strip().casefold())
    if canonical is None:
        raise _Rejection(
            UNKNOWN_CARRIER,
            f"The carrier code '{code}' is not a valid value. Use a carrier code from the list of valid "
            "values, or 'Other' together with a CarrierName.",
        )
    if canonical == OTHER_CARRIER and not name:
        raise _incomplete("CarrierName is required when CarrierCode is 'Other'")
    return canonical, name or None


def _tracking_number(text: str, carrier: str) -> str:
    tracking = text.strip()
    well_formed = 6 <= len(tracking) <= 40 and tracking.isascii() and tracking.isalnum()
    if not well_formed or len(set(tracking.upper())) == 1:
        shown = f"'{tracking}'" if tracking else "(missing)"
        raise _Rejection(
            INVALID_TRACKING_NUMBER,
            f"The tracking number {shown} is not valid for carrier {carrier}. A tracking number has "
            "6 to 40 letters or digits and is required for every shipment confirmation.",
        )
    return tracking


def _items_to_ship(
    order: OrderView, requested: tuple[tuple[str, str], ...], run: _Run
) -> tuple[tuple[str, int], ...]:
    def remaining(item: OrderItemView) -> int:
        in_feed = run.shipped_in_feed.get((order.order_id, item.order_item_id), 0)
        return item.quantity - item.quantity_shipped - in_feed

    by_id = {item.order_item_id: item for item in order.items}
    if not requested:
        everything = tuple(
            (item.order_item_id, remaining(item)) for item in order.items if remaining(item) > 0
        )
        if not everything:
            raise _Rejection(
                QUANTITY_EXCEEDS_UNSHIPPED, f"Order {order.order_id} has no unshipped items left."
            )
        return everything
    shipped: dict[str, int] = {}
    for item_id, quantity_text in requested:
        if item_id not in by_id:
            raise _Rejection(
                ITEM_NOT_IN_ORDER, f"The order item code {item_id} is not part of order {order.order_id}."
            )
        item = by_id[item_id]
        quantity = _quantity(quantity_text, remaining(item))
        if quantity < 1 or quantity + shipped.get(item_id, 0) > remaining(item):
            raise _Rejection(
                QUANTITY_EXCEEDS_UNSHIPPED,
                f"The quantity {quantity} for order item code {item_id} is greater than the quantity "
                f"that remains to be shipped ({max(remaining(item), 0)}).",
            )
        shipped[item_id] = shipped.get(item_id, 0) + quantity
    return tuple(shipped.items())


def _quantity(text: str, default: int) -> int:
    if not text:
        return default
    if not text.strip().isdigit() or int(text) < 1:
        raise _incomplete(f"Quantity '{text}' must be a positive whole number")
    return int(text)


def _incomplete(detail: str) -> _Rejection:
    return _Rejection(
        INCOMPLETE_DATA,
        f"The data you submitted is incomplete or invalid: {detail}. "
        "For help fixing this, see the feed documentation in Seller Central Help.",
    )


# --- parsing feeds ---------------------------------------------------------------------------------------

FeedMessage = FulfillmentMessage | AcknowledgementMessage


def parse_feed(feed_type: str, content: bytes) -> list[FeedMessage]:
    """The messages of an order feed; FeedDocumentError when the document cannot be read at all."""
    if feed_type == FULFILLMENT_XML:
        return [_fulfillment_from_xml(m) for m in _xml_messages(content, "OrderFulfillment")]
    if feed_type == ACKNOWLEDGEMENT_XML:
        return [_acknowledgement_from_xml(m) for m in _xml_messages(content, "OrderAcknowledgement")]
    if feed_type == FULFILLMENT_FLAT:
        return [_fulfillment_from_row(number, row) for number, row in _flat_rows(content, "tracking-number")]
    if feed_type == ACKNOWLEDGEMENT_FLAT:
        return [_acknowledgement_from_row(number, row) for number, row in _flat_rows(content, "order-id")]
    raise FeedDocumentError(
        f"The feed type {feed_type} is not an order feed this processor accepts.", INCOMPLETE_DATA
    )


def _read_xml(content: bytes) -> ElementTree.Element:
    try:
        root: ElementTree.Element = fromstring(content, forbid_dtd=True)
    except DefusedXmlException as error:
        raise FeedDocumentError(
            f"XML Parsing Fatal Error: the document declares a DTD or entities ({type(error).__name__}), "
            "which feeds may not contain."
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise FeedDocumentError(
            f"XML Parsing Fatal Error at Line {line}, Column {column}: the document is not well-formed XML."
        ) from None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def _xml_messages(content: bytes, message_type: str) -> Iterator[ElementTree.Element]:
    root = _read_xml(content)
    declared = _text(root, "MessageType")
    if root.tag != "AmazonEnvelope" or declared != message_type:
        raise FeedDocumentError(
            "The XML you submitted is ill-formed at the Amazon Envelope XML level: expected an "
            f"AmazonEnvelope of MessageType {message_type}, found <{root.tag}> of type '{declared}'.",
            5000,
        )
    for message in root.findall("Message"):
        body = message.find(message_type)
        if body is None:
            body = ElementTree.Element(message_type)
        body.set("MessageID", _text(message, "MessageID"))
        yield body


def _text(element: ElementTree.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _message_id(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _fulfillment_from_xml(body: ElementTree.Element) -> FulfillmentMessage:
    return FulfillmentMessage(
        message_id=_message_id(body.get("MessageID", "")),
        amazon_order_id=_text(body, "AmazonOrderID"),
        fulfillment_date=_text(body, "FulfillmentDate"),
        carrier_code=_text(body, "FulfillmentData/CarrierCode"),
        carrier_name=_text(body, "FulfillmentData/CarrierName"),
        shipping_method=_text(body, "FulfillmentData/ShippingMethod"),
        tracking_number=_text(body, "FulfillmentData/ShipperTrackingNumber"),
        items=tuple(
            (_text(item, "AmazonOrderItemCode"), _text(item, "Quantity")) for item in body.findall("Item")
        ),
    )


def _acknowledgement_from_xml(body: ElementTree.Element) -> AcknowledgementMessage:
    return AcknowledgementMessage(
        message_id=_message_id(body.get("MessageID", "")),
        amazon_order_id=_text(body, "AmazonOrderID"),
        status_code=_text(body, "StatusCode"),
        items=tuple(
            (_text(item, "AmazonOrderItemCode"), _text(item, "CancelReason")) for item in body.findall("Item")
        ),
    )


def _flat_rows(content: bytes, required_column: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(record number, row) of a tab-separated feed, from the header row naming order-id on."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if "order-id" in line.split("\t")), None)
    if header_at is None or required_column not in lines[header_at].split("\t"):
        raise FeedDocumentError(
            f"The file is not a valid tab-delimited order feed: the header row with order-id and "
            f"{required_column} was not found.",
            INCOMPLETE_DATA,
        )
    reader = csv.DictReader(io.StringIO("\n".join(lines[header_at:])), delimiter="\t", quoting=csv.QUOTE_NONE)
    for number, row in enumerate(reader, start=1):
        cleaned = {key.strip(): (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        if any(cleaned.values()):
            yield number, cleaned


def _fulfillment_from_row(number: int, row: dict[str, str]) -> FulfillmentMessage:
    item_id = row.get("order-item-id", "")
    return FulfillmentMessage(
        message_id=number,
        amazon_order_id=row.get("order-id", ""),
        fulfillment_date=row.get("ship-date", ""),
        carrier_code=row.get("carrier-code", ""),
        carrier_name=row.get("carrier-name", ""),
        shipping_method=row.get("ship-method", ""),
        tracking_number=row.get("tracking-number", ""),
        items=((item_id, row.get("quantity", "")),) if item_id else (),
    )


def _acknowledgement_from_row(number: int, row: dict[str, str]) -> AcknowledgementMessage:
    item_id = row.get("amazon-order-item-code", "")
    reason = row.get("cancellation-reason-code", "")
    return AcknowledgementMessage(
        message_id=number,
        amazon_order_id=row.get("order-id", ""),
        status_code="Failure" if reason else "Success",
        items=((item_id, reason),) if item_id or reason else (),
    )


# --- processing reports ----------------------------------------------------------------------------------


def build_processing_report(
    merchant_identifier: str,
    transaction_id: str,
    processed: int,
    successful: int,
    results: list[ProcessingResult],
    *,
    anonymous: bool,
) -> bytes:
    """The MWS-style ProcessingReport; `anonymous` drops MessageID and AmazonOrderID from the results."""
    envelope = ElementTree.Element(
        "AmazonEnvelope", {"xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    )
    envelope.set("xsi:noNamespaceSchemaLocation", "amzn-envelope.xsd")
    header = ElementTree.SubElement(envelope, "Header")
    _add(header, "DocumentVersion", "1.02")
    _add(header, "MerchantIdentifier", merchant_identifier)
    _add(envelope, "MessageType", "ProcessingReport")
    message = ElementTree.SubElement(envelope, "Message")
    _add(message, "MessageID", "1")
    report = ElementTree.SubElement(message, "ProcessingReport")
    _add(report, "DocumentTransactionID", transaction_id)
    _add(report, "StatusCode", "Complete")
    summary = ElementTree.SubElement(report, "ProcessingSummary")
    _add(summary, "MessagesProcessed", str(processed))
    _add(summary, "MessagesSuccessful", str(successful))
    _add(summary, "MessagesWithError", str(sum(1 for r in results if r.code == "Error")))
    _add(summary, "MessagesWithWarning", str(sum(1 for r in results if r.code == "Warning")))
    for result in results:
        element = ElementTree.SubElement(report, "Result")
        if result.message_id is not None and not anonymous:
            _add(element, "MessageID", str(result.message_id))
        _add(element, "ResultCode", result.code)
        _add(element, "ResultMessageCode", str(result.message_code))
        _add(element, "ResultDescription", result.description)
        if result.amazon_order_id and not anonymous:
            _add(ElementTree.SubElement(element, "AdditionalInfo"), "AmazonOrderID", result.amazon_order_id)
    ElementTree.indent(envelope)
    return bytes(ElementTree.tostring(envelope, encoding="utf-8", xml_declaration=True))


def _add(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text


def parse_processing_report(content: bytes) -> ProcessingReport:
    """Read an MWS-style ProcessingReport (ours or Amazon's); FeedDocumentError if it is not one."""
    report = _read_xml(content).find("Message/ProcessingReport")
    if report is None:
        raise FeedDocumentError(
            "The document is not a ProcessingReport: Message/ProcessingReport is missing."
        )
    results = tuple(
        ProcessingResult(
            message_id=_message_id(_text(result, "MessageID")),
            code=_text(result, "ResultCode"),
            message_code=_count(_text(result, "ResultMessageCode")),
            description=_text(result, "ResultDescription"),
            amazon_order_id=_text(result, "AdditionalInfo/AmazonOrderID") or None,
        )
        for result in report.findall("Result")
    )
    return ProcessingReport(
        document_transaction_id=_text(report, "DocumentTransactionID"),
        status_code=_text(report, "StatusCode"),
        messages_processed=_count(_text(report, "ProcessingSummary/MessagesProcessed")),
        messages_successful=_count(_text(report, "ProcessingSummary/MessagesSuccessful")),
        messages_with_error=_count(_text(report, "ProcessingSummary/MessagesWithError")),
        messages_with_warning=_count(_text(report, "ProcessingSummary/MessagesWithWarning")),
        results=results,
    )


def _count(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit():
        raise FeedDocumentError(f"The processing report holds '{text}' where a number is expected.")
    return int(text)
