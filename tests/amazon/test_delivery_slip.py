"""The delivery slip of an Amazon FBM delivery (PDF, read back with poppler's pdftotext): the items with SKU,
name and quantity, the order references (Amazon order id, sales order), the ship-to address and the buyer's
gift message where buyer data is granted (NA), only city, postal code and country where it is not (EU); a
"Delivery slip" button on the delivery's page; Spanish for a Spanish user."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon import services
from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.core.models import Company
from sellersync.stock.models import Picking
from sellersync.stock.pdf import SlipExtras, render_delivery_slip
from tests.accounting.test_invoice_pdf_languages import pdf_text
from tests.amazon.fixtures import Sandbox
from tests.core.fixtures import make_member

pytestmark = pytest.mark.django_db
GIFT = "Joyeux anniversaire, Léa !"


def fbm_order(sandbox: Sandbox, account: AmazonAccount, gift_message: str = "") -> AmazonOrder:
    """One unshipped FBM order in the books (past Amazon's Pending phase), with a gift message if given."""
    options = {"gift_message": gift_message} if gift_message else {}
    (amazon_id,) = sandbox.create_orders(
        account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped", **options
    )
    sandbox.advance(1800)
    return services.recover_order(account, amazon_id)


def slip(admin_client: Client, picking: Picking, tmp_path: Path) -> str:
    response = admin_client.get(reverse("admin:stock_picking_delivery_slip", args=[picking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    file_name = picking.reference.replace("/", "-") + "-slip.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{file_name}"'
    return pdf_text(response.content, tmp_path)


def test_the_slip_of_a_granted_order_has_items_references_address_and_gift_message(
    admin_client: Client, sandbox: Sandbox, na_account: AmazonAccount, tmp_path: Path
) -> None:
    # given an FBM order of the NA seller (buyer data granted) with a gift message, and its delivery
    binding = fbm_order(sandbox, na_account, gift_message=GIFT)
    assert binding.sales_order is not None
    picking = Picking.objects.get(sales_order=binding.sales_order)
    partner = picking.partner
    assert partner is not None and partner.street and not partner.is_anonymous
    moves = list(picking.moves.select_related("product").order_by("pk"))

    # when the delivery's page is opened, and its Delivery slip button followed
    page = admin_client.get(reverse("admin:stock_picking_change", args=[picking.pk])).content.decode()
    slip_url = reverse("admin:stock_picking_delivery_slip", args=[picking.pk])
    assert f'href="{slip_url}" id="delivery-slip"' in page
    text = slip(admin_client, picking, tmp_path)

    # then the slip names the delivery, the orders, the buyer's address and gift message
    assert f"Delivery slip {picking.reference}" in text
    assert f"Sales order: {binding.sales_order.name}" in text
    assert f"Amazon order: {binding.amazon_id}" in text
    assert "Ship to:" in text
    for part in (partner.name, partner.street, f"{partner.postal_code} {partner.city}", partner.country_code):
        assert part in text
    assert f"Gift message: {GIFT}" in text
    # and one row per line: SKU, name and quantity
    rows = [line.split() for line in text.splitlines()]
    for move in moves:
        row = next(row for row in rows if row and row[0] == move.product.default_code)
        assert row[-1] == str(int(move.quantity))
        assert move.product.name.split()[0] in row


def test_the_slip_of_an_order_without_buyer_data_has_city_postal_code_and_country_only(
    admin_client: Client, sandbox: Sandbox, eu_account: AmazonAccount, tmp_path: Path
) -> None:
    # given an FBM order of the EU seller (no buyer data granted), whose buyer wrote a gift message
    binding = fbm_order(sandbox, eu_account, gift_message=GIFT)
    picking = Picking.objects.get(sales_order=binding.sales_order)
    partner = picking.partner
    assert partner is not None and partner.is_anonymous and not partner.street

    # when its slip is printed
    text = slip(admin_client, picking, tmp_path)

    # then the address is the anonymous customer's city, postal code and country, and no gift message
    assert f"Amazon order: {binding.amazon_id}" in text
    assert partner.name in text and f"{partner.postal_code} {partner.city}".strip() in text
    assert partner.country_code in text
    assert "Gift message" not in text and GIFT not in text
    # and the slip lists the delivery's products
    for move in picking.moves.select_related("product"):
        assert move.product.default_code in text


def test_a_spanish_user_gets_a_spanish_slip(
    sandbox: Sandbox, na_account: AmazonAccount, tmp_path: Path
) -> None:
    # given a delivery
    binding = fbm_order(sandbox, na_account)
    picking = Picking.objects.get(sales_order=binding.sales_order)
    assert binding.sales_order is not None
    # when printed in Spanish
    text = pdf_text(render_delivery_slip(picking, SlipExtras(gift_messages=[GIFT]), language="es"), tmp_path)
    # then the labels are Spanish
    assert f"Albarán {picking.reference}" in text
    assert f"Pedido de venta: {binding.sales_order.name}" in text
    assert "Enviar a:" in text
    assert f"Mensaje de regalo: {GIFT}" in text


def test_the_slip_needs_the_permission_to_view_deliveries_and_a_membership_of_the_company(
    sandbox: Sandbox, na_account: AmazonAccount, other_company: Company
) -> None:
    # given a delivery of the account's company, and three members
    binding = fbm_order(sandbox, na_account)
    picking = Picking.objects.get(sales_order=binding.sales_order)
    url = reverse("admin:stock_picking_delivery_slip", args=[picking.pk])
    clients = {}
    for name, companies, permissions in (
        ("without", [na_account.company], ["stock.view_move"]),
        ("outsider", [other_company], ["stock.view_picking"]),
        ("with", [na_account.company], ["stock.view_picking"]),
    ):
        clients[name] = Client()
        clients[name].force_login(make_member(name, companies, permissions))

    # when each asks for the slip
    statuses = {name: client.get(url).status_code for name, client in clients.items()}

    # then only the member holding the permission gets it; the other company's does not see the delivery
    assert statuses == {"without": 403, "outsider": 404, "with": 200}
