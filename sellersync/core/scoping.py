"""Which company's records a user may see: the companies they belong to (`CompanyMembership`), or all of
them for a superuser.

Each model reaches its company through a lookup path ("company", "account__company", "pk" for Company
itself). Admin classes declare theirs (`CompanyScopedAdmin.company_path`), which registers it here; a model
with a `company` foreign key needs no declaration. A model with no path (currencies, carriers) is shared.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

SHARED = ""
USER_PATH = "company_memberships__company"
_PATHS: dict[type[models.Model], str] = {}


def register_company_path(model: type[models.Model], path: str) -> None:
    """Declare how `model` reaches its company (SHARED: records every company uses)."""
    _PATHS[model] = path


def company_path_of(model: type[models.Model]) -> str:
    """The lookup from `model` to its Company, or SHARED when its records belong to no company."""
    if model in _PATHS:
        return _PATHS[model]
    if issubclass(model, _company_model()):
        return "pk"
    if model is get_user_model():
        return USER_PATH
    try:
        field = model._meta.get_field("company")
    except FieldDoesNotExist:
        return SHARED
    return "company" if field.is_relation and field.related_model is _company_model() else SHARED


def _company_model() -> type[models.Model]:
    return apps.get_model("core", "Company")


def sees_every_company(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def companies_of(user: Any) -> QuerySet[Any]:
    """The companies whose records `user` may see."""
    companies = _company_model()._default_manager.all()
    if sees_every_company(user):
        return companies
    if getattr(user, "pk", None) is None:
        return companies.none()
    return companies.filter(memberships__user_id=user.pk)


def scope(queryset: QuerySet[Any], user: Any, path: str | None = None) -> QuerySet[Any]:
    """`queryset` narrowed to the records of the user's companies (unchanged for superusers)."""
    path = company_path_of(queryset.model) if path is None else path
    if not path or sees_every_company(user):
        return queryset
    company_ids = list(companies_of(user).values_list("pk", flat=True))
    scoped = queryset.filter(**{f"{path}__in": company_ids})
    return scoped.distinct() if path == USER_PATH else scoped


def company_id_of(instance: models.Model) -> int | None:
    """The pk of the company `instance` belongs to (following its path), or None if it has none yet."""
    path = company_path_of(type(instance))
    if path in (SHARED, USER_PATH):
        return None
    if path == "pk":
        return instance.pk  # type: ignore[no-any-return]
    value: Any = instance
    *steps, last = path.split("__")
    for step in steps:
        value = getattr(value, step, None)
        if value is None:
            return None
    return getattr(value, f"{last}_id", None)


def refuse_other_companies(instance: models.Model, company_id: int | None = None) -> None:
    """Raise a ValidationError naming each foreign key of `instance` that points to another company's
    record (the instance's company is `company_id`, or found through its path)."""
    company_id = company_id_of(instance) if company_id is None else company_id
    if company_id is None:
        return
    errors: dict[str, ValidationError] = {}
    for field in instance._meta.concrete_fields:
        if not field.many_to_one and not field.one_to_one:
            continue
        related = _loaded_related(instance, field)
        if related is None or related is instance or company_path_of(type(related)) == "pk":
            continue
        if company_id_of(related) not in (None, company_id):
            errors[field.name] = ValidationError(
                _("%(record)s belongs to another company."), code="other_company", params={"record": related}
            )
    if errors:
        raise ValidationError(errors)


def _loaded_related(instance: models.Model, field: Any) -> models.Model | None:
    if getattr(instance, field.attname, None) is None:
        return None
    return getattr(instance, field.name, None)  # type: ignore[no-any-return]
