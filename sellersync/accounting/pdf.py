"""The PDF of an invoice or credit note (fpdf2), uploaded to Amazon or downloaded from the back office.

Amazon buyers cannot be e-mailed, so the document carries what a buyer (or a tax inspector) needs: seller
and buyer with VAT numbers, number and date, the Amazon order id, lines with their tax, totals, and the tax
that Amazon collected and remits; each line's rate, and a VAT summary (taxable base and tax per rate).
Fonts (a Unicode one, CJK text embedded when there is some) as in `sellersync.core.pdf`.
The document is in its own language (`Invoice.language`, see `accounting.languages`), never the language of
whoever prints it: a user reading the back office in Chinese, or the worker uploading it to Amazon, prints
an amazon.es invoice in Spanish. Dates, numbers and money are formatted in that language.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _

from sellersync.accounting.models import Invoice, InvoiceLine
from sellersync.core.models import Tax
from sellersync.core.pdf import Document as _Document


def _money(amount: Decimal, invoice: Invoice) -> str:
    places = invoice.currency.decimal_places
    return (
        f"{formats.number_format(amount, places, use_l10n=True, force_grouping=True)} {invoice.currency_id}"
    )


def _title(invoice: Invoice) -> str:
    kind = _("Credit note") if invoice.is_credit_note else _("Invoice")
    return f"{kind} {invoice.number or _('(draft)')}"


def _parties(doc: _Document, invoice: Invoice) -> None:
    company = invoice.company
    doc.line(company.name, size=11)
    if company.vat_number:
        doc.line(_("VAT number: %(vat)s") % {"vat": company.vat_number})
    partner = invoice.partner
    address = ", ".join(
        part for part in (partner.street, partner.postal_code, partner.city, partner.country_code) if part
    )
    doc.line(_("Bill to: %(name)s") % {"name": partner.company_name or partner.name}, size=11)
    if address:
        doc.line(address)
    if invoice.buyer_vat_number:
        doc.line(_("Buyer VAT number: %(vat)s") % {"vat": invoice.buyer_vat_number})


def _header(doc: _Document, invoice: Invoice) -> None:
    doc.line(_title(invoice), size=16, height=10)
    doc.line(_("Date: %(date)s") % {"date": formats.date_format(invoice.date, "DATE_FORMAT")})
    doc.line(_("Order: %(order)s") % {"order": invoice.origin})
    if invoice.credited_invoice is not None:
        doc.line(_("Refund of invoice %(number)s") % {"number": invoice.credited_invoice.number})
    if invoice.reason:
        doc.line(_("Reason: %(reason)s") % {"reason": invoice.reason})


def _rate(tax: Tax | None) -> str:
    """A line's rate as printed: "19 %", "—" for an untaxed line, the tax's name when it has no rate."""
    if tax is None:
        return "—"
    if tax.rate is None:
        return tax.name
    rate = formats.number_format(tax.rate.normalize(), use_l10n=True)
    return f"{tax.country_code} {rate} %".strip()


def _lines(doc: _Document, invoice: Invoice, lines: list[InvoiceLine]) -> None:
    widths = [66.0, 14.0, 28.0, 26.0, 28.0, 28.0]
    doc.row([_("Description"), _("Quantity"), _("Untaxed"), _("Rate"), _("Tax"), _("Total")], widths)
    for line in lines:
        description = line.description or (str(line.product) if line.product else "")
        quantity = formats.number_format(line.quantity.normalize(), use_l10n=True)
        doc.row(
            [
                description[:36],
                quantity,
                _money(line.subtotal, invoice),
                _rate(line.tax),
                _money(line.tax_amount, invoice),
                _money(line.total, invoice),
            ],
            widths,
        )


def _vat_summary(doc: _Document, invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """Taxable base and tax per rate, as EU invoices must show them (untaxed lines on a row of their own)."""
    summary: dict[Tax | None, tuple[Decimal, Decimal]] = {}
    for line in lines:
        base, tax = summary.get(line.tax, (Decimal(0), Decimal(0)))
        summary[line.tax] = (base + line.subtotal, tax + line.tax_amount)
    doc.line(_("VAT summary"), size=11)
    widths = [80.0, 55.0, 55.0]
    doc.row([_("Rate"), _("Taxable base"), _("Tax")], widths)
    for tax, (base, amount) in summary.items():
        label = tax.name if tax is not None else _("Not taxed")
        doc.row([label, _money(base, invoice), _money(amount, invoice)], widths)


def _totals(doc: _Document, invoice: Invoice) -> None:
    doc.line(_("Untaxed amount: %(amount)s") % {"amount": _money(invoice.amount_untaxed, invoice)})
    doc.line(_("Taxes: %(amount)s") % {"amount": _money(invoice.amount_tax, invoice)})
    doc.line(_("Total: %(amount)s") % {"amount": _money(invoice.amount_total, invoice)}, size=12)
    if invoice.amount_tax_marketplace:
        doc.line(
            _("Of which tax collected and remitted by Amazon (marketplace facilitator): %(amount)s")
            % {"amount": _money(invoice.amount_tax_marketplace, invoice)}
        )
    doc.line(_("Paid through Amazon."))


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice (or credit note) as PDF bytes, in the document's language as it is stored now."""
    invoice = Invoice.objects.select_related("company", "partner", "currency", "credited_invoice").get(
        pk=invoice.pk
    )
    with translation.override(invoice.language):
        return _render(invoice)


def _render(invoice: Invoice) -> bytes:
    lines = list(invoice.lines.select_related("product", "tax").order_by("sequence", "pk"))
    doc = _Document()
    _header(doc, invoice)
    _parties(doc, invoice)
    _lines(doc, invoice, lines)
    _vat_summary(doc, invoice, lines)
    _totals(doc, invoice)
    return doc.output()


def pdf_filename(invoice: Invoice) -> str:
    """A file name for downloads, e.g. INV-2026-00001.pdf."""
    return f"{(invoice.number or f'draft-{invoice.pk}').replace('/', '-')}.pdf"
