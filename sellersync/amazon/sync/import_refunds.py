"""Amazon's refunds into the books: every refund event a credit note against its order's invoice.

fetch the refund events posted since the account's cursor (listFinancialEvents, the window re-read from
`REFUND_DELTA_BUFFER` before it, since Amazon may post an event late) -> map them (mappers/refunds.py) ->
store each refund once (unique (account, Amazon's identity of the refund)) -> credit it: one credit note of
the order's posted invoice, its lines crediting the invoice lines of the refunded items (so each keeps the
invoice line's real tax rate) with Amazon's amounts to the cent, posted, its upload queued on the EU
marketplaces -> move the cursor once everything up to it is committed.

A refund of an order without a posted invoice waits (pending, listed with the reason) and is credited as soon
as the invoice is posted (`credit_pending_refunds`, called by the Amazon invoicing and at every pass). A
refund that does not fit its invoice (more than invoiced, a charge the invoice does not have) is failed with
the reason and tried again at every pass. The settlement import stores the refunds of a group the same way
before booking it, so whichever comes first, the refund makes one credit note; the settlement's refund
line then matches that credit note's receivable (settlement_books.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.invoicing import ChargeLine, CreditLine, create_credit_note
from sellersync.accounting.languages import document_language
from sellersync.accounting.models import Invoice, InvoiceLine
from sellersync.amazon.mappers import refunds as mapping
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.refunds import RefundData, RefundItem
from sellersync.amazon.models import AmazonAccount, AmazonOffer, AmazonOrder
from sellersync.amazon.models.refunds import AmazonRefund, AmazonRefundCursor, RefundState
from sellersync.amazon.sync.settlement_clearing import clear_awaiting_proceeds
from sellersync.amazon.sync.upload_invoices import queue_upload
from sellersync.core.errors import DomainError
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.models.finances_v0 import FinancialEvents

logger = logging.getLogger(__name__)

REFUND_DELTA_BUFFER = timedelta(days=2)  # Amazon may post an event up to 48 hours late
DEFAULT_LOOKBACK = timedelta(days=90)
MAX_WINDOW = timedelta(days=179)  # Amazon answers nothing for a window over 180 days
POSTED_BEFORE_MARGIN = timedelta(minutes=2)  # Amazon's events of the last 2 minutes are not final


class RefundRefused(DomainError):
    """A refund that cannot be a credit note of its invoice as it is."""


@dataclass
class RefundImport:
    """What one pass did."""

    seen: int = 0
    new: int = 0
    credited: int = 0
    pending: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


# --- fetching ------------------------------------------------------------------------------------------


def import_refunds(
    account: AmazonAccount, client: SpApiClient, *, since: datetime | None = None
) -> RefundImport:
    """Read the refund events posted since the cursor (or `since`), credit them, then move the cursor."""
    cursor = AmazonRefundCursor.objects.filter(account=account).first()
    now = timezone.now()
    if since is None:
        since = cursor.posted_before - REFUND_DELTA_BUFFER if cursor else now - DEFAULT_LOOKBACK
    upper: datetime | None = None
    result = RefundImport()
    pages = client.finances_v0.iter_financial_events(max_results_per_page=100, posted_after=since)
    for page in pages:
        if upper is None:  # Amazon's clock at its first answer: the events before it are all listed
            upper = (client.amazon_now() or now) - POSTED_BEFORE_MARGIN
        store_refunds(account, _mapped(page, result), result)
    credit_pending_refunds(account, result=result)
    if upper is not None and upper > since:
        upper = min(upper, since + MAX_WINDOW)
        AmazonRefundCursor.objects.update_or_create(account=account, defaults={"posted_before": upper})
    return result


def _mapped(page: FinancialEvents, result: RefundImport) -> list[RefundData]:
    """The page's refunds; an event that cannot be mapped is reported and the others go on."""
    refunds = []
    for event in page.refund_event_list:
        try:
            refunds.append(mapping.map_refund(event))
        except MappingError as error:
            logger.warning("refund event not mapped: %s", error)
            result.failed += 1
            result.errors.append(str(error))
    return refunds


def refunds_of_events(pages: Iterable[FinancialEvents], result: RefundImport) -> list[RefundData]:
    return [refund for page in pages for refund in _mapped(page, result)]


# --- storing and crediting -----------------------------------------------------------------------------


def store_refunds(account: AmazonAccount, refunds: Iterable[RefundData], result: RefundImport) -> None:
    """Keep each refund once, and credit the new ones (or those still waiting) at once."""
    credited_orders: list[str] = []
    for data in refunds:
        result.seen += 1
        refund, created = _get_or_create(account, data)
        result.new += int(created)
        if refund.state == RefundState.CREDITED:
            continue
        state = credit_refund(refund)
        _count(result, refund, state)
        if state == RefundState.CREDITED:
            credited_orders.append(refund.amazon_order_id)
    if credited_orders:  # a settlement may have put the refund on 1160 before its credit note
        clear_awaiting_proceeds(account.company, credited_orders)


