"""insert_rows: new instances are written exactly as `save()` would write them, their keys given back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from sellersync.core.choices import ProductType
from sellersync.core.models import Company, Currency, Partner, Product, Tax
from sellersync.core.services import create_company, insert_rows


def _stored(instance: Product | Tax | Company) -> dict[str, object]:
    row = model_to_dict(type(instance).objects.get(pk=instance.pk))
    row.pop("id")
    return row


def _product_with_new_tax(company: Company, code: str) -> Product:
    """Values that need converting: a float rate, a str price, a choice; a tax not saved yet."""
    tax = Tax(company=company, name=f"VAT {code}", rate=19.6, price_include=True)
    return Product(
        company=company,
        name="Lamp",
        default_code=code,
        product_type=ProductType.SERVICE,
        list_price="12.3456",  # type: ignore[misc]
        sales_tax=tax,
    )


@pytest.mark.django_db
def test_rows_are_stored_as_save_stores_them(company: Company) -> None:
    # given twins, one to save, one to insert
    saved = _product_with_new_tax(company, "SAVED")
    inserted = _product_with_new_tax(company, "INSERTED")
    assert saved.sales_tax is not None and inserted.sales_tax is not None

    # when
    with transaction.atomic():
        saved.sales_tax.save()
        saved.save()
        insert_rows([inserted.sales_tax])  # saved after being assigned: its id is read from it
        insert_rows([inserted])

    # then
    assert inserted.pk is not None and not inserted._state.adding
    assert inserted.sales_tax_id == inserted.sales_tax.pk
    assert _stored(inserted) | {"default_code": "SAVED", "sales_tax": saved.sales_tax_id} == _stored(saved)
    assert _stored(inserted.sales_tax) | {"name": "VAT SAVED"} == _stored(saved.sales_tax)
    assert Tax.objects.get(pk=inserted.sales_tax.pk).rate == Decimal("19.6")
    assert Product.objects.get(pk=inserted.pk).list_price == Decimal("12.3456")


@pytest.mark.django_db
def test_auto_now_add_is_filled_in_on_the_instance_and_stored(company: Company) -> None:
    # given
    partner = Partner(company=company, match_key="k:1", name="Jeanne Martin", city="Paris")

    # when
    with transaction.atomic():
        insert_rows([partner])

    # then
    assert partner.created_at is not None
    assert Partner.objects.get(pk=partner.pk).created_at == partner.created_at


@pytest.mark.django_db
def test_a_foreign_key_to_a_text_key_and_many_rows_keep_their_order(eur: Currency) -> None:
    # given more rows than one statement holds
    companies = [Company(name=f"Company {number}", currency=eur, country_code="FR") for number in range(120)]

    # when
    with transaction.atomic():
        insert_rows(companies)

    # then
    stored = dict(Company.objects.filter(name__startswith="Company ").values_list("pk", "name"))
    assert [stored[company.pk] for company in companies] == [company.name for company in companies]
    assert set(Company.objects.filter(name__startswith="Company ").values_list("currency", flat=True)) == {
        "EUR"
    }
    assert create_company("After", eur, "fr").pk > max(company.pk for company in companies)
