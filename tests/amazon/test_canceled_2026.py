"""Orders 2026-01-01: a canceled order sent without prices takes the marketplace's currency (as in v0)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from sellersync.accounting.invoicing import NotInvoiceable, create_invoice_from_order
from sellersync.amazon.mappers.types import OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.apply import ApplyOutcome, apply_order
from sellersync.amazon.sync.sources import SourceEntry, entry_from_2026
from sellersync.core.models import Company
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder
from sellersync.stock.services import setup_company_stock
from tests.amazon import test_mappers_2026 as p26

DE = "A1PA6795UKMFR9"
ORDER_ID = "302-0000009-0000009"


def priced_order() -> dict[str, Any]:
    """An unshipped FBM order on Amazon.de: 1 x 23.80 incl. 3.80 VAT."""
    eur = "EUR"
    goods = p26.item(
        unit="23.80",
        quantity=1,
        total="23.80",
        currency=eur,
        breakdowns=[p26.breakdown("ITEM", "20.00", eur), p26.breakdown("TAX", "3.80", eur, ITEM="3.80")],
    )
    order = p26.order(
        [goods],
        p26.money("23.80", eur),
        orderId=ORDER_ID,
        salesChannel={"channelName": "AMAZON", "marketplaceId": DE, "marketplaceName": "Amazon.de"},
        recipient={"deliveryAddress": {"city": "Berlin", "postalCode": "10115", "countryCode": "DE"}},
    )
    return order.model_dump(mode="json", by_alias=True, exclude_none=True)


def canceled_without_prices() -> dict[str, Any]:
    """The same order canceled later, sent as Amazon may send it: no proceeds, no unit price."""
    raw = copy.deepcopy(priced_order())
    raw["lastUpdatedTime"] = "2026-03-02T09:00:00Z"
    raw["fulfillment"] = {"fulfillmentStatus": "CANCELLED", "fulfilledBy": "MERCHANT"}
    raw.pop("proceeds")
    for goods in raw["orderItems"]:
        goods.pop("proceeds")
        goods["product"].pop("price")
    return raw


def mapped(entry: SourceEntry) -> OrderData:
    assert isinstance(entry.result, OrderData), entry.result
    return entry.result


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    setup_company_stock(company)
    return AmazonAccount.objects.create(name="Amazon.de", company=company, seller_id="CANCELED")


def test_a_canceled_order_without_prices_maps_in_the_marketplaces_currency() -> None:
    # when
    data = mapped(entry_from_2026(canceled_without_prices(), pii=False))

    # then
    assert (data.status, data.currency, data.order_total) == ("Canceled", "EUR", Decimal(0))


def test_canceled_after_it_was_synced_cancels_the_sales_order_and_refuses_invoicing(
    account: AmazonAccount,
) -> None:
    # given
    first = entry_from_2026(priced_order(), pii=False)
    created = apply_order(account, mapped(first), first.raw_payload, first.api_version)
    assert created.outcome == ApplyOutcome.CREATED

    # when
    canceled = entry_from_2026(canceled_without_prices(), pii=False)
    updated = apply_order(account, mapped(canceled), canceled.raw_payload, canceled.api_version)

    # then
    assert updated.outcome == ApplyOutcome.UPDATED
    order = SalesOrder.objects.get(client_order_ref=ORDER_ID)
    assert order.state == OrderState.CANCELED
    assert order.amount_total == Decimal("23.80")  # what was booked stays as Amazon priced it
    with pytest.raises(NotInvoiceable):
        create_invoice_from_order(order)


def test_canceled_before_it_was_ever_synced_creates_nothing_and_is_not_failed(account: AmazonAccount) -> None:
    # when
    entry = entry_from_2026(canceled_without_prices(), pii=False)
    result = apply_order(account, mapped(entry), entry.raw_payload, entry.api_version)

    # then
    assert (result.outcome, result.binding) == (ApplyOutcome.SKIPPED, None)
    assert not AmazonOrder.objects.filter(amazon_id=ORDER_ID).exists()
    assert not SalesOrder.objects.filter(client_order_ref=ORDER_ID).exists()
