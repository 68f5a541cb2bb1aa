"""FBA against the sandbox: replenishment and sales move the Amazon location; Amazon's count is compared."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from sellersync.amazon.choices import FulfillmentChannel
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonMarketplace,
    AmazonOffer,
    AmazonOrder,
    FbaInventoryLevel,
)
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_fba_inventory import import_fba_inventory
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Product
from sellersync.spapi.client import SpApiClient
from sellersync.stock import selectors as stock_selectors
from sellersync.stock import services as stock_services
from sellersync.stock.choices import MoveState
from sellersync.stock.models import Location, Move
from sellersync.stock.services import TransferLine
from tests.amazon.fixtures import Sandbox

US = "ATVPDKIKX0DER"


@pytest.fixture
def account(na_account: AmazonAccount) -> AmazonAccount:
    AmazonMarketplace.objects.create(
        account=na_account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    return na_account


@pytest.fixture
def client(account: AmazonAccount) -> Iterator[SpApiClient]:
    with client_for_account(account) as client:
        yield client


def _receive_at_amazon(
    sandbox: Sandbox, account: AmazonAccount, sku: str, quantity: int, *, new_item: bool = True
) -> None:
    """What Amazon does when our shipment to its warehouse arrives (sandbox-only FBA Inventory operations)."""
    seller = sandbox.sellers()["NA"]
    token = sandbox.http.post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": seller["refresh_token"],
            "client_id": seller["client_id"],
            "client_secret": seller["client_secret"],
        },
    ).json()["access_token"]
    headers = {"x-amz-access-token": token}
    if new_item:
        item = {"sellerSku": sku, "marketplaceId": US, "productName": "Mug"}
        sandbox.http.post("/fba/inventory/v1/items", json=item, headers=headers).raise_for_status()
    added = {"inventoryItems": [{"sellerSku": sku, "marketplaceId": US, "quantity": quantity}]}
    idempotency = {"x-amzn-idempotency-token": str(uuid.uuid4())}
    sandbox.http.post(
        "/fba/inventory/v1/items/inventory", json=added, headers=headers | idempotency
    ).raise_for_status()


def _amazon_total(client: SpApiClient, sku: str) -> int:
    page = client.fba_inventory.get_inventory_summaries(US, seller_skus=[sku])
    return page.payload.inventory_summaries[0].total_quantity


def test_replenishment_and_an_fba_sale_move_the_amazon_location_in_step_with_amazon(
    sandbox: Sandbox,
    account: AmazonAccount,
    client: SpApiClient,
    stocked_warehouse: Location,
    amazon_location: Location,
    mug: Product,
) -> None:
    # given: Amazon's count of every SKU before anything happens (the cursor starts there)
    account.last_order_sync = datetime.fromisoformat(sandbox.http.get("/_sandbox/clock").json()["now"])
    account.save()
    before = {
        summary.seller_sku: summary.total_quantity
        for summary in client.fba_inventory.iter_inventory_summaries(US)
    }
    # and: an FBA order for some SKU, which we sell as our mug
    (order_id,) = sandbox.create_orders(account.seller_id, 1, marketplace_id=US, fulfillment_channel="AFN")
    item = client.orders_v0.get_order_items(order_id).order_items[0]
    sku, ordered = str(item.seller_sku), item.quantity_ordered
    AmazonOffer.objects.create(
        account=account, sku=sku, product=mug, fulfillment_channel=FulfillmentChannel.FBA
    )
    # and: 8 mugs sent from the warehouse to Amazon, which receives them
    transfer = stock_services.create_transfer(
        account.company, stocked_warehouse, amazon_location, [TransferLine(mug, Decimal(8))]
    )
    stock_services.validate_picking(transfer)
    _receive_at_amazon(sandbox, account, sku, 8, new_item=False)
    # when: Amazon ships the order and we synchronize
    sandbox.advance(6 * 3600)
    run = sync_orders(account)
    levels = import_fba_inventory(account, client)
    # then
    assert run.error == ""
    binding = AmazonOrder.objects.get(account=account, amazon_id=order_id)
    sale = Move.objects.get(sales_line__order=binding.sales_order, product=mug)
    assert (sale.source_location, sale.quantity_done, sale.state) == (
        amazon_location,
        ordered,
        MoveState.DONE,
    )
    assert stock_selectors.stock_on_hand(mug, stocked_warehouse) == Decimal(2)
    assert stock_selectors.stock_on_hand(mug, amazon_location) == Decimal(8 - ordered)
    assert _amazon_total(client, sku) == before[sku] + 8 - ordered
    level = next(level for level in levels if level.sku == sku)
    assert (level.product, level.our_quantity) == (mug, Decimal(8 - ordered))
    assert level.difference == before[sku]  # what Amazon held before we sent anything


def test_an_adjustment_amazon_does_not_know_shows_as_a_difference(
    sandbox: Sandbox,
    account: AmazonAccount,
    client: SpApiClient,
    stocked_warehouse: Location,
    amazon_location: Location,
    mug: Product,
) -> None:
    # given: 5 mugs at Amazon on both sides, then we count 3 in our books (2 lost, says our count)
    sku = "FBA-MUG-1"
    AmazonOffer.objects.create(
        account=account, sku=sku, product=mug, fulfillment_channel=FulfillmentChannel.FBA
    )
    transfer = stock_services.create_transfer(
        account.company, stocked_warehouse, amazon_location, [TransferLine(mug, Decimal(5))]
    )
    stock_services.validate_picking(transfer)
    _receive_at_amazon(sandbox, account, sku, 5)
    stock_services.adjust_inventory(amazon_location, mug, Decimal(3))
    # when
    import_fba_inventory(account, client)
    second = import_fba_inventory(account, client)
    # then: one row per SKU Amazon reports (30 catalogue SKUs + ours), the same rows the second time
    level = FbaInventoryLevel.objects.get(account=account, sku=sku)
    assert (level.amazon_total, level.amazon_fulfillable, level.our_quantity) == (5, 5, Decimal(3))
    assert level.difference == Decimal(2)
    assert len(second) == FbaInventoryLevel.objects.filter(account=account).count() == 31
    unknown = FbaInventoryLevel.objects.filter(account=account, product__isnull=True).first()
    assert unknown is not None and unknown.difference == unknown.amazon_total


def test_import_fba_inventory_now_on_the_account_reads_amazons_counts_in_developer_mode_only(
    account: AmazonAccount, client: SpApiClient, admin_client: Any, admin_user: Any
) -> None:
    # given Amazon's FBA count of the account's US SKUs, read directly; none imported yet
    from django.urls import reverse

    from sellersync.core.models import UserPreference

    amazon = {
        str(summary.seller_sku): summary.total_quantity
        for summary in client.fba_inventory.iter_inventory_summaries(US)
    }
    assert len(amazon) > 5
    url = reverse("admin:amazon_amazonaccount_fba_inventory", args=(account.pk,))
    change = reverse("admin:amazon_amazonaccount_change", args=(account.pk,))
    # when the button is pressed without developer mode: refused, and not offered
    assert 'id="import-fba-inventory-now"' not in admin_client.get(change).content.decode()
    assert admin_client.post(url).status_code == 403
    assert not FbaInventoryLevel.objects.exists()
    # when it is pressed in developer mode
    UserPreference.objects.update_or_create(user=admin_user, defaults={"developer_mode": True})
    assert 'id="import-fba-inventory-now"' in admin_client.get(change).content.decode()
    page = admin_client.post(url, follow=True).content.decode()
    # then each SKU Amazon counts has its level, with Amazon's total, and the page says how many
    levels = FbaInventoryLevel.objects.filter(account=account)
    assert dict(levels.values_list("sku", "amazon_total")) == amazon
    assert len(amazon) > 1 and f"{account}: {len(amazon)} SKUs read." in page