def _get_or_create(account: AmazonAccount, data: RefundData) -> tuple[AmazonRefund, bool]:
    restocking = sum(
        (-charge.amount for item in data.items for charge in item.charges if charge.kind == "restocking_fee"),
        mapping.ZERO,
    )
    defaults = {
        "amazon_order_id": data.amazon_order_id,
        "posted_at": data.posted_at,
        "currency_code": data.currency[:3],
        "amount_refunded": data.refunded,
        "restocking_fee": restocking,
        "facilitator_tax": data.facilitator_tax,
        "payload": mapping.refund_to_json(data),
    }
    try:
        with transaction.atomic():
            return AmazonRefund.objects.get_or_create(account=account, refund_key=data.key, defaults=defaults)
    except IntegrityError:  # another worker stored it between our read and insert
        return AmazonRefund.objects.get(account=account, refund_key=data.key), False


def _count(result: RefundImport, refund: AmazonRefund, state: str) -> None:
    if state == RefundState.CREDITED:
        result.credited += 1
    elif state == RefundState.PENDING:
        result.pending += 1
    else:
        result.failed += 1
        result.errors.append(f"{refund.amazon_order_id}: {refund.error}")


def credit_pending_refunds(
    account: AmazonAccount | None = None,
    *,
    sales_order_ids: Iterable[int] | None = None,
    result: RefundImport | None = None,
) -> int:
    """Credit the refunds still waiting (or failed) of the account, or of these sales orders' orders; only
    those whose order has a posted invoice are tried (the others would wait again)."""
    invoiced = AmazonOrder.objects.filter(
        sales_order__invoices__kind=InvoiceKind.INVOICE, sales_order__invoices__state=InvoiceState.POSTED
    ).values("amazon_id")
    waiting = (
        AmazonRefund.objects.exclude(state=RefundState.CREDITED)
        .filter(amazon_order_id__in=invoiced)
        .select_related("account__company")
    )
    if account is not None:
        waiting = waiting.filter(account=account)
    if sales_order_ids is not None:
        bindings = AmazonOrder.objects.filter(sales_order_id__in=list(sales_order_ids))
        pairs = list(bindings.values_list("account_id", "amazon_id"))
        waiting = waiting.filter(amazon_order_id__in=[amazon_id for _account, amazon_id in pairs])
    credited = 0
    for refund in waiting.order_by("posted_at", "pk"):
        state = credit_refund(refund)
        if result is not None and state != RefundState.PENDING:
            _count(result, refund, state)
        if state == RefundState.CREDITED:
            credited += 1
            clear_awaiting_proceeds(refund.account.company, [refund.amazon_order_id])
    return credited


def credit_refund(refund: AmazonRefund) -> str:
    """Make and post the refund's credit note when its order's invoice is posted; the refund's new state.

    One transaction: the credit note, its upload and the refund's state, or nothing but the reason."""
    try:
        with transaction.atomic():
            locked = AmazonRefund.objects.select_for_update().select_related("account").get(pk=refund.pk)
            if locked.state == RefundState.CREDITED:
                return str(locked.state)
            invoice = _invoice_of(locked)
            if invoice is None:
                return _keep(locked, RefundState.PENDING, _waiting_reason(locked))
            credit_note = _credit_note(locked, invoice, mapping.refund_from_json(locked.payload))
            queue_upload(credit_note)
            locked.credit_note, locked.sales_order_id = credit_note, invoice.sales_order_id
            locked.state, locked.error, locked.credited_at = RefundState.CREDITED, "", timezone.now()
            locked.save(update_fields=["credit_note", "sales_order", "state", "error", "credited_at"])
    except DomainError as error:
        logger.info("refund %s of account %s refused: %s", refund.refund_key, refund.account_id, error)
        _keep(refund, RefundState.FAILED, str(error))
    refund.refresh_from_db()
    return str(refund.state)


def _keep(refund: AmazonRefund, state: str, reason: str) -> str:
    AmazonRefund.objects.filter(pk=refund.pk).update(state=state, error=reason[:2000])
    return state


def _binding(refund: AmazonRefund) -> AmazonOrder | None:
    return AmazonOrder.objects.filter(
        account_id=refund.account_id, amazon_id=refund.amazon_order_id, sales_order__isnull=False
    ).first()


def _invoice_of(refund: AmazonRefund) -> Invoice | None:
    binding = _binding(refund)
    if binding is None:
        return None
    return Invoice.objects.filter(
        sales_order_id=binding.sales_order_id, kind=InvoiceKind.INVOICE, state=InvoiceState.POSTED
    ).first()


def _waiting_reason(refund: AmazonRefund) -> str:
    if _binding(refund) is None:
        return gettext("Order %(order)s is not in the books yet.") % {"order": refund.amazon_order_id}
    return gettext("Order %(order)s has no posted invoice yet.") % {"order": refund.amazon_order_id}


