"""Companies in the back office: a user sees and picks only their companies' records (superusers see
all), another company's record is a 404, and a record cannot point to another company's records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.models import Company, CompanyMembership, Partner, Product, Tax
from sellersync.core.services import PartnerData, create_company, find_or_create_partner
from tests.core.fixtures import make_member

pytestmark = pytest.mark.django_db

CORE_PERMISSIONS = [
    f"core.{action}_{model}"
    for action in ("view", "add", "change")
    for model in ("partner", "product", "tax", "company")
]


@pytest.fixture
def two_shops(company: Company, other_company: Company) -> dict[str, object]:
    """Each company with a customer, a tax and a product; a user of each."""
    records: dict[str, object] = {}
    for key, owner, name, city in (
        ("a", company, "Jeanne Martin", "Paris"),
        ("b", other_company, "Hans Weber", "Köln"),
    ):
        records[f"partner_{key}"] = find_or_create_partner(
            owner, PartnerData(name=name, city=city, country_code="FR")
        )
        records[f"tax_{key}"] = Tax.objects.create(
            company=owner, name=f"VAT {key.upper()}", rate=Decimal("20")
        )
        records[f"product_{key}"] = Product.objects.create(
            company=owner, name=f"Mug {key.upper()}", default_code=f"MUG-{key}"
        )
        records[f"user_{key}"] = make_member(f"user_{key}", [owner], CORE_PERMISSIONS)
    return records


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_every_model_admin_is_company_scoped_with_a_valid_path() -> None:
    # given every screen of the back office but Django's own users and groups
    screens = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label != "auth"
    }

    # then each is scoped, and its path leads to a company
    assert len(screens) >= 30
    for model, model_admin in screens.items():
        assert isinstance(model_admin, CompanyScopedAdmin), model
        if model_admin.company_path not in ("", "pk"):
            assert get_fields_from_path(model, model_admin.company_path)[-1].related_model is Company, model


def test_lists_show_only_the_users_companies(two_shops: dict[str, object]) -> None:
    # when each user and a superuser open the partner list
    url = reverse("admin:core_partner_changelist")
    page_a = logged_in(two_shops["user_a"]).get(url).content.decode()
    page_b = logged_in(two_shops["user_b"]).get(url).content.decode()
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    page_boss = logged_in(boss).get(url).content.decode()

    # then
    assert "Jeanne Martin" in page_a and "Hans Weber" not in page_a
    assert "Hans Weber" in page_b and "Jeanne Martin" not in page_b
    assert "Jeanne Martin" in page_boss and "Hans Weber" in page_boss


def test_another_companys_record_is_not_found(two_shops: dict[str, object]) -> None:
    # given
    client = logged_in(two_shops["user_a"])
    theirs, ours = two_shops["partner_b"], two_shops["partner_a"]

    # when
    foreign = client.get(reverse("admin:core_partner_change", args=(theirs.pk,)))  # type: ignore[attr-defined]
    own = client.get(reverse("admin:core_partner_change", args=(ours.pk,)))  # type: ignore[attr-defined]
    foreign_company = client.get(reverse("admin:core_company_change", args=(theirs.company_id,)))  # type: ignore[attr-defined]

    # then
    assert foreign.status_code == 404
    assert foreign_company.status_code == 404
    assert own.status_code == 200


def test_foreign_key_choices_are_the_users_companies_records(two_shops: dict[str, object]) -> None:
    # when user A opens the new product form
    response = logged_in(two_shops["user_a"]).get(reverse("admin:core_product_add"))

    # then the company and tax dropdowns offer A's records only
    form = response.context["adminform"].form
    assert list(form.fields["company"].queryset) == [two_shops["partner_a"].company]  # type: ignore[attr-defined]
    assert list(form.fields["sales_tax"].queryset) == [two_shops["tax_a"]]


def test_posting_another_companys_record_is_refused(two_shops: dict[str, object]) -> None:
    # given A's user forging B's tax into a new product of A
    company_a = two_shops["partner_a"].company  # type: ignore[attr-defined]
    data = {
        "company": company_a.pk,
        "name": "Forged",
        "product_type": "stockable",
        "list_price": "1",
        "sales_tax": two_shops["tax_b"].pk,
        "is_active": "on",
    }  # type: ignore[attr-defined]

    # when
    response = logged_in(two_shops["user_a"]).post(reverse("admin:core_product_add"), data)

    # then
    assert response.status_code == 200
    assert "sales_tax" in response.context["adminform"].form.errors
    assert not Product.objects.filter(name="Forged").exists()


def test_list_filters_offer_only_the_users_companies(two_shops: dict[str, object], eur: object) -> None:
    # given user A also belongs to a third company, which has a tax too
    third = create_company("Northwind Ltd", eur, "gb")  # type: ignore[arg-type]
    Tax.objects.create(company=third, name="VAT N", rate=Decimal("20"))
    CompanyMembership.objects.create(user=two_shops["user_a"], company=third)

    # when
    response = logged_in(two_shops["user_a"]).get(reverse("admin:core_tax_changelist"))

    # then the company filter lists A's two companies, never B
    changelist = response.context["cl"]
    company_filter = next(spec for spec in changelist.filter_specs if spec.field_path == "company")
    choices = {str(choice["display"]) for choice in company_filter.choices(changelist)}
    assert choices == {"All", "Fabrikam SARL", "Northwind Ltd"}
    assert "Contoso GmbH" not in response.content.decode()


def test_clean_refuses_a_record_of_another_company(two_shops: dict[str, object]) -> None:
    # given A's product taxed with B's tax, and A's contact under B's customer
    product = Product(company=two_shops["partner_a"].company, name="Mixed", sales_tax=two_shops["tax_b"])  # type: ignore[attr-defined]
    contact = Partner(company=two_shops["partner_a"].company, name="Contact", parent=two_shops["partner_b"])  # type: ignore[attr-defined]

    # then
    with pytest.raises(ValidationError) as refused:
        product.full_clean()
    assert list(refused.value.message_dict) == ["sales_tax"]
    with pytest.raises(ValidationError) as refused_contact:
        contact.full_clean()
    assert "parent" in refused_contact.value.message_dict
    Product(company=two_shops["partner_a"].company, name="Fine", sales_tax=two_shops["tax_a"]).full_clean()  # type: ignore[attr-defined]


def test_a_company_created_by_a_member_is_theirs(two_shops: dict[str, object], eur: object) -> None:
    # when user A creates a company
    client = logged_in(two_shops["user_a"])
    data = {
        "name": "Northwind Ltd",
        "currency": "EUR",
        "country_code": "GB",
        "pii_retention_days": "30",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:core_company_add"), data)

    # then they belong to it and see it
    created = Company.objects.get(name="Northwind Ltd")
    assert response.status_code == 302
    assert CompanyMembership.objects.filter(user=two_shops["user_a"], company=created).exists()
    assert client.get(reverse("admin:core_company_change", args=(created.pk,))).status_code == 200
