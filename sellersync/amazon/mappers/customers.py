"""The buyer of an order, from whatever buyer data Amazon shared (DESIGN.md invariant 6).

With PII (a restricted data token) the buyer has a name, a full address, maybe a company and a VAT
number. Without it Amazon gives only the city, region, postal code and country: the customer is then
the anonymous "Amazon Customer" and the address keeps exactly those four parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sellersync.amazon.mappers.types import ANONYMOUS_CUSTOMER_NAME, AddressData, CustomerData

VAT_CLASSIFICATION_HINTS = ("VAT", "TAX", "GST", "CNPJ", "CPF", "RFC")


@dataclass(frozen=True)
class BuyerFacts:
    """What a payload says about the buyer, each part empty when not shared."""

    buyer_name: str = ""
    email: str = ""
    company_name: str = ""
    vat_number: str = ""
    is_business: bool = False


def make_customer(facts: BuyerFacts, address: AddressData) -> CustomerData:
    """A named customer when Amazon shared a name, otherwise the anonymous Amazon Customer."""
    name = facts.buyer_name or address.name or facts.company_name
    if not name:
        return CustomerData(
            name=ANONYMOUS_CUSTOMER_NAME,
            is_anonymous=True,
            address=anonymous_address(address),
            email=facts.email,
            company_name=facts.company_name,
            vat_number=facts.vat_number,
            is_business=facts.is_business,
        )
    return CustomerData(
        name=name,
        is_anonymous=False,
        address=address,
        email=facts.email,
        company_name=facts.company_name or address.company_name,
        vat_number=facts.vat_number,
        is_business=facts.is_business,
    )


def anonymous_address(address: AddressData) -> AddressData:
    """Only the parts Amazon gives without PII: city, region, postal code, country."""
    return AddressData(
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
        country_code=address.country_code,
    )


def first_text(*values: str | None) -> str:
    """The first non-blank value, stripped; "" when there is none."""
    for value in values:
        if value and value.strip():
            return value.strip()
    return ""


def pick_vat_number(classifications: list[tuple[str, str]]) -> str:
    """The buyer's tax number among (name, value) pairs: a VAT-like name first, else the first value."""
    for name, value in classifications:
        if value and any(hint in name.upper() for hint in VAT_CLASSIFICATION_HINTS):
            return value.strip()
    return first_text(*(value for _, value in classifications))
