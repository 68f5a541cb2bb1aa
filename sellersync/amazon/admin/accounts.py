"""The Amazon account screen: list, form in fieldsets, marketplaces inline, and the account's buttons
(Link with Amazon, Update available marketplaces, Sync Orders/Cancellations/Pickings/Refunds, Audit now,
Import settlements now, Import FBA inventory now, Sync returns, Recover Order, Retry failed orders), and the
account's latest gap audits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sellersync.amazon import services, views
from sellersync.amazon.admin.audits import latest_audits, report_audit
from sellersync.amazon.admin.backfills import backfill_context, start_from_request
from sellersync.amazon.admin.refunds import report_refunds
from sellersync.amazon.admin.results import report_run
from sellersync.amazon.admin.returns import report_returns
from sellersync.amazon.admin.settlements import report_settlements
from sellersync.amazon.admin.stock import report_fba_inventory
from sellersync.amazon.choices import OrderSyncState, SyncKind, SyncRunStatus
from sellersync.amazon.forms import AmazonAccountForm, RecoverOrderForm
from sellersync.amazon.linking import LinkRefused
from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, SyncRun
from sellersync.amazon.services import CLIENT_REFUSALS, ApplicationNotConfigured, SandboxNotConfigured
from sellersync.amazon.sync.audit_orders import audit_orders
from sellersync.amazon.sync.failures import failing_orders
from sellersync.amazon.sync.import_cancellations import sync_cancellations
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.amazon.sync.pickings import sync_pickings
from sellersync.core.admin_scoping import CompanyScopedAdmin
from sellersync.core.selectors import developer_mode_enabled


class AmazonMarketplaceInline(admin.TabularInline):
    """The account's marketplaces (read from Amazon); only the synchronize switch is edited here."""

    model = AmazonMarketplace
    extra = 0
    fields = ("name", "marketplace_id", "country_code", "currency_code", "is_synchronized")
    readonly_fields = ("name", "marketplace_id", "country_code", "currency_code")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # marketplaces come from Amazon: "Update available marketplaces"


SYNCHRONIZERS: dict[str, Callable[[AmazonAccount], SyncRun | None]] = {
    "orders": sync_orders,
    "cancellations": sync_cancellations,
    "pickings": sync_pickings,
}


