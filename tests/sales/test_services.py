"""Sales order services: creation with exact totals, numbering, transitions and their refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sellersync.core.errors import InvalidTransition
from sellersync.core.models import Company, Currency, Partner, Product, Tax
from sellersync.sales.choices import DeliveryStatus, LineKind, OrderEventKind, OrderState
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import (
    OrderHasDeliveredGoods,
    OrderLineData,
    cancel_order,
    confirm_order,
    create_sales_order,
    mark_done,
    register_delivered_quantities,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_order_totals_are_exact_with_tax_included_prices(
    company: Company,
    customer: Partner,
    eur: Currency,
    mug: Product,
    shipping_product: Product,
    vat_included: Tax,
) -> None:
    # given lines as Amazon gives them: prices include tax, tax amounts computed by Amazon
    lines = [
        OrderLineData(
            product=mug, quantity=D(3), unit_price=D("3.3333"), tax=vat_included, tax_amount=D("1.67")
        ),
        OrderLineData(
            product=shipping_product,
            line_kind=LineKind.SHIPPING,
            quantity=D(1),
            unit_price=D("4.99"),
            tax=vat_included,
            tax_amount=D("0.83"),
        ),
        OrderLineData(
            line_kind=LineKind.PROMOTION,
            description="Promo",
            quantity=D(1),
            unit_price=D("-1.00"),
            tax=vat_included,
            tax_amount=D("-0.17"),
        ),
    ]
    # when the order is created
    order = create_sales_order(company, customer, eur, lines)
    # then the total is what the customer paid, to the cent, with the source's taxes
    assert (order.amount_untaxed, order.amount_tax, order.amount_total) == (D("11.66"), D("2.33"), D("13.99"))
    assert [line.subtotal for line in order.lines.all()] == [D("8.33"), D("4.16"), D("-0.83")]


def test_order_totals_with_tax_excluded_prices_and_discount(
    company: Company, customer: Partner, eur: Currency, mug: Product, vat_excluded: Tax
) -> None:
    # given a tax-excluded line with a discount
    line = OrderLineData(
        product=mug,
        quantity=D(2),
        unit_price=D("10.00"),
        discount_amount=D("1.50"),
        tax=vat_excluded,
        tax_amount=D("3.70"),
    )
    # when the order is created
    order = create_sales_order(company, customer, eur, [line])
    # then subtotal = 20.00 - 1.50 and total adds the given tax
    assert (order.amount_untaxed, order.amount_tax, order.amount_total) == (D("18.50"), D("3.70"), D("22.20"))


def test_orders_are_numbered_without_gaps(
    draft_order: SalesOrder, company: Company, customer: Partner, eur: Currency, mug: Product
) -> None:
    # given a first order; when two more are created
    line = OrderLineData(product=mug, quantity=D(1), unit_price=D(1))
    second = create_sales_order(company, customer, eur, [line])
    third = create_sales_order(company, customer, eur, [line])
    # then the references follow each other
    assert [draft_order.name, second.name, third.name] == ["S00001", "S00002", "S00003"]


def test_new_order_is_a_draft_shipped_to_its_customer(draft_order: SalesOrder, customer: Partner) -> None:
    # then a new order waits for confirmation, ships to its customer and says it was created
    assert draft_order.state == OrderState.DRAFT
    assert draft_order.shipping_partner == customer
    assert draft_order.client_order_ref == "123-1234567-1234567"
    assert list(draft_order.events.values_list("kind", flat=True)) == [OrderEventKind.CREATED]


def test_confirm_then_lock(draft_order: SalesOrder) -> None:
    # when a draft is confirmed then locked
    confirmed = confirm_order(draft_order)
    done = mark_done(confirmed)
    # then it is done, and the trail records each step
    assert SalesOrder.objects.get(pk=draft_order.pk).state == OrderState.DONE
    assert done.state == OrderState.DONE
    assert list(done.events.values_list("kind", flat=True)) == ["created", "confirmed", "done"]


@pytest.mark.parametrize(
    ("_case", "steps", "refused"),
    [
        ("confirm twice", [confirm_order], confirm_order),
        ("lock a draft", [], mark_done),
        ("cancel a locked order", [confirm_order, mark_done], cancel_order),
        ("confirm a canceled order", [cancel_order], confirm_order),
    ],
)
def test_invalid_transitions_are_refused_without_change(
    _case, steps, refused, draft_order: SalesOrder
) -> None:
    # given an order brought to some state
    for step in steps:
        draft_order = step(draft_order)
    state_before = draft_order.state
    # when a transition not allowed from there is asked
    with pytest.raises(InvalidTransition):
        refused(draft_order)
    # then nothing changed
    assert SalesOrder.objects.get(pk=draft_order.pk).state == state_before


def test_cancel_keeps_the_reason(confirmed_order: SalesOrder) -> None:
    # when a confirmed order is canceled
    order = cancel_order(confirmed_order, "Canceled by the buyer on Amazon")
    # then it is canceled with its reason
    stored = SalesOrder.objects.get(pk=order.pk)
    assert (stored.state, stored.cancel_reason) == (OrderState.CANCELED, "Canceled by the buyer on Amazon")


def test_cannot_cancel_an_order_whose_goods_left(confirmed_order: SalesOrder) -> None:
    # given an order with one mug delivered
    mug_line = confirmed_order.lines.get(product__default_code="MUG-1")
    register_delivered_quantities(confirmed_order, {mug_line.pk: D(1)})
    # when it is canceled, then it is refused and stays confirmed
    with pytest.raises(OrderHasDeliveredGoods):
        cancel_order(confirmed_order)
    assert SalesOrder.objects.get(pk=confirmed_order.pk).state == OrderState.CONFIRMED


def test_delivered_quantities_drive_the_delivery_status(confirmed_order: SalesOrder) -> None:
    # given the order of 3 mugs and 2 lamps
    lines = {line.product.default_code: line for line in confirmed_order.lines.all()}
    # when all mugs leave, then the order is partially delivered
    order = register_delivered_quantities(confirmed_order, {lines["MUG-1"].pk: D(3)})
    assert order.delivery_status == DeliveryStatus.PARTIAL
    # when the lamps leave too, then it is fully delivered
    order = register_delivered_quantities(order, {lines["LAMP-1"].pk: D(2)})
    assert SalesOrder.objects.get(pk=order.pk).delivery_status == DeliveryStatus.FULL
    assert lines["LAMP-1"].__class__.objects.get(pk=lines["LAMP-1"].pk).quantity_delivered == D(2)
