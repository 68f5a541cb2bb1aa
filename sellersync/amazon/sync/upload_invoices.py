"""Invoices of Amazon orders: made with Amazon's B2B facts, uploaded to Amazon where it takes them.

Amazon hides buyers' e-mail addresses, so an invoice cannot be e-mailed: on the marketplaces of Amazon's
VAT invoicing program (EU + UK) its PDF is uploaded with an UPLOAD_VAT_INVOICE feed, one feed per document
(content type application/pdf, the invoice facts as feedOptions `metadata:*` keys). Elsewhere the PDF is
only available for download from the back office.

Each upload is an `OutboundMessage(kind=invoice, reference="invoice:<id>")`: pending when queued, sent with
its feed id, then synced or failed from the feed's outcome (processing status and, when there is one, its
processing report). Amazon documents the VIDR report (invoice-status-description) as the place where VCS
sellers read upload results; sellers without VCS (this connector) have only the feed's own result.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellersync.accounting import invoicing
from sellersync.accounting.choices import InvoiceState
from sellersync.accounting.invoicing import BuyerTaxFacts
from sellersync.accounting.models import Invoice
from sellersync.accounting.pdf import render_invoice_pdf
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.sync.feed_results import IN_FLIGHT, mark_failed, mark_synced
from sellersync.amazon.sync.settlement_clearing import clear_awaiting_proceeds
from sellersync.core.errors import DomainError
from sellersync.core.models import Company
from sellersync.sales.models import SalesOrder
from sellersync.spapi import order_feeds
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.errors import PermanentError, TransientError
from sellersync.spapi.marketplaces import DOCUMENT_LANGUAGES, Marketplace

logger = logging.getLogger(__name__)

FEED_TYPE = "UPLOAD_VAT_INVOICE"
PDF_CONTENT_TYPE = "application/pdf"
# Marketplaces of the VAT invoice upload (Amazon's "Option 3: upload invoices through SP-API" page).
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


class InvoiceNotUploadable(DomainError):
    """The invoice cannot be uploaded as it is (a draft, or a credit note without Amazon's refund id)."""


@dataclass
class InvoiceSyncResult:
    """What one pass did: uploads sent, and uploads Amazon finished (synced or failed)."""

    sent: list[OutboundMessage] = field(default_factory=list)
    synced: list[OutboundMessage] = field(default_factory=list)
    failed: list[OutboundMessage] = field(default_factory=list)


def invoice_reference(invoice: Invoice) -> str:
    return f"invoice:{invoice.pk}"


def binding_of_order(order_id: int) -> AmazonOrder | None:
    return AmazonOrder.objects.select_related("account").filter(sales_order_id=order_id).first()


def is_uploadable_marketplace(marketplace_id: str) -> bool:
    return marketplace_id in VAT_INVOICE_MARKETPLACES


# --- making invoices -------------------------------------------------------------------------------------


def amazon_buyer_facts(order: SalesOrder) -> BuyerTaxFacts:
    """B2B facts of an Amazon order: Amazon's business flag and the buyer's VAT number of this order
    (when Amazon shared its tax information), else the customer record's."""
    on_partner = invoicing.partner_tax_facts(order)
    binding = binding_of_order(order.pk)
    if binding is None:
        return on_partner
    return BuyerTaxFacts(
        is_business=binding.is_business_order or on_partner.is_business,
        vat_number=binding.buyer_vat_number or on_partner.vat_number,
    )


def marketplace_language(order: SalesOrder) -> str:
    """The language of the order's marketplace for its documents; "" for English (see DOCUMENT_LANGUAGES)."""
    binding = binding_of_order(order.pk)
    if binding is None:
        return ""
    try:
        marketplace = Marketplace.from_id(binding.marketplace_id)
    except ValueError:
        return ""
    return DOCUMENT_LANGUAGES.get(marketplace, "")


def create_amazon_invoices(
    orders: Iterable[SalesOrder],
    *,
    date: datetime.date | None = None,
    on_refused: invoicing.RefusalHandler | None = None,
) -> list[Invoice]:
    """Invoice and post the orders not invoiced yet; queue the upload of those sold on an EU marketplace.

    Each invoice is in its customer's language, else its marketplace's (the PDF Amazon gets is in it).

    A refused order raises, or with `on_refused` is reported there while the others are invoiced.
    """
    invoices = invoicing.create_invoices(
        orders,
        buyer_facts=amazon_buyer_facts,
        date=date,
        post=True,
        on_refused=on_refused,
        language_of=marketplace_language,
    )
    for invoice in invoices:
        queue_upload(invoice)
    if invoices:  # refunds Amazon reported before the invoice become its credit notes now
        from sellersync.amazon.sync.import_refunds import credit_pending_refunds

        credit_pending_refunds(sales_order_ids=[invoice.sales_order_id for invoice in invoices])
    origins_by_company: dict[int, list[str]] = defaultdict(list)
    for invoice in invoices:
        origins_by_company[invoice.company_id].append(invoice.origin)
    for company_id, origins in origins_by_company.items():  # Amazon may have settled them already
        clear_awaiting_proceeds(Company.objects.get(pk=company_id), origins)
    return invoices


# --- queueing and sending --------------------------------------------------------------------------------


def feed_options(invoice: Invoice, binding: AmazonOrder) -> dict[str, str]:
    """The UPLOAD_VAT_INVOICE feedOptions of a posted invoice or credit note."""
    options = {
        "metadata:orderid": binding.amazon_id,
        "metadata:invoicenumber": invoice.number,
        "metadata:documenttype": "CreditNote" if invoice.is_credit_note else "Invoice",
        "metadata:totalamount": str(invoice.amount_total),
        "metadata:totalvatamount": str(invoice.amount_tax),
    }
    if invoice.is_credit_note:
        options["metadata:transactionid"] = invoice.transaction_id
    return options


def queue_upload(invoice: Invoice) -> OutboundMessage | None:
    """Record the upload of a posted invoice of an Amazon order (once); None where Amazon takes no uploads."""
    if invoice.state != InvoiceState.POSTED:
        raise InvoiceNotUploadable(_("%(invoice)s is not posted.") % {"invoice": invoice})
    binding = binding_of_order(invoice.sales_order_id)
    if binding is None or not is_uploadable_marketplace(binding.marketplace_id):
        return None
    message, _created = OutboundMessage.objects.get_or_create(
        account=binding.account,
        kind=OutboundKind.INVOICE,
        reference=invoice_reference(invoice),
        defaults={
            "amazon_order_id": binding.amazon_id,
            "payload": {
                "invoice_id": invoice.pk,
                "marketplace_id": binding.marketplace_id,
                "feed_options": feed_options(invoice, binding),
            },
        },
    )
    return message


def _send(client: SpApiClient, message: OutboundMessage) -> None:
    options = dict(message.payload["feed_options"])
    if options.get("metadata:documenttype") == "CreditNote" and not options.get("metadata:transactionid"):
        raise InvoiceNotUploadable(_("Amazon needs the refund's transaction id to take a credit note."))
    invoice = Invoice.objects.get(pk=message.payload["invoice_id"])  # printed in its own language
    response = client.feeds.submit_feed(
        FEED_TYPE, [message.payload["marketplace_id"]], render_invoice_pdf(invoice), PDF_CONTENT_TYPE, options
    )
    message.state, message.feed_id, message.sent_at = OutboundState.SENT, response.feed_id, timezone.now()
    message.attempts += 1
    message.save(update_fields=["state", "feed_id", "sent_at", "attempts"])


def send_pending_invoices(account: AmazonAccount, client: SpApiClient) -> list[OutboundMessage]:
    """Upload each pending invoice of the account in its own feed; refused ones fail with the reason."""
    sent = []
    pending = OutboundMessage.objects.filter(
        account=account, kind=OutboundKind.INVOICE, state=OutboundState.PENDING
    ).order_by("pk")
    for message in pending:
        try:
            _send(client, message)
        except (InvoiceNotUploadable, PermanentError) as error:
            mark_failed(message, str(error))
        except TransientError as error:  # stays pending: the next pass tries again
            logger.warning("invoice upload %s postponed: %s", message.reference, type(error).__name__)
        else:
            sent.append(message)
    return sent


# --- results -------------------------------------------------------------------------------------------


def check_invoice_feeds(account: AmazonAccount, client: SpApiClient, result: InvoiceSyncResult) -> None:
    """Read the outcome of each invoice feed Amazon has finished; messages become synced or failed."""
    in_flight = OutboundMessage.objects.filter(
        account=account, kind=OutboundKind.INVOICE, state=OutboundState.SENT
    ).exclude(feed_id="")
    for message in in_flight.order_by("pk"):
        feed = client.feeds.get_feed(message.feed_id)
        if feed.processing_status in IN_FLIGHT:
            continue
        errors = _report_errors(client, feed.result_feed_document_id)
        if feed.processing_status == "DONE" and not errors:
            mark_synced(message)
            result.synced.append(message)
            continue
        text = "\n".join(errors) or _("Amazon ended feed %(feed)s as %(status)s.") % {
            "feed": message.feed_id,
            "status": feed.processing_status,
        }
        mark_failed(message, text)
        result.failed.append(message)


def _report_errors(client: SpApiClient, document_id: str | None) -> list[str]:
    if not document_id:
        return []
    content = client.feeds.feed_document_content(document_id)
    try:
        report = order_feeds.parse_processing_report(content)
    except order_feeds.ProcessingReportError as error:
        return [_("Amazon's processing report could not be read: %(error)s") % {"error": error}]
    return [f"{result.message_code}: {result.description}" for result in report.errors]


def sync_invoices(account: AmazonAccount, client: SpApiClient) -> InvoiceSyncResult:
    """One pass: send pending uploads, then read finished feeds."""
    result = InvoiceSyncResult(sent=send_pending_invoices(account, client))
    check_invoice_feeds(account, client, result)
    return result


def retry_invoice_upload(invoice: Invoice) -> OutboundMessage | None:
    """Put a failed upload back to pending with the invoice's facts as they are now (e.g. a refund id)."""
    binding = binding_of_order(invoice.sales_order_id)
    if binding is None:
        return None
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(account=binding.account, kind=OutboundKind.INVOICE, reference=invoice_reference(invoice))
            .first()
        )
        if message is None:
            return queue_upload(invoice)
        message.state, message.amazon_error, message.feed_id = OutboundState.PENDING, "", ""
        message.payload = {**message.payload, "feed_options": feed_options(invoice, binding)}
        message.save(update_fields=["state", "amazon_error", "feed_id", "payload"])
        return message
