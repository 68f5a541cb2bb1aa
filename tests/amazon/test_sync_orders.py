"""Order synchronization against the local SP-API sandbox, over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sellersync.amazon.choices import OrdersApi, OrderSyncState, PiiAccess, SyncRunStatus
from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonOrderEvent, SyncRun
from sellersync.amazon.sync import import_orders, sources
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Partner
from sellersync.sales.choices import LineKind, OrderState
from sellersync.sales.models import SalesOrder
from sellersync.stock.choices import MoveState, PickingState
from sellersync.stock.models import Move, Picking
from tests.amazon.fixtures import Sandbox


def amazon_total(event: AmazonOrderEvent) -> Decimal:
    """OrderTotal as Amazon sent it, read from the stored raw payload."""
    payload: dict[str, Any] = event.payload
    if event.api_version == "v0":
        return Decimal(payload["order"]["OrderTotal"]["Amount"])
    return Decimal(str(payload["proceeds"]["grandTotal"]["amount"]))


def synced_bindings(account: AmazonAccount) -> list[AmazonOrder]:
    return list(
        AmazonOrder.objects.filter(account=account, sync_state=OrderSyncState.SYNCED).select_related(
            "sales_order"
        )
    )


def new_orders(sandbox: Sandbox, account: AmazonAccount, count: int = 1, **options: Any) -> list[str]:
    """Orders created now on the sandbox, then the clock moved until they reached their planned status
    (FBA ships within 5 hours) and past Amazon's 2-minute margin."""
    order_ids = sandbox.create_orders(account.seller_id, count, **options)
    sandbox.advance(6 * 3600)
    return order_ids


@pytest.mark.django_db
def test_sync_creates_one_sales_order_per_order_with_amazons_total_and_moves_the_cursor(
    na_account: AmazonAccount,
) -> None:
    # given an NA account whose cursor is 5 days back
    cursor_before = na_account.last_order_sync

    # when
    run = sync_orders(na_account)

    # then
    bindings = synced_bindings(na_account)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert run.orders_created == len(bindings) > 20
    assert run.orders_failed == 0
    assert run.api_calls >= run.pages >= 1
    assert SalesOrder.objects.filter(company=na_account.company).count() == len(bindings)
    for binding in bindings:
        event = binding.events.get()
        assert binding.sales_order is not None
        assert binding.sales_order.amount_total == amazon_total(event), binding.amazon_id
        assert binding.sales_order.client_order_ref == binding.amazon_id
    na_account.refresh_from_db()
    assert na_account.last_order_sync == run.window_end
    assert na_account.last_order_sync > cursor_before
    assert run.window_start == cursor_before - import_orders.IMPORT_DELTA_BUFFER


