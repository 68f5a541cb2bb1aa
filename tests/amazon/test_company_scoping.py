"""Companies and the Amazon connector: an account cannot use another company's location, team or products;
bindings and the transfer form show a user their companies' records only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount, AmazonOffer, AmazonOrder
from sellersync.core.models import Company, Product
from sellersync.sales.models import SalesTeam
from sellersync.stock.models import Location, Picking
from sellersync.stock.services import setup_company_stock
from tests.core.fixtures import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def rival_location(other_company: Company) -> Location:
    return setup_company_stock(other_company).stock_location


def member_client(company: Company, permissions: list[str]) -> Client:
    client = Client()
    client.force_login(make_member("member", [company], permissions))
    return client


def test_an_account_refuses_another_companys_location_team_and_products(
    company: Company, other_company: Company, rival_location: Location
) -> None:
    # given an account of the first company pointed at the other company's records
    team = SalesTeam.objects.create(company=other_company, name="Rival team")
    product = Product.objects.create(company=other_company, name="Rival shipping")
    account = AmazonAccount(
        name="Mixed",
        company=company,
        seller_id="S1",
        location=rival_location,
        sales_team=team,
        shipping_product=product,
    )

    # when
    with pytest.raises(ValidationError) as refused:
        account.full_clean()

    # then each foreign record is named
    assert set(refused.value.message_dict) == {"location", "sales_team", "shipping_product"}
    assert "belongs to another company" in refused.value.message_dict["location"][0]


def test_an_offer_refuses_another_companys_product(company: Company, other_company: Company) -> None:
    account = AmazonAccount.objects.create(name="Ours", company=company, seller_id="S1")
    offer = AmazonOffer(
        account=account, sku="SKU-1", product=Product.objects.create(company=other_company, name="Theirs")
    )

    with pytest.raises(ValidationError) as refused:
        offer.full_clean()

    assert list(refused.value.message_dict) == ["product"]


def test_a_picking_refuses_another_companys_location(
    company: Company, wh_stock: Location, rival_location: Location
) -> None:
    picking = Picking(
        company=company, reference="X/1", source_location=wh_stock, destination_location=rival_location
    )

    with pytest.raises(ValidationError) as refused:
        picking.full_clean()

    assert "destination_location" in refused.value.message_dict
    assert "source_location" not in refused.value.message_dict


def test_amazon_orders_list_and_change_view_are_scoped(company: Company, other_company: Company) -> None:
    # given a binding on each company's account
    ours = AmazonOrder.objects.create(
        account=AmazonAccount.objects.create(name="Ours", company=company, seller_id="S1"),
        amazon_id="111-0000001-0000001",
    )
    theirs = AmazonOrder.objects.create(
        account=AmazonAccount.objects.create(name="Theirs", company=other_company, seller_id="S2"),
        amazon_id="222-0000002-0000002",
    )
    client = member_client(company, ["amazon.view_amazonorder"])

    # when
    listing = client.get(reverse("admin:amazon_amazonorder_changelist")).content.decode()
    foreign = client.get(reverse("admin:amazon_amazonorder_change", args=(theirs.pk,)))
    own = client.get(reverse("admin:amazon_amazonorder_change", args=(ours.pk,)))

    # then
    assert ours.amazon_id in listing and theirs.amazon_id not in listing
    assert foreign.status_code == 404
    assert own.status_code == 200


def test_the_transfer_form_offers_and_accepts_the_users_locations_only(
    company: Company, wh_stock: Location, amazon_location: Location, rival_location: Location, mug: Product
) -> None:
    # given
    client = member_client(company, ["stock.view_picking", "stock.add_picking"])
    url = reverse("admin:stock_picking_new_transfer")

    # when
    form = client.get(url).context["form"]
    forged = client.post(
        url,
        {
            "company": company.pk,
            "source": rival_location.pk,
            "destination": amazon_location.pk,
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-product": mug.pk,
            "lines-0-quantity": "1",
        },
    )

    # then
    assert set(form.fields["source"].queryset) == {wh_stock, amazon_location}
    assert list(form.fields["company"].queryset) == [company]
    assert forged.status_code == 200
    assert "source" in forged.context["form"].errors
    assert not Picking.objects.exists()
