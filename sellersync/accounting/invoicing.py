"""Invoices and credit notes from sales orders, and their entries in the sales journal.

- `create_invoice_from_order` copies the order's lines and amounts (never recomputed): the invoice total is
  the order total, which for an Amazon order is Amazon's OrderTotal to the cent.
- `post_invoice` books it in the company's sales journal and gives it the entry's gapless number
  ("INV/2026/00001"); a refused posting leaves no entry and no number used.
- `create_credit_note` refunds all or part of a posted invoice; posting it mirrors the invoice on the
  refunds account and reconciles the receivable when the whole invoice is credited.

The journal entry of an invoice (credit notes swap debits and credits, with "Sales refunds" for revenue):

- 1100 receivable, debit the total minus the marketplace tax (partner = customer, matching key = the
  order's customer reference, i.e. the Amazon order id);
- 4000 revenue, credit each line's untaxed subtotal (a promotion's negative subtotal is a debit);
- 2200 tax payable, credit the tax the seller remits itself;
- 2210 tax collected by marketplace, credit the marketplace-facilitator tax and debit it back.

The 2210 pair shows the bookkeeper, on the invoice's own entry, that the buyer paid that tax to Amazon and
Amazon remits it: the seller is owed the total minus that tax, and the account's balance stays zero (its
credit turnover over a period is the tax Amazon collected for the seller's sales).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from sellersync.accounting import rates
from sellersync.accounting.choices import AccountRole, InvoiceKind, InvoiceState, JournalKind
from sellersync.accounting.errors import InvalidEntry
from sellersync.accounting.exchange import reconcile_with_exchange_difference
from sellersync.accounting.languages import document_language
from sellersync.accounting.models import Account, Invoice, InvoiceLine, Journal, JournalLine
from sellersync.accounting.services import (
    LineData,
    create_default_journals,
    get_account,
    reconcile,
    record_entry,
)
from sellersync.core.errors import DomainError, InvalidTransition
from sellersync.core.models import Company, Tax
from sellersync.core.vat_numbers import vat_number_is_valid
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesOrderLine

ZERO = Decimal(0)
INVOICEABLE_STATES = frozenset({OrderState.CONFIRMED, OrderState.DONE})

# target state -> states an invoice may come from
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceState.POSTED: frozenset({InvoiceState.DRAFT}),
    InvoiceState.CANCELED: frozenset({InvoiceState.DRAFT}),
}


class NotInvoiceable(DomainError):
    """The order cannot be invoiced (a quotation, canceled, or already invoiced)."""


class AlreadyInvoiced(NotInvoiceable):
    """The order already has an invoice that is not canceled."""


class InvalidCreditNote(DomainError):
    """The refund asked for does not fit the invoice (not posted, more than invoiced...)."""


@dataclass(frozen=True)
class BuyerTaxFacts:
    """Whether the buyer is a business and its VAT number, as the caller knows them (e.g. from Amazon)."""

    is_business: bool
    vat_number: str = ""


BuyerFactsOf = Callable[[SalesOrder], BuyerTaxFacts]
LanguageOf = Callable[[SalesOrder], str]
RefusalHandler = Callable[[SalesOrder, DomainError], None]


def partner_tax_facts(order: SalesOrder) -> BuyerTaxFacts:
    """Facts from the customer record: a company, or anyone with a VAT number, is a business."""
    partner = order.partner
    vat_number = partner.vat_number or (partner.parent.vat_number if partner.parent is not None else "")
    return BuyerTaxFacts(is_business=partner.is_company or bool(vat_number), vat_number=vat_number)


def sales_journal(company_id: int) -> Journal:
    journal = Journal.objects.filter(company_id=company_id, kind=JournalKind.SALE, is_active=True).first()
    if journal is not None:
        return journal
    return create_default_journals(Company.objects.get(pk=company_id))[JournalKind.SALE]


# --- invoices from orders ------------------------------------------------------------------------------


def create_invoice_from_order(
    order: SalesOrder,
    *,
    buyer: BuyerTaxFacts | None = None,
    date: datetime.date | None = None,
    post: bool = False,
    language: str = "",
) -> Invoice:
    """A draft invoice of the whole order (posted at once with `post=True`). AlreadyInvoiced if it has one.

    Its language is the customer's, else `language` (e.g. the marketplace's), else the default one."""
    with transaction.atomic():
        locked = (
            SalesOrder.objects.select_for_update(of=("self",))
            .select_related("partner__parent")
            .get(pk=order.pk)
        )
        _check_invoiceable(locked)
        facts = buyer if buyer is not None else partner_tax_facts(locked)
        vat_number = facts.vat_number.strip()
        invoice = Invoice(
            company_id=locked.company_id,
            journal=sales_journal(locked.company_id),
            kind=InvoiceKind.INVOICE,
            partner_id=locked.partner_id,
            sales_order=locked,
            origin=locked.client_order_ref or locked.name,
            date=date or timezone.localdate(),
            currency_id=locked.currency_id,
            is_business=facts.is_business,
            buyer_vat_number=vat_number[:40],
            vat_number_missing=facts.is_business and not vat_number,
            buyer_vat_number_invalid=bool(vat_number) and not vat_number_is_valid(vat_number),
            language=document_language(locked.partner, language),
        )
        try:
            with transaction.atomic():
                invoice.save()
        except IntegrityError as error:  # another worker invoiced it between our check and insert
            raise AlreadyInvoiced(_already_invoiced_text(locked)) from error
        order_lines = list(locked.lines.select_related("tax").order_by("sequence", "pk"))
        InvoiceLine.objects.bulk_create(_copy_line(invoice, line) for line in order_lines)
        _store_amounts(invoice)
        if invoice.amount_total != locked.amount_total:
            raise InvalidEntry(
                gettext("Invoice total %(invoice)s differs from order %(order)s's total %(total)s.")
                % {"invoice": invoice.amount_total, "order": locked.name, "total": locked.amount_total}
            )
        if post:
            post_invoice(invoice)
    return invoice


def create_invoices(
    orders: Iterable[SalesOrder],
    *,
    buyer_facts: BuyerFactsOf | None = None,
    date: datetime.date | None = None,
    post: bool = False,
    on_refused: RefusalHandler | None = None,
    language_of: LanguageOf | None = None,
) -> list[Invoice]:
    """Invoice each order that can be, one transaction each; orders already invoiced are skipped.

    An order whose invoice is refused (e.g. no exchange rate for its currency) raises, leaving the invoices
    before it; with `on_refused`, it is reported there and the batch goes on. `language_of` gives an order's
    document language when its customer has none.
    """
    invoices = []
    for order in sorted(orders, key=lambda order: order.pk):
        if _has_live_invoice(order) or order.state not in INVOICEABLE_STATES:
            continue
        facts = buyer_facts(order) if buyer_facts is not None else None
        language = language_of(order) if language_of is not None else ""
        try:
            invoices.append(
                create_invoice_from_order(order, buyer=facts, date=date, post=post, language=language)
            )
        except NotInvoiceable:  # invoiced or canceled meanwhile (the caller's copy may be stale)
            continue
        except DomainError as error:
            if on_refused is None:
                raise
            on_refused(order, error)
    return invoices


def _has_live_invoice(order: SalesOrder) -> bool:
    return (
        Invoice.objects.filter(sales_order=order, kind=InvoiceKind.INVOICE)
        .exclude(state=InvoiceState.CANCELED)
        .exists()
    )


def _already_invoiced_text(order: SalesOrder) -> str:
    return gettext("Sales order %(order)s is already invoiced.") % {"order": order.name}


def _check_invoiceable(order: SalesOrder) -> None:
    if order.state not in INVOICEABLE_STATES:
        raise NotInvoiceable(
            gettext("Sales order %(order)s cannot be invoiced in state %(state)s.")
            % {"order": order.name, "state": order.get_state_display()}
        )
    if _has_live_invoice(order):
        raise AlreadyInvoiced(_already_invoiced_text(order))


def _copy_line(invoice: Invoice, line: SalesOrderLine) -> InvoiceLine:
    return InvoiceLine(
        invoice=invoice,
        sequence=line.sequence,
        sales_line=line,
        line_kind=line.line_kind,
        product_id=line.product_id,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_amount=line.discount_amount,
        tax=line.tax,
        tax_collected_by_marketplace=bool(line.tax and line.tax.collected_by_marketplace),
        price_include=line.price_include,
        subtotal=line.subtotal,
        tax_amount=line.tax_amount,
        total=line.total,
    )


def _store_amounts(invoice: Invoice) -> None:
    lines = list(invoice.lines.all())
    invoice.amount_untaxed = sum((line.subtotal for line in lines), ZERO)
    invoice.amount_tax = sum((line.tax_amount for line in lines), ZERO)
    invoice.amount_tax_marketplace = sum(
        (line.tax_amount for line in lines if line.tax_collected_by_marketplace), ZERO
    )
    invoice.amount_total = sum((line.total for line in lines), ZERO)
    invoice.amount_receivable = invoice.amount_total - invoice.amount_tax_marketplace
    invoice.save(
        update_fields=[
            "amount_untaxed",
            "amount_tax",
            "amount_tax_marketplace",
            "amount_total",
            "amount_receivable",
        ]
    )


# --- posting -------------------------------------------------------------------------------------------


def _locked_invoice(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("company__currency", "journal", "partner")
        .get(pk=invoice.pk)
    )


def _check_transition(invoice: Invoice, target: str) -> None:
    if invoice.state not in ALLOWED_TRANSITIONS[target]:
        raise InvalidTransition(invoice, invoice.state, target)


def post_invoice(invoice: Invoice, *, reconcile_full_refund: bool = True) -> Invoice:
    """Book a draft invoice or credit note in its journal; it takes the entry's gapless number.

    A credit note of the whole invoice is reconciled with it, unless `reconcile_full_refund` is False (a
    marketplace's refund: its settlement pays the invoice and takes the refund back apart).
    """
    with transaction.atomic():
        locked = _locked_invoice(invoice)
        _check_transition(locked, InvoiceState.POSTED)
        entry = record_entry(
            locked.journal,
            locked.date,
            _in_company_currency(locked, entry_lines(locked)),
            ref=_entry_ref(locked),
            currency=locked.currency,
        )
        locked.entry, locked.number, locked.state = entry, entry.number, InvoiceState.POSTED
        locked.posted_at = timezone.now()
        locked.save(update_fields=["entry", "number", "state", "posted_at"])
        if locked.is_credit_note and reconcile_full_refund:
            _reconcile_full_refund(locked)
    invoice.refresh_from_db()
    return invoice


def _in_company_currency(invoice: Invoice, lines: list[LineData]) -> list[LineData]:
    """Lines of a foreign-currency document at the rate of its date (`accounting.rates`).

    The receivable and the taxes are each converted and rounded; the rounding difference goes to the
    largest revenue line, so the entry balances exactly and the tax booked is the converted tax.
    """
    company = invoice.company
    if not rates.is_foreign(company, invoice.currency_id):
        return lines
    rate = rates.rate_on(company, invoice.currency_id, invoice.date)
    revenue_roles = (AccountRole.REVENUE, AccountRole.REFUNDS)
    revenue = [index for index, line in enumerate(lines) if line.account.role in revenue_roles]
    candidates = revenue or list(range(len(lines)))
    absorb = max(candidates, key=lambda index: lines[index].debit + lines[index].credit)
    return rates.convert_lines(lines, rate, rates.company_places(company), absorb=absorb)


def cancel_invoice(invoice: Invoice) -> Invoice:
    """Abandon a draft; a posted invoice is refunded with a credit note instead."""
    with transaction.atomic():
        locked = _locked_invoice(invoice)
        _check_transition(locked, InvoiceState.CANCELED)
        locked.state = InvoiceState.CANCELED
        locked.save(update_fields=["state"])
    invoice.refresh_from_db()
    return invoice


def _entry_ref(invoice: Invoice) -> str:
    return f"{invoice.get_kind_display()} {invoice.origin}"[:128]


def matching_key(invoice: Invoice) -> str:
    """What the receivable line is matched by: the order's customer reference (the Amazon order id)."""
    return invoice.origin[:128]


def entry_lines(invoice: Invoice) -> list[LineData]:
    """The journal lines of an invoice (credit notes: mirrored), see the module docstring."""
    company = invoice.company
    sign = -1 if invoice.is_credit_note else 1
    lines = [
        _signed(
            get_account(company, AccountRole.RECEIVABLE),
            sign * invoice.amount_receivable,
            partner=invoice,
            label=gettext("%(invoice)s receivable") % {"invoice": invoice.origin},
            key=matching_key(invoice),
        )
    ]
    revenue = get_account(company, AccountRole.REFUNDS if invoice.is_credit_note else AccountRole.REVENUE)
    invoice_lines = list(invoice.lines.select_related("tax").order_by("sequence", "pk"))
    for line in invoice_lines:
        if line.subtotal:
            lines.append(_signed(revenue, -sign * line.subtotal, partner=invoice, label=_label(line)))
    lines += _tax_lines(invoice, invoice_lines, sign)
    return lines


def _tax_lines(invoice: Invoice, invoice_lines: list[InvoiceLine], sign: int) -> list[LineData]:
    """One tax line per tax (with its taxable base, for the VAT report); lines without a tax row apart."""
    company = invoice.company
    taxes: dict[int | None, tuple[Tax | None, Decimal, Decimal]] = {}
    for line in invoice_lines:
        tax, amount, base = taxes.get(line.tax_id, (line.tax, ZERO, ZERO))
        taxes[line.tax_id] = (tax, amount + line.tax_amount, base + line.subtotal)
    lines = []
    payable = get_account(company, AccountRole.TAX_PAYABLE)
    collected = get_account(company, AccountRole.TAX_MARKETPLACE)
    for tax, amount, base in taxes.values():
        if not amount:
            continue
        name = tax.name if tax is not None else gettext("Tax")
        if tax is None or not tax.collected_by_marketplace:
            lines.append(
                _signed(payable, -sign * amount, partner=invoice, label=name, tax=tax, base=-sign * base)
            )
            continue
        due = gettext("%(tax)s, remitted by the marketplace") % {"tax": name}
        paid = gettext("%(tax)s, paid by the buyer to the marketplace") % {"tax": name}
        lines.append(
            _signed(collected, -sign * amount, partner=invoice, label=due, tax=tax, base=-sign * base)
        )
        lines.append(_signed(collected, sign * amount, partner=invoice, label=paid))
    return lines


def _label(line: InvoiceLine) -> str:
    return (line.description or str(line.product or ""))[:256]


def _signed(
    account: Account,
    amount: Decimal,
    *,
    partner: Invoice,
    label: str,
    key: str = "",
    tax: Tax | None = None,
    base: Decimal | None = None,
) -> LineData:
    """A line of the invoice's customer: a debit for a positive amount, a credit for a negative one; a tax
    line's `base` is signed the same way as its amount."""
    return LineData.signed(
        account, amount, partner=partner.partner, label=label, matching_key=key, tax=tax, tax_base=base
    )


def receivable_line(invoice: Invoice) -> JournalLine | None:
    """The posted receivable line of an invoice (what a payment is reconciled with)."""
    if invoice.entry_id is None:
        return None
    return (
        JournalLine.objects.filter(entry_id=invoice.entry_id, account__role=AccountRole.RECEIVABLE)
        .order_by("pk")
        .first()
    )


def _reconcile_full_refund(credit_note: Invoice) -> None:
    original = credit_note.credited_invoice
    assert original is not None
    if credit_note.amount_receivable != original.amount_receivable:
        return  # a partial refund stays open against the invoice until a payment settles the rest
    lines = [receivable_line(original), receivable_line(credit_note)]
    if all(line is not None and line.reconciliation_id is None for line in lines) and lines[0] != lines[1]:
        open_lines = [line for line in lines if line is not None]
        if rates.is_foreign(credit_note.company, credit_note.currency_id):
            label = gettext("Exchange difference %(invoice)s") % {"invoice": credit_note.origin}
            reconcile_with_exchange_difference(open_lines, credit_note.date, label)
        else:
            reconcile(open_lines)


# --- credit notes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargeLine:
    """A credit note line that refunds no invoice line, in the invoice's currency: e.g. a restocking fee the
    seller keeps (a negative subtotal: it lessens the refund), or a goodwill amount. Untaxed unless `tax`."""

    description: str
    subtotal: Decimal
    line_kind: str = ""
    tax: Tax | None = None
    tax_amount: Decimal = ZERO


@dataclass(frozen=True)
class CreditLine:
    """Part of an invoice line to refund: a quantity (amounts prorated), or the amounts as Amazon refunded
    them (`subtotal` and `tax_amount`). Nothing given: the whole line."""

    invoice_line: InvoiceLine
    quantity: Decimal | None = None
    subtotal: Decimal | None = None
    tax_amount: Decimal | None = None


def create_credit_note(
    invoice: Invoice,
    lines: Sequence[CreditLine] | None = None,
    reason: str = "",
    *,
    transaction_id: str = "",
    date: datetime.date | None = None,
    post: bool = False,
    charges: Sequence[ChargeLine] = (),
    settled_by_marketplace: bool = False,
) -> Invoice:
    """A credit note refunding a posted invoice, wholly (`lines=None`) or in part; draft unless `post`.

    `charges` are lines crediting no invoice line (see `ChargeLine`). A refund `settled_by_marketplace`
    (Amazon's) is not reconciled with the invoice even when whole: the settlement pays each apart.
    """
    with transaction.atomic():
        original = _locked_invoice(invoice)
        if original.is_credit_note or original.state != InvoiceState.POSTED:
            raise InvalidCreditNote(
                gettext("Only a posted invoice can be refunded, not %(invoice)s.") % {"invoice": original}
            )
        requested = lines if lines is not None else [CreditLine(line) for line in original.lines.all()]
        credit_note = Invoice.objects.create(
            company_id=original.company_id,
            journal=original.journal,
            kind=InvoiceKind.CREDIT_NOTE,
            partner=original.partner,
            sales_order_id=original.sales_order_id,
            credited_invoice=original,
            origin=original.origin,
            date=date or timezone.localdate(),
            currency_id=original.currency_id,
            is_business=original.is_business,
            buyer_vat_number=original.buyer_vat_number,
            vat_number_missing=original.vat_number_missing,
            buyer_vat_number_invalid=original.buyer_vat_number_invalid,
            reason=reason[:256],
            transaction_id=transaction_id[:64],
            language=document_language(original.partner, original.language),
        )
        InvoiceLine.objects.bulk_create(_credit_line(credit_note, original, request) for request in requested)
        InvoiceLine.objects.bulk_create(_charge_line(credit_note, charge) for charge in charges)
        _store_amounts(credit_note)
        _check_not_over_credited(original)
        if post:
            post_invoice(credit_note, reconcile_full_refund=not settled_by_marketplace)
    return credit_note


def _credit_line(credit_note: Invoice, original: Invoice, request: CreditLine) -> InvoiceLine:
    line = request.invoice_line
    if line.invoice_id != original.pk:
        raise InvalidCreditNote(
            gettext("The line %(line)s is not on %(invoice)s.") % {"line": line, "invoice": original}
        )
    quantity = request.quantity if request.quantity is not None else line.quantity
    if not ZERO < quantity <= line.quantity:
        raise InvalidCreditNote(
            gettext("Refund between 0 and %(max)s of %(line)s, not %(qty)s.")
            % {"max": line.quantity, "line": line, "qty": quantity}
        )
    places = original.currency.decimal_places
    subtotal = (
        request.subtotal if request.subtotal is not None else _prorate(line.subtotal, quantity, line, places)
    )
    tax = (
        request.tax_amount
        if request.tax_amount is not None
        else _prorate(line.tax_amount, quantity, line, places)
    )
    return InvoiceLine(
        invoice=credit_note,
        credited_line=line,
        sequence=line.sequence,
        sales_line_id=line.sales_line_id,
        line_kind=line.line_kind,
        product_id=line.product_id,
        description=line.description,
        quantity=quantity,
        unit_price=line.unit_price,
        tax_id=line.tax_id,
        tax_collected_by_marketplace=line.tax_collected_by_marketplace,
        price_include=line.price_include,
        subtotal=subtotal,
        tax_amount=tax,
        total=subtotal + tax,
    )


def _charge_line(credit_note: Invoice, charge: ChargeLine) -> InvoiceLine:
    return InvoiceLine(
        invoice=credit_note,
        sequence=10_000,
        line_kind=charge.line_kind[:16],
        description=charge.description[:512],
        quantity=Decimal(1),
        unit_price=charge.subtotal,
        tax=charge.tax,
        tax_collected_by_marketplace=bool(charge.tax and charge.tax.collected_by_marketplace),
        subtotal=charge.subtotal,
        tax_amount=charge.tax_amount,
        total=charge.subtotal + charge.tax_amount,
    )


def _prorate(amount: Decimal, quantity: Decimal, line: InvoiceLine, places: int) -> Decimal:
    if quantity == line.quantity:
        return amount
    share = amount * quantity / line.quantity
    return share.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _check_not_over_credited(original: Invoice) -> None:
    """Per invoice line, the refunds of live credit notes never exceed what was invoiced."""
    credited: dict[int, Decimal] = defaultdict(lambda: ZERO)
    refund_lines = InvoiceLine.objects.filter(credited_line__invoice=original).exclude(
        invoice__state=InvoiceState.CANCELED
    )
    for refund in refund_lines:
        assert refund.credited_line_id is not None
        credited[refund.credited_line_id] += refund.total
    for line in original.lines.filter(pk__in=credited):
        if abs(credited[line.pk]) > abs(line.total):
            raise InvalidCreditNote(
                gettext("%(line)s would be refunded %(credited)s, more than its %(total)s.")
                % {"line": line, "credited": credited[line.pk], "total": line.total}
            )
