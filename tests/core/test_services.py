"""Core services: partners found again by a stable key, gapless references, product references."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from sellersync.core.models import Company, Currency, Partner, Product
from sellersync.core.services import PartnerData, create_company, find_or_create_partner, next_reference

pytestmark = pytest.mark.django_db

ADDRESS = PartnerData(
    name="Jeanne Martin", street="1 rue de la Paix", city="Paris", postal_code="75002", country_code="FR"
)


def test_same_customer_twice_is_one_partner(company: Company) -> None:
    # given a partner created from an address
    first = find_or_create_partner(company, ADDRESS)
    # when the same customer comes again, written with other case and spacing
    again = find_or_create_partner(
        company, PartnerData(**{**ADDRESS.__dict__, "name": "  JEANNE   martin ", "city": "PARIS"})
    )
    # then it is the same partner, and only one exists
    assert again.pk == first.pk
    assert Partner.objects.filter(company=company).count() == 1


def test_other_address_is_another_partner(company: Company) -> None:
    # given a partner
    first = find_or_create_partner(company, ADDRESS)
    # when a customer of the same name lives elsewhere
    other = find_or_create_partner(company, PartnerData(**{**ADDRESS.__dict__, "postal_code": "69001"}))
    # then two partners exist
    assert other.pk != first.pk
    assert Partner.objects.filter(company=company).count() == 2


def test_external_key_finds_partner_even_when_address_changes(company: Company) -> None:
    # given a partner known by an external key
    first = find_or_create_partner(company, PartnerData(name="Acme GmbH", external_key="buyer-42"))
    # when it comes again with a new address
    again = find_or_create_partner(
        company, PartnerData(name="Acme GmbH", city="Berlin", external_key="buyer-42")
    )
    # then it is the same partner
    assert again.pk == first.pk


def test_anonymous_customer_is_named_amazon_customer(company: Company) -> None:
    # given data without personal information
    data = PartnerData(is_anonymous=True, city="Lyon", postal_code="69001", country_code="FR")
    # when the partner is created
    partner = find_or_create_partner(company, data)
    # then it is an anonymous "Amazon Customer" with only the coarse address
    assert (partner.name, partner.is_anonymous, partner.city, partner.street) == (
        "Amazon Customer",
        True,
        "Lyon",
        "",
    )


def test_references_are_consecutive_per_company(company: Company, eur: Currency) -> None:
    # given two companies
    other = create_company("Other Ltd", eur, "GB")
    # when references are drawn
    with transaction.atomic():
        refs = [next_reference(company, "sales.order", "S") for _ in range(3)]
        other_ref = next_reference(other, "sales.order", "S")
    # then each company counts on its own, without gaps
    assert refs == ["S00001", "S00002", "S00003"]
    assert other_ref == "S00001"


def test_rolled_back_reference_is_given_again(company: Company) -> None:
    # given a reference drawn in a transaction that fails
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference(company, "sales.order", "S")
        raise RuntimeError("boom")
    # when another is drawn
    with transaction.atomic():
        ref = next_reference(company, "sales.order", "S")
    # then no number was lost
    assert ref == "S00001"


def test_product_reference_is_unique_per_company_ignoring_case(company: Company) -> None:
    # given a product with an internal reference, and two without
    Product.objects.create(company=company, name="Mug", default_code="MUG-1")
    Product.objects.create(company=company, name="A", default_code="")
    Product.objects.create(company=company, name="B", default_code="")
    # when another product takes the same reference in other case
    # then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(company=company, name="Mug 2", default_code="mug-1")


def test_currencies_are_seeded_with_their_precision(db: None) -> None:
    # then the marketplace currencies exist, yen without decimals
    assert Currency.objects.get(code="JPY").decimal_places == 0
    assert Currency.objects.get(code="EUR").decimal_places == 2
