"""A settlement's fees become one vendor bill from Amazon's entity, with its VAT, paid by the settlement."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.db import transaction

from sellersync.accounting.choices import AccountRole
from sellersync.accounting.selectors import account_balance, unreconciled_lines
from sellersync.accounting.services import get_account
from sellersync.accounting.vat_report import VatRow, VatScheme, VatSide, vat_report
from sellersync.amazon.mappers.settlements import SettlementAmount
from sellersync.amazon.models import AmazonAccount, AmazonSettlement
from sellersync.amazon.sync.settlement_books import book_settlement
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company

UTC = datetime.UTC
JANUARY = (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))


def _settlement(company: Company, currency: str) -> tuple[AmazonSettlement, list[SettlementAmount]]:
    """Closed Jan 31: an order's 100.00 of proceeds (no invoice yet), a 15.00 commission, a 39.00
    subscription and a 4.00 commission refund: 100.00 - 15.00 - 39.00 + 4.00 = 50.00 paid out."""
    account = AmazonAccount.objects.create(name=f"Amazon {currency}", company=company, seller_id=currency)
    settlement = AmazonSettlement.objects.create(
        account=account,
        group_id=f"{currency}-GROUP",
        processing_status="Closed",
        started_at=datetime.datetime(2026, 1, 17, tzinfo=UTC),
        ended_at=datetime.datetime(2026, 1, 31, 12, tzinfo=UTC),
        fund_transfer_date=datetime.datetime(2026, 2, 3, 12, tzinfo=UTC),
        currency_code=currency,
        original_total=D("50.00"),
    )
    amounts = [
        SettlementAmount("shipment", "charge", "Principal", D("100.00"), currency, "305-1"),
        SettlementAmount("shipment", "fee", "Commission", D("-15.00"), currency, "305-1"),
        SettlementAmount("service_fee", "fee", "Subscription", D("-39.00"), currency),
        SettlementAmount("refund", "fee", "RefundCommission", D("4.00"), currency, "305-0"),
    ]
    return settlement, amounts


def _book(settlement: AmazonSettlement, amounts: list[SettlementAmount]) -> None:
    with transaction.atomic():
        _outcomes, difference = book_settlement(settlement, amounts)
    assert difference == D(0)


def _rows(settlement: AmazonSettlement) -> list[tuple[str, D, D]]:
    assert settlement.fee_bill is not None
    return sorted((line.account.code, line.debit, line.credit) for line in settlement.fee_bill.lines.all())


def test_fees_invoiced_from_luxembourg_to_a_french_seller_are_reverse_charged(company: Company) -> None:
    # given a French company's EUR settlement: Amazon EU S.a r.l. (LU) bills 15 + 39 - 4 = 50.00 of fees
    settlement, amounts = _settlement(company, "EUR")

    # when
    _book(settlement, amounts)

    # then: fees on 6100, the French 20 % reverse-charged on 50.00 = 10.00, owed and deductible
    assert _rows(settlement) == [
        ("1400", D("10.00"), D("0.00")),
        ("2100", D("0.00"), D("50.00")),
        ("2200", D("0.00"), D("10.00")),
        ("6100", D("0.00"), D("4.00")),
        ("6100", D("15.00"), D("0.00")),
        ("6100", D("39.00"), D("0.00")),
    ]
    assert {line.partner.name for line in settlement.fee_bill.lines.all()} == {"Amazon EU S.à r.l."}
    # the settlement paid the bill: payable and intermediary settled after the payout
    payable = get_account(company, AccountRole.PAYABLE)
    assert account_balance(payable) == D(0) and not unreconciled_lines(payable).exists()
    assert account_balance(get_account(company, AccountRole.AMAZON_INTERMEDIARY)) == D(0)
    # and the VAT report shows both sides of the reverse charge
    name = "FR VAT 20 % reverse charge"
    assert vat_report(company, *JANUARY) == [
        VatRow(VatSide.OWED, VatScheme.DOMESTIC, "FR", D(20), name, D("50.00"), D("10.00")),
        VatRow(VatSide.INPUT, VatScheme.DOMESTIC, "FR", D(20), name, D("50.00"), D("10.00")),
    ]


def test_fees_invoiced_by_the_uk_branch_to_a_uk_seller_include_uk_vat(db: None) -> None:
    # given a UK company's GBP settlement: 50.00 of fees including 20 % VAT (50.00 x 20/120 = 8.333 -> 8.33)
    company = create_company("Albion Ltd", Currency.objects.get(code="GBP"), "GB")
    settlement, amounts = _settlement(company, "GBP")

    # when
    _book(settlement, amounts)

    # then: the VAT leaves the expense for input tax: fees cost 50.00 - 8.33 = 41.67
    assert _rows(settlement) == [
        ("1400", D("8.33"), D("0.00")),
        ("2100", D("0.00"), D("50.00")),
        ("6100", D("0.00"), D("4.00")),
        ("6100", D("0.00"), D("8.33")),
        ("6100", D("15.00"), D("0.00")),
        ("6100", D("39.00"), D("0.00")),
    ]
    assert account_balance(get_account(company, AccountRole.AMAZON_FEES)) == D("41.67")
    assert vat_report(company, *JANUARY) == [
        VatRow(
            VatSide.INPUT,
            VatScheme.DOMESTIC,
            "GB",
            D(20),
            "GB VAT 20 % incl. (Amazon fees)",
            D("41.67"),
            D("8.33"),
        ),
    ]
