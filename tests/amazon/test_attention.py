"""The "What needs attention" page: linked first from the admin home, it lists a failed order with its
error, a refused shipment, an FBM delivery due within a day, and each account's last sync and result."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_shipments import fbm_orders, picking_of
from tests.stock.fixtures import everything, post_validate_page

pytestmark = pytest.mark.django_db


def test_admin_home_links_the_attention_page_and_the_dashboard_first(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:index")).content.decode()
    attention, dashboard = reverse("amazon:attention"), reverse("dashboard:index")
    assert f'href="{attention}"' in page and f'href="{dashboard}"' in page
    assert page.index(f'href="{attention}"') < page.index("app-accounting")


def test_attention_page_lists_what_failed_and_what_is_due(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an order in a currency the books do not know (it fails alone), a shipment Amazon refused,
    # and an FBM delivery due in 3 hours
    sandbox.fault("searchOrders", "unknown_currency")
    run = sync_orders(na_account)
    failed = AmazonOrder.objects.get(account=na_account, sync_state=OrderSyncState.FAILED)
    refused, due = fbm_orders(sandbox, na_account, 2)
    sandbox.cancel(refused.amazon_id)
    refused_picking = picking_of(refused)
    ups = Carrier.objects.create(name="UPS")
    post_validate_page(admin_client, refused_picking, everything(refused_picking), ups, "1ZREF")
    due_picking = picking_of(due)
    Picking.objects.filter(pk=due_picking.pk).update(deadline=timezone.now() + timedelta(hours=3))
    # when
    page = admin_client.get(reverse("amazon:attention")).content.decode()
    # then each is listed with a link to act on it
    assert f'href="{reverse("admin:amazon_amazonorder_change", args=(failed.pk,))}"' in page
    assert "currency &#x27;XXX&#x27;" in page or "currency 'XXX'" in page
    assert f'href="{reverse("admin:stock_picking_change", args=(refused_picking.pk,))}"' in page
    assert "Amazon sync failed" in page and "Canceled" in page
    assert f'href="{reverse("admin:stock_picking_validate", args=(due_picking.pk,))}"' in page
    assert 'class="attention-error late"' not in _row_of(page, due_picking)  # due in 3 hours: not late yet
    # and the whole list of what is due opens in the transfers' list, with the due delivery in it
    all_due = re.search(r'id="all-ship-soon" href="([^"]+)"', page)
    assert all_due is not None
    listed = admin_client.get(html.unescape(all_due.group(1)))
    assert listed.status_code == 200
    assert f'href="{reverse("admin:stock_picking_change", args=(due_picking.pk,))}' in listed.content.decode()
    # when the delivery's ship-by date has passed
    Picking.objects.filter(pk=due_picking.pk).update(deadline=timezone.now() - timedelta(hours=2))
    page = admin_client.get(reverse("amazon:attention")).content.decode()
    # then it is marked late
    assert 'class="attention-error late"' in _row_of(page, due_picking)
    # and the account's last run, its failed order counted
    assert f'href="{reverse("admin:amazon_syncrun_change", args=(run.pk,))}"' in page
    assert "1 order failed" in page


def _row_of(page: str, picking: Picking) -> str:
    """The attention page's table row of this delivery."""
    validate = reverse("admin:stock_picking_validate", args=(picking.pk,))
    rows = [row for row in page.split("<tr>") if validate in row]
    assert len(rows) == 1
    return rows[0]
