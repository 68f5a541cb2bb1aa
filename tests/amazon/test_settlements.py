"""Amazon settlements into the books: a simulated month against the sandbox, to the cent."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import transaction

from sellersync.accounting.choices import AccountRole
from sellersync.accounting.models import Account, JournalEntry, JournalLine
from sellersync.accounting.payments import register_batch_payment
from sellersync.accounting.rates import set_rate
from sellersync.accounting.selectors import account_balance, unreconciled_lines
from sellersync.accounting.services import (
    LineData,
    get_account,
    get_or_create_amazon_payments_journal,
    record_entry,
)
from sellersync.amazon import services
from sellersync.amazon.mappers.settlements import SettlementAmount
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonSettlement, AmazonSettlementLine
from sellersync.amazon.models.settlements import SettlementMatch, SettlementState
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_settlements import import_settlements
from sellersync.amazon.sync.settlement_books import awaiting_invoice_account, book_settlement
from sellersync.amazon.sync.settlement_clearing import clear_awaiting_proceeds
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from sellersync.core.models import Company, Currency
from sellersync.core.services import PartnerData, create_company, find_or_create_partner
from sellersync.spapi.client import SpApiClient
from tests.amazon.fixtures import Sandbox, make_account

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
DAY = 24 * 3600


@pytest.fixture
def us_company(db: None) -> Company:
    return create_company("Northwind Inc", Currency.objects.get(code="USD"), "US")


@pytest.fixture
def account(sandbox: Sandbox, us_company: Company) -> AmazonAccount:
    account = make_account(sandbox, us_company, "NA")
    AmazonMarketplace.objects.create(
        account=account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    return account


@pytest.fixture
def client(account: AmazonAccount) -> Iterator[SpApiClient]:
    with client_for_account(account) as client:
        yield client


def _wire_amounts(node: Any, fees: bool) -> list[Decimal]:
    """The test's own walk of Amazon's events: fee amounts (fees=True) or every other amount."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if isinstance(value, dict) and "CurrencyAmount" in value:
                if (key == "FeeAmount") == fees:
                    found.append(Decimal(str(value["CurrencyAmount"])))
            else:
                found += _wire_amounts(value, fees)
        return found
    if isinstance(node, list):
        return [amount for value in node for amount in _wire_amounts(value, fees)]
    return []


def _closed_usd_groups(client: SpApiClient) -> list[Any]:
    return [
        group
        for group in client.finances_v0.iter_financial_event_groups(max_results_per_page=100)
        if group.processing_status == "Closed"
        and group.original_total is not None
        and group.original_total.currency_code == "USD"
    ]


def _events_json(client: SpApiClient, group_id: str) -> list[dict[str, Any]]:
    return [
        page.model_dump(by_alias=True)
        for page in client.finances_v0.iter_financial_events_by_group_id(group_id)
    ]


def _invoice(company: Company, order_id: str, amount: Decimal) -> None:
    """What posting the order's invoice leaves in the receivable (the ledger services, not the importer)."""
    partner = find_or_create_partner(
        company, PartnerData(name="Amazon Customer", city="Seattle", country_code="US")
    )
    lines = [
        LineData(
            get_account(company, AccountRole.RECEIVABLE), debit=amount, partner=partner, matching_key=order_id
        ),
        LineData(get_account(company, AccountRole.REVENUE), credit=amount, partner=partner),
    ]
    journal = get_or_create_amazon_payments_journal(company)  # any journal will do for the receivable
    record_entry(journal, JournalEntry._meta.get_field("date").to_python("2026-01-01"), lines, ref=order_id)


def _amount(money: Any) -> Decimal:
    return Decimal(0) if money is None or money.amount is None else Decimal(money.amount)


def _receivable_of(client: SpApiClient, order_id: str) -> Decimal:
    """OrderTotal (Orders API) minus the marketplace facilitator tax Amazon withholds (Finances API)."""
    order = client.orders_v0.get_order(order_id)
    events = client.finances_v0.list_financial_events_by_order_id(order_id).financial_events
    withheld = sum(
        (
            _amount_of(tax.charge_amount)
            for event in events.shipment_event_list
            for item in event.shipment_item_list
            for component in item.item_tax_withheld_list
            for tax in component.taxes_withheld
        ),
        Decimal(0),
    )
    return _amount(order.order_total) + withheld


