"""Core fixtures: a company in EUR, a customer, products and taxes. Import the ones a test module needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sellersync.core.choices import ProductType
from sellersync.core.models import Company, Currency, Partner, Product, Tax
from sellersync.core.services import PartnerData, create_company, find_or_create_partner


@pytest.fixture
def eur(db: None) -> Currency:
    return Currency.objects.get(code="EUR")


@pytest.fixture
def company(eur: Currency) -> Company:
    return create_company("Fabrikam SARL", eur, "fr")


@pytest.fixture
def customer(company: Company) -> Partner:
    data = PartnerData(
        name="Jeanne Martin", street="1 rue de la Paix", city="Paris", postal_code="75002", country_code="FR"
    )
    return find_or_create_partner(company, data)


@pytest.fixture
def mug(company: Company) -> Product:
    return Product.objects.create(
        company=company, name="Mug", default_code="MUG-1", list_price=Decimal("9.90")
    )


@pytest.fixture
def lamp(company: Company) -> Product:
    return Product.objects.create(
        company=company, name="Lamp", default_code="LAMP-1", list_price=Decimal("35")
    )


@pytest.fixture
def shipping_product(company: Company) -> Product:
    return Product.objects.create(
        company=company, name="Shipping", default_code="SHIP", product_type=ProductType.SERVICE
    )


@pytest.fixture
def vat_included(company: Company) -> Tax:
    return Tax.objects.create(company=company, name="VAT 20% incl.", rate=Decimal("20"), price_include=True)


@pytest.fixture
def vat_excluded(company: Company) -> Tax:
    return Tax.objects.create(company=company, name="VAT 20%", rate=Decimal("20"), price_include=False)


def make_member(username: str, companies: list[Company], permissions: list[str]) -> Any:
    """A staff user belonging to `companies`, holding `permissions` ("app_label.codename")."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from sellersync.core.models import CompanyMembership

    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    for company in companies:
        CompanyMembership.objects.create(user=user, company=company)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def other_company(eur: Currency) -> Company:
    """A second company, whose records the first company's users must never see."""
    return create_company("Contoso GmbH", eur, "de")
