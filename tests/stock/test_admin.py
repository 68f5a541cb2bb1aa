"""The back office: every core/sales/stock screen renders, and the actions call the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import models
from django.test import Client
from django.urls import reverse

from sellersync.core.models import Company, Currency, Partner, Product, Sequence, Tax
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesTeam
from sellersync.sales.services import cancel_order, create_sales_order
from sellersync.stock import services
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Location, Move, Picking, ReorderRule, Warehouse
from sellersync.stock.selectors import stock_on_hand
from tests.stock.fixtures import everything, post_validate_page

pytestmark = pytest.mark.django_db

MODELS = [
    Currency,
    Company,
    Sequence,
    Tax,
    Partner,
    Product,
    SalesTeam,
    SalesOrder,
    Location,
    Warehouse,
    Carrier,
    Picking,
    Move,
    ReorderRule,
]


@pytest.fixture
def populated(
    company: Company,
    confirmed_order: SalesOrder,
    stocked_warehouse: Location,
    amazon_location: Location,
    mug: Product,
    vat_included: Tax,
) -> dict[type[models.Model], models.Model]:
    """One record of every model, so that change forms have something to show."""
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    team = SalesTeam.objects.create(company=company, name="Amazon")
    rule = ReorderRule.objects.create(
        company=company,
        location=amazon_location,
        source_location=stocked_warehouse,
        product=mug,
        min_quantity=Decimal(1),
        max_quantity=Decimal(5),
    )
    records: dict[type[models.Model], models.Model] = {
        SalesOrder: confirmed_order,
        Picking: picking,
        SalesTeam: team,
        ReorderRule: rule,
        Move: picking.moves.first(),  # type: ignore[dict-item]
    }
    for model in MODELS:
        records.setdefault(model, model.objects.order_by("pk").first())  # type: ignore[arg-type]
    return records


def _admin_url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_and_change_form_render(
    model: type[models.Model], admin_client: Client, populated
) -> None:
    # when a superuser opens the list and the record's form
    listing = admin_client.get(_admin_url(model, "changelist"))
    form = admin_client.get(_admin_url(model, "change", populated[model].pk))
    # then both render
    assert (listing.status_code, form.status_code) == (200, 200)


def test_changelist_search_and_filters_render(admin_client: Client, populated) -> None:
    response = admin_client.get(
        _admin_url(SalesOrder, "changelist"), {"q": "S00001", "state__exact": "confirmed"}
    )
    assert response.status_code == 200
    assert "S00001" in response.content.decode()


def test_confirm_action_confirms_drafts_and_reports_refusals(
    admin_client: Client, draft_order: SalesOrder, company: Company, customer: Partner, eur: Currency
) -> None:
    # given a draft and an already canceled order
    canceled = cancel_order(create_sales_order(company, customer, eur, []))
    # when both are confirmed from the list
    response = admin_client.post(
        _admin_url(SalesOrder, "changelist"),
        {"action": "confirm_selected", "_selected_action": [draft_order.pk, canceled.pk]},
        follow=True,
    )
    # then the draft is confirmed, the canceled one is refused with a message
    assert SalesOrder.objects.get(pk=draft_order.pk).state == OrderState.CONFIRMED
    assert SalesOrder.objects.get(pk=canceled.pk).state == OrderState.CANCELED
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("cannot go from 'canceled' to 'confirmed'" in text for text in texts)
    assert any("1 order confirmed." in text for text in texts)


def test_cancel_action_cancels_the_order_and_its_delivery(
    admin_client: Client, confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    # given an order with an open delivery
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    # when it is canceled from the list
    admin_client.post(
        _admin_url(SalesOrder, "changelist"),
        {"action": "cancel_selected", "_selected_action": [confirmed_order.pk]},
    )
    # then both are canceled
    assert SalesOrder.objects.get(pk=confirmed_order.pk).state == OrderState.CANCELED
    assert Picking.objects.get(pk=picking.pk).state == PickingState.CANCELED


def test_validate_page_ships_the_picking(
    admin_client: Client, confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given a ready delivery of 3 mugs, linked from the list
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    changelist = admin_client.get(_admin_url(Picking, "changelist")).content.decode()
    assert reverse("admin:stock_picking_validate", args=(picking.pk,)) in changelist
    # when it is validated in full on its Validate page
    post_validate_page(admin_client, picking, everything(picking), None, "")
    # then it is done and the mugs left
    assert Picking.objects.get(pk=picking.pk).state == PickingState.DONE
    assert stock_on_hand(mug, stocked_warehouse) == Decimal(7)


def test_validate_page_ships_part_and_leaves_a_backorder(
    admin_client: Client,
    confirmed_order: SalesOrder,
    stocked_warehouse: Location,
    mug: Product,
    lamp: Product,
) -> None:
    # given a ready delivery of 3 mugs and 2 lamps
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    mugs, lamps = picking.moves.order_by("pk")
    assert (mugs.product, mugs.quantity, lamps.product, lamps.quantity) == (mug, 3, lamp, 2)
    # when 1 of the 3 mugs is validated, no lamp
    page = post_validate_page(admin_client, picking, {mugs.pk: 1, lamps.pk: 0}, None, "")
    # then 1 mug left, 2 mugs and 2 lamps wait in the backorder, which the page names
    backorder = Picking.objects.get(backorder_of=picking)
    assert stock_on_hand(mug, stocked_warehouse) == Decimal(9)
    assert stock_on_hand(lamp, stocked_warehouse) == Decimal(10)
    left = sorted((m.product.name, m.quantity) for m in backorder.moves.all())
    assert left == [("Lamp", Decimal(2)), ("Mug", Decimal(2))]
    assert backorder.reference in page and backorder.state == PickingState.READY


def test_new_transfer_replenishes_the_amazon_location(
    admin_client: Client,
    company: Company,
    stocked_warehouse: Location,
    amazon_location: Location,
    mug: Product,
) -> None:
    # given 10 mugs in the warehouse, none at Amazon
    url = reverse("admin:stock_picking_new_transfer")
    assert admin_client.get(reverse("admin:stock_picking_changelist")).content.count(url.encode()) == 1
    form = {
        "company": company.pk,
        "source": stocked_warehouse.pk,
        "destination": amazon_location.pk,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": mug.pk,
        "lines-0-quantity": "4",
    }
    # when the transfer is created, then validated
    response = admin_client.post(url, form)
    picking = Picking.objects.get(destination_location=amazon_location)
    assert response.status_code == 302 and response.url == _admin_url(Picking, "change", picking.pk)
    services.validate_picking(picking)
    # then 4 mugs moved from the warehouse to the Amazon location
    assert stock_on_hand(mug, amazon_location) == Decimal(4)
    assert stock_on_hand(mug, stocked_warehouse) == Decimal(6)


def test_new_transfer_refuses_the_same_location_twice_and_writes_nothing(
    admin_client: Client, company: Company, stocked_warehouse: Location, mug: Product
) -> None:
    form = {
        "company": company.pk,
        "source": stocked_warehouse.pk,
        "destination": stocked_warehouse.pk,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": mug.pk,
        "lines-0-quantity": "4",
    }
    response = admin_client.post(reverse("admin:stock_picking_new_transfer"), form)
    assert response.status_code == 200
    assert "The source and the destination must differ." in response.content.decode()
    assert not Picking.objects.exists()


def test_a_shipped_transfer_and_its_moves_cannot_be_deleted(
    admin_client: Client, confirmed_order: SalesOrder, stocked_warehouse: Location, mug: Product
) -> None:
    # given a delivery of 3 mugs validated in full (7 left on hand)
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    post_validate_page(admin_client, picking, everything(picking), None, "")
    move = Move.objects.get(picking=picking, product=mug)
    # when the delete pages of the transfer and of its move are posted
    picking_answer = admin_client.post(_admin_url(Picking, "delete", picking.pk), {"post": "yes"})
    move_answer = admin_client.post(_admin_url(Move, "delete", move.pk), {"post": "yes"})
    # then both are refused and the stock is unchanged
    assert (picking_answer.status_code, move_answer.status_code) == (403, 403)
    assert Picking.objects.get(pk=picking.pk).state == PickingState.DONE
    assert stock_on_hand(mug, stocked_warehouse) == Decimal(7)


def test_a_shipped_transfer_keeps_the_carrier_and_tracking_it_was_shipped_with(
    admin_client: Client, confirmed_order: SalesOrder, stocked_warehouse: Location
) -> None:
    # given a delivery validated with carrier "Self Delivery" and tracking "TRACK-1"
    picking = services.create_delivery_for_order(confirmed_order, stocked_warehouse)
    carrier = services.get_self_delivery_carrier()
    post_validate_page(admin_client, picking, everything(picking), carrier, "TRACK-1")
    other = Carrier.objects.create(name="UPS", amazon_carrier_code="UPS")
    # when its change form is posted with another carrier and tracking reference
    answer = admin_client.post(
        _admin_url(Picking, "change", picking.pk),
        {
            "carrier": other.pk,
            "tracking_reference": "CHANGED",
            "scheduled_date_0": f"{picking.scheduled_date:%Y-%m-%d}",
            "scheduled_date_1": f"{picking.scheduled_date:%H:%M:%S}",
            "_save": "Save",
            **_move_rows(picking),
        },
    )
    # then the form saved nothing of them: the transfer still says what it was shipped with
    assert answer.status_code == 302
    picking.refresh_from_db()
    assert (picking.carrier_id, picking.tracking_reference) == (carrier.pk, "TRACK-1")


def _move_rows(picking: Picking) -> dict[str, object]:
    """The change form's read-only move rows, as the browser posts them back."""
    ids = list(picking.moves.order_by("pk").values_list("pk", flat=True))
    rows: dict[str, object] = {"moves-TOTAL_FORMS": len(ids), "moves-INITIAL_FORMS": len(ids)}
    for index, move_id in enumerate(ids):
        rows.update({f"moves-{index}-id": move_id, f"moves-{index}-picking": picking.pk})
    return rows