def _amount_of(money: Any) -> Decimal:
    return Decimal(0) if money is None or money.currency_amount is None else Decimal(money.currency_amount)


def _simulate_a_month(sandbox: Sandbox, account: AmazonAccount) -> list[str]:
    order_ids: list[str] = []
    for _week in range(5):
        order_ids += sandbox.create_orders(
            account.seller_id, 3, marketplace_id=US, fulfillment_channel="AFN", status="Shipped"
        )
        order_ids += sandbox.create_orders(
            account.seller_id, 3, marketplace_id=US, fulfillment_channel="MFN", status="Shipped"
        )
        sandbox.advance(7 * DAY)
    return order_ids


def test_a_month_of_settlements_reconciles_the_intermediary_account_to_zero(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given a month of US sales, five of them invoiced (one with a wrong amount)
    company = account.company
    order_ids = _simulate_a_month(sandbox, account)
    invoiced = {order_id: _receivable_of(client, order_id) for order_id in order_ids[:4]}
    for order_id, amount in invoiced.items():
        _invoice(company, order_id, amount)
    wrong_id = order_ids[4]
    _invoice(company, wrong_id, _receivable_of(client, wrong_id) + Decimal("1.00"))
    closed = _closed_usd_groups(client)
    events = {
        group.financial_event_group_id: _events_json(client, group.financial_event_group_id)
        for group in closed
    }
    # when the settlements are imported
    result = import_settlements(account, client)
    # then every closed USD group is booked, the intermediary is at zero, payouts are in the bank
    assert len(closed) >= 2
    assert result.booked == len(closed)
    booked = AmazonSettlement.objects.filter(account=account, state=SettlementState.POSTED)
    assert {settlement.group_id for settlement in booked} == set(events)
    journal = get_or_create_amazon_payments_journal(company)
    intermediary = journal.default_account
    assert intermediary is not None
    assert account_balance(intermediary) == Decimal(0)
    assert not unreconciled_lines(intermediary).exists()
    payouts = sum((group.original_total.currency_amount for group in closed), Decimal(0))
    assert account_balance(get_account(company, AccountRole.BANK)) == payouts
    # and every fee is an Amazon fee expense, to the cent
    fees = sum(
        (amount for pages in events.values() for amount in _wire_amounts(pages, fees=True)), Decimal(0)
    )
    assert fees < 0
    assert account_balance(get_account(company, AccountRole.AMAZON_FEES)) == -fees
    # and the invoices Amazon paid are reconciled; the rest waits for its invoice, listed
    receivable = get_account(company, AccountRole.RECEIVABLE)
    for order_id in invoiced:
        assert not unreconciled_lines(receivable, matching_key=order_id).exists()
    assert unreconciled_lines(receivable, matching_key=wrong_id).count() == 1
    proceeds = sum(
        (amount for pages in events.values() for amount in _wire_amounts(pages, fees=False)), Decimal(0)
    )
    assert account_balance(awaiting_invoice_account(company)) == -(proceeds - sum(invoiced.values()))
    [wrong] = AmazonSettlementLine.objects.filter(
        amazon_order_id=wrong_id, amount_type="Principal", event_type="shipment"
    )
    assert wrong.match == SettlementMatch.UNMATCHED
    assert "differs" in wrong.reason
    matched = AmazonSettlementLine.objects.filter(
        amazon_order_id__in=list(invoiced), event_type="shipment", kind="charge"
    )
    assert {line.match for line in matched} == {SettlementMatch.MATCHED}


def test_re_importing_books_nothing_twice(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given a month of settlements already imported
    _simulate_a_month(sandbox, account)
    first = import_settlements(account, client)
    entries = JournalEntry.objects.count()
    lines = AmazonSettlementLine.objects.count()
    # when they are imported again
    second = import_settlements(account, client)
    # then nothing new is booked
    assert first.booked >= 2
    assert (second.booked, second.already_booked) == (0, first.booked)
    assert JournalEntry.objects.count() == entries
    assert AmazonSettlementLine.objects.count() == lines


def test_a_settlement_in_another_currency_without_its_rate_is_failed_then_booked_once_the_rate_is_entered(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given Canadian sales settled in CAD for a company keeping its books in USD, and no CAD rate
    sandbox.create_orders(account.seller_id, 2, marketplace_id=CA, status="Shipped")
    sandbox.advance(30 * DAY)
    # when the settlements are imported
    first = import_settlements(account, client)
    # then the CAD settlements are failed with the reason naming the currency and the day; nothing written
    cad = AmazonSettlement.objects.filter(account=account, currency_code="CAD", processing_status="Closed")
    assert cad.exists() and first.failed >= cad.count()  # MXN ones too: no MXN rate either
    for settlement in cad:
        assert settlement.state == SettlementState.FAILED
        assert "CAD" in settlement.error and "exchange rate" in settlement.error
        assert settlement.ended_at is not None and settlement.ended_at.date().isoformat() in settlement.error
        assert (settlement.entry, settlement.payout_entry) == (None, None)
        assert not settlement.lines.exists()
    assert not JournalEntry.objects.filter(currency_id="CAD").exists()
    # when the rate is entered and the import runs again
    set_rate(account.company, "CAD", datetime.date(2000, 1, 1), Decimal("1.3500"))
    second = import_settlements(account, client)
    # then they are booked
    assert second.booked == cad.count()
    assert {settlement.state for settlement in cad.all()} == {SettlementState.POSTED}


def test_the_admin_lists_settlements_with_unmatched_counts_and_imports_from_its_action(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient, admin_client: Any
) -> None:
    # given a month of settlements, none invoiced, imported once
    _simulate_a_month(sandbox, account)
    import_settlements(account, client)
    settlement = AmazonSettlement.objects.filter(account=account, state=SettlementState.POSTED).first()
    assert settlement is not None
    unmatched = settlement.lines.filter(match=SettlementMatch.UNMATCHED).count()
    # when the lists are opened and the import action is run again
    listed = admin_client.get("/admin/amazon/amazonsettlement/")
    lines = admin_client.get("/admin/amazon/amazonsettlementline/", {"match__exact": "unmatched"})
    detail = admin_client.get(f"/admin/amazon/amazonsettlement/{settlement.pk}/change/")
    action = admin_client.post(
        "/admin/amazon/amazonsettlement/",
        {"action": "import_from_amazon", "_selected_action": [settlement.pk]},
        follow=True,
    )
    # then the screens show the settlement and its unmatched lines; the action books nothing twice
    assert (listed.status_code, lines.status_code, detail.status_code) == (200, 200, 200)
    assert unmatched > 0
    assert lines.context["cl"].result_count == AmazonSettlementLine.objects.filter(match="unmatched").count()
    assert "0 booked" in action.content.decode()
    assert AmazonSettlement.objects.get(pk=settlement.pk).entry_id == settlement.entry_id


def test_invoices_paid_by_hand_in_a_batch_payment_are_cleared_by_the_settlement(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given a month of US sales; three FBA orders invoiced and paid by hand in one batch payment (the seeds)
    order_ids = _simulate_a_month(sandbox, account)
    fba_ids = [
        order_id
        for order_id in order_ids
        if client.orders_v0.get_order(order_id).fulfillment_channel == "AFN"
    ][:3]
    orders = [services.recover_order(account, order_id).sales_order for order_id in fba_ids]
    invoices = create_amazon_invoices([order for order in orders if order is not None])
    payment = register_batch_payment(invoices, datetime.date(2026, 1, 31))
    company = account.company
    intermediary = get_account(company, AccountRole.AMAZON_INTERMEDIARY)
    receivable = get_account(company, AccountRole.RECEIVABLE)
    paid = sum((invoice.amount_receivable for invoice in invoices), Decimal(0))
    assert len(invoices) == 3
    assert account_balance(intermediary) == paid
    for order_id in fba_ids:
        assert not unreconciled_lines(receivable, matching_key=order_id).exists()
    # when Amazon's settlements are imported
    result = import_settlements(account, client)
    # then Amazon's proceeds for those orders clear the payment's lines; the intermediary ends at zero
    assert result.booked >= 2
    assert account_balance(intermediary) == Decimal(0)
    assert not unreconciled_lines(intermediary).exists()
    assert payment.lines.filter(account=intermediary, reconciliation__isnull=True).count() == 0
    cleared = AmazonSettlementLine.objects.filter(
        amazon_order_id__in=fba_ids, event_type="shipment", kind="charge"
    )
    assert cleared.exists()
    assert {line.match for line in cleared} == {SettlementMatch.MATCHED}
    awaiting = unreconciled_lines(awaiting_invoice_account(company))
    assert not awaiting.filter(matching_key__in=fba_ids).exists()


def test_proceeds_settled_before_the_invoice_move_to_it_when_it_is_posted(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given a month settled before any invoice: every order's proceeds wait on 1160
    order_ids = _simulate_a_month(sandbox, account)
    import_settlements(account, client)
    company = account.company
    awaiting = awaiting_invoice_account(company)
    before = account_balance(awaiting)
    refunded = set(
        AmazonSettlementLine.objects.filter(event_type="refund").values_list("amazon_order_id", flat=True)
    )
    chosen = [order_id for order_id in order_ids if order_id not in refunded][:2]
    waiting = {
        order_id: sum(
            (line.balance for line in unreconciled_lines(awaiting, matching_key=order_id)), Decimal(0)
        )
        for order_id in chosen
    }
    assert len(chosen) == 2 and all(amount < 0 for amount in waiting.values())
    # when their invoices are posted
    orders = [services.recover_order(account, order_id).sales_order for order_id in chosen]
    invoices = create_amazon_invoices([order for order in orders if order is not None])
    # then the waiting proceeds went to the invoices' receivables, reconciled; the rest still waits
    receivable = get_account(company, AccountRole.RECEIVABLE)
    assert sorted(-amount for amount in waiting.values()) == sorted(i.amount_receivable for i in invoices)
    for order_id in chosen:
        assert not unreconciled_lines(awaiting, matching_key=order_id).exists()
        assert not unreconciled_lines(receivable, matching_key=order_id).exists()
        lines = AmazonSettlementLine.objects.filter(
            amazon_order_id=order_id, event_type="shipment", kind="charge"
        )
        assert {line.match for line in lines} == {SettlementMatch.MATCHED}
    assert account_balance(awaiting) == before - sum(waiting.values(), Decimal(0))
    assert account_balance(receivable) == Decimal(0)
    assert import_settlements(account, client).cleared == 0  # nothing left to clear for these


# --- settlements in a foreign currency -----------------------------------------------------------------

UTC = datetime.UTC


def _cad_invoice(company: Company, order_id: str, cad: Decimal, usd: Decimal, date: datetime.date) -> None:
    """What posting a CAD invoice leaves: the receivable in USD (at the invoice's rate), the CAD kept."""
    partner = find_or_create_partner(
        company, PartnerData(name="Amazon Customer", city="Toronto", country_code="CA")
    )
    lines = [
        LineData(
            get_account(company, AccountRole.RECEIVABLE),
            debit=usd,
            partner=partner,
            amount_currency=cad,
            matching_key=order_id,
        ),
        LineData(
            get_account(company, AccountRole.REVENUE), credit=usd, partner=partner, amount_currency=-cad
        ),
    ]
    journal = get_or_create_amazon_payments_journal(company)
    record_entry(journal, date, lines, ref=order_id, currency=Currency.objects.get(code="CAD"))


def _cad_settlement(account: AmazonAccount) -> tuple[AmazonSettlement, list[SettlementAmount]]:
    """Closed Jan 31, paid Feb 3: 702-1 (invoiced) 56.97 + 7.41 tax, commission -8.55; 702-2 (not
    invoiced) 30.00; subscription -39.99. Total 64.38 - 8.55 + 30.00 - 39.99 = 45.84 CAD."""
    settlement = AmazonSettlement.objects.create(
        account=account,
        group_id="CAD-GROUP-1",
        processing_status="Closed",
        started_at=datetime.datetime(2026, 1, 17, tzinfo=UTC),
        ended_at=datetime.datetime(2026, 1, 31, 12, tzinfo=UTC),
        fund_transfer_date=datetime.datetime(2026, 2, 3, 12, tzinfo=UTC),
        currency_code="CAD",
        original_total=Decimal("45.84"),
    )
    amounts = [
        SettlementAmount("shipment", "charge", "Principal", Decimal("56.97"), "CAD", "702-1"),
        SettlementAmount("shipment", "charge", "Tax", Decimal("7.41"), "CAD", "702-1"),
        SettlementAmount("shipment", "fee", "Commission", Decimal("-8.55"), "CAD", "702-1"),
        SettlementAmount("shipment", "charge", "Principal", Decimal("30.00"), "CAD", "702-2"),
        SettlementAmount("service_fee", "fee", "Subscription", Decimal("-39.99"), "CAD"),
    ]
    return settlement, amounts


def _rows(entry: JournalEntry | None) -> list[tuple[str, Decimal, Decimal, Decimal | None]]:
    assert entry is not None
    return sorted(
        (line.account.code, line.debit, line.credit, line.amount_currency) for line in entry.lines.all()
    )


def test_a_cad_settlement_is_booked_in_usd_with_exchange_differences_to_the_cent(
    account: AmazonAccount,
) -> None:
    # given a USD company; 1 USD = 1.3650 CAD on Jan 8, 1.4000 on Jan 31, 1.3800 on Feb 3; order 702-1
    # invoiced on Jan 10 for 64.38 CAD = 47.16 USD (64.38 / 1.365 = 47.1648)
    company = account.company
    for day, rate in ((datetime.date(2026, 1, 8), "1.3650"), (datetime.date(2026, 1, 31), "1.4000")):
        set_rate(company, "CAD", day, Decimal(rate))
    set_rate(company, "CAD", datetime.date(2026, 2, 3), Decimal("1.3800"))
    _cad_invoice(company, "702-1", Decimal("64.38"), Decimal("47.16"), datetime.date(2026, 1, 10))
    settlement, amounts = _cad_settlement(account)
    # when it is booked
    with transaction.atomic():
        outcomes, difference = book_settlement(settlement, amounts)
    # then at Jan 31's rate 1.4: the receivable is closed at its 47.16 for 64.38 CAD worth 45.99
    # (45.9857): loss 1.17; commission 8.55 / 1.4 = 6.107 -> 6.11; 702-2 waits: 30.00 / 1.4 = 21.43;
    # subscription 39.99 / 1.4 = 28.564 -> 28.56; intermediary 45.84 / 1.4 = 32.743 -> 32.74;
    # converted lines leave 0.01 of rounding (-45.99 + 6.11 - 21.43 + 28.56 + 32.74), a loss
    assert difference == Decimal(0)
    assert [outcome.match for outcome in outcomes] == [
        "matched",
        "matched",
        "expense",
        "unmatched",
        "expense",
    ]
    assert settlement.entry is not None and settlement.entry.currency_id == "CAD"
    # the fees (8.55 + 39.99 = 48.54 CAD, 34.67 USD at 1.4) are paid to the fees' bill's payable line
    assert _rows(settlement.entry) == [
        ("1100", Decimal("0.00"), Decimal("47.16"), Decimal("-64.38")),
        ("1160", Decimal("0.00"), Decimal("21.43"), Decimal("-30.00")),
        ("1250", Decimal("32.74"), Decimal("0.00"), Decimal("45.84")),
        ("2100", Decimal("34.67"), Decimal("0.00"), Decimal("48.54")),
        ("6800", Decimal("0.01"), Decimal("0.00"), Decimal("0.00")),
        ("6800", Decimal("1.17"), Decimal("0.00"), Decimal("0.00")),
    ]
    # and the bill from Amazon.com.ca ULC: the fees on 6100, no VAT for a US company
    assert settlement.fee_bill is not None and settlement.fee_bill.journal.kind == "purchase"
    assert _rows(settlement.fee_bill) == [
        ("2100", Decimal("0.00"), Decimal("34.67"), Decimal("-48.54")),
        ("6100", Decimal("6.11"), Decimal("0.00"), Decimal("8.55")),
        ("6100", Decimal("28.56"), Decimal("0.00"), Decimal("39.99")),
    ]
    assert {line.partner.name for line in settlement.fee_bill.lines.all()} == {"Amazon.com.ca ULC"}
    # and the payout at Feb 3's rate 1.38: 45.84 / 1.38 = 33.217 -> 33.22 in the bank for the 32.74 held:
    # a gain of 0.48
    assert _rows(settlement.payout_entry) == [
        ("1200", Decimal("33.22"), Decimal("0.00"), Decimal("45.84")),
        ("1250", Decimal("0.00"), Decimal("32.74"), Decimal("-45.84")),
        ("4800", Decimal("0.00"), Decimal("0.48"), Decimal("0.00")),
    ]
    balances = {
        role: account_balance(get_account(company, role))
        for role in (
            AccountRole.AMAZON_INTERMEDIARY,
            AccountRole.RECEIVABLE,
            AccountRole.BANK,
            AccountRole.AMAZON_FEES,
            AccountRole.EXCHANGE_LOSS,
            AccountRole.EXCHANGE_GAIN,
        )
    }
    assert balances == {
        AccountRole.AMAZON_INTERMEDIARY: Decimal("0.00"),
        AccountRole.RECEIVABLE: Decimal("0.00"),
        AccountRole.BANK: Decimal("33.22"),
        AccountRole.AMAZON_FEES: Decimal("34.67"),
        AccountRole.EXCHANGE_LOSS: Decimal("1.18"),
        AccountRole.EXCHANGE_GAIN: Decimal("-0.48"),
    }
    assert not unreconciled_lines(get_account(company, AccountRole.AMAZON_INTERMEDIARY)).exists()
    assert not unreconciled_lines(get_account(company, AccountRole.RECEIVABLE)).exists()


def test_cad_proceeds_waiting_for_their_invoice_move_to_it_with_the_exchange_difference(
    account: AmazonAccount,
) -> None:
    # given the CAD settlement above booked (702-2's 30.00 CAD waiting on 1160 as 21.43 USD), then 702-2
    # invoiced on Feb 10 at 1 USD = 1.3000 CAD: 30.00 / 1.3 = 23.0769 -> 23.08 USD receivable
    company = account.company
    set_rate(company, "CAD", datetime.date(2026, 1, 8), Decimal("1.3650"))
    set_rate(company, "CAD", datetime.date(2026, 1, 31), Decimal("1.4000"))
    set_rate(company, "CAD", datetime.date(2026, 2, 10), Decimal("1.3000"))
    settlement, amounts = _cad_settlement(account)
    with transaction.atomic():
        book_settlement(settlement, amounts)
    _cad_invoice(company, "702-2", Decimal("30.00"), Decimal("23.08"), datetime.date(2026, 2, 10))
    # when the waiting proceeds are cleared
    cleared = clear_awaiting_proceeds(company, ["702-2"])
    # then 1160 gives back its 21.43, the receivable is closed at its 23.08: 1.65 lost on the CAD
    assert cleared == 1
    entry = JournalEntry.objects.filter(ref__contains="702-2", currency_id="CAD").order_by("pk").last()
    assert _rows(entry) == [
        ("1100", Decimal("0.00"), Decimal("23.08"), Decimal("-30.00")),
        ("1160", Decimal("21.43"), Decimal("0.00"), Decimal("30.00")),
        ("6800", Decimal("1.65"), Decimal("0.00"), Decimal("0.00")),
    ]
    awaiting = awaiting_invoice_account(company)
    assert not unreconciled_lines(awaiting, matching_key="702-2").exists()
    assert account_balance(awaiting) == Decimal("-45.99")  # 702-1 (not invoiced here): 64.38 / 1.4
    assert account_balance(get_account(company, AccountRole.RECEIVABLE)) == Decimal("0.00")
    assert not unreconciled_lines(get_account(company, AccountRole.RECEIVABLE)).exists()


def _cad_balance(account: Account) -> Decimal:
    """Debit minus credit of the account's lines in CAD entries (the sandbox seller also sells in USD)."""
    lines = JournalLine.objects.filter(account=account, entry__currency_id="CAD", entry__state="posted")
    return sum((line.debit - line.credit for line in lines), Decimal(0))


def _usd(cad: Decimal, rate: str) -> Decimal:
    """The test's own conversion: CAD / (CAD per USD), rounded half up to the cent."""
    return (cad / Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_a_cad_month_of_sandbox_settlements_leaves_the_intermediary_at_zero_with_exchange_differences(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given five weeks of amazon.ca sales; four orders invoiced on Jan 1 at 1 USD = 1.2500 CAD; from Feb 1
    # (every settlement of the sandbox's month) 1 USD = 1.4000 CAD
    company = account.company
    set_rate(company, "CAD", datetime.date(2026, 1, 1), Decimal("1.2500"))
    set_rate(company, "CAD", datetime.date(2026, 2, 1), Decimal("1.4000"))
    order_ids: list[str] = []
    for _week in range(5):
        order_ids += sandbox.create_orders(
            account.seller_id, 3, marketplace_id=CA, fulfillment_channel="AFN", status="Shipped"
        )
        sandbox.advance(7 * DAY)
    invoiced = {order_id: _receivable_of(client, order_id) for order_id in order_ids[:4]}
    for order_id, cad in invoiced.items():
        _cad_invoice(company, order_id, cad, _usd(cad, "1.2500"), datetime.date(2026, 1, 1))
    closed = [
        group
        for group in client.finances_v0.iter_financial_event_groups(max_results_per_page=100)
        if group.processing_status == "Closed"
        and group.original_total is not None
        and group.original_total.currency_code == "CAD"
    ]
    events = {
        group.financial_event_group_id: _events_json(client, group.financial_event_group_id)
        for group in closed
    }
    # when the settlements are imported
    import_settlements(account, client)
    # then every closed CAD group is booked in USD, its CAD amounts kept
    assert len(closed) >= 2
    booked = AmazonSettlement.objects.filter(
        account=account, state=SettlementState.POSTED, currency_code="CAD"
    )
    assert {settlement.group_id for settlement in booked} == set(events)
    assert {settlement.entry.currency_id for settlement in booked if settlement.entry} == {"CAD"}
    # and the intermediary is at zero (USD and MXN settlements of the seller too), the bank holds each CAD
    # payout converted at 1.4
    intermediary = get_account(company, AccountRole.AMAZON_INTERMEDIARY)
    assert account_balance(intermediary) == Decimal(0)
    assert not unreconciled_lines(intermediary).exists()
    payouts = sum((_usd(group.original_total.currency_amount, "1.4000") for group in closed), Decimal(0))
    assert _cad_balance(get_account(company, AccountRole.BANK)) == payouts
    # and each fee is converted on its own, to the cent
    fees = sum(
        (-_usd(fee, "1.4000") for pages in events.values() for fee in _wire_amounts(pages, fees=True)),
        Decimal(0),
    )
    assert fees > 0
    assert _cad_balance(get_account(company, AccountRole.AMAZON_FEES)) == fees
    # and the invoiced orders are reconciled, each with its exchange loss: at 1.25, at 1.40
    receivable = get_account(company, AccountRole.RECEIVABLE)
    loss = get_account(company, AccountRole.EXCHANGE_LOSS)
    for order_id, cad in invoiced.items():
        assert not unreconciled_lines(receivable, matching_key=order_id).exists()
        [difference] = JournalLine.objects.filter(account=loss, matching_key=order_id)
        assert (difference.debit, difference.amount_currency) == (
            _usd(cad, "1.2500") - _usd(cad, "1.4000"),
            Decimal(0),
        )
    assert account_balance(receivable) == Decimal(0)


def test_import_settlements_now_on_the_account_books_them_in_developer_mode_only(
    sandbox: Sandbox, account: AmazonAccount, admin_client: Any, admin_user: Any
) -> None:
    # given a month of US sales whose settlements Amazon closed, none imported yet
    from django.urls import reverse

    from sellersync.core.models import UserPreference

    _simulate_a_month(sandbox, account)
    url = reverse("admin:amazon_amazonaccount_settlements", args=(account.pk,))
    change = reverse("admin:amazon_amazonaccount_change", args=(account.pk,))
    # when the button is pressed without developer mode: refused, and not offered
    assert 'id="import-settlements-now"' not in admin_client.get(change).content.decode()
    assert admin_client.post(url).status_code == 403
    assert not AmazonSettlement.objects.exists()
    # when it is pressed in developer mode
    UserPreference.objects.update_or_create(user=admin_user, defaults={"developer_mode": True})
    assert 'id="import-settlements-now"' in admin_client.get(change).content.decode()
    page = admin_client.post(url, follow=True).content.decode()
    # then the closed settlements are booked and the page says how many
    booked = AmazonSettlement.objects.filter(account=account, state=SettlementState.POSTED).count()
    assert booked > 0
    assert f"{account}: {booked} booked" in page