@admin.register(AmazonAccount)
class AmazonAccountAdmin(CompanyScopedAdmin):
    form = AmazonAccountForm
    change_form_template = "admin/amazon/amazonaccount/change_form.html"
    list_display = (
        "name",
        "company",
        "seller_id",
        "region",
        "environment",
        "synchronized_marketplaces",
        "last_order_sync",
        "last_run_status",
        "is_active",
    )
    list_filter = ("company", "region", "environment", "is_active")
    search_fields = ("name", "seller_id")
    inlines = (AmazonMarketplaceInline,)
    filter_horizontal = ("responsible_users",)
    raw_id_fields = ("default_product", "shipping_product", "gift_wrap_product", "promotion_product")
    fieldsets = (
        (
            gettext_lazy("Account"),
            {"fields": ("name", "company", "seller_id", "region", "environment", "is_active")},
        ),
        (
            gettext_lazy("Credentials"),
            {
                "fields": ("lwa_client_id", "lwa_client_secret", "refresh_token", "pii_access"),
                "description": gettext_lazy(
                    "Leave the LWA client id and secret empty to use the server's application "
                    "(SPAPI_LWA_CLIENT_ID, SPAPI_LWA_CLIENT_SECRET); enter them only for a seller's private, "
                    "self-authorised application. Credentials are sent only to Amazon's own endpoints of the "
                    "region (Production), or to the local sandbox configured on the server (Sandbox)."
                ),
            },
        ),
        (
            gettext_lazy("Orders follow-up"),
            {
                "fields": (
                    "orders_api",
                    "sync_interval_minutes",
                    "last_order_sync",
                    "sales_team",
                    "book_orders_shipped_outside",
                    "audit_days",
                )
            },
        ),
        (
            gettext_lazy("Stock & products"),
            {
                "fields": (
                    "location",
                    "unknown_sku_policy",
                    "default_product",
                    "shipping_product",
                    "gift_wrap_product",
                    "promotion_product",
                    "synchronize_fbm_stock",
                )
            },
        ),
        (gettext_lazy("Responsible users"), {"fields": ("responsible_users",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[AmazonAccount]:
        last_run = SyncRun.objects.filter(account=OuterRef("pk")).order_by("-started_at", "-pk")
        return (
            super()
            .get_queryset(request)
            .select_related("company")
            .prefetch_related("marketplaces")
            .annotate(last_run_status_value=Subquery(last_run.values("status")[:1]))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: AmazonAccount | None = None) -> tuple[str, ...]:
        readonly: tuple[str, ...] = ("pii_access",)
        if not developer_mode_enabled(request.user):
            readonly += ("last_order_sync",)
        return readonly

    @admin.display(description=gettext_lazy("marketplaces"))
    def synchronized_marketplaces(self, account: AmazonAccount) -> str:
        return ", ".join(m.country_code for m in account.marketplaces.all() if m.is_synchronized)

    @admin.display(description=gettext_lazy("last run"))
    def last_run_status(self, account: AmazonAccount) -> str:
        value = getattr(account, "last_run_status_value", None)
        return str(SyncRunStatus(value).label) if value else "—"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {
            **(extra_context or {}),
            "developer_mode": developer_mode_enabled(request.user),
            **self._failure_summary(object_id),
            **self._last_sync_error(object_id),
            **self._audit_summary(object_id),
            **(backfill_context(int(object_id)) if str(object_id).isdigit() else {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _failure_summary(self, object_id: str) -> dict[str, Any]:
        """How many of the account's orders failed (retried automatically) or need attention, with links to
        the Amazon orders list filtered on each."""
        if not str(object_id).isdigit():
            return {}
        counts = dict(
            failing_orders(AmazonAccount(pk=int(object_id)))
            .values_list("sync_state")
            .annotate(count=Count("pk"))
            .order_by()
        )
        changelist = reverse("admin:amazon_amazonorder_changelist")
        filter_url = f"{changelist}?account__id__exact={object_id}&sync_state__exact="
        return {
            "orders_failing": counts.get(OrderSyncState.FAILED, 0),
            "orders_needing_attention": counts.get(OrderSyncState.ATTENTION, 0),
            "orders_failing_url": filter_url + OrderSyncState.FAILED,
            "orders_attention_url": filter_url + OrderSyncState.ATTENTION,
        }

    def _last_sync_error(self, object_id: str) -> dict[str, Any]:
        """The error of the account's latest order sync run, when it failed (e.g. a missing setting)."""
        if not str(object_id).isdigit():
            return {}
        latest = (
            SyncRun.objects.filter(account_id=int(object_id), kind=SyncKind.ORDERS)
            .order_by("-started_at", "-pk")
            .values_list("status", "error")
            .first()
        )
        if latest is None or latest[0] != SyncRunStatus.FAILED:
            return {}
        return {"last_order_sync_error": latest[1]}

    def _audit_summary(self, object_id: str) -> dict[str, Any]:
        """The account's latest gap audits, and a link to all of them."""
        if not str(object_id).isdigit():
            return {}
        changelist = reverse("admin:amazon_orderaudit_changelist")
        return {
            "latest_audits": latest_audits(int(object_id)),
            "audits_url": f"{changelist}?account__id__exact={object_id}",
        }

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/link/", wrap(self.link_view), name="amazon_amazonaccount_link"),
            path(
                "<int:pk>/update-marketplaces/",
                wrap(require_POST(self.update_marketplaces_view)),
                name="amazon_amazonaccount_update_marketplaces",
            ),
            path(
                "<int:pk>/sync/<str:kind>/",
                wrap(require_POST(self.sync_view)),
                name="amazon_amazonaccount_sync",
            ),
            path("<int:pk>/audit/", wrap(require_POST(self.audit_view)), name="amazon_amazonaccount_audit"),
            path(
                "<int:pk>/backfill/",
                wrap(require_POST(self.backfill_view)),
                name="amazon_amazonaccount_backfill",
            ),
            path(
                "<int:pk>/settlements/",
                wrap(require_POST(self.settlements_view)),
                name="amazon_amazonaccount_settlements",
            ),
            path(
                "<int:pk>/fba-inventory/",
                wrap(require_POST(self.fba_inventory_view)),
                name="amazon_amazonaccount_fba_inventory",
            ),
            path(
                "<int:pk>/returns/",
                wrap(require_POST(self.returns_view)),
                name="amazon_amazonaccount_returns",
            ),
            path(
                "<int:pk>/refunds/",
                wrap(require_POST(self.refunds_view)),
                name="amazon_amazonaccount_refunds",
            ),
            path("<int:pk>/recover/", wrap(self.recover_view), name="amazon_amazonaccount_recover"),
            path(
                "<int:pk>/retry-failed/",
                wrap(require_POST(self.retry_failed_view)),
                name="amazon_amazonaccount_retry_failed",
            ),
            *super().get_urls(),
        ]

    def _account_for_change(self, request: HttpRequest, pk: int) -> AmazonAccount:
        account = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, account):
            raise PermissionDenied
        return account

    def _back_to(self, account: AmazonAccount) -> HttpResponseRedirect:
        return redirect("admin:amazon_amazonaccount_change", account.pk)

    def link_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Link with Amazon: off to the consent page (the callback finishes the job)."""
        account = self._account_for_change(request, pk)
        try:
            services.application_credentials(account)
            return HttpResponseRedirect(views.consent_url(request, account))
        except (LinkRefused, ApplicationNotConfigured, SandboxNotConfigured) as error:
            messages.error(request, str(error))
            return self._back_to(account)

    def update_marketplaces_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self._account_for_change(request, pk)
        try:
            marketplaces = services.update_marketplaces(account)
        except CLIENT_REFUSALS as refusal:  # nothing was asked of Amazon
            messages.error(request, str(refusal))
        except Exception as error:  # noqa: BLE001 - Amazon's refusal is shown, nothing was changed
            messages.error(request, _("Amazon did not answer: %(error)s") % {"error": error})
        else:
            names = ", ".join(m.name for m in marketplaces) or _("none")
            messages.success(request, _("Available marketplaces: %(names)s.") % {"names": names})
        return self._back_to(account)

    def sync_view(self, request: HttpRequest, pk: int, kind: str) -> HttpResponse:
        """Sync Orders / Cancellations / Pickings, run now (developer mode only)."""
        account = self._account_for_change(request, pk)
        if kind not in SYNCHRONIZERS or not developer_mode_enabled(request.user):
            raise PermissionDenied
        run = SYNCHRONIZERS[kind](account)
        if run is None:
            messages.warning(request, _("Picking synchronization comes with FBM fulfilment."))
        else:
            report_run(request, run)
        return self._back_to(account)

    def settlements_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Import settlements now (developer mode only; the nightly task does it otherwise)."""
        account = self._account_for_change(request, pk)
        if not developer_mode_enabled(request.user):
            raise PermissionDenied
        report_settlements(request, account)
        return self._back_to(account)

    def fba_inventory_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Import FBA inventory levels now (developer mode only; the task does it every 6 hours)."""
        account = self._account_for_change(request, pk)
        if not developer_mode_enabled(request.user):
            raise PermissionDenied
        report_fba_inventory(request, account)
        return self._back_to(account)

    def returns_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Sync returns now (developer mode only; the hourly task does it otherwise)."""
        account = self._account_for_change(request, pk)
        if not developer_mode_enabled(request.user):
            raise PermissionDenied
        report_returns(request, account)
        return self._back_to(account)

    def refunds_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Sync refunds now: Amazon's refund events become credit notes (developer mode only; the hourly
        task does it otherwise)."""
        account = self._account_for_change(request, pk)
        if not developer_mode_enabled(request.user):
            raise PermissionDenied
        report_refunds(request, account)
        return self._back_to(account)

    def audit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Audit now: the gap audit, run at once (developer mode only; the daily task does it otherwise)."""
        account = self._account_for_change(request, pk)
        if not developer_mode_enabled(request.user):
            raise PermissionDenied
        report_audit(request, audit_orders(account))
        return self._back_to(account)

    def backfill_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Import history from a date: the backfill is created now and run by the worker."""
        account = self._account_for_change(request, pk)
        start_from_request(request, account)
        return self._back_to(account)

    def retry_failed_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self._account_for_change(request, pk)
        report_run(request, services.retry_failed_orders(account))
        return self._back_to(account)

    def recover_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Recover Order: fetch one order again by its Amazon reference and apply it."""
        account = self._account_for_change(request, pk)
        form = RecoverOrderForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            amazon_id = form.cleaned_data["amazon_order_id"]
            try:
                binding = services.recover_order(account, amazon_id)
            except Exception as error:  # noqa: BLE001 - e.g. unknown order: told to the user
                form.add_error("amazon_order_id", str(error))
            else:
                self._report_recovered(request, binding)
                return self._back_to(account)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": account,
            "form": form,
            "title": _("Recover an order"),
        }
        return TemplateResponse(request, "admin/amazon/amazonaccount/recover_order.html", context)

    def _report_recovered(self, request: HttpRequest, binding: Any) -> None:
        if binding.sales_order_id:
            messages.success(
                request,
                _("Order %(amazon_id)s recovered as %(sales_order)s.")
                % {"amazon_id": binding.amazon_id, "sales_order": binding.sales_order},
            )
        else:
            messages.error(
                request,
                _("Order %(amazon_id)s could not be applied: %(error)s")
                % {"amazon_id": binding.amazon_id, "error": binding.last_error},
            )
