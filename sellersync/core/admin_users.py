"""Users and groups in the back office, without a way up: Django's own admin lets anyone holding "change user"
make themselves superuser or grant any permission or group. For a user who is not a superuser:

- the user list shows the users who share one of their companies (another's is a 404), and the company
  choices of a membership are their own companies; a user they create joins their companies;
- they change (or delete, or set the password of) only users they could have made: not a superuser, in none
  of the companies they do not belong to, with no permission they do not hold themselves;
- "superuser status" is read-only; the permissions they may grant are those they hold, the groups those whose
  every permission they hold;
- a group they change or delete holds only permissions they hold, and gets only those.

Superusers keep Django's screens as they are.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sellersync.core.admin_scoping import CompanyScopedAdmin, CompanyScopedFields
from sellersync.core.models import CompanyMembership
from sellersync.core.scoping import USER_PATH, companies_of, scope, sees_every_company

User = get_user_model()
GRANT_HELP = _(
    "You can grant only the permissions you hold, and only groups whose every permission you hold."
)


def permissions_of(user: Any) -> QuerySet[Permission]:
    """The permissions `user` holds, directly or through a group (stored ones: an inactive user's too)."""
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).distinct()


def grantable_permissions(user: Any) -> QuerySet[Permission]:
    """What `user` may give: every permission for a superuser, else those they hold."""
    if sees_every_company(user):
        return Permission.objects.all()
    return Permission.objects.filter(pk__in=permissions_of(user).values("pk"))


def grantable_groups(user: Any) -> QuerySet[Group]:
    """The groups `user` may give: those with no permission beyond what `user` holds."""
    if sees_every_company(user):
        return Group.objects.all()
    beyond = Permission.objects.exclude(pk__in=permissions_of(user).values("pk"))
    return Group.objects.exclude(permissions__in=beyond)


def may_manage_user(manager: Any, user: Any) -> bool:
    """Whether `manager` may change or delete `user`: not a superuser, only in `manager`'s companies, with
    no permission beyond `manager`'s (else a new password would hand `manager` what they lack)."""
    if sees_every_company(manager):
        return True
    if user.is_superuser:
        return False
    own_companies = companies_of(manager).values("pk")
    if CompanyMembership.objects.filter(user=user).exclude(company__in=own_companies).exists():
        return False
    return not permissions_of(user).exclude(pk__in=permissions_of(manager).values("pk")).exists()


def may_manage_group(manager: Any, group: Group) -> bool:
    """Whether `manager` may change or delete `group`: it holds no permission beyond `manager`'s."""
    return sees_every_company(manager) or grantable_groups(manager).filter(pk=group.pk).exists()


class UserMembershipInline(CompanyScopedFields, admin.TabularInline):  # type: ignore[type-arg]
    """The companies the user belongs to (of those the person editing belongs to)."""

    model = CompanyMembership
    fields = ("company",)
    extra = 0
    verbose_name = _("company")
    verbose_name_plural = _("companies")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CompanyMembership]:
        memberships = super().get_queryset(request)
        if sees_every_company(request.user):
            return memberships
        return memberships.filter(company__in=companies_of(request.user))


class GrantLimitedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A user or group screen where a non-superuser changes and deletes only the records `may_manage` allows,
    sees grantable choices only, and has no bulk delete (it does not ask about each record)."""

    def may_manage(self, manager: Any, obj: Any) -> bool:
        raise NotImplementedError

    def limit_grant_field(self, field: Any, request: HttpRequest) -> Any:
        if field is not None and not sees_every_company(request.user):
            field.help_text = GRANT_HELP
        return field

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_manage(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_manage(request.user, obj))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if not sees_every_company(request.user):
            actions.pop("delete_selected", None)
        return actions


class CompanyUserAdmin(GrantLimitedAdmin, CompanyScopedAdmin, UserAdmin):
    """Django's user screen, scoped to the user's companies and unable to grant more than one holds."""

    company_path = USER_PATH
    inlines = (UserMembershipInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if sees_every_company(request.user):
            return readonly
        return (*readonly, "is_superuser")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user_permissions":
            kwargs["queryset"] = grantable_permissions(request.user).select_related("content_type")
        elif db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        return self.limit_grant_field(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def may_manage(self, manager: Any, obj: Any) -> bool:
        return may_manage_user(manager, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if change or sees_every_company(request.user):
            return
        if not scope(User.objects.filter(pk=user.pk), request.user).exists():  # its creator must see it
            for company in companies_of(request.user):
                CompanyMembership.objects.get_or_create(user=user, company=company)


class LimitedGroupAdmin(GrantLimitedAdmin, GroupAdmin):
    """Django's group screen; a non-superuser gives a group only permissions they hold."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "permissions":
            kwargs["queryset"] = grantable_permissions(request.user)
        return self.limit_grant_field(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def may_manage(self, manager: Any, obj: Any) -> bool:
        return may_manage_group(manager, obj)


for _model, _model_admin in ((User, CompanyUserAdmin), (Group, LimitedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
