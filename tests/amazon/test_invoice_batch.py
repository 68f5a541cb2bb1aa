"""Batch invoicing from the sales order list: an order that cannot be invoiced is reported with its reason,
the others are invoiced and posted (one transaction each)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.accounting.choices import InvoiceState
from sellersync.accounting.errors import MissingExchangeRate
from sellersync.accounting.invoicing import create_invoices
from sellersync.accounting.models import Invoice
from sellersync.core.errors import DomainError
from sellersync.core.models import Company, Currency, Partner
from sellersync.sales.models import SalesOrder
from sellersync.sales.services import OrderLineData, create_sales_order

pytestmark = pytest.mark.django_db


def _order(company: Company, customer: Partner, currency: str, ref: str) -> SalesOrder:
    lines = [OrderLineData(quantity=Decimal(1), unit_price=Decimal("10.00"), description="Mug")]
    return create_sales_order(
        company, customer, Currency.objects.get(code=currency), lines, client_order_ref=ref, confirm=True
    )


@pytest.fixture
def orders(company: Company, customer: Partner) -> list[SalesOrder]:
    """A EUR company's orders: EUR, GBP (no GBP rate), EUR."""
    return [
        _order(company, customer, "EUR", "171-1"),
        _order(company, customer, "GBP", "202-1"),
        _order(company, customer, "EUR", "171-2"),
    ]


def test_without_a_handler_the_batch_stops_at_the_refused_order(orders: list[SalesOrder]) -> None:
    with pytest.raises(MissingExchangeRate):
        create_invoices(orders, post=True)
    assert list(Invoice.objects.values_list("origin", flat=True)) == ["171-1"]


def test_with_a_handler_the_refused_order_is_reported_and_the_others_invoiced(
    orders: list[SalesOrder],
) -> None:
    # given
    refused: list[tuple[str, DomainError]] = []
    # when
    invoices = create_invoices(
        orders, post=True, on_refused=lambda order, error: refused.append((order.client_order_ref, error))
    )
    # then
    assert [invoice.origin for invoice in invoices] == ["171-1", "171-2"]
    assert {invoice.state for invoice in invoices} == {InvoiceState.POSTED}
    assert [ref for ref, _error in refused] == ["202-1"]
    assert isinstance(refused[0][1], MissingExchangeRate) and "GBP" in str(refused[0][1])
    assert not Invoice.objects.filter(origin="202-1").exists()


def test_the_create_invoices_action_reports_the_refused_order_and_invoices_the_rest(
    admin_client: Client, orders: list[SalesOrder]
) -> None:
    # when
    response = admin_client.post(
        reverse("admin:sales_salesorder_changelist"),
        {"action": "create_invoices_selected", "_selected_action": [order.pk for order in orders]},
        follow=True,
    )
    # then
    page = response.content.decode()
    assert "2 invoices created and posted." in page
    assert f"{orders[1]} was not invoiced" in page and "GBP" in page
    assert sorted(Invoice.objects.values_list("origin", flat=True)) == ["171-1", "171-2"]


def test_invoicing_an_invoiced_order_again_says_why_nothing_was_made(
    admin_client: Client, orders: list[SalesOrder]
) -> None:
    # given the first order invoiced
    url = reverse("admin:sales_salesorder_changelist")
    admin_client.post(url, {"action": "create_invoices_selected", "_selected_action": [orders[0].pk]})
    invoice = Invoice.objects.get(sales_order=orders[0])
    # when it is invoiced again
    page = admin_client.post(
        url, {"action": "create_invoices_selected", "_selected_action": [orders[0].pk]}, follow=True
    ).content.decode()
    # then the page says it is invoiced already, with which invoice, and no "0 invoices"
    assert f"{orders[0]} is already invoiced ({invoice}): no new invoice was made." in page
    assert "0 invoices" not in page
    assert Invoice.objects.filter(sales_order=orders[0]).count() == 1
