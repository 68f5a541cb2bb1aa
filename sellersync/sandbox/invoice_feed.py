"""UPLOAD_VAT_INVOICE: a PDF invoice or credit note for one order, its facts in the feed's feedOptions.

Checks what Amazon documents for the feed (invoice-feeds-attributes, "Option 3: upload invoices through
SP-API"): one marketplace of the VAT invoicing program, `metadata:orderid` or `metadata:shippingid`,
`metadata:invoicenumber`, `metadata:documenttype` Invoice or CreditNote, `metadata:transactionid` for a
credit note, and a PDF document. The sandbox also checks what a seller's books must get right: the order
exists in that marketplace, an invoice's `metadata:totalamount` is the order's total, and an invoice number
is not uploaded twice for the same order. Accepted documents are kept per order (state kind "vat-invoice").

The result is an MWS-style processing report with one message. The numeric result codes are the sandbox's
own, except 79509 (FeatureNotAvailable) which Amazon documents; the descriptions say what is wrong.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sellersync.sandbox import money
from sellersync.sandbox.feed_documents import ProcessingResult, build_processing_report
from sellersync.sandbox.service import Sandbox

FEED_TYPE = "UPLOAD_VAT_INVOICE"
VAT_INVOICE_MARKETPLACES = frozenset(
    {
        "A1RKKUPIHCS9HS",  # ES
        "A1F83G8C2ARO7P",  # UK
        "A13V1IB3VIYZZH",  # FR
        "A1PA6795UKMFR9",  # DE
        "APJ6JRA9NG5V4",  # IT
        "A1805IZSGTT6HS",  # NL
        "A1C3SOZRARQ6R3",  # PL
        "A2NODRKZP88ZB9",  # SE
    }
)
DOCUMENT_TYPES = ("Invoice", "CreditNote")

NOT_A_PDF = 79500
MARKETPLACE_INPUT_ERROR = 79501
ORDER_ID_MISSING = 79502
INVOICE_NUMBER_ERROR = 79503
DOCUMENT_TYPE_ERROR = 79504
ORDER_NOT_FOUND = 79505
TOTAL_AMOUNT_MISMATCH = 79506


class _Refused(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _options(feed: dict[str, Any]) -> dict[str, str]:
    raw = feed.get("feedOptions")
    if not isinstance(raw, dict):
        return {}
    return {str(key).lower(): str(value) for key, value in raw.items()}


def _check_document(feed: dict[str, Any], options: dict[str, str], content: bytes) -> None:
    if not content.startswith(b"%PDF-"):
        raise _Refused(NOT_A_PDF, "The uploaded document is not a PDF file.")
    marketplaces = feed.get("marketplaceIds") or []
    if len(marketplaces) != 1 or marketplaces[0] not in VAT_INVOICE_MARKETPLACES:
        raise _Refused(
            MARKETPLACE_INPUT_ERROR,
            "Specify exactly one marketplace of the VAT invoicing program (ES, UK, FR, DE, IT, NL, PL, SE).",
        )
    if not options.get("metadata:orderid") and not options.get("metadata:shippingid"):
        raise _Refused(ORDER_ID_MISSING, "metadata:orderid or metadata:shippingid is required.")
    if not options.get("metadata:invoicenumber"):
        raise _Refused(INVOICE_NUMBER_ERROR, "metadata:invoicenumber is required.")
    document_type = options.get("metadata:documenttype", "Invoice")
    if document_type not in DOCUMENT_TYPES:
        raise _Refused(DOCUMENT_TYPE_ERROR, "metadata:documenttype must be Invoice or CreditNote.")
    if document_type == "CreditNote" and not options.get("metadata:transactionid"):
        raise _Refused(DOCUMENT_TYPE_ERROR, "metadata:transactionid is required for a credit note.")


def _check_order(sandbox: Sandbox, seller_id: str, feed: dict[str, Any], options: dict[str, str]) -> str:
    order_id = options.get("metadata:orderid", "")
    order = sandbox.order(order_id, seller_id) if order_id else None
    if order is None or order.marketplace_id != feed["marketplaceIds"][0]:
        raise _Refused(ORDER_NOT_FOUND, f"Order {order_id} was not found in this marketplace.")
    if options.get("metadata:documenttype", "Invoice") == "Invoice" and "metadata:totalamount" in options:
        try:
            declared = Decimal(options["metadata:totalamount"])
        except InvalidOperation as error:
            raise _Refused(TOTAL_AMOUNT_MISMATCH, "metadata:totalamount is not a number.") from error
        expected = money.order_total(order)
        if declared != expected:
            raise _Refused(
                TOTAL_AMOUNT_MISMATCH,
                f"metadata:totalamount {declared} differs from the order total {expected} {order.currency}.",
            )
    key = f"{order_id}:{options['metadata:invoicenumber']}"
    if sandbox.state.get("vat-invoice", key) is not None:
        raise _Refused(
            INVOICE_NUMBER_ERROR, f"Invoice number {options['metadata:invoicenumber']} was already uploaded."
        )
    return key


def process(sandbox: Sandbox, seller_id: str, feed: dict[str, Any], content: bytes) -> bytes:
    """Check and keep the uploaded document; the processing report as XML bytes."""
    options = _options(feed)
    try:
        _check_document(feed, options, content)
        key = _check_order(sandbox, seller_id, feed, options)
    except _Refused as refused:
        order_id = options.get("metadata:orderid") or None
        result = ProcessingResult(1, "Error", refused.code, refused.description, order_id)
        return build_processing_report(seller_id, feed["feedId"], 1, 0, [result], anonymous=False)
    record = {"feed_id": feed["feedId"], "options": options, "size": len(content)}
    sandbox.state.put("vat-invoice", key, seller_id, record)
    return build_processing_report(seller_id, feed["feedId"], 1, 1, [], anonymous=False)


def uploaded_invoices(sandbox: Sandbox, seller_id: str) -> list[dict[str, Any]]:
    """The documents the seller uploaded and the sandbox accepted (for tests and the control API)."""
    return list(sandbox.state.all("vat-invoice", seller_id))
