"""Forms of the Amazon back office: the account form (write-only secrets) and the Recover Order form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.fields import mask_secret
from sellersync.amazon.models import AmazonAccount

SECRET_FIELDS = ("lwa_client_secret", "refresh_token")


class SecretInput(forms.PasswordInput):
    """A password input that never renders the stored value back."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)


class AmazonAccountForm(forms.ModelForm):
    """The account form: secrets are write-only; left empty, the stored value is kept."""

    lwa_client_secret = forms.CharField(label=_("LWA client secret"), required=False, widget=SecretInput())
    refresh_token = forms.CharField(label=capfirst(_("refresh token")), required=False, widget=SecretInput())

    class Meta:
        model = AmazonAccount
        fields = (
            "name",
            "company",
            "seller_id",
            "region",
            "environment",
            "is_active",
            "lwa_client_id",
            "lwa_client_secret",
            "refresh_token",
            "pii_access",
            "orders_api",
            "sync_interval_minutes",
            "last_order_sync",
            "sales_team",
            "book_orders_shipped_outside",
            "audit_days",
            "location",
            "unknown_sku_policy",
            "default_product",
            "shipping_product",
            "gift_wrap_product",
            "promotion_product",
            "synchronize_fbm_stock",
            "responsible_users",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            if name not in self.fields:
                continue
            stored = getattr(self.instance, name, "") if self.instance.pk else ""
            self.fields[name].help_text = (
                _("Stored: %(masked)s. Leave empty to keep it.") % {"masked": mask_secret(stored)}
                if stored
                else _("Not set.")
            )

    def _clean_secret(self, name: str) -> str:
        value: str = self.cleaned_data.get(name) or ""
        if value.strip():
            return value.strip()
        return str(getattr(self.instance, name, "") or "") if self.instance.pk else ""

    def clean_lwa_client_secret(self) -> str:
        return self._clean_secret("lwa_client_secret")

    def clean_refresh_token(self) -> str:
        return self._clean_secret("refresh_token")


class RecoverOrderForm(forms.Form):
    """Asks which Amazon order to fetch again (by its Amazon order reference)."""

    amazon_order_id = forms.RegexField(
        label=_("Amazon order reference"),
        regex=r"^[0-9A-Za-z-]{5,40}$",
        max_length=40,
        help_text=_("For example 113-1234567-1234567."),
        error_messages={"invalid": _("This does not look like an Amazon order reference.")},
    )

    def clean_amazon_order_id(self) -> str:
        return str(self.cleaned_data["amazon_order_id"]).strip()


class BackfillForm(forms.Form):
    """ "Import history from": the first day of the order history to import (before today)."""

    since = forms.DateField(label=_("Import history from"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_since(self) -> date:
        since: date = self.cleaned_data["since"]
        if since >= timezone.now().date():
            raise forms.ValidationError(_("Choose a day before today."))
        return since
