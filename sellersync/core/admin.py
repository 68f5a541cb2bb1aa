"""Back-office screens for the master data."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sellersync.core.admin_scoping import CompanyScopedAdmin, CompanyScopedFields
from sellersync.core.models import Company, CompanyMembership, Currency, Partner, Product, Sequence, Tax
from sellersync.core.scoping import SHARED


@admin.register(Currency)
class CurrencyAdmin(CompanyScopedAdmin):
    company_path = SHARED  # every company uses them
    list_display = ("code", "name", "decimal_places", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


class MembershipInline(CompanyScopedFields, admin.TabularInline):  # type: ignore[type-arg]
    """The users who belong to the company: they see its records in the back office."""

    model = CompanyMembership
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name = _("member")
    verbose_name_plural = _("members")


@admin.register(Company)
class CompanyAdmin(CompanyScopedAdmin):
    company_path = "pk"
    inlines = (MembershipInline,)

    def save_model(self, request: HttpRequest, obj: Company, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:  # its creator must see the new company
            CompanyMembership.objects.get_or_create(user=request.user, company=obj)

    list_display = ("name", "currency", "country_code", "vat_number", "pii_retention_days")
    list_filter = ("currency", "country_code")
    search_fields = ("name", "vat_number")


@admin.register(Sequence)
class SequenceAdmin(CompanyScopedAdmin):
    list_display = ("company", "code", "prefix", "padding", "next_number")
    list_filter = ("company",)
    search_fields = ("code", "prefix")
    readonly_fields = ("next_number",)


@admin.register(Tax)
class TaxAdmin(CompanyScopedAdmin):
    list_display = ("name", "company", "rate", "price_include", "collected_by_marketplace", "country_code")
    list_filter = ("company", "price_include", "collected_by_marketplace", "country_code", "is_active")
    search_fields = ("name",)


class ContactInline(admin.TabularInline):
    model = Partner
    fk_name = "parent"
    fields = ("name", "email", "phone", "city", "country_code")
    extra = 0
    show_change_link = True
    verbose_name = _("contact")
    verbose_name_plural = _("contacts")


@admin.register(Partner)
class PartnerAdmin(CompanyScopedAdmin):
    list_display = ("name", "company_name", "city", "postal_code", "country_code", "is_anonymous", "company")
    list_filter = ("company", "is_company", "is_anonymous", "country_code", "is_active", "created_at")
    search_fields = ("name", "company_name", "email", "vat_number", "city", "postal_code")
    readonly_fields = ("match_key", "created_at")
    raw_id_fields = ("parent",)
    inlines = (ContactInline,)


@admin.register(Product)
class ProductAdmin(CompanyScopedAdmin):
    list_display = ("name", "default_code", "product_type", "list_price", "sales_tax", "is_active", "company")
    list_filter = ("company", "product_type", "is_active")
    search_fields = ("name", "default_code")


@admin.register(CompanyMembership)
class CompanyMembershipAdmin(CompanyScopedAdmin):
    list_display = ("user", "company")
    list_filter = ("company",)
    search_fields = ("user__username", "user__email", "company__name")
    autocomplete_fields = ("user",)


# Django's own user and group screens, replaced by scoped ones that cannot grant more than one holds.
from sellersync.core import admin_users  # noqa: E402, F401
