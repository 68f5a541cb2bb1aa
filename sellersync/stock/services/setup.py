"""Company stock setup: standard locations, the default warehouse, the Amazon location, carriers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from sellersync.core.models import Company
from sellersync.stock.choices import LocationKind
from sellersync.stock.models import Carrier, Location, Warehouse

AMAZON_LOCATION_CODE = "AMAZON"
SELF_DELIVERY_CARRIER_NAME = "Self Delivery"
# code -> (name, kind) of the locations every company has
STANDARD_LOCATIONS: dict[str, tuple[str, LocationKind]] = {
    "CUSTOMERS": ("Customers", LocationKind.CUSTOMER),
    "VENDORS": ("Vendors", LocationKind.VENDOR),
    "INVENTORY": ("Inventory adjustment", LocationKind.INVENTORY_ADJUSTMENT),
    "TRANSIT": ("Transit", LocationKind.TRANSIT),
}


def standard_location(company: Company, code: str) -> Location:
    """One of the company's standard virtual locations (see STANDARD_LOCATIONS), created on first use."""
    name, kind = STANDARD_LOCATIONS[code]
    location, _created = Location.objects.get_or_create(
        company=company, code=code, defaults={"name": gettext(name), "kind": kind}
    )
    return location


def setup_company_stock(company: Company) -> Warehouse:
    """Create (once) the company's standard locations and its default warehouse "WH"; return the warehouse."""
    with transaction.atomic():
        for code in STANDARD_LOCATIONS:
            standard_location(company, code)
        stock, _created = Location.objects.get_or_create(
            company=company, code="WH/STOCK", defaults={"name": "WH/Stock", "kind": LocationKind.INTERNAL}
        )
        warehouse, _created = Warehouse.objects.get_or_create(
            company=company, code="WH", defaults={"name": company.name, "stock_location": stock}
        )
    return warehouse


def get_or_create_amazon_location(company: Company) -> Location:
    """The company's default "Amazon" location: stock held in Amazon's warehouses (FBA)."""
    location, _created = Location.objects.get_or_create(
        company=company,
        code=AMAZON_LOCATION_CODE,
        defaults={"name": "Amazon", "kind": LocationKind.INTERNAL, "is_amazon": True},
    )
    return location


def get_self_delivery_carrier() -> Carrier:
    """The "Self Delivery" carrier (seeded by migration; recreated if it was deleted)."""
    carrier = find_carrier(SELF_DELIVERY_CARRIER_NAME)
    if carrier is None:
        carrier, _created = Carrier.objects.get_or_create(
            name=SELF_DELIVERY_CARRIER_NAME, defaults={"is_self_delivery": True}
        )
    return carrier


def find_carrier(name: str) -> Carrier | None:
    """The carrier with this name, matched case-insensitively, or None."""
    return Carrier.objects.filter(name__iexact=name.strip()).first()
