"""Amazon's refund events become credit notes: per item and rate, Amazon's amounts to the cent.

The refund events are written here in Amazon's wire format (Finances API v0 RefundEventList) and read by
the client's own payload models; the orders are the hand-computed ones of test_tax_rates / test_mappers_v0.
"""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.invoicing import create_invoice_from_order
from sellersync.accounting.models import Invoice
from sellersync.accounting.selectors import account_balance, unreconciled_lines
from sellersync.accounting.services import get_account
from sellersync.accounting.vat_report import vat_report
from sellersync.amazon.mappers import orders_v0
from sellersync.amazon.mappers.refunds import map_refunds, refund_key
from sellersync.amazon.mappers.settlements import SettlementAmount
from sellersync.amazon.mappers.types import OrderData
from sellersync.amazon.models import AmazonAccount, AmazonRefund, AmazonSettlement
from sellersync.amazon.models.refunds import RefundState
from sellersync.amazon.sync.apply import apply_order
from sellersync.amazon.sync.import_refunds import RefundImport, store_refunds
from sellersync.amazon.sync.settlement_books import awaiting_invoice_account, book_settlement
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company
from sellersync.spapi.models.finances_v0 import FinancialEvents
from sellersync.stock.services import setup_company_stock
from tests.amazon.test_mappers_v0 import us_facilitator_order
from tests.amazon.test_tax_rates import de_order_v0

MARCH_15 = datetime.date(2026, 3, 15)
DE_ORDER = "302-0000007-0000019"
US_ORDER = "113-0000001-0000001"
FACILITATOR = "MarketplaceFacilitatorTax-"


def money(amount: str, currency: str = "EUR") -> dict[str, Any]:
    return {"CurrencyCode": currency, "CurrencyAmount": float(amount)}


def charges(currency: str = "EUR", **amounts: str) -> list[dict[str, Any]]:
    return [{"ChargeType": kind, "ChargeAmount": money(value, currency)} for kind, value in amounts.items()]


def refund_event(order_id: str, posted: str, items: list[dict[str, Any]]) -> FinancialEvents:
    """One page of listFinancialEvents holding one refund event, parsed by the client's model."""
    event = {"AmazonOrderId": order_id, "PostedDate": posted, "ShipmentItemAdjustmentList": items}
    return FinancialEvents.model_validate({"RefundEventList": [event]})


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Refunds", company=company, seller_id="REFUNDS")


def _invoice(account: AmazonAccount, data: OrderData) -> Invoice:
    result = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert result.binding is not None and result.binding.sales_order is not None
    return create_invoice_from_order(result.binding.sales_order, date=MARCH_15, post=True)


def _store(account: AmazonAccount, page: FinancialEvents) -> RefundImport:
    result = RefundImport()
    store_refunds(account, map_refunds([page]), result)
    return result


def _rows(invoice: Invoice) -> list[tuple[str, str, D, D, D]]:
    """(kind, description, subtotal, tax, total) of each line, in the document's order."""
    return [
        (line.line_kind, line.description, line.subtotal, line.tax_amount, line.total)
        for line in invoice.lines.order_by("sequence", "pk")
    ]


def _entry(invoice: Invoice) -> list[tuple[str, D, D, str]]:
    assert invoice.entry is not None
    return sorted(
        (line.account.code, line.debit, line.credit, line.tax.name if line.tax else "")
        for line in invoice.entry.lines.select_related("account", "tax")
    )


