"""Renaming the blended taxes of earlier versions ("Amazon 19.1% incl.") to real ones, amounts untouched.

Earlier versions named each tax after the rate its line's amounts happened to show, rounded to 0.1 %:
"Amazon 20.1% incl.", "Amazon 14.2% incl. (collected by Amazon)". The migration that calls
`rename_blended_taxes` gives each line using such a tax the tax it would get today (`taxes.py`: the
taxing country's official rate matching its amounts), so taxes with the same real rate merge into one.
Only tax references change: sales order lines, the invoice lines copied from them, and the tax lines of
posted invoice entries get their tax and taxable base for the VAT report; no amount is changed.
A line that fits no official rate (for instance a shipping line that merged a 7 % and a 19 % item's
charges) gets "<country> VAT, rate to review" and puts its order on the review list. A blended tax that
nothing uses any more is deleted; one still referenced elsewhere (a product's default tax) is deactivated.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from sellersync.amazon.mappers.lines import currency_decimals
from sellersync.amazon.mappers.types import LineData, LineKind
from sellersync.amazon.sync.taxes import TaxKind, classify_line, ordered_countries
from sellersync.spapi.marketplaces import Marketplace

BLENDED_NAME = re.compile(r"^Amazon \d+(\.\d+)?%( incl\.)?( \(collected by Amazon\))?$")
ZERO = Decimal(0)


def rename_blended_taxes(apps: Any) -> int:
    """Repoint every line of every blended tax; return how many sales lines changed. `apps`: a migration's."""
    tax_model = apps.get_model("core", "Tax")
    sales_line_model = apps.get_model("sales", "SalesOrderLine")
    blended = {tax.pk: tax for tax in tax_model.objects.all() if BLENDED_NAME.match(tax.name)}
    new_of_line: dict[int, Any] = {}
    lines = sales_line_model.objects.filter(tax_id__in=list(blended)).select_related(
        "order__partner", "order__company"
    )
    for line in lines:
        new_of_line[line.pk] = _new_tax(apps, blended[line.tax_id], line)
    _repoint_invoices(apps, blended, new_of_line)
    for line_pk, new in new_of_line.items():
        sales_line_model.objects.filter(pk=line_pk).update(tax=new)
    for old in blended.values():
        _retire(apps, old)
    return len(new_of_line)


def _repoint_invoices(apps: Any, blended: dict[int, Any], new_of_line: dict[int, Any]) -> None:
    """Invoice lines take their sales line's new tax; a posted entry's tax line is tagged when its old tax
    became exactly one new tax on that invoice (else left untagged, out of the VAT report)."""
    invoice_line_model = apps.get_model("accounting", "InvoiceLine")
    by_invoice: dict[int, list[Any]] = defaultdict(list)
    for line in invoice_line_model.objects.filter(tax_id__in=list(blended)).select_related("invoice"):
        by_invoice[line.invoice_id].append(line)
    for invoice_lines in by_invoice.values():
        invoice = invoice_lines[0].invoice
        by_old: dict[int, list[Any]] = defaultdict(list)
        for line in invoice_lines:
            new = new_of_line.get(line.sales_line_id)
            if new is not None:
                by_old[line.tax_id].append((line, new))
                invoice_line_model.objects.filter(pk=line.pk).update(tax=new)
        if invoice.entry_id is not None:
            for old_id, pairs in by_old.items():
                _tag_entry_line(apps, invoice, blended[old_id], pairs)


def _tag_entry_line(apps: Any, invoice: Any, old: Any, pairs: list[tuple[Any, Any]]) -> None:
    new_taxes = {new.pk for _line, new in pairs}
    if len(new_taxes) != 1:
        return
    amount = sum((line.tax_amount for line, _new in pairs), ZERO)
    base = sum((line.subtotal for line, _new in pairs), ZERO)
    sign = -1 if invoice.kind == "credit_note" else 1
    due = -sign * amount  # the line that books the tax (debit positive), see accounting/invoicing.py
    candidates = apps.get_model("accounting", "JournalLine").objects.filter(
        Q(tax=None) | Q(tax=old),
        entry_id=invoice.entry_id,
        label__startswith=old.name,
        account__role__in=("tax_payable", "tax_marketplace"),
    )
    for journal_line in candidates:
        if journal_line.debit - journal_line.credit == due and amount:
            journal_line.tax_id = next(iter(new_taxes))
            journal_line.tax_base = -sign * base
            journal_line.save(update_fields=["tax", "tax_base"])
            return


def _new_tax(apps: Any, old: Any, line: Any) -> Any:
    order = line.order
    binding = apps.get_model("amazon", "AmazonOrder").objects.filter(sales_order_id=order.pk).first()
    marketplace_country = _marketplace_country(binding.marketplace_id if binding else "")
    departure = marketplace_country
    if binding is not None and binding.fulfillment_channel == "MFN":
        departure = order.company.country_code.upper() or marketplace_country
    countries = ordered_countries(order.partner.country_code.upper(), departure, marketplace_country)
    data = LineData(
        kind=LineKind.PRODUCT if line.line_kind == "product" else LineKind.SHIPPING,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        tax_amount=line.tax_amount,
        total=line.total,
        price_includes_tax=old.price_include,
        tax_collected_by_marketplace=old.collected_by_marketplace,
    )
    kind = classify_line(data, countries, currency_decimals(order.currency_id)) or TaxKind(
        countries[0] if countries else "",
        None,
        old.price_include,
        old.collected_by_marketplace,
        matched=False,
    )
    if not kind.matched and binding is not None:
        reason = f"{line.description}: tax {line.tax_amount} on {line.subtotal} matches no official rate"
        binding.needs_review = True
        binding.review_reason = "\n".join(filter(None, (binding.review_reason, reason)))
        binding.save(update_fields=["needs_review", "review_reason"])
    defaults = {
        "rate": kind.rate,
        "price_include": kind.price_include,
        "collected_by_marketplace": kind.collected_by_marketplace,
        "country_code": kind.country_code,
    }
    tax_model = apps.get_model("core", "Tax")
    return tax_model.objects.get_or_create(company_id=old.company_id, name=kind.name, defaults=defaults)[0]


def _marketplace_country(marketplace_id: str) -> str:
    try:
        return Marketplace.from_id(marketplace_id).country_code
    except ValueError:
        return ""


def _retire(apps: Any, old: Any) -> None:
    used = (
        apps.get_model("sales", "SalesOrderLine").objects.filter(tax=old).exists()
        or apps.get_model("accounting", "InvoiceLine").objects.filter(tax=old).exists()
        or apps.get_model("core", "Product").objects.filter(sales_tax=old).exists()
        or apps.get_model("accounting", "JournalLine").objects.filter(tax=old).exists()
    )
    if used:
        old.is_active = False
        old.save(update_fields=["is_active"])
    else:
        old.delete()
