"""Company scoping of the back office, once for every screen: lists, change views, foreign key choices
(dropdowns, raw ids, autocompletes), list filters and actions show a user only their companies' records.

`CompanyScopedAdmin.company_path` says how the admin's model reaches its company ("company",
"account__company", "pk" for Company, SHARED for records every company uses); foreign keys to other models
are scoped through those models' own paths (`sellersync.core.scoping`). Superusers see everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sellersync.core.scoping import company_path_of, register_company_path, scope, sees_every_company

#: Django's own msgid (translated by Django's catalogues, not ours).
DJANGO_CHECKBOX_LABEL = "Select this object for an action - {}"


class CompanyScopedFields:
    """Foreign key and many-to-many choices limited to the user's companies (for admins and inlines)."""

    def get_field_queryset(self, db: Any, db_field: Any, request: HttpRequest) -> QuerySet[Any] | None:
        queryset = super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        model = db_field.remote_field.model
        if sees_every_company(request.user) or not company_path_of(model):
            return queryset  # type: ignore[no-any-return]
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        return scope(queryset, request.user)


class CompanyScopedAdmin(CompanyScopedFields, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin showing only the records of the user's companies (another's change view is a 404)."""

    company_path = "company"

    def __init__(self, model: type[Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        register_company_path(model, self.company_path)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope(super().get_queryset(request), request.user, self.company_path)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None and not sees_every_company(request.user):
            raise Http404(_("No such record in your companies."))
        return found

    def action_checkbox(self, obj: Model) -> str:
        """Django's row checkbox, written directly: its widget template cost a sixth of a 50-row list's
        time (bench/bench_pages.py); the HTML is the same."""
        label = format_html(_(DJANGO_CHECKBOX_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Filters on related records list only those of the records the user sees."""
        filters = super().get_list_filter(request)
        if sees_every_company(request.user):
            return filters
        return [self._scoped_filter(item) for item in filters]

    def _scoped_filter(self, item: Any) -> Any:
        if not isinstance(item, str):
            return item
        field = get_fields_from_path(self.model, item)[-1]
        if field.is_relation and company_path_of(field.related_model):
            return (item, admin.RelatedOnlyFieldListFilter)
        return item
