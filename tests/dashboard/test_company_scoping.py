"""The dashboard and its exports show a user their companies only: the default company is theirs, another
company's figures are refused, and the CSV rows are their own."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Company, Partner, Product
from sellersync.sales.models import SalesTeam
from tests.core.fixtures import make_member
from tests.dashboard.fixtures import US, Shop, book_sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def rival(other_company: Company) -> Shop:
    """The other company sells on Amazon.com too."""
    team = SalesTeam.objects.create(company=other_company, name="Rival US")
    account = AmazonAccount.objects.create(
        name="Rival (US)", company=other_company, seller_id="RIVAL", sales_team=team
    )
    account.marketplaces.create(marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD")
    customer = Partner.objects.create(company=other_company, name="Rival customer", match_key="rival")
    mug = Product.objects.create(company=other_company, name="Rival mug", default_code="RM")
    return Shop(other_company, customer, mug, mug, account, account, team, team)


def member_client(company: Company) -> Client:
    client = Client()
    client.force_login(make_member("member", [company], ["sales.view_salesorder"]))
    return client


def test_the_dashboard_opens_on_the_users_company_and_refuses_another(shop: Shop, rival: Shop) -> None:
    # given sales of both companies (the rival's company sorts first by name)
    book_sale(shop, shop.us_account, [(shop.mug, "1", "10.00", "0")])
    book_sale(rival, rival.us_account, [(rival.mug, "1", "77.00", "0")])
    client = member_client(shop.company)

    # when
    default = client.get(reverse("dashboard:index"))
    foreign = client.get(reverse("dashboard:index"), {"company": rival.company.pk})

    # then
    assert default.context["form"].cleaned_data["company"] == shop.company
    assert list(default.context["form"].fields["company"].queryset) == [shop.company]
    assert 'data-value="10.00"' in default.content.decode()
    assert "77.00" not in default.content.decode() and "Contoso" not in default.content.decode()
    assert "company" in foreign.context["form"].errors
    assert "77.00" not in foreign.content.decode()


def test_csv_rows_are_the_users_companys_only(shop: Shop, rival: Shop) -> None:
    # given
    book_sale(shop, shop.us_account, [(shop.mug, "2", "5.05", "0")])
    book_sale(rival, rival.us_account, [(rival.mug, "1", "77.00", "0")])
    client = member_client(shop.company)

    # when
    own = client.get(reverse("dashboard:export", args=("marketplace",)))
    foreign = client.get(reverse("dashboard:export", args=("marketplace",)), {"company": rival.company.pk})

    # then
    rows = list(csv.reader(io.StringIO(own.content.decode())))
    assert rows[1:] == [["Amazon.com (US)", "USD", "1", "10.10", "0.00", "10.10", "0.00", "10.10"]]
    assert foreign.status_code == 400
    assert "77.00" not in foreign.content.decode()


def test_the_vat_report_offers_the_users_companies_only(shop: Shop, rival: Shop) -> None:
    # given a bookkeeper of the first company
    client = Client()
    client.force_login(make_member("bookkeeper", [shop.company], ["accounting.view_journalentry"]))

    # when
    page = client.get(reverse("dashboard:vat"))
    foreign = client.get(reverse("dashboard:vat_csv"), {"company": rival.company.pk})

    # then
    assert list(page.context["form"].fields["company"].queryset) == [shop.company]
    assert page.context["form"].cleaned_data["company"] == shop.company
    assert foreign.status_code == 400