@pytest.mark.django_db
def test_fba_shipped_order_is_done_with_stock_moves_out_of_the_amazon_location(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a shipped FBA order
    (order_id,) = new_orders(sandbox, na_account, fulfillment_channel="AFN", status="Shipped")

    # when
    sync_orders(na_account)

    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    order = binding.sales_order
    assert order is not None
    assert (binding.fulfillment_channel, binding.amazon_status) == ("AFN", "Shipped")
    assert order.state == OrderState.DONE
    product_lines = list(order.lines.filter(line_kind=LineKind.PRODUCT))
    moves = Move.objects.filter(sales_line__order=order)
    assert moves.count() == len(product_lines) >= 1
    for move in moves:
        assert move.state == MoveState.DONE
        assert move.source_location.is_amazon
        assert move.quantity_done == move.sales_line.quantity
    assert all(line.quantity_delivered == line.quantity for line in product_lines)
    assert not Picking.objects.filter(sales_order=order).exists()


@pytest.mark.django_db
def test_fbm_unshipped_order_is_confirmed_with_a_ready_delivery_and_its_deadlines(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an unshipped FBM order
    (order_id,) = new_orders(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")

    # when
    sync_orders(na_account)

    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    order = binding.sales_order
    assert order is not None
    assert order.state == OrderState.CONFIRMED
    picking = Picking.objects.get(sales_order=order)
    assert picking.state == PickingState.READY
    assert picking.source_location.code == "WH/STOCK"
    assert picking.deadline == binding.latest_ship_date is not None
    quantities = {move.sales_line_id: move.quantity for move in picking.moves.all()}
    expected = {line.pk: line.quantity for line in order.lines.filter(line_kind=LineKind.PRODUCT)}
    assert quantities == expected


@pytest.mark.django_db
def test_orders_of_several_marketplaces_keep_their_currency(na_account: AmazonAccount) -> None:
    # given an NA seller on amazon.com, .ca and .com.mx
    # when
    sync_orders(na_account)

    # then
    pairs = {
        (b.marketplace_id, b.sales_order.currency_id) for b in synced_bindings(na_account) if b.sales_order
    }
    assert pairs == {("ATVPDKIKX0DER", "USD"), ("A2EUQ1WTGCTBG2", "CAD"), ("A1AM78C64UM0Y8", "MXN")}
    assert na_account.marketplaces.filter(is_synchronized=True).count() == 3


@pytest.mark.django_db
def test_pii_granted_gives_named_customers_found_again_by_their_buyer_email(
    na_account: AmazonAccount,
) -> None:
    # when
    sync_orders(na_account)

    # then
    na_account.refresh_from_db()
    orders = [b.sales_order for b in synced_bindings(na_account) if b.sales_order]
    partners = {order.partner for order in orders}
    assert na_account.pii_access == PiiAccess.GRANTED
    assert all(not partner.is_anonymous and partner.name != "Amazon Customer" for partner in partners)
    assert all(partner.street for partner in partners)
    assert len(partners) <= len(orders)


@pytest.mark.django_db
def test_pii_not_granted_gives_anonymous_amazon_customers_with_city_and_postal_code_only(
    eu_account: AmazonAccount,
) -> None:
    # when
    run = sync_orders(eu_account)

    # then
    eu_account.refresh_from_db()
    partners = {b.sales_order.partner for b in synced_bindings(eu_account) if b.sales_order}
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert eu_account.pii_access == PiiAccess.REFUSED
    assert partners
    for partner in partners:
        assert partner.is_anonymous
        assert partner.name == "Amazon Customer"
        assert (partner.street, partner.email, partner.phone) == ("", "", "")
        assert partner.city and partner.postal_code and partner.country_code


@pytest.mark.django_db
def test_buyer_data_is_kept_apart_from_the_stored_payload(na_account: AmazonAccount) -> None:
    # when
    sync_orders(na_account)

    # then
    events = list(AmazonOrderEvent.objects.filter(order__account=na_account))
    assert events
    assert all("buyerName" not in str(event.payload) for event in events)
    assert any(event.buyer_data for event in events)


@pytest.mark.django_db
def test_business_order_keeps_the_buyers_vat_number(sandbox: Sandbox, na_account: AmazonAccount) -> None:
    # given business orders (with PII access)
    new_orders(sandbox, na_account, 4, is_business=True, fulfillment_channel="MFN", status="Unshipped")

    # when
    sync_orders(na_account)

    # then
    business = [b for b in synced_bindings(na_account) if b.is_business_order]
    with_vat = [b for b in business if b.buyer_vat_number]
    assert with_vat
    for binding in with_vat:
        assert binding.sales_order is not None
        assert binding.sales_order.partner.vat_number == binding.buyer_vat_number


@pytest.mark.django_db
def test_shipping_gift_wrap_and_promotion_lines_add_up_to_amazons_total(na_account: AmazonAccount) -> None:
    # when
    sync_orders(na_account)

    # then every kind of line appears somewhere, and every order still totals Amazon's OrderTotal
    bindings = synced_bindings(na_account)
    kinds = {line.line_kind for b in bindings if b.sales_order for line in b.sales_order.lines.all()}
    assert {LineKind.PRODUCT, LineKind.SHIPPING, LineKind.PROMOTION} <= kinds
    for binding in bindings:
        assert binding.sales_order is not None
        lines_total = sum(line.total for line in binding.sales_order.lines.all())
        assert lines_total == binding.sales_order.amount_total == amazon_total(binding.events.get())


@pytest.mark.django_db
def test_v0_fallback_gives_the_same_totals_as_amazon(na_account: AmazonAccount) -> None:
    # given an account on the Orders v0 fallback
    na_account.orders_api = OrdersApi.V0
    na_account.save()

    # when
    run = sync_orders(na_account)

    # then
    bindings = synced_bindings(na_account)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert run.orders_created == len(bindings) > 20
    for binding in bindings:
        event = binding.events.get()
        assert event.api_version == "v0"
        assert binding.sales_order is not None
        assert binding.sales_order.amount_total == amazon_total(event)


@pytest.mark.django_db
def test_order_canceled_on_amazon_after_sync_cancels_the_sales_order_and_its_delivery(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given a synced unshipped FBM order, then canceled by the buyer on Amazon
    (order_id,) = new_orders(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    sync_orders(na_account)
    sandbox.cancel(order_id)
    sandbox.advance(300)

    # when
    run = sync_orders(na_account)

    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=order_id)
    assert run.orders_updated >= 1
    assert binding.amazon_status == "Canceled"
    assert binding.sales_order is not None
    assert binding.sales_order.state == OrderState.CANCELED
    assert Picking.objects.get(sales_order=binding.sales_order).state == PickingState.CANCELED
    assert list(binding.events.values_list("amazon_status", flat=True)) == ["Unshipped", "Canceled"]


@pytest.mark.django_db
def test_order_canceled_before_it_was_ever_synced_creates_nothing(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an order canceled before the first sync
    (order_id,) = new_orders(sandbox, na_account, fulfillment_channel="MFN", status="Unshipped")
    sandbox.cancel(order_id, by="amazon")
    sandbox.advance(300)

    # when
    sync_orders(na_account)

    # then
    assert not AmazonOrder.objects.filter(account=na_account, amazon_id=order_id).exists()
    assert not SalesOrder.objects.filter(client_order_ref=order_id).exists()


@pytest.mark.django_db
def test_forced_resync_by_moving_the_cursor_back_creates_no_duplicate(na_account: AmazonAccount) -> None:
    # given a first sync
    first = sync_orders(na_account)
    before = dict(AmazonOrder.objects.values_list("amazon_id", "sales_order_id"))

    # when the cursor is moved back and the account synchronized again
    na_account.last_order_sync = timezone.now() - timedelta(days=5)
    na_account.save()
    second = sync_orders(na_account)

    # then (the sandbox's clock runs: orders may have appeared meanwhile, never twice)
    after = dict(AmazonOrder.objects.values_list("amazon_id", "sales_order_id"))
    refs = list(SalesOrder.objects.values_list("client_order_ref", flat=True))
    assert second.status == SyncRunStatus.SUCCEEDED
    assert {key: after[key] for key in before} == before
    assert len(refs) == len(set(refs)) == first.orders_created + second.orders_created
    assert second.orders_unchanged >= first.orders_created - second.orders_updated


@pytest.mark.django_db
def test_a_malformed_order_fails_alone_and_the_cursor_still_moves(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given the next searchOrders page carries one order with a non-numeric amount
    sandbox.fault("searchOrders", "invalid_order")

    # when
    run = sync_orders(na_account)

    # then
    failed = AmazonOrder.objects.get(account=na_account, sync_state=OrderSyncState.FAILED)
    na_account.refresh_from_db()
    assert run.status == SyncRunStatus.SUCCEEDED
    assert run.orders_failed == 1
    assert run.orders_created == len(synced_bindings(na_account)) > 20
    assert failed.sales_order is None
    assert "unitPrice" in failed.last_error
    assert failed.attempts == 1
    assert failed.next_retry_at is not None and failed.next_retry_at > timezone.now()
    assert not failed.events.exists()
    assert na_account.last_order_sync == run.window_end


@pytest.mark.django_db
def test_an_order_failing_after_its_first_writes_leaves_nothing_and_its_page_goes_on(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given the middle order of the next page is in a currency unknown to the books (found after its customer)
    sandbox.fault("searchOrders", "unknown_currency")

    # when
    run = sync_orders(na_account)

    # then
    failed = AmazonOrder.objects.get(account=na_account, sync_state=OrderSyncState.FAILED)
    names = sorted(SalesOrder.objects.filter(company=na_account.company).values_list("name", flat=True))
    orphans = Partner.objects.filter(company=na_account.company, sales_orders=None, contacts=None)
    assert run.status == SyncRunStatus.SUCCEEDED
    assert (run.orders_failed, run.orders_created) == (1, len(synced_bindings(na_account)))
    assert run.orders_created > 20
    assert "currency 'XXX'" in failed.last_error and failed.sales_order is None and failed.attempts == 1
    assert not orphans.exists()  # the customer created for the failed order was rolled back with it
    assert names == [f"S{number:05d}" for number in range(1, run.orders_created + 1)]  # no number lost


@pytest.mark.django_db
def test_retry_failed_orders_refetches_them_by_id(sandbox: Sandbox, na_account: AmazonAccount) -> None:
    # given an order that failed
    from sellersync.amazon.services import retry_failed_orders

    sandbox.fault("searchOrders", "invalid_order")
    sync_orders(na_account)
    failed = AmazonOrder.objects.get(account=na_account, sync_state=OrderSyncState.FAILED)

    # when
    run = retry_failed_orders(na_account)

    # then
    failed.refresh_from_db()
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert failed.sync_state == OrderSyncState.SYNCED
    assert (failed.attempts, failed.last_error, failed.next_retry_at) == (0, "", None)
    assert failed.sales_order is not None
    assert failed.sales_order.amount_total == amazon_total(failed.events.get())


@pytest.mark.django_db
def test_crash_after_commit_before_the_cursor_moves_leaves_the_cursor_and_rerun_duplicates_nothing(
    na_account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a crash when the cursor is saved
    cursor_before = na_account.last_order_sync

    def crash(account: AmazonAccount, last_updated_before: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(import_orders, "advance_cursor", crash)
    crashed = sync_orders(na_account)
    na_account.refresh_from_db()
    orders_after_crash = SalesOrder.objects.count()
    assert crashed.status == SyncRunStatus.FAILED
    assert "power cut" in crashed.error
    assert na_account.last_order_sync == cursor_before
    monkeypatch.undo()

    # when
    rerun = sync_orders(na_account)

    # then
    na_account.refresh_from_db()
    refs = list(SalesOrder.objects.values_list("client_order_ref", flat=True))
    assert orders_after_crash == crashed.orders_created > 0
    assert len(refs) == len(set(refs)) == orders_after_crash + rerun.orders_created
    assert rerun.orders_unchanged >= orders_after_crash - rerun.orders_updated
    assert na_account.last_order_sync == rerun.window_end


@pytest.mark.django_db
def test_order_changing_status_between_two_pages_ends_canceled_once(
    sandbox: Sandbox, na_account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given pages of 3 orders, and one of our unshipped orders canceled on Amazon right after its page
    monkeypatch.setattr(sources, "PAGE_SIZE", 3)
    sandbox_now = datetime.fromisoformat(
        sandbox.http.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00")
    )
    na_account.last_order_sync = sandbox_now
    na_account.save()
    ours = set(new_orders(sandbox, na_account, 7, fulfillment_channel="MFN", status="Unshipped"))
    apply_entries = import_orders.apply_entries
    canceled: list[str] = []

    def apply_then_cancel(account: AmazonAccount, run: SyncRun, entries: list[Any]) -> None:
        apply_entries(account, run, entries)
        mine = [entry.amazon_order_id for entry in entries if entry.amazon_order_id in ours]
        if mine and not canceled:
            canceled.append(mine[0])
            sandbox.cancel(mine[0])

    monkeypatch.setattr(import_orders, "apply_entries", apply_then_cancel)
    first = sync_orders(na_account)
    sandbox.advance(300)

    # when
    second = sync_orders(na_account)

    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=canceled[0])
    assert first.status == second.status == SyncRunStatus.SUCCEEDED
    assert first.pages >= 3
    assert SalesOrder.objects.filter(client_order_ref=canceled[0]).count() == 1
    assert binding.sales_order is not None and binding.sales_order.state == OrderState.CANCELED
    assert list(binding.events.values_list("amazon_status", flat=True)) == ["Unshipped", "Canceled"]
    assert second.orders_updated >= 1
