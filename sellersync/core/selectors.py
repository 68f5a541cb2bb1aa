"""Read queries on core master data."""

from __future__ import annotations

from django.db.models import QuerySet

from sellersync.core.models import Company, Product, UserPreference


def product_by_reference(company: Company, default_code: str) -> Product | None:
    """The company's product with this internal reference (case-insensitive), or None."""
    return Product.objects.filter(company=company, default_code__iexact=default_code).first()


def active_products(company: Company) -> QuerySet[Product]:
    """The company's products that can still be sold."""
    return Product.objects.filter(company=company, is_active=True)


def developer_mode_enabled(user: object) -> bool:
    """Whether the user switched developer mode on (anonymous users never have it)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    return UserPreference.objects.filter(user_id=user_id, developer_mode=True).exists()


def saved_language(user: object) -> str:
    """The language code the user chose in the back office, or "" (anonymous, or never chosen)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return ""
    return UserPreference.objects.filter(user_id=user_id).values_list("language", flat=True).first() or ""
