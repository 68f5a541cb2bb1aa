"""The Stock on hand page: product x location with on hand, reserved and available, the Amazon location
included (an FBA sale leaves it), filterable by location and product."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.stock import services as stock_services
from sellersync.stock.models import Move
from sellersync.stock.selectors import default_warehouse
from tests.amazon.fixtures import Sandbox

pytestmark = pytest.mark.django_db


def _row(page: str, location: str, code: str) -> str:
    start = page.index(f'data-location="{location}" data-product="{code}"')
    return page[start : page.index("</tr>", start)]


def test_stock_on_hand_after_an_fba_sale_and_a_planned_replenishment(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an FBA order shipped by Amazon and synced: its units left the Amazon location
    (order_id,) = sandbox.create_orders(
        na_account.seller_id, 1, marketplace_id="ATVPDKIKX0DER", fulfillment_channel="AFN"
    )
    sandbox.advance(6 * 3600)
    sync_orders(na_account)
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    sold = Move.objects.filter(sales_line__order=binding.sales_order).order_by("pk").first()
    assert sold is not None
    product, amazon = sold.product, sold.source_location
    # (the sync brought other FBA orders of the same product too: every unit sold left Amazon's location)
    units = sum(m.quantity_done for m in Move.objects.filter(product=product, source_location=amazon))
    assert units >= sold.quantity_done > 0
    # and 10 of them in the warehouse, 4 of which are planned for the Amazon location (a ready transfer)
    warehouse = default_warehouse(na_account.company)
    assert warehouse is not None
    stock = warehouse.stock_location
    stock_services.adjust_inventory(stock, product, Decimal(10))
    stock_services.create_transfer(
        na_account.company, stock, amazon, [stock_services.TransferLine(product, Decimal(4))], origin="test"
    )
    # when
    url = reverse("admin:stock_location_on_hand")
    page = admin_client.get(url).content.decode()
    # then the warehouse holds 10, 4 reserved, 6 available; Amazon's location is short of what was sold
    code = product.default_code
    warehouse_row = _row(page, stock.code, code)
    assert '<td class="on-hand">10</td>' in warehouse_row
    assert '<td class="reserved">4</td>' in warehouse_row and '<td class="available">6</td>' in warehouse_row
    amazon_row = _row(page, amazon.code, code)
    assert f'<td class="on-hand">{-units.normalize()}</td>' in amazon_row and "(Amazon)" in amazon_row
    # and filtered by the warehouse, only its row is left
    filtered = admin_client.get(url, {"location": stock.pk, "product": code}).content.decode()
    assert filtered.count('class="on-hand-row"') == 1 and f'data-location="{stock.code}"' in filtered
