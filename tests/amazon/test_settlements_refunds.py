"""A refund made in the sandbox (`Sandbox.refund`), read by sellersync's client and settled, to the cent."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest

from sellersync.accounting.choices import AccountRole
from sellersync.accounting.selectors import account_balance, unreconciled_lines
from sellersync.accounting.services import get_account
from sellersync.amazon.mappers.settlements import settlement_amounts
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonSettlementLine
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_settlements import import_settlements
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company
from sellersync.spapi.client import SpApiClient
from tests.amazon.fixtures import Sandbox, make_account

US = "ATVPDKIKX0DER"
DAY = 24 * 3600
CENT = Decimal("0.01")


@pytest.fixture
def account(sandbox: Sandbox, db: None) -> AmazonAccount:
    company: Company = create_company("Northwind Inc", Currency.objects.get(code="USD"), "US")
    account = make_account(sandbox, company, "NA")
    AmazonMarketplace.objects.create(
        account=account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    return account


@pytest.fixture
def client(account: AmazonAccount) -> Iterator[SpApiClient]:
    with client_for_account(account) as client:
        yield client


def _money(value: object) -> Decimal:
    amount = getattr(value, "amount", None)
    return Decimal(0) if amount is None else Decimal(amount)


def test_a_full_refund_with_a_restocking_fee_is_read_by_the_client_and_settled_when_its_group_closes(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient
) -> None:
    # given a shipped FBA order on amazon.com (tax-exclusive, facilitator tax) refunded in full by the test,
    # the seller keeping a restocking fee of 3.00 on its first item
    [order_id] = sandbox.create_orders(
        account.seller_id, 1, marketplace_id=US, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(DAY)  # FBA orders ship within 5 hours of purchase
    items = client.orders_v0.get_order_items(order_id).order_items
    made = sandbox.refund(order_id, restocking_fee="3.00")
    # when the client reads the order's events
    events = client.finances_v0.list_financial_events_by_order_id(order_id).financial_events
    # then one refund: per item the principal and the tax back (negative), the facilitator tax returned
    # (positive, = the tax), the commission back (= the shipment's) minus 20 % of it; 3.00 kept
    [refund] = events.refund_event_list
    [shipment] = events.shipment_event_list
    assert refund.amazon_order_id == order_id
    assert made["posted"] == refund.posted_date.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]
    commissions = {
        item.order_item_id: fee.fee_amount.currency_amount  # type: ignore[union-attr]
        for item in shipment.shipment_item_list
        for fee in item.item_fee_list
        if fee.fee_type == "Commission"
    }
    expected_total = Decimal(0)
    for index, (item, line) in enumerate(zip(items, refund.shipment_item_adjustment_list, strict=True)):
        charges = {c.charge_type: c.charge_amount.currency_amount for c in line.item_charge_adjustment_list}  # type: ignore[union-attr]
        fees = {f.fee_type: f.fee_amount.currency_amount for f in line.item_fee_adjustment_list}  # type: ignore[union-attr]
        [withheld] = line.item_tax_withheld_list
        returned = {t.charge_type: t.charge_amount.currency_amount for t in withheld.taxes_withheld}  # type: ignore[union-attr]
        price, tax = _money(item.item_price), _money(item.item_tax)
        commission = -commissions[item.order_item_id]  # type: ignore[operator]
        refund_commission = min((commission * Decimal("0.20")).quantize(CENT, ROUND_HALF_UP), Decimal("5.00"))
        fee = Decimal("3.00") if index == 0 else Decimal(0)
        assert (line.order_item_id, line.quantity_shipped) == (item.order_item_id, item.quantity_ordered)
        assert charges == {"Principal": -price, "Tax": -tax, **({"RestockingFee": fee} if fee else {})}
        assert fees == {"Commission": commission, "RefundCommission": -refund_commission}
        assert returned == {"MarketplaceFacilitatorTax-Principal": tax}
        expected_total += -price - tax + fee + commission - refund_commission + tax
    assert Decimal(made["total"]) == expected_total
    # when the group of its posting closes and the settlements are imported
    sandbox.advance(15 * DAY)
    import_settlements(account, client)
    # then the settlement names the refund's amounts, each once, as the client read them; Amazon's
    # intermediary account holds nothing once paid out
    expected = sorted(
        (amount.amount_type, amount.amount)
        for amount in settlement_amounts([events])
        if amount.event_type == "refund"
    )
    lines = AmazonSettlementLine.objects.filter(amazon_order_id=order_id, event_type="refund")
    assert sorted((line.amount_type, line.amount) for line in lines) == expected
    assert sum((amount for _type, amount in expected), Decimal(0)) == expected_total
    intermediary = get_account(account.company, AccountRole.AMAZON_INTERMEDIARY)
    assert account_balance(intermediary) == Decimal(0)
    assert not unreconciled_lines(intermediary).exists()
