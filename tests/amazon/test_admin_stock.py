"""Stock screens of the Amazon back office: FBA differences list and actions, moves per Amazon account."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon.models import AmazonAccount, FbaInventoryLevel
from sellersync.core.models import Company, Product
from sellersync.stock import selectors as stock_selectors
from sellersync.stock import services as stock_services
from sellersync.stock.models import Location
from sellersync.stock.services import TransferLine


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    return AmazonAccount.objects.create(name="Amazon US", company=company, seller_id="A1SELLER")


def _level(
    account: AmazonAccount, sku: str, product: Product | None, amazon: int, ours: str
) -> FbaInventoryLevel:
    return FbaInventoryLevel.objects.create(
        account=account,
        sku=sku,
        marketplace_id="ATVPDKIKX0DER",
        product=product,
        amazon_total=amazon,
        amazon_fulfillable=amazon,
        our_quantity=Decimal(ours),
        difference=Decimal(amazon) - Decimal(ours),
        fetched_at=timezone.now(),
    )


def test_differences_filter_lists_only_skus_where_amazon_and_we_disagree(
    admin_client: Client, account: AmazonAccount, mug: Product, lamp: Product
) -> None:
    # given
    _level(account, "MUG-FBA", mug, 7, "5")
    _level(account, "LAMP-FBA", lamp, 4, "4")
    url = reverse("admin:amazon_fbainventorylevel_changelist")
    # when
    everything = admin_client.get(url)
    disagreeing = admin_client.get(url, {"difference": "yes"})
    # then
    assert everything.status_code == disagreeing.status_code == 200
    assert everything.context["cl"].result_count == 2
    assert [level.sku for level in disagreeing.context["cl"].result_list] == ["MUG-FBA"]


def test_adopting_amazons_count_adjusts_our_amazon_location(
    admin_client: Client, account: AmazonAccount, amazon_location: Location, mug: Product
) -> None:
    # given: we think 5 mugs are at Amazon, Amazon counts 7
    stock_services.adjust_inventory(amazon_location, mug, Decimal(5))
    level = _level(account, "MUG-FBA", mug, 7, "5")
    # when
    response = admin_client.post(
        reverse("admin:amazon_fbainventorylevel_changelist"),
        {"action": "adopt_amazon_count", "_selected_action": [level.pk]},
    )
    # then
    assert response.status_code == 302
    assert stock_selectors.stock_on_hand(mug, amazon_location) == Decimal(7)
    level.refresh_from_db()
    assert (level.our_quantity, level.difference) == (Decimal(7), Decimal(0))


def test_moves_can_be_filtered_by_amazon_account_and_by_location_in_or_out(
    admin_client: Client,
    account: AmazonAccount,
    stocked_warehouse: Location,
    amazon_location: Location,
    mug: Product,
    company: Company,
) -> None:
    # given: 10 mugs and 10 lamps counted in the warehouse, 4 mugs sent to Amazon
    transfer = stock_services.create_transfer(
        company, stocked_warehouse, amazon_location, [TransferLine(mug, Decimal(4))]
    )
    stock_services.validate_picking(transfer)
    url = reverse("admin:stock_move_changelist")
    # when
    by_account = admin_client.get(url, {"amazon_account": account.pk})
    by_location = admin_client.get(url, {"location": stocked_warehouse.pk, "product__id__exact": mug.pk})
    # then
    assert by_account.status_code == by_location.status_code == 200
    assert [move.quantity_done for move in by_account.context["cl"].result_list] == [Decimal(4)]
    assert sorted(move.quantity_done for move in by_location.context["cl"].result_list) == [
        Decimal(4),
        Decimal(10),
    ]