# The DE order of test_tax_rates: a cookbook at 7 % (2 x 19.99) and a lamp at 19 %, each with its shipping.
#   book 39.98 incl. VAT 2.62 -> net 37.36; its shipping 4.89 incl. 0.32 -> net 4.57
#   lamp 109.99 incl. VAT 17.56 -> net 92.43; its shipping 12.59 incl. 2.01 -> net 10.58
# One cookbook returned: Amazon refunds its principal 19.99 (VAT 19.99 x 7/107 = 1.3078 -> 1.31, net 18.68)
# and the book's whole shipping (4.57 + 0.32).
PARTIAL = [
    {
        "SellerSKU": "BOOK-1",
        "OrderItemId": "30000000000001",
        "OrderAdjustmentItemId": "71000000000001",
        "QuantityShipped": 1,
        "ItemChargeAdjustmentList": charges(
            Principal="-18.68", Tax="-1.31", ShippingCharge="-4.57", ShippingTax="-0.32"
        ),
        "ItemFeeAdjustmentList": [
            {"FeeType": "Commission", "FeeAmount": money("3.00")},
            {"FeeType": "RefundCommission", "FeeAmount": money("-0.60")},
        ],
    }
]


def test_a_partial_refund_of_one_item_credits_its_lines_at_their_rate_with_amazons_tax(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced in March
    invoice = _invoice(account, de_order_v0())
    # when Amazon reports one cookbook and its shipping refunded on April 2
    result = _store(account, refund_event(DE_ORDER, "2026-04-02T10:00:00Z", PARTIAL))
    # then one credit note of the invoice, posted: the book at 7 %, its shipping at 7 %, nothing at 19 %
    assert (result.seen, result.new, result.credited, result.pending, result.failed) == (1, 1, 1, 0, 0)
    refund = AmazonRefund.objects.get()
    credit_note = refund.credit_note
    assert credit_note is not None
    assert (credit_note.kind, credit_note.state, credit_note.credited_invoice) == (
        InvoiceKind.CREDIT_NOTE,
        InvoiceState.POSTED,
        invoice,
    )
    assert credit_note.date == datetime.date(2026, 4, 2)
    assert _rows(credit_note) == [
        ("product", "Cookbook", D("18.68"), D("1.31"), D("19.99")),
        ("shipping", "Shipping (BOOK-1)", D("4.57"), D("0.32"), D("4.89")),
    ]
    assert [line.tax.name for line in credit_note.lines.order_by("sequence", "pk")] == [
        "DE VAT 7 % incl.",
        "DE VAT 7 % incl.",
    ]
    assert [line.quantity for line in credit_note.lines.order_by("sequence", "pk")] == [D(1), D(1)]
    # 18.68 + 4.57 = 23.25 untaxed, 1.31 + 0.32 = 1.63 tax, 24.88 in all = what the buyer got back
    assert (credit_note.amount_untaxed, credit_note.amount_tax, credit_note.amount_total) == (
        D("23.25"),
        D("1.63"),
        D("24.88"),
    )
    assert refund.amount_refunded == D("24.88")
    assert (refund.state, refund.sales_order_id) == (RefundState.CREDITED, invoice.sales_order_id)
    # and its entry: 1100 credit 24.88; 4900 debits 18.68 and 4.57; 2200 debit 1.63 at 7 %
    assert _entry(credit_note) == [
        ("1100", D("0.00"), D("24.88"), ""),
        ("2200", D("1.63"), D("0.00"), "DE VAT 7 % incl."),
        ("4900", D("4.57"), D("0.00"), ""),
        ("4900", D("18.68"), D("0.00"), ""),
    ]
    # and the VAT of April falls by exactly Amazon's tax refund at 7 %; 19 % is untouched
    april = vat_report(company, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert [(row.rate, row.base, row.tax) for row in april] == [(D(7), D("-23.25"), D("-1.63"))]
    march_and_april = vat_report(company, datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))
    # 7 %: base 41.93 - 23.25 = 18.68, tax 2.94 - 1.63 = 1.31; 19 %: 103.01 and 19.57 as invoiced
    assert [(row.rate, row.base, row.tax) for row in march_and_april] == [
        (D(7), D("18.68"), D("1.31")),
        (D(19), D("103.01"), D("19.57")),
    ]


def test_the_same_refund_seen_again_makes_no_second_credit_note(
    company: Company, account: AmazonAccount
) -> None:
    # given the partial refund credited once
    _invoice(account, de_order_v0())
    _store(account, refund_event(DE_ORDER, "2026-04-02T10:00:00Z", PARTIAL))
    # when the same event comes again (in a settlement's events, posted date in another offset)
    again = _store(account, refund_event(DE_ORDER, "2026-04-02T12:00:00+02:00", PARTIAL))
    # then it is the same refund: no new row, no new credit note
    assert (again.seen, again.new, again.credited) == (1, 0, 0)
    assert AmazonRefund.objects.count() == 1
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert AmazonRefund.objects.get().refund_key == refund_key(
        DE_ORDER, datetime.datetime(2026, 4, 2, 10, tzinfo=datetime.UTC), ["71000000000001"]
    )
    assert AmazonRefund.objects.get().refund_key == f"{DE_ORDER}/2026-04-02T10:00:00Z/71000000000001"


# The whole DE order refunded, the seller keeping a restocking fee of 10.00 on the lamp:
#   charges refunded 37.36 + 2.62 + 4.57 + 0.32 (book) + 92.43 + 17.56 + 10.58 + 2.01 (lamp) = 167.45
#   the buyer gets back 167.45 - 10.00 = 157.45
FULL = [
    {
        "SellerSKU": "BOOK-1",
        "OrderItemId": "30000000000001",
        "OrderAdjustmentItemId": "72000000000001",
        "QuantityShipped": 2,
        "ItemChargeAdjustmentList": charges(
            Principal="-37.36", Tax="-2.62", ShippingCharge="-4.57", ShippingTax="-0.32"
        ),
    },
    {
        "SellerSKU": "LAMP-1",
        "OrderItemId": "30000000000002",
        "OrderAdjustmentItemId": "72000000000002",
        "QuantityShipped": 1,
        "ItemChargeAdjustmentList": charges(
            Principal="-92.43",
            Tax="-17.56",
            ShippingCharge="-10.58",
            ShippingTax="-2.01",
            RestockingFee="10.00",
        ),
    },
]


def test_a_full_refund_with_a_restocking_fee_credits_everything_but_the_fee(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced
    invoice = _invoice(account, de_order_v0())
    # when Amazon reports it wholly refunded less a restocking fee of 10.00
    _store(account, refund_event(DE_ORDER, "2026-04-03T08:30:00Z", FULL))
    # then every invoice line is credited in full, and the fee is a negative line without tax
    refund = AmazonRefund.objects.get()
    credit_note = refund.credit_note
    assert credit_note is not None and credit_note.credited_invoice == invoice
    assert _rows(credit_note) == [
        ("product", "Cookbook", D("37.36"), D("2.62"), D("39.98")),
        ("product", "Desk lamp", D("92.43"), D("17.56"), D("109.99")),
        ("shipping", "Shipping (BOOK-1)", D("4.57"), D("0.32"), D("4.89")),
        ("shipping", "Shipping (LAMP-1)", D("10.58"), D("2.01"), D("12.59")),
        ("restocking_fee", "Restocking fee", D("-10.00"), D("0.00"), D("-10.00")),
    ]
    # untaxed 144.94 - 10.00 = 134.94; tax 22.51 as invoiced; total 157.45 = what the buyer got back
    assert (credit_note.amount_untaxed, credit_note.amount_tax, credit_note.amount_total) == (
        D("134.94"),
        D("22.51"),
        D("157.45"),
    )
    assert (refund.amount_refunded, refund.restocking_fee) == (D("157.45"), D("10.00"))
    # and its entry: 1100 credit 157.45, the fee a credit of 10.00 on 4900, VAT back per rate
    # (debits 37.36 + 92.43 + 4.57 + 10.58 + 2.94 + 19.57 = 167.45 = credits 157.45 + 10.00)
    assert _entry(credit_note) == [
        ("1100", D("0.00"), D("157.45"), ""),
        ("2200", D("2.94"), D("0.00"), "DE VAT 7 % incl."),
        ("2200", D("19.57"), D("0.00"), "DE VAT 19 % incl."),
        ("4900", D("0.00"), D("10.00"), ""),
        ("4900", D("4.57"), D("0.00"), ""),
        ("4900", D("10.58"), D("0.00"), ""),
        ("4900", D("37.36"), D("0.00"), ""),
        ("4900", D("92.43"), D("0.00"), ""),
    ]
    # and the invoice stays open for Amazon's payment: the settlement pays it and takes the refund apart
    receivable = get_account(company, "receivable")
    assert sorted(line.balance for line in unreconciled_lines(receivable, matching_key=DE_ORDER)) == [
        D("-157.45"),
        D("167.45"),
    ]


def test_a_refund_before_the_invoice_waits_then_is_credited_when_the_invoice_is_posted(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order in the books, not invoiced
    data = de_order_v0()
    result = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert result.binding is not None and result.binding.sales_order is not None
    # when the refund comes
    first = _store(account, refund_event(DE_ORDER, "2026-04-02T10:00:00Z", PARTIAL))
    # then it waits, with the reason
    refund = AmazonRefund.objects.get()
    assert (first.pending, first.credited) == (1, 0)
    assert (refund.state, refund.credit_note) == (RefundState.PENDING, None)
    assert "no posted invoice" in refund.error
    # when the order is invoiced through the Amazon invoicing
    from sellersync.amazon.sync.upload_invoices import create_amazon_invoices

    (invoice,) = create_amazon_invoices([result.binding.sales_order])
    # then the refund is credited against it
    refund.refresh_from_db()
    assert refund.state == RefundState.CREDITED and refund.error == ""
    assert refund.credit_note is not None and refund.credit_note.credited_invoice == invoice
    assert refund.credit_note.amount_total == D("24.88")


def test_a_refund_of_more_than_invoiced_fails_with_the_reason_and_writes_nothing(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order invoiced and wholly refunded already
    _invoice(account, de_order_v0())
    _store(account, refund_event(DE_ORDER, "2026-04-03T08:30:00Z", FULL))
    entries_before = Invoice.objects.count()
    # when Amazon reports one more cookbook refunded
    result = _store(account, refund_event(DE_ORDER, "2026-04-09T08:30:00Z", PARTIAL))
    # then that refund fails, listed with the reason; no credit note was left behind
    assert (result.failed, result.credited) == (1, 0)
    failed = AmazonRefund.objects.get(state=RefundState.FAILED)
    assert "more than" in failed.error and failed.credit_note is None
    assert Invoice.objects.count() == entries_before


@pytest.fixture
def us_company(db: None) -> Company:
    company = create_company("Northwind Inc", Currency.objects.get(code="USD"), "US")
    setup_company_stock(company)
    return company


# The US order of test_mappers_v0: 3 x 9.99 = 29.97 + sales tax 2.47, shipping 4.99 + 0.41; total 37.84,
# the tax (2.88) collected by Amazon as marketplace facilitator: the seller is owed 37.84 - 2.88 = 34.96.
# One unit refunded: principal 9.99, tax 0.82 (2.47 / 3 = 0.823), which Amazon gives back as facilitator.
US_PARTIAL = [
    {
        "SellerSKU": "SKU-1",
        "OrderItemId": "10000000000001",
        "OrderAdjustmentItemId": "73000000000001",
        "QuantityShipped": 1,
        "ItemChargeAdjustmentList": charges("USD", Principal="-9.99", Tax="-0.82"),
        "ItemTaxWithheldList": [
            {
                "TaxCollectionModel": "MarketplaceFacilitator",
                "TaxesWithheld": charges("USD", **{"MarketplaceFacilitatorTax-Principal": "0.82"}),
            }
        ],
    }
]


def test_a_us_refund_records_the_facilitator_tax_amazon_gives_back_and_its_settlement_matches(
    us_company: Company,
) -> None:
    # given the US facilitator order invoiced
    account = AmazonAccount.objects.create(name="US", company=us_company, seller_id="US-REFUNDS")
    order, items = us_facilitator_order()
    invoice = _invoice(account, orders_v0.map_order(order, items))
    assert (invoice.amount_total, invoice.amount_receivable) == (D("37.84"), D("34.96"))
    # when one unit is refunded
    _store(account, refund_event(US_ORDER, "2026-04-02T18:00:00Z", US_PARTIAL))
    # then the credit note carries the 0.82 as tax collected by the marketplace: the seller owes back 9.99
    refund = AmazonRefund.objects.get()
    credit_note = refund.credit_note
    assert credit_note is not None
    assert refund.facilitator_tax == D("0.82")
    assert (
        credit_note.amount_untaxed,
        credit_note.amount_tax,
        credit_note.amount_tax_marketplace,
        credit_note.amount_total,
        credit_note.amount_receivable,
    ) == (D("9.99"), D("0.82"), D("0.82"), D("10.81"), D("9.99"))
    [line] = credit_note.lines.all()
    assert (line.quantity, line.tax_collected_by_marketplace) == (D(1), True)
    # and its entry: 1100 credit 9.99, 4900 debit 9.99, the 2210 pair of the facilitator tax
    assert _entry(credit_note) == [
        ("1100", D("0.00"), D("9.99"), ""),
        ("2210", D("0.00"), D("0.82"), ""),
        ("2210", D("0.82"), D("0.00"), "US sales tax (collected by Amazon)"),
        ("4900", D("9.99"), D("0.00"), ""),
    ]
    # when the settlement pays the order (34.96) and takes the refund back (-9.99 - 0.82 + 0.82 = -9.99)
    settlement = AmazonSettlement.objects.create(
        account=account,
        group_id="US-GROUP-1",
        processing_status="Closed",
        started_at=datetime.datetime(2026, 3, 20, tzinfo=datetime.UTC),
        ended_at=datetime.datetime(2026, 4, 3, tzinfo=datetime.UTC),
        currency_code="USD",
        original_total=D("24.97"),
    )
    amounts = [
        SettlementAmount("shipment", "charge", "Principal", D("29.97"), "USD", US_ORDER),
        SettlementAmount("shipment", "charge", "Tax", D("2.47"), "USD", US_ORDER),
        SettlementAmount("shipment", "charge", "ShippingCharge", D("4.99"), "USD", US_ORDER),
        SettlementAmount("shipment", "charge", "ShippingTax", D("0.41"), "USD", US_ORDER),
        SettlementAmount("shipment", "tax_withheld", FACILITATOR + "Principal", D("-2.47"), "USD", US_ORDER),
        SettlementAmount("shipment", "tax_withheld", FACILITATOR + "Shipping", D("-0.41"), "USD", US_ORDER),
        SettlementAmount("refund", "charge", "Principal", D("-9.99"), "USD", US_ORDER),
        SettlementAmount("refund", "charge", "Tax", D("-0.82"), "USD", US_ORDER),
        SettlementAmount("refund", "tax_withheld", FACILITATOR + "Principal", D("0.82"), "USD", US_ORDER),
    ]
    with transaction.atomic():
        outcomes, difference = book_settlement(settlement, amounts)
    # then both match: 34.96 - 9.99 = 24.97 paid out; the invoice and the credit note are reconciled
    assert difference == D(0)
    assert {outcome.match for outcome in outcomes} == {"matched"}
    receivable = get_account(us_company, "receivable")
    assert not unreconciled_lines(receivable, matching_key=US_ORDER).exists()


# The whole DE order refunded without any fee: Amazon gives back all 167.45 it had collected.
FULL_NO_FEE = [
    {**FULL[0], "OrderAdjustmentItemId": "74000000000001"},
    {
        **FULL[1],
        "OrderAdjustmentItemId": "74000000000002",
        "ItemChargeAdjustmentList": charges(
            Principal="-92.43", Tax="-17.56", ShippingCharge="-10.58", ShippingTax="-2.01"
        ),
    },
]


def test_an_order_settled_and_wholly_refunded_before_its_invoice_leaves_nothing_on_1160(
    company: Company, account: AmazonAccount
) -> None:
    # given the DE order in the books, not invoiced, and a settlement paying it (167.45) and refunding it
    # wholly (-167.45) with a commission of 20.00: both amounts wait on 1160, the payout is -20.00
    data = de_order_v0()
    applied = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert applied.binding is not None and applied.binding.sales_order is not None
    _store(account, refund_event(DE_ORDER, "2026-04-03T08:30:00Z", FULL_NO_FEE))
    settlement = AmazonSettlement.objects.create(
        account=account,
        group_id="DE-GROUP-1",
        processing_status="Closed",
        started_at=datetime.datetime(2026, 3, 20, tzinfo=datetime.UTC),
        ended_at=datetime.datetime(2026, 4, 3, 12, tzinfo=datetime.UTC),
        currency_code="EUR",
        original_total=D("-20.00"),
    )
    amounts = [
        SettlementAmount("shipment", "charge", "Principal", D("167.45"), "EUR", DE_ORDER),
        SettlementAmount("shipment", "fee", "Commission", D("-20.00"), "EUR", DE_ORDER),
        SettlementAmount("refund", "charge", "Principal", D("-167.45"), "EUR", DE_ORDER),
    ]
    with transaction.atomic():
        outcomes, _difference = book_settlement(settlement, amounts)
    awaiting = awaiting_invoice_account(company)
    assert [outcome.match for outcome in outcomes] == ["unmatched", "expense", "unmatched"]
    assert sorted(line.balance for line in unreconciled_lines(awaiting)) == [D("-167.45"), D("167.45")]
    # when the order is invoiced: the waiting refund becomes its credit note
    from sellersync.amazon.sync.upload_invoices import create_amazon_invoices

    (invoice,) = create_amazon_invoices([applied.binding.sales_order])
    # then 1160's two lines cancel out, and so do the invoice (167.45) and credit note (-167.45) on 1100
    refund = AmazonRefund.objects.get()
    assert refund.state == RefundState.CREDITED and refund.credit_note is not None
    assert (refund.credit_note.amount_total, refund.credit_note.credited_invoice) == (D("167.45"), invoice)
    assert not unreconciled_lines(awaiting).exists()
    assert account_balance(awaiting) == D(0)
    receivable = get_account(company, "receivable")
    assert not unreconciled_lines(receivable, matching_key=DE_ORDER).exists()


def test_the_credit_note_of_a_spanish_invoice_is_spanish_down_to_its_reason_and_fee_line(
    account: AmazonAccount,
) -> None:
    # given the DE order invoiced in Spanish (its customer reads Spanish), refunds read in an English worker
    data = de_order_v0()
    result = apply_order(account, data, {"AmazonOrderId": data.amazon_order_id}, "v0")
    assert result.binding is not None and result.binding.sales_order is not None
    customer = result.binding.sales_order.partner
    customer.language = "es"
    customer.save(update_fields=["language"])
    invoice = create_invoice_from_order(result.binding.sales_order, date=MARCH_15, post=True)
    # when Amazon reports it wholly refunded less a restocking fee
    with translation.override("en"):
        _store(account, refund_event(DE_ORDER, "2026-04-03T08:30:00Z", FULL))
    # then the credit note is Spanish, and so are the texts it prints that sellersync wrote
    credit_note = AmazonRefund.objects.get().credit_note
    assert credit_note is not None and (invoice.language, credit_note.language) == ("es", "es")
    assert credit_note.reason == "Reembolso de Amazon del 2026-04-03"
    assert _rows(credit_note)[-1] == (
        "restocking_fee",
        "Tarifa de reposición",
        D("-10.00"),
        D("0.00"),
        D("-10.00"),
    )
