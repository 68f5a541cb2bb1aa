"""The Amazon back office: every screen renders, secrets stay hidden, developer mode gates what it should."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from sellersync.amazon.choices import FulfillmentChannel, OrderSyncState, OutboundKind, SyncKind
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonMarketplace,
    AmazonOffer,
    AmazonOrder,
    AmazonOrderEvent,
    OutboundMessage,
    SyncRun,
)
from sellersync.core.models import Company, Product, UserPreference
from sellersync.sales.models import SalesOrder

pytestmark = pytest.mark.django_db

CLIENT_SECRET = "amzn1.oa2-cs.v1.client-secret-in-clear-0001"
REFRESH_TOKEN = "Atzr|refresh-token-in-clear-abcdef-0002"
BUYER_NAME = "Jane Q. Buyer-Secret"


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    account = AmazonAccount.objects.create(
        name="US store",
        company=company,
        seller_id="A1SELLER",
        lwa_client_id="amzn1.application-oa2-client.demo",
        lwa_client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
    )
    AmazonMarketplace.objects.create(
        account=account,
        marketplace_id="ATVPDKIKX0DER",
        name="Amazon.com",
        country_code="US",
        currency_code="USD",
    )
    return account


@pytest.fixture
def binding(account: AmazonAccount, confirmed_order: SalesOrder) -> AmazonOrder:
    binding = AmazonOrder.objects.create(
        account=account,
        amazon_id="113-0000001-0000001",
        sales_order=confirmed_order,
        marketplace_id="ATVPDKIKX0DER",
        fulfillment_channel=FulfillmentChannel.FBM,
        amazon_status="Unshipped",
        purchase_date=datetime(2026, 3, 1, 10, tzinfo=UTC),
    )
    AmazonOrderEvent.objects.create(
        order=binding,
        amazon_status="Unshipped",
        amazon_updated_at=datetime(2026, 3, 1, 10, 5, tzinfo=UTC),
        api_version="2026-01-01",
        payload={"orderId": "113-0000001-0000001", "fulfillment": {"fulfillmentStatus": "UNSHIPPED"}},
        buyer_data=BUYER_NAME,
    )
    return binding


@pytest.fixture
def populated(
    account: AmazonAccount, binding: AmazonOrder, mug: Product
) -> dict[type[models.Model], models.Model]:
    """One record of every Amazon model, so that change pages have something to show."""
    run = SyncRun.objects.create(account=account, kind=SyncKind.ORDERS, pages=2, orders_created=5)
    message = OutboundMessage.objects.create(
        account=account, kind=OutboundKind.CANCELLATION, reference="sale:1", amazon_error="Invalid order"
    )
    offer = AmazonOffer.objects.create(account=account, sku="MUG-1", product=mug)
    return {
        AmazonAccount: account,
        AmazonOrder: binding,
        SyncRun: run,
        OutboundMessage: message,
        AmazonOffer: offer,
        SalesOrder: binding.sales_order,  # type: ignore[dict-item]
    }


def _developer_mode(client: Client, on: bool) -> None:
    user = client.session.get("_auth_user_id")
    UserPreference.objects.update_or_create(user_id=user, defaults={"developer_mode": on})


def _change_url(record: models.Model) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=(record.pk,))


@pytest.mark.parametrize(
    "_case, model",
    [
        ("accounts", AmazonAccount),
        ("orders", AmazonOrder),
        ("sync runs", SyncRun),
        ("outbound", OutboundMessage),
        ("offers", AmazonOffer),
        ("sales orders", SalesOrder),
    ],
)
def test_every_list_and_change_page_renders_for_a_superuser(
    admin_client: Client,
    populated: dict[type[models.Model], models.Model],
    _case: str,
    model: type[models.Model],
) -> None:
    # given
    record = populated[model]
    meta = record._meta
    # when
    listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    change = admin_client.get(_change_url(record))
    # then
    assert listing.status_code == 200
    assert change.status_code == 200


def test_account_add_page_and_admin_index_render(admin_client: Client, company: Company) -> None:
    # when
    add = admin_client.get(reverse("admin:amazon_amazonaccount_add"))
    index = admin_client.get(reverse("admin:index"))
    # then
    assert add.status_code == 200
    assert index.status_code == 200
    assert b"sellersync" in index.content


def test_pages_require_login(client: Client, account: AmazonAccount) -> None:
    # when
    response = client.get(_change_url(account))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_secrets_never_appear_in_clear_only_masked(admin_client: Client, account: AmazonAccount) -> None:
    # when
    html = admin_client.get(_change_url(account)).content.decode()
    listing = admin_client.get(reverse("admin:amazon_amazonaccount_changelist")).content.decode()
    # then
    assert CLIENT_SECRET not in html and REFRESH_TOKEN not in html
    assert CLIENT_SECRET not in listing and REFRESH_TOKEN not in listing
    assert "••••0001" in html and "••••0002" in html


def test_buyer_data_of_an_order_version_is_never_shown(admin_client: Client, binding: AmazonOrder) -> None:
    # when
    html = admin_client.get(_change_url(binding)).content.decode()
    # then
    assert "UNSHIPPED" in html  # the payload is shown...
    assert BUYER_NAME not in html  # ...the buyer data is not


def _account_form_data(account: AmazonAccount, **changes: str) -> dict[str, str]:
    data = {
        "name": account.name,
        "company": str(account.company_id),
        "seller_id": account.seller_id,
        "region": account.region,
        "is_active": "on",
        "lwa_client_id": account.lwa_client_id,
        "lwa_client_secret": "",
        "refresh_token": "",
        "environment": account.environment,
        "orders_api": account.orders_api,
        "sync_interval_minutes": "30",
        "audit_days": "30",
        "last_order_sync_0": "2026-01-01",
        "last_order_sync_1": "00:00:00",
        "unknown_sku_policy": account.unknown_sku_policy,
        "marketplaces-TOTAL_FORMS": "1",
        "marketplaces-INITIAL_FORMS": "1",
        "marketplaces-MIN_NUM_FORMS": "0",
        "marketplaces-MAX_NUM_FORMS": "1000",
        "marketplaces-0-id": str(account.marketplaces.get().pk),
        "marketplaces-0-account": str(account.pk),
        "marketplaces-0-is_synchronized": "on",
    }
    data.update(changes)
    return data


def test_saving_with_empty_secrets_keeps_the_stored_ones(
    admin_client: Client, account: AmazonAccount
) -> None:
    # when
    response = admin_client.post(_change_url(account), _account_form_data(account, name="US store 2"))
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.name == "US store 2"
    assert account.lwa_client_secret == CLIENT_SECRET
    assert account.refresh_token == REFRESH_TOKEN


def test_a_new_secret_typed_in_replaces_the_stored_one(admin_client: Client, account: AmazonAccount) -> None:
    # when
    admin_client.post(_change_url(account), _account_form_data(account, refresh_token="Atzr|new-token-9999"))
    # then
    account.refresh_from_db()
    assert account.refresh_token == "Atzr|new-token-9999"
    assert account.lwa_client_secret == CLIENT_SECRET


def test_last_order_sync_is_read_only_without_developer_mode(
    admin_client: Client, account: AmazonAccount
) -> None:
    # given
    before = account.last_order_sync
    _developer_mode(admin_client, on=False)
    # when
    page = admin_client.get(_change_url(account)).content.decode()
    admin_client.post(_change_url(account), _account_form_data(account))
    # then
    assert 'name="last_order_sync_0"' not in page
    account.refresh_from_db()
    assert account.last_order_sync == before


def test_last_order_sync_is_editable_in_developer_mode(admin_client: Client, account: AmazonAccount) -> None:
    # given
    _developer_mode(admin_client, on=True)
    # when
    page = admin_client.get(_change_url(account)).content.decode()
    response = admin_client.post(_change_url(account), _account_form_data(account))
    # then
    assert 'name="last_order_sync_0"' in page
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.last_order_sync == datetime(2026, 1, 1, tzinfo=UTC)


def test_sync_buttons_show_only_in_developer_mode(admin_client: Client, account: AmazonAccount) -> None:
    # given
    _developer_mode(admin_client, on=False)
    hidden = admin_client.get(_change_url(account)).content.decode()
    _developer_mode(admin_client, on=True)
    # when
    shown = admin_client.get(_change_url(account)).content.decode()
    # then
    assert "Sync Orders" not in hidden and "Sync Cancellations" not in hidden
    assert "Sync Orders" in shown and "Sync Cancellations" in shown and "Sync Pickings" in shown
    assert "Link with Amazon" in hidden and "Recover Order" in hidden


def test_sync_refuses_without_developer_mode(admin_client: Client, account: AmazonAccount) -> None:
    # given
    _developer_mode(admin_client, on=False)
    # when
    response = admin_client.post(reverse("admin:amazon_amazonaccount_sync", args=(account.pk, "orders")))
    # then
    assert response.status_code == 403
    assert SyncRun.objects.count() == 0


def test_account_list_shows_marketplaces_and_last_run(admin_client: Client, populated: dict) -> None:  # type: ignore[type-arg]
    # when
    html = admin_client.get(reverse("admin:amazon_amazonaccount_changelist")).content.decode()
    # then
    assert "US store" in html
    assert ">US<" in html
    assert "Running" in html


def test_sales_order_shows_the_amazon_panel(admin_client: Client, binding: AmazonOrder) -> None:
    # when
    html = admin_client.get(_change_url(binding.sales_order)).content.decode()  # type: ignore[arg-type]
    # then
    assert "113-0000001-0000001" in html
    assert "Amazon.com (ATVPDKIKX0DER)" in html
    assert "Fulfilled by merchant (FBM)" in html
    assert "2026-03-01 10:05 — Unshipped" in html


def test_sales_order_list_filters_by_amazon_channel(
    admin_client: Client, binding: AmazonOrder, company: Company
) -> None:
    # when
    fbm = admin_client.get(
        reverse("admin:sales_salesorder_changelist"), {"amazon_order__fulfillment_channel__exact": "MFN"}
    )
    fba = admin_client.get(
        reverse("admin:sales_salesorder_changelist"), {"amazon_order__fulfillment_channel__exact": "AFN"}
    )
    # then
    assert fbm.context["cl"].result_count == 1
    assert fba.context["cl"].result_count == 0


def test_amazon_order_search_by_id_and_filter_by_state(admin_client: Client, binding: AmazonOrder) -> None:
    # given
    AmazonOrder.objects.create(
        account=binding.account,
        amazon_id="113-0000002-0000002",
        sync_state=OrderSyncState.FAILED,
        last_error="bad",
    )
    url = reverse("admin:amazon_amazonorder_changelist")
    # when
    found = admin_client.get(url, {"q": "0000002"})
    failed = admin_client.get(url, {"sync_state__exact": "failed"})
    # then
    assert [o.amazon_id for o in found.context["cl"].result_list] == ["113-0000002-0000002"]
    assert [o.amazon_id for o in failed.context["cl"].result_list] == ["113-0000002-0000002"]
