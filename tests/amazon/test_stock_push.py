"""FBM stock push against the sandbox: available quantity, only changes, never FBA, patch or feed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from sellersync.amazon import locks, tasks_stock
from sellersync.amazon.choices import FulfillmentChannel, OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonOffer, OutboundMessage
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.export_stock import check_stock_feeds, push_fbm_stock
from sellersync.core.models import Product
from sellersync.sandbox.generators import generate_catalogue
from sellersync.sandbox.records import Seller
from sellersync.spapi.client import SpApiClient
from sellersync.stock import services as stock_services
from sellersync.stock.models import Location
from sellersync.stock.services import TransferLine
from tests.amazon.fixtures import Sandbox

US = "ATVPDKIKX0DER"


@pytest.fixture
def skus(sandbox: Sandbox) -> list[str]:
    """SKUs of the NA seller's sandbox catalogue (listings that exist on 'Amazon')."""
    return [product.sku for product in generate_catalogue(Seller(**sandbox.sellers()["NA"]))]


@pytest.fixture
def account(na_account: AmazonAccount) -> AmazonAccount:
    na_account.synchronize_fbm_stock = True
    na_account.save()
    AmazonMarketplace.objects.create(
        account=na_account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    return na_account


@pytest.fixture
def client(account: AmazonAccount) -> Iterator[SpApiClient]:
    with client_for_account(account) as client:
        yield client


def _offer(account: AmazonAccount, sku: str, product: Product, channel: str = "MFN") -> AmazonOffer:
    return AmazonOffer.objects.create(account=account, sku=sku, product=product, fulfillment_channel=channel)


def _amazon_quantity(client: SpApiClient, account: AmazonAccount, sku: str) -> Any:
    item = client.listings.get_listings_item(
        account.seller_id, sku, [US], included_data=["fulfillmentAvailability"]
    )
    return item.fbm_quantity()


def test_available_quantity_is_pushed_once_then_only_when_it_changes(
    account: AmazonAccount, client: SpApiClient, skus: list[str], stocked_warehouse: Location, mug: Product
) -> None:
    # given: 10 mugs on hand, 3 of them in a ready transfer to Amazon
    amazon = stock_services.get_or_create_amazon_location(account.company)
    stock_services.create_transfer(
        account.company, stocked_warehouse, amazon, [TransferLine(mug, Decimal(3))]
    )
    offer = _offer(account, skus[0], mug)
    # when
    first = push_fbm_stock(account, client)
    second = push_fbm_stock(account, client)
    stock_services.adjust_inventory(stocked_warehouse, mug, Decimal(12))
    third = push_fbm_stock(account, client)
    # then
    assert [m.payload["quantity"] for m in first.synced] == [7]
    assert second.synced == [] and second.failed == [] and second.sent == []
    assert [m.payload["quantity"] for m in third.synced] == [9]
    assert client.stats["listings.patchListingsItem"].calls == 2
    offer.refresh_from_db()
    assert offer.last_stock_sent == Decimal(9)
    assert _amazon_quantity(client, account, skus[0]) == 9
    message = OutboundMessage.objects.get(account=account, kind=OutboundKind.STOCK)
    assert (message.state, message.attempts) == (OutboundState.SYNCED, 2)


def test_fba_offers_services_and_disabled_accounts_are_never_pushed(
    account: AmazonAccount,
    client: SpApiClient,
    skus: list[str],
    stocked_warehouse: Location,
    mug: Product,
    lamp: Product,
    shipping_product: Product,
) -> None:
    # given
    _offer(account, skus[1], lamp, channel=FulfillmentChannel.FBA)
    _offer(account, skus[2], shipping_product)
    _offer(account, skus[3], mug, channel="")
    # when
    result = push_fbm_stock(account, client)
    account.synchronize_fbm_stock = False
    _offer(account, skus[4], mug)
    disabled = push_fbm_stock(account, client)
    # then
    assert result.synced == [] and disabled.synced == []
    assert client.stats["listings.patchListingsItem"].calls == 0
    assert not OutboundMessage.objects.filter(kind=OutboundKind.STOCK).exists()
    assert _amazon_quantity(client, account, skus[1]) == 0


def test_a_sku_amazon_does_not_know_fails_with_amazons_issue_and_is_sent_again(
    account: AmazonAccount, client: SpApiClient, stocked_warehouse: Location, mug: Product
) -> None:
    # given
    offer = _offer(account, "NOT-ON-AMAZON", mug)
    # when
    first = push_fbm_stock(account, client)
    again = push_fbm_stock(account, client)
    # then
    assert len(first.failed) == 1 and len(again.failed) == 1
    message = OutboundMessage.objects.get(kind=OutboundKind.STOCK)
    assert message.state == OutboundState.FAILED
    assert "NOT-ON-AMAZON was not found" in message.amazon_error
    offer.refresh_from_db()
    assert offer.last_stock_sent is None


def test_many_changed_offers_go_in_one_json_listings_feed(
    account: AmazonAccount,
    client: SpApiClient,
    sandbox: Sandbox,
    skus: list[str],
    stocked_warehouse: Location,
    mug: Product,
    lamp: Product,
    settings: Any,
) -> None:
    # given: threshold 1, two changed offers (10 mugs, 6 lamps) and one SKU Amazon rejects
    settings.AMAZON_STOCK_FEED_THRESHOLD = 1
    stock_services.adjust_inventory(stocked_warehouse, lamp, Decimal(6))
    _offer(account, skus[5], mug)
    _offer(account, skus[6], lamp)
    rejected = _offer(account, "UNKNOWN-SKU", lamp)
    # when (the clock stopped: Amazon has not processed the feed at the first check)
    sandbox.stop_clock()
    pushed = push_fbm_stock(account, client)
    before_processing = check_stock_feeds(account, client)
    sandbox.advance(180)
    checked = check_stock_feeds(account, client)
    # then
    assert len(pushed.sent) == 3
    assert client.stats["feeds.createFeed"].calls == 1
    assert client.stats["listings.patchListingsItem"].calls == 0
    assert len(before_processing.sent) == 3 and before_processing.synced == []
    assert sorted(m.payload["sku"] for m in checked.synced) == sorted([skus[5], skus[6]])
    assert [m.payload["sku"] for m in checked.failed] == ["UNKNOWN-SKU"]
    assert _amazon_quantity(client, account, skus[5]) == 10
    assert _amazon_quantity(client, account, skus[6]) == 6
    rejected.refresh_from_db()
    assert rejected.last_stock_sent is None


def test_the_periodic_task_pushes_accounts_with_the_option_and_skips_a_locked_one(
    immediate_huey: None,
    account: AmazonAccount,
    eu_account: AmazonAccount,
    skus: list[str],
    stocked_warehouse: Location,
    mug: Product,
) -> None:
    # given: the NA account pushes its stock, the EU one does not
    _offer(account, skus[7], mug)
    # when: first while another stock job holds the NA account, then freely
    with locks.hold(tasks_stock.stock_lock_name(account.pk)):
        locked = tasks_stock.enqueue_fbm_stock_pushes.call_local()
        messages_while_locked = OutboundMessage.objects.filter(kind=OutboundKind.STOCK).count()
    tasks_stock.enqueue_fbm_stock_pushes.call_local()
    # then
    assert locked == [account.pk]
    assert messages_while_locked == 0
    message = OutboundMessage.objects.get(kind=OutboundKind.STOCK)
    assert (message.account, message.state, message.payload["quantity"]) == (
        account,
        OutboundState.SYNCED,
        10,
    )
