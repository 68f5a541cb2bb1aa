"""FBM shipments confirmed to Amazon with confirmShipment, against the sandbox over HTTP: full and partial
shipments (backorder), what is refused before anything is sent, carrier matching."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from sellersync.amazon import carriers, services
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, AmazonOrder, OutboundMessage
from sellersync.amazon.sync.export_shipments import (
    mark_shipments_synced_for,
    send_pending_shipments,
    validate_amazon_picking,
)
from sellersync.core.errors import DomainError
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import Sandbox

pytestmark = pytest.mark.django_db


# --- helpers shared with test_shipments_feed.py -----------------------------------------------------------


def fbm_orders(sandbox: Sandbox, account: AmazonAccount, count: int = 1) -> list[AmazonOrder]:
    """`count` new unshipped FBM orders on Amazon, recovered into the books."""
    ids = sandbox.create_orders(account.seller_id, count, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(1800)  # the sandbox makes an order Unshipped 5 to 30 minutes after its purchase
    return [services.recover_order(account, amazon_id) for amazon_id in ids]


def picking_of(binding: AmazonOrder) -> Picking:
    return Picking.objects.get(sales_order=binding.sales_order, state=PickingState.READY)


def amazon_status(account: AmazonAccount, amazon_id: str) -> str:
    with services.client_for_account(account) as client:
        return str(client.orders_v0.get_order(amazon_id).order_status)


def responsible(account: AmazonAccount, email: str = "ops@example.com") -> User:
    user = User.objects.create_user("ops", email=email)
    account.responsible_users.add(user)
    return user


def send_now(account: AmazonAccount, **options: bool) -> None:
    with services.client_for_account(account) as client:
        send_pending_shipments(account, client, **options)


@pytest.fixture
def ups() -> Carrier:
    return Carrier.objects.create(name="ups")


# --- full and partial shipments ---------------------------------------------------------------------------


def test_full_shipment_is_confirmed_and_amazon_shows_the_order_shipped(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    units = sum(int(move.quantity) for move in picking.moves.all())
    # when
    result = validate_amazon_picking(picking, carrier=ups, tracking_ref="1Z999AA10123456784")
    send_now(na_account)
    # then
    message = OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT)
    assert result.backorder is None
    assert message.reference == f"picking:{picking.pk}"
    assert message.state == OutboundState.SYNCED and message.amazon_error == ""
    assert message.payload["carrier_code"] == "UPS" and message.payload["carrier_name"] == ""
    assert message.payload["tracking_number"] == "1Z999AA10123456784"
    assert sum(item["quantity"] for item in message.payload["items"]) == units
    assert message.payload["channel"] == "confirmShipment"
    assert amazon_status(na_account, binding.amazon_id) == "Shipped"


def test_validation_sends_the_shipment_once_its_transaction_commits(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    (binding,) = fbm_orders(sandbox, na_account)
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        validate_amazon_picking(picking_of(binding), carrier=ups, tracking_ref="1Z999AA10123456999")
        assert OutboundMessage.objects.get().state == OutboundState.PENDING
    # then
    assert len(callbacks) == 1
    assert OutboundMessage.objects.get().state == OutboundState.SYNCED
    assert amazon_status(na_account, binding.amazon_id) == "Shipped"


def _order_with_two_units(sandbox: Sandbox, account: AmazonAccount) -> AmazonOrder:
    for binding in fbm_orders(sandbox, account, 8):
        if sum(move.quantity for move in picking_of(binding).moves.all()) >= 2:
            return binding
    raise AssertionError("the sandbox made no FBM order with two units or more")


def test_partial_shipment_leaves_a_backorder_and_amazon_a_partially_shipped_order(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given an order of two units or more, of which one leaves now
    binding = _order_with_two_units(sandbox, na_account)
    picking = picking_of(binding)
    first, *others = picking.moves.order_by("pk")
    quantities = {first.pk: Decimal(1), **{move.pk: Decimal(0) for move in others}}
    # when
    result = validate_amazon_picking(picking, quantities, carrier=ups, tracking_ref="1ZPART00001")
    send_now(na_account)
    # then exactly one unit was confirmed
    message = OutboundMessage.objects.get(reference=f"picking:{picking.pk}")
    assert message.state == OutboundState.SYNCED
    assert [item["quantity"] for item in message.payload["items"]] == [1]
    assert amazon_status(na_account, binding.amazon_id) == "PartiallyShipped"
    assert result.backorder is not None

    # when the backorder ships the rest
    validate_amazon_picking(result.backorder, carrier=ups, tracking_ref="1ZPART00002")
    send_now(na_account)
    # then
    rest = OutboundMessage.objects.get(reference=f"picking:{result.backorder.pk}")
    assert rest.state == OutboundState.SYNCED
    total = sum(int(move.quantity) for move in picking.moves.all()) + sum(
        int(move.quantity) for move in result.backorder.moves.all()
    )
    assert sum(item["quantity"] for m in (message, rest) for item in m.payload["items"]) == total
    assert amazon_status(na_account, binding.amazon_id) == "Shipped"


# --- refused before anything is sent ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "carrier_name", "amazon_code", "tracking", "error"),
    [
        ("no tracking reference", "UPS", "", "  ", "tracking reference"),
        ("no carrier", None, "", "1Z999", "carrier"),
        ("carrier code Amazon does not know", "Rocket", "RKT", "1Z999", "RKT"),
    ],
)
def test_validation_is_refused_and_nothing_written(
    sandbox: Sandbox,
    na_account: AmazonAccount,
    _case: str,
    carrier_name: str | None,
    amazon_code: str,
    tracking: str,
    error: str,
) -> None:
    # given
    (binding,) = fbm_orders(sandbox, na_account)
    picking = picking_of(binding)
    carrier = (
        Carrier.objects.create(name=carrier_name, amazon_carrier_code=amazon_code) if carrier_name else None
    )
    # when
    with pytest.raises(DomainError, match=error):
        validate_amazon_picking(picking, carrier=carrier, tracking_ref=tracking)
    # then
    picking.refresh_from_db()
    assert picking.state == PickingState.READY
    assert not OutboundMessage.objects.filter(kind=OutboundKind.SHIPMENT).exists()
    assert amazon_status(na_account, binding.amazon_id) == "Unshipped"


def test_amazon_refusal_of_confirm_shipment_fails_the_message_with_amazons_text(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given the order was canceled on Amazon before our confirmation reached it
    (binding,) = fbm_orders(sandbox, na_account)
    sandbox.cancel(binding.amazon_id)
    other = Carrier.objects.create(name="Speedy Local")
    responsible(na_account)
    # when
    validate_amazon_picking(picking_of(binding), carrier=other, tracking_ref="SPD0000001")
    send_now(na_account)
    # then
    message = OutboundMessage.objects.get(kind=OutboundKind.SHIPMENT)
    assert message.state == OutboundState.FAILED
    assert "Canceled" in message.amazon_error
    assert (message.payload["carrier_code"], message.payload["carrier_name"]) == ("Other", "Speedy Local")


def test_order_shown_shipped_on_amazon_turns_its_failed_shipment_synced(
    sandbox: Sandbox, na_account: AmazonAccount, ups: Carrier
) -> None:
    # given a shipment whose confirmation failed, but the order was shipped on Amazon meanwhile
    (binding,) = fbm_orders(sandbox, na_account)
    validate_amazon_picking(picking_of(binding), carrier=ups, tracking_ref="1ZLATE0001")
    OutboundMessage.objects.update(state=OutboundState.FAILED, amazon_error="unknown")
    with services.client_for_account(na_account) as client:
        items = client.orders_v0.get_order_items(binding.amazon_id).order_items
        from sellersync.spapi.models.orders_v0 import ConfirmShipmentOrderItem, PackageDetail

        client.orders_v0.confirm_shipment(
            binding.amazon_id,
            binding.marketplace_id,
            PackageDetail(
                package_reference_id="99",
                carrier_code="UPS",
                tracking_number="1ZSELLERCENTRAL",
                ship_date="2026-01-01T00:00:00Z",
                order_items=[
                    ConfirmShipmentOrderItem(order_item_id=i.order_item_id, quantity=i.quantity_ordered)
                    for i in items
                ],
            ),
        )
    sandbox.advance(600)
    # when Recover Order reads it again
    binding = services.recover_order(na_account, binding.amazon_id)
    # then the shipment turned synced on Amazon's word, and the hook has nothing left to do
    assert binding.amazon_status == "Shipped"
    assert OutboundMessage.objects.get().state == OutboundState.SYNCED
    assert mark_shipments_synced_for(binding) == 0


# --- carriers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "name", "code", "self_delivery", "expected"),
    [
        ("name matched case-insensitively", "fedex", "", False, carriers.AmazonCarrier("FedEx")),
        ("two-word name", "royal MAIL", "", False, carriers.AmazonCarrier("Royal Mail")),
        ("explicit code wins over the name", "Our UPS account", "ups", False, carriers.AmazonCarrier("UPS")),
        ("unknown name is Other", "Speedy Local", "", False, carriers.AmazonCarrier("Other", "Speedy Local")),
        (
            "explicit Other keeps the name",
            "Local Courier",
            "other",
            False,
            carriers.AmazonCarrier("Other", "Local Courier"),
        ),
        ("self delivery", "Self Delivery", "", True, carriers.AmazonCarrier("Other", "Self Delivery")),
    ],
)
def test_carrier_as_amazon_knows_it(
    db: None, _case: str, name: str, code: str, self_delivery: bool, expected: carriers.AmazonCarrier
) -> None:
    # given
    carrier = Carrier(name=name, amazon_carrier_code=code, is_self_delivery=self_delivery)
    # when / then
    assert carriers.amazon_carrier(carrier) == expected


def test_unknown_explicit_carrier_code_is_refused() -> None:
    with pytest.raises(carriers.UnknownCarrierCode, match="FastFreight"):
        carriers.amazon_carrier(Carrier(name="FF", amazon_carrier_code="FastFreight"))


def test_periodic_task_sends_pending_shipments_of_accounts_with_work_only(
    sandbox: Sandbox, na_account: AmazonAccount, eu_account: AmazonAccount, ups: Carrier
) -> None:
    # given a validated shipment not sent yet (as after a crash before its on-commit send)
    from sellersync.amazon import tasks

    (binding,) = fbm_orders(sandbox, na_account)
    validate_amazon_picking(
        picking_of(binding), carrier=ups, tracking_ref="1Z999AA10123456785", send_on_commit=False
    )
    assert OutboundMessage.objects.get().state == OutboundState.PENDING
    # when the 15-minute tick runs
    handled = tasks.sync_pending_pickings.call_local()
    # then only the account with work was handled, and Amazon has the shipment
    assert handled == [na_account.pk]
    assert OutboundMessage.objects.get().state == OutboundState.SYNCED
    assert amazon_status(na_account, binding.amazon_id) == "Shipped"