# --- the credit note -----------------------------------------------------------------------------------


def _credit_note(refund: AmazonRefund, invoice: Invoice, data: RefundData) -> Invoice:
    if data.currency != invoice.currency_id:
        raise RefundRefused(
            gettext("The refund is in %(refund)s, the invoice %(invoice)s in %(currency)s.")
            % {"refund": data.currency, "invoice": invoice, "currency": invoice.currency_id}
        )
    invoice_lines = list(invoice.lines.select_related("product").order_by("sequence", "pk"))
    language = document_language(invoice.partner, invoice.language)  # the credit note's, for its lines
    credits: list[CreditLine] = []
    charges: list[ChargeLine] = []
    for item in data.items:
        item_credits, item_charges = _item_lines(refund, item, invoice_lines, language)
        credits += item_credits
        charges += item_charges
    if not credits and not charges:
        raise RefundRefused(gettext("The refund gives back no amount."))
    posted = timezone.localtime(refund.posted_at).date()
    with translation.override(language):
        reason = gettext("Amazon refund of %(date)s") % {"date": posted.isoformat()}
    return create_credit_note(
        invoice,
        _merged(credits),
        reason,
        transaction_id=transaction_id(data),
        date=max(posted, invoice.date),
        post=True,
        charges=charges,
        settled_by_marketplace=True,
    )


def transaction_id(data: RefundData) -> str:
    """The refund's id for Amazon (UPLOAD_VAT_INVOICE metadata:transactionid): its adjustment item ids."""
    return "+".join(data.adjustment_item_ids)[:64] or data.key[:64]


def _item_lines(
    refund: AmazonRefund, item: RefundItem, invoice_lines: list[InvoiceLine], language: str
) -> tuple[list[CreditLine], list[ChargeLine]]:
    credits, charges = [], []
    product_id = _product_of_sku(refund, item.sku)
    for charge in item.charges:
        if charge.kind in (mapping.RESTOCKING_FEE, mapping.OTHER):
            charges.append(_charge_line(charge, language))
            continue
        line = _invoice_line(invoice_lines, charge.kind, item.sku, product_id)
        if line is None:
            raise RefundRefused(
                gettext("The invoice has no %(kind)s line for %(sku)s that Amazon refunded.")
                % {"kind": charge.kind, "sku": item.sku or item.order_item_id}
            )
        quantity = line.quantity
        if charge.kind == mapping.PRODUCT and item.quantity and item.quantity <= line.quantity:
            quantity = type(line.quantity)(item.quantity)
        credits.append(CreditLine(line, quantity, charge.amount, charge.tax))
    return credits, charges


def _charge_line(charge: mapping.RefundCharge, language: str) -> ChargeLine:
    """A credit note line of its own, described in the credit note's language."""
    with translation.override(language):
        if charge.kind == mapping.RESTOCKING_FEE:
            description = gettext("Restocking fee")
        else:
            description = gettext("Refunded by Amazon: %(charge)s") % {"charge": charge.label}
    return ChargeLine(description, charge.amount + charge.tax, line_kind=charge.kind)


def _merged(credits: list[CreditLine]) -> list[CreditLine]:
    """One credit line per invoice line (an order item refunded twice in one event adds up)."""
    merged: dict[int, CreditLine] = {}
    for credit in credits:
        known = merged.get(credit.invoice_line.pk)
        if known is None:
            merged[credit.invoice_line.pk] = credit
            continue
        assert known.subtotal is not None and credit.subtotal is not None
        assert known.tax_amount is not None and credit.tax_amount is not None
        merged[credit.invoice_line.pk] = CreditLine(
            known.invoice_line,
            known.invoice_line.quantity,
            known.subtotal + credit.subtotal,
            known.tax_amount + credit.tax_amount,
        )
    return list(merged.values())


def _product_of_sku(refund: AmazonRefund, sku: str) -> int | None:
    if not sku:
        return None
    return (
        AmazonOffer.objects.filter(account_id=refund.account_id, sku=sku)
        .values_list("product_id", flat=True)
        .first()
    )


def _invoice_line(
    lines: list[InvoiceLine], kind: str, sku: str, product_id: int | None
) -> InvoiceLine | None:
    """The invoice line of this kind for the item: its product line (by the SKU's product), or its charge
    line (named "... (<SKU>)" when the order has several items, see mappers/lines.py)."""
    of_kind = [line for line in lines if line.line_kind == kind]
    if kind == mapping.PRODUCT:
        matching = [line for line in of_kind if product_id is not None and line.product_id == product_id]
    else:
        matching = [line for line in of_kind if sku and line.description.endswith(f"({sku})")]
    if matching:
        return matching[0]
    return of_kind[0] if len(of_kind) == 1 else None
