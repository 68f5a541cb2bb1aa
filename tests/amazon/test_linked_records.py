"""Records are linked: the sales order page lists its deliveries, invoices (with their payment state) and
payments, each a link; the invoice shows its payment state, the amount due and the payment, and links back."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.accounting.payments import register_batch_payment
from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Company, Partner
from tests.accounting.fixtures import euro_invoice
from tests.amazon.fixtures import Sandbox
from tests.amazon.test_shipments import fbm_orders, picking_of

pytestmark = pytest.mark.django_db


def test_invoice_shows_not_paid_then_paid_with_its_payment_and_the_order_links_them_all(
    admin_client: Client, company: Company, customer: Partner
) -> None:
    # given a posted invoice of 2 x 9.90 = 19.80 EUR
    invoice = euro_invoice(company, customer, "403-1", "9.90")
    order = invoice.sales_order
    assert order is not None
    invoice_url = reverse("admin:accounting_invoice_change", args=(invoice.pk,))
    order_url = reverse("admin:sales_salesorder_change", args=(order.pk,))
    # then it is not paid, 19.80 due, and it links back to its order
    page = admin_client.get(invoice_url).content.decode()
    assert "Not paid" in page and "19.80 EUR" in page and order_url in page

    # when the batch payment is registered
    entry = register_batch_payment([invoice], datetime.date(2026, 3, 15))
    # then the invoice is paid, nothing due, the payment a link
    entry_url = reverse("admin:accounting_journalentry_change", args=(entry.pk,))
    page = admin_client.get(invoice_url).content.decode()
    assert "Paid" in page and "Not paid" not in page and "0.00 EUR" in page
    assert f'<a class="payment-link" href="{entry_url}">' in page
    # and the order's page links the invoice (paid) and the payment
    page = admin_client.get(order_url).content.decode()
    assert f'<a href="{invoice_url}">{invoice}</a>' in page and "Paid" in page
    assert f'<a href="{entry_url}">' in page


def test_amazon_order_page_shows_amazons_total_beside_ours_and_links_its_delivery(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an FBM order recovered from Amazon, with its ready delivery
    (binding,) = fbm_orders(sandbox, na_account)
    order = binding.sales_order
    assert order is not None
    with services.client_for_account(na_account) as client:
        amazon = client.orders_v0.get_order(binding.amazon_id).order_total
    assert amazon is not None
    picking = picking_of(binding)
    # when
    page = admin_client.get(reverse("admin:sales_salesorder_change", args=(order.pk,))).content.decode()
    # then Amazon's total (read from Amazon now) is shown beside ours, which equals it
    assert f"{amazon.amount} {amazon.currency_code} (ours: {order.amount_total} {order.currency_id})" in page
    assert Decimal(amazon.amount) == order.amount_total
    # and the delivery is a link, and links back
    picking_url = reverse("admin:stock_picking_change", args=(picking.pk,))
    assert f'<a href="{picking_url}">{picking.reference}</a>' in page
    order_url = reverse("admin:sales_salesorder_change", args=(order.pk,))
    assert order_url in admin_client.get(picking_url).content.decode()
