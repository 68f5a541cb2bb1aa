"""Customer returns into stock, against the sandbox's returns reports: FBA units back into the Amazon
location (sellable) or "Damaged at Amazon" (any other disposition); an FBM return as an incoming return on
the warehouse, received on the Validate page; each row applied once; bad rows stored with their reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.test import Client

from sellersync.amazon import services
from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonMarketplace,
    AmazonOffer,
    AmazonOrder,
    AmazonReturn,
    OutboundMessage,
    ReturnsReportCursor,
)
from sellersync.amazon.models.returns import ReturnState
from sellersync.amazon.sync.import_returns import ReturnsImport, import_returns
from sellersync.core.models import Product
from sellersync.spapi.client import SpApiClient
from sellersync.stock import selectors as stock_selectors
from sellersync.stock.choices import MoveState, PickingKind, PickingState
from sellersync.stock.models import Carrier, Location, Move, Picking
from tests.amazon.fixtures import Sandbox
from tests.stock.fixtures import everything, post_validate_page

pytestmark = pytest.mark.django_db
US = "ATVPDKIKX0DER"


@pytest.fixture
def account(na_account: AmazonAccount) -> AmazonAccount:
    AmazonMarketplace.objects.create(
        account=na_account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    return na_account


@pytest.fixture
def client(account: AmazonAccount) -> Iterator[SpApiClient]:
    with services.client_for_account(account) as client:
        yield client


def _books(account: AmazonAccount, amazon_id: str, product: Product) -> tuple[AmazonOrder, str, int]:
    """The order recovered into the books with its first item sold as `product` (other SKUs: their own
    products); the first item's id and quantity."""
    with services.client_for_account(account) as client:
        items = client.orders_v0.get_order_items(amazon_id).order_items
    first = items[0]
    AmazonOffer.objects.get_or_create(
        account=account, sku=str(first.seller_sku), defaults={"product": product}
    )
    binding = services.recover_order(account, amazon_id)
    assert binding.sales_order is not None, binding.last_error
    return binding, first.order_item_id, first.quantity_ordered


def _import(account: AmazonAccount, client: SpApiClient) -> ReturnsImport:
    result = import_returns(account, client)
    assert result.errors == [] and result.pending_reports == 0
    return result


def test_fba_returns_land_in_the_amazon_location_when_sellable_and_in_damaged_otherwise(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient, amazon_location: Location, mug: Product
) -> None:
    # given two shipped FBA orders in the books, their first item sold as our mug
    ids = sandbox.create_orders(account.seller_id, 2, marketplace_id=US, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)  # Amazon ships FBA orders 30 minutes to 5 hours after the purchase
    (first, first_item, _qty), (second, second_item, _qty2) = (_books(account, i, mug) for i in ids)
    on_hand = stock_selectors.stock_on_hand(mug, amazon_location)
    # when the buyers send one unit each back: one sellable, one damaged by the customer
    sandbox.return_order(first.amazon_id, {first_item: 1}, disposition="SELLABLE")
    sandbox.return_order(second.amazon_id, {second_item: 1}, disposition="CUSTOMER_DAMAGED")
    result = _import(account, client)
    # then one mug is back in the Amazon location, one in "Damaged at Amazon"
    damaged = Location.objects.get(company=account.company, code="AMAZON/DAMAGED")
    assert damaged.name == "Damaged at Amazon" and not damaged.is_amazon
    assert stock_selectors.stock_on_hand(mug, amazon_location) == on_hand + 1
    assert stock_selectors.stock_on_hand(mug, damaged) == Decimal(1)
    assert (result.restocked, result.damaged, result.to_receive) == (1, 1, 0)
    returns = {row.amazon_order_id: row for row in AmazonReturn.objects.filter(account=account)}
    assert returns[first.amazon_id].state == ReturnState.RESTOCKED
    assert returns[second.amazon_id].state == ReturnState.DAMAGED
    assert returns[second.amazon_id].disposition == "CUSTOMER_DAMAGED"
    assert returns[first.amazon_id].sales_order == first.sales_order
    move = returns[first.amazon_id].move
    assert move is not None and move.sales_line is not None
    assert (move.destination_location, move.quantity_done, move.state) == (amazon_location, 1, MoveState.DONE)
    assert move.sales_line.order == first.sales_order
    # and reading the same report rows again moves nothing more
    again = _import(account, client)
    assert (again.restocked, again.damaged) == (0, 0) and again.already_applied >= 2
    assert stock_selectors.stock_on_hand(mug, amazon_location) == on_hand + 1
    assert stock_selectors.stock_on_hand(mug, damaged) == Decimal(1)
    assert (
        Move.objects.filter(
            destination_location__in=[amazon_location, damaged], sales_line__isnull=False
        ).count()
        == 2
    )


