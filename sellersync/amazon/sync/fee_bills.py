"""A settlement's Amazon fees as one vendor bill from the Amazon entity of the marketplace, with its VAT.

The bill is posted in the purchase journal at the settlement's end date (and rate): a debit on 6100 per
fee as Amazon reports it (a fee refund is a credit), the VAT, and one credit on 2100 accounts payable for
the Amazon entity, keyed by the settlement. The settlement entry then pays that payable line (a debit on
2100 instead of the fees), reconciled with it: the bill is paid through the Amazon Payments journal by
the settlement itself.

VAT on Amazon's fees (a business-to-business service: taxed where the seller is established):
- Amazon's entity in the seller's own country charges its VAT: the fees are VAT-inclusive at the
  country's standard rate, and that VAT moves from 6100 to 1400 input tax;
- an entity in another country with VAT (e.g. Amazon EU S.a r.l. in Luxembourg invoicing a French
  seller) does not: the seller reverse-charges it at its own standard rate, owed on 2200 and deductible
  on 1400 (net zero, both in the VAT report);
- a seller in a country without national VAT (US) books the fees without tax.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from sellersync.accounting import rates
from sellersync.accounting.choices import AccountRole, JournalKind
from sellersync.accounting.models import Journal, JournalEntry, JournalLine
from sellersync.accounting.services import LineData, create_default_journals, get_account, record_entry
from sellersync.amazon.mappers.settlements import SettlementAmount
from sellersync.amazon.models import AmazonSettlement
from sellersync.core import vat_rates
from sellersync.core.models import Company, Currency, Partner, Tax
from sellersync.core.services import PartnerData, find_or_create_partner

if TYPE_CHECKING:
    from sellersync.amazon.sync.settlement_books import Conversion

ZERO = Decimal(0)
_EU_ENTITY = ("Amazon EU S.à r.l.", "LU")
#: The Amazon entity that invoices a marketplace's fees, by the settlement's currency.
AMAZON_ENTITIES: dict[str, tuple[str, str]] = {
    "USD": ("Amazon.com Services LLC", "US"),
    "CAD": ("Amazon.com.ca ULC", "CA"),
    "MXN": ("Servicios Comerciales Amazon México S. de R.L. de C.V.", "MX"),
    "BRL": ("Amazon Serviços de Varejo do Brasil Ltda.", "BR"),
    "GBP": ("Amazon EU S.à r.l., UK Branch", "GB"),
    "EUR": _EU_ENTITY,
    "SEK": _EU_ENTITY,
    "PLN": _EU_ENTITY,
    "TRY": ("Amazon Turkey Perakende Hizmetleri Limited Şirketi", "TR"),
    "AED": ("Amazon Technologies Middle East FZ-LLC", "AE"),
    "SAR": ("Amazon Saudi Arabia", "SA"),
    "EGP": ("Amazon Egypt", "EG"),
    "INR": ("Amazon Seller Services Private Limited", "IN"),
    "ZAR": ("Amazon South Africa", "ZA"),
    "JPY": ("Amazon Japan G.K.", "JP"),
    "AUD": ("Amazon Commercial Services Pty Ltd", "AU"),
    "SGD": ("Amazon Asia-Pacific Holdings Pte. Ltd.", "SG"),
}


@dataclass(frozen=True)
class FeeTax:
    """How the fees are taxed: `charged` (VAT included by Amazon) or reverse-charged, at `tax`'s rate."""

    tax: Tax
    charged: bool


@dataclass(frozen=True)
class FeeBill:
    """The posted bill and its payable line (what the settlement entry pays)."""

    entry: JournalEntry
    payable_line: JournalLine


def amazon_entity(company: Company, currency: str) -> tuple[Partner, str]:
    """The Amazon entity invoicing fees in this currency, as a vendor of the company, and its country."""
    name, country = AMAZON_ENTITIES.get(currency, ("Amazon", ""))
    data = PartnerData(name=name, is_company=True, country_code=country, external_key=f"amazon-entity:{name}")
    return find_or_create_partner(company, data), country


