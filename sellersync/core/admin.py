"""Back-office screens for the master data."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sellersync.core.models import Company, Currency, Partner, Product, Sequence, Tax


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "decimal_places", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "currency", "country_code", "vat_number", "pii_retention_days")
    list_filter = ("currency", "country_code")
    search_fields = ("name", "vat_number")


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("company", "code", "prefix", "padding", "next_number")
    list_filter = ("company",)
    search_fields = ("code", "prefix")
    readonly_fields = ("next_number",)


@admin.register(Tax)
class TaxAdmin(admin.ModelAdmin):
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
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "company_name", "city", "postal_code", "country_code", "is_anonymous", "company")
    list_filter = ("company", "is_company", "is_anonymous", "country_code", "is_active", "created_at")
    search_fields = ("name", "company_name", "email", "vat_number", "city", "postal_code")
    readonly_fields = ("match_key", "created_at")
    raw_id_fields = ("parent",)
    inlines = (ContactInline,)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "default_code", "product_type", "list_price", "sales_tax", "is_active", "company")
    list_filter = ("company", "product_type", "is_active")
    search_fields = ("name", "default_code")
