"""Counted messages are real plurals (ngettext), not "invoice(s)": one invoice, two invoices, in English,
Spanish (singular and plural forms) and Chinese (one form)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sellersync.core.models import Company, Currency, Partner
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import OrderLineData, create_sales_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after() -> Iterator[None]:
    """The test client's requests activate the browser's language in this thread: later tests get English."""
    yield
    translation.deactivate()


def _orders(company: Company, customer: Partner, count: int) -> list[SalesOrder]:
    lines = [OrderLineData(quantity=Decimal(1), unit_price=Decimal("10.00"), description="Mug")]
    euro = Currency.objects.get(code="EUR")
    return [
        create_sales_order(company, customer, euro, lines, client_order_ref=f"171-{index}", confirm=True)
        for index in range(count)
    ]


def _bookkeeper(browser_language: str) -> Client:
    user = get_user_model().objects.create_superuser(
        f"bookkeeper-{browser_language}", f"{browser_language}@example.com", "a-password"
    )
    client = Client(headers={"accept-language": browser_language})
    client.force_login(user)
    return client


def _run_action(client: Client, action: str, *selections: list[SalesOrder]) -> list[str]:
    """Run the sales order list's action on each selection in turn; the messages of all the runs."""
    for orders in selections:
        response = client.post(
            reverse("admin:sales_salesorder_changelist"),
            {"action": action, "_selected_action": [order.pk for order in orders]},
        )
        assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("_case", "language", "one", "two"),
    [
        ("English", "en", "1 invoice created and posted.", "2 invoices created and posted."),
        ("Spanish", "es", "1 factura creada y contabilizada.", "2 facturas creadas y contabilizadas."),
        ("Chinese", "zh-hans", "已创建并过账 1 张发票。", "已创建并过账 2 张发票。"),
    ],
)
def test_the_create_invoices_message_counts_in_the_users_language(
    company: Company, customer: Partner, _case: str, language: str, one: str, two: str
) -> None:
    # given three confirmed orders and a bookkeeper reading the back office in `language`
    first, *others = _orders(company, customer, 3)
    client = _bookkeeper(language)

    # when they invoice one order, then the two others
    texts = _run_action(client, "create_invoices_selected", [first], others)

    # then
    assert texts == [one, two]


def test_the_confirm_action_says_order_for_one_and_orders_for_two(
    company: Company, customer: Partner
) -> None:
    # given three quotations
    lines = [OrderLineData(quantity=Decimal(1), unit_price=Decimal("5.00"), description="Mug")]
    euro = Currency.objects.get(code="EUR")
    quotations = [create_sales_order(company, customer, euro, lines) for _index in range(3)]

    # when a bookkeeper reading Spanish confirms one, then two
    texts = _run_action(_bookkeeper("es"), "confirm_selected", quotations[:1], quotations[1:])

    # then
    assert texts == ["1 orden confirmada.", "2 órdenes confirmadas."]