def post_fee_bill(
    settlement: AmazonSettlement,
    fees: Sequence[SettlementAmount],
    conversion: Conversion,
    date: datetime.date,
) -> FeeBill:
    """Post the vendor bill of these fees (negative amounts are costs) and return its payable line."""
    company = settlement.account.company
    vendor, entity_country = amazon_entity(company, conversion.currency)
    gross = -sum((fee.amount for fee in fees), ZERO)  # what Amazon charged, positive for a cost
    fee_tax = _fee_tax(company, entity_country)
    key = f"amazon-fees:{settlement.group_id}"[:128]
    label = gettext("Amazon fees %(group)s") % {"group": settlement.group_id[:64]}
    fees_account = get_account(company, AccountRole.AMAZON_FEES)
    lines = [
        LineData.signed(
            fees_account, -fee.amount, partner=vendor, label=_fee_label(fee), matching_key=fee.order_id
        )
        for fee in fees
    ]
    lines += _tax_lines(company, vendor, fee_tax, gross, conversion.currency)
    payable_index = len(lines)
    lines.append(
        LineData.signed(
            get_account(company, AccountRole.PAYABLE), -gross, partner=vendor, label=label, matching_key=key
        )
    )
    if conversion.is_foreign:
        # each fee converted on its own (as the settlement entry did); the rounding goes to the payable
        places = rates.company_places(company)
        lines = rates.convert_lines(lines, conversion.rate, places, absorb=payable_index)
    journal = _purchase_journal(company)
    currency = Currency.objects.get(pk=conversion.currency)
    entry = record_entry(journal, date, lines, ref=label[:128], currency=currency)
    payable = list(entry.lines.order_by("pk"))[payable_index]
    return FeeBill(entry, payable)


def _fee_label(fee: SettlementAmount) -> str:
    return f"{fee.amount_type} {fee.order_id}".strip()


def _tax_lines(
    company: Company, vendor: Partner, fee_tax: FeeTax | None, gross: Decimal, currency: str
) -> list[LineData]:
    if fee_tax is None or not gross:
        return []
    rate = fee_tax.tax.rate or ZERO
    places = Decimal(1).scaleb(-Currency.objects.get(pk=currency).decimal_places)
    input_account = get_account(company, AccountRole.TAX_RECEIVABLE)
    if fee_tax.charged:  # the fees include the VAT: it moves from the expense to input tax
        vat = (gross * rate / (100 + rate)).quantize(places, rounding=ROUND_HALF_UP)
        net = gross - vat
        label = gettext("VAT included in Amazon's fees")
        return [
            LineData.signed(
                input_account, vat, partner=vendor, label=fee_tax.tax.name, tax=fee_tax.tax, tax_base=net
            ),
            LineData.signed(get_account(company, AccountRole.AMAZON_FEES), -vat, partner=vendor, label=label),
        ]
    vat = (gross * rate / 100).quantize(places, rounding=ROUND_HALF_UP)  # reverse charge on the net fees
    return [
        LineData.signed(
            input_account, vat, partner=vendor, label=fee_tax.tax.name, tax=fee_tax.tax, tax_base=gross
        ),
        LineData.signed(
            get_account(company, AccountRole.TAX_PAYABLE),
            -vat,
            partner=vendor,
            label=fee_tax.tax.name,
            tax=fee_tax.tax,
            tax_base=-gross,
        ),
    ]


def _fee_tax(company: Company, entity_country: str) -> FeeTax | None:
    country = company.country_code.upper()
    own = vat_rates.country_rates(country)
    if own is None or not entity_country:
        return None
    charged = entity_country == country
    if not charged and vat_rates.country_rates(entity_country) is None:
        return None
    rate = own.rates[0]
    suffix = "incl. (Amazon fees)" if charged else "reverse charge"
    name = f"{country} {own.tax_name} {vat_rates.format_rate(rate)} % {suffix}"
    defaults = {"rate": rate, "price_include": charged, "country_code": country}
    return FeeTax(_get_or_create_tax(company, name, defaults), charged)


def _get_or_create_tax(company: Company, name: str, defaults: dict[str, object]) -> Tax:
    try:
        with transaction.atomic():
            return Tax.objects.get_or_create(company=company, name=name, defaults=defaults)[0]
    except IntegrityError:
        return Tax.objects.get(company=company, name=name)


def _purchase_journal(company: Company) -> Journal:
    journal = Journal.objects.filter(company=company, kind=JournalKind.PURCHASE, is_active=True).first()
    return journal if journal is not None else create_default_journals(company)[JournalKind.PURCHASE]