def test_an_fbm_return_is_received_on_the_validate_page_and_is_back_on_hand(
    admin_client: Client,
    sandbox: Sandbox,
    account: AmazonAccount,
    client: SpApiClient,
    stocked_warehouse: Location,
    mug: Product,
) -> None:
    # given an FBM order of our mugs, shipped from the warehouse through our Validate page
    [amazon_id] = sandbox.create_orders(
        account.seller_id, 1, marketplace_id=US, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(1800)  # Unshipped 5 to 30 minutes after the purchase
    binding, item_id, quantity = _books(account, amazon_id, mug)
    ups = Carrier.objects.create(name="UPS", amazon_carrier_code="UPS")
    delivery = Picking.objects.get(sales_order=binding.sales_order, kind=PickingKind.OUTGOING)
    post_validate_page(admin_client, delivery, everything(delivery), ups, "1ZOUT123")
    delivery.refresh_from_db()
    assert delivery.state == PickingState.DONE
    assert sandbox.truth(account.seller_id)[amazon_id]["status"] in ("Shipped", "PartiallyShipped")
    mugs_after_shipping = stock_selectors.stock_on_hand(mug, stocked_warehouse)
    shipments = OutboundMessage.objects.count()
    # when the buyer returns every mug with an RMA and the returns are imported
    sandbox.return_order(
        amazon_id, {item_id: quantity}, rma_id="DRMA0001", carrier="UPS", tracking_id="1ZBACK42"
    )
    result = _import(account, client)
    # then an incoming return waits on the warehouse, with Amazon's carrier and tracking
    assert result.to_receive == 1
    row = AmazonReturn.objects.get(account=account, amazon_order_id=amazon_id)
    assert (row.state, row.channel, row.rma_id) == (
        ReturnState.TO_RECEIVE,
        FulfillmentChannel.FBM,
        "DRMA0001",
    )
    receipt = row.picking
    assert receipt is not None
    assert (receipt.kind, receipt.state, receipt.sales_order) == (
        PickingKind.INCOMING,
        PickingState.READY,
        binding.sales_order,
    )
    assert (receipt.destination_location, receipt.carrier, receipt.tracking_reference) == (
        stocked_warehouse,
        ups,
        "1ZBACK42",
    )
    assert [(move.product, move.quantity) for move in receipt.moves.all()] == [(mug, quantity)]
    assert stock_selectors.stock_on_hand(mug, stocked_warehouse) == mugs_after_shipping  # not arrived yet
    # when the parcel arrives and is validated on the Validate page
    post_validate_page(admin_client, receipt, everything(receipt), ups, "1ZBACK42")
    # then the mugs are back on hand, and nothing was sent to Amazon for the return
    receipt.refresh_from_db()
    assert receipt.state == PickingState.DONE
    assert stock_selectors.stock_on_hand(mug, stocked_warehouse) == mugs_after_shipping + quantity
    assert OutboundMessage.objects.count() == shipments
    # and importing again makes no second return
    _import(account, client)
    assert Picking.objects.filter(sales_order=binding.sales_order, kind=PickingKind.INCOMING).count() == 1


def test_a_return_that_cannot_be_applied_is_kept_with_its_reason_and_applied_once_it_can(
    sandbox: Sandbox, account: AmazonAccount, client: SpApiClient, amazon_location: Location, mug: Product
) -> None:
    # given a returned FBA order that is not in the books yet
    [amazon_id] = sandbox.create_orders(account.seller_id, 1, marketplace_id=US, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)
    item = client.orders_v0.get_order_items(amazon_id).order_items[0]
    sandbox.return_order(amazon_id, {item.order_item_id: item.quantity_ordered}, disposition="SELLABLE")
    # when imported
    first = _import(account, client)
    # then it failed, with why
    row = AmazonReturn.objects.get(account=account, amazon_order_id=amazon_id)
    assert first.failed >= 1
    assert row.state == ReturnState.FAILED
    assert row.error == f"order {amazon_id} is not in the books yet (it is synchronized first)"
    assert row.move is None
    # when the order is synchronized and the returns read again days later (the row is no longer in the
    # period the reports read: it is tried again as stored)
    binding, _item, quantity = _books(account, amazon_id, mug)
    on_hand = stock_selectors.stock_on_hand(mug, amazon_location)
    sandbox.advance(4 * 24 * 3600)
    ReturnsReportCursor.objects.filter(account=account).update(read_until=F("read_until") + timedelta(days=3))
    _import(account, client)
    # then the same row is applied, once
    row.refresh_from_db()
    assert (row.state, row.error) == (ReturnState.RESTOCKED, "")
    assert AmazonReturn.objects.filter(account=account, amazon_order_id=amazon_id).count() == 1
    assert stock_selectors.stock_on_hand(mug, amazon_location) == on_hand + quantity
