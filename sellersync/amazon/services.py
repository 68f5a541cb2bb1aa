"""Services of the Amazon connector: the client of an account, linking, marketplaces, recovering and
retrying orders, local cancellation (queued for Amazon) and erasing buyer data.

Admin actions, views, commands and tasks call these functions; none of them is triggered by signals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sellersync.amazon.choices import (
    Environment,
    OrderSyncState,
    OutboundKind,
    OutboundState,
    PiiAccess,
    SyncKind,
    SyncRunStatus,
)
from sellersync.amazon.mappers.pii import redact
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonMarketplace,
    AmazonOrder,
    OutboundMessage,
    SyncRun,
)
from sellersync.amazon.sync.failures import failing_orders, mark_failed
from sellersync.amazon.sync.import_orders import apply_entries, order_source, remember_pii_answer
from sellersync.amazon.sync.sources import PiiGate
from sellersync.sales.models import SalesOrder
from sellersync.spapi.auth import LwaCredentials
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.marketplaces import Region
from sellersync.spapi.models.sellers import MarketplaceInfo
from sellersync.spapi.ratelimit import RateLimiter
from sellersync.stock import services as stock_services

logger = logging.getLogger(__name__)


class AccountNotLinked(Exception):
    """The account has no refresh token yet (link it with Amazon, or enter a private application's)."""


class ApplicationNotConfigured(Exception):
    """Neither the account nor the server has the application's LWA client id and secret."""


#: The settings (and environment variables) holding the application's LWA client id and secret.
APPLICATION_CREDENTIAL_SETTINGS = ("SPAPI_LWA_CLIENT_ID", "SPAPI_LWA_CLIENT_SECRET")


def application_credentials(account: AmazonAccount) -> tuple[str, str]:
    """The LWA client id and secret the account signs in with: its own pair when it has one (a seller's
    private application), else the server's application (SPAPI_LWA_CLIENT_ID / SPAPI_LWA_CLIENT_SECRET).
    ApplicationNotConfigured names what is missing."""
    if account.lwa_client_id or account.lwa_client_secret:
        if not (account.lwa_client_id and account.lwa_client_secret):
            raise ApplicationNotConfigured(
                _(
                    "%(account)s has only half of a private application's credentials: enter both its LWA "
                    "client id and secret, or neither to use the server's application."
                )
                % {"account": account}
            )
        return str(account.lwa_client_id), str(account.lwa_client_secret)
    values = [str(getattr(settings, name, "") or "") for name in APPLICATION_CREDENTIAL_SETTINGS]
    missing = [name for name, value in zip(APPLICATION_CREDENTIAL_SETTINGS, values, strict=True) if not value]
    if missing:
        raise ApplicationNotConfigured(
            _(
                "Not set on this server: %(missing)s. Set the application's LWA client id and secret in the "
                "environment (SPAPI_LWA_CLIENT_ID, SPAPI_LWA_CLIENT_SECRET), or enter a private "
                "application's on the account %(account)s."
            )
            % {"missing": ", ".join(missing), "account": account}
        )
    return values[0], values[1]


class SandboxNotConfigured(Exception):
    """A Sandbox account, but the server has no SPAPI_SANDBOX_URL."""


#: Why no client can be made for an account (nothing was sent to Amazon): told to the user as it is.
CLIENT_REFUSALS = (AccountNotLinked, ApplicationNotConfigured, SandboxNotConfigured)


def endpoints_for(account: AmazonAccount) -> Endpoints:
    """Where the account's credentials may go: Amazon's hosts of its region, or the configured sandbox."""
    if account.environment != Environment.SANDBOX:
        return Endpoints.production(Region[account.region])
    if not settings.SPAPI_SANDBOX_URL:
        raise SandboxNotConfigured(
            _("%(account)s is a Sandbox account, but SPAPI_SANDBOX_URL is not set on this server.")
            % {"account": account}
        )
    return Endpoints.local_sandbox(settings.SPAPI_SANDBOX_URL)


def refuse_run(run: SyncRun, error: Exception) -> SyncRun:
    """Record on the run why no client could be made for its account (a missing setting or link): the
    error the user sees on the account's runs, without a traceback in the worker's log."""
    logger.warning("%s run of account %s not started: %s", run.kind, run.account_id, type(error).__name__)
    run.status = SyncRunStatus.FAILED
    run.error = str(error)[:4000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def client_for_account(account: AmazonAccount) -> SpApiClient:
    """An SP-API client for the account: decrypted credentials, its endpoint, shared limits with Redis."""
    if not account.has_credentials:
        raise AccountNotLinked(
            _("%(account)s has no refresh token: link it with Amazon first.") % {"account": account}
        )
    client_id, client_secret = application_credentials(account)
    credentials = LwaCredentials(
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=account.refresh_token,
        selling_partner_id=account.seller_id,
    )
    time_scale = float(getattr(settings, "SPAPI_TIME_SCALE", 1.0))
    redis_url = getattr(settings, "REDIS_URL", "")
    limiter = RateLimiter(time_scale=time_scale, redis=redis_url or None)
    return SpApiClient(
        credentials,
        region=Region[account.region],
        endpoints=endpoints_for(account),
        time_scale=time_scale,
        rate_limiter=limiter,
        timeout=float(getattr(settings, "SPAPI_TIMEOUT", 30)),
        max_document_bytes=settings.SPAPI_MAX_DOCUMENT_BYTES,
    )


def update_marketplaces(account: AmazonAccount, client: SpApiClient | None = None) -> list[AmazonMarketplace]:
    """Re-read the seller's marketplaces; new ones are synchronized unless another account of the same
    seller already synchronizes them. Existing rows keep their `is_synchronized` choice."""
    if not account.seller_id:
        raise AccountNotLinked(
            _("%(account)s has no seller id: link it with Amazon first.") % {"account": account}
        )
    owned = client is None
    client = client or client_for_account(account)
    try:
        participating = participating_marketplaces(client)
    finally:
        if owned:
            client.close()
    return store_marketplaces(account, participating)


def participating_marketplaces(client: SpApiClient) -> list[MarketplaceInfo]:
    """The marketplaces the client's seller participates in (getMarketplaceParticipations)."""
    return [
        participation.marketplace
        for participation in client.sellers.get_marketplace_participations()
        if participation.participation.is_participating
    ]


def store_marketplaces(
    account: AmazonAccount, participating: Sequence[MarketplaceInfo]
) -> list[AmazonMarketplace]:
    """Create or refresh the account's marketplace rows (see `update_marketplaces`)."""
    result = []
    for info in participating:
        taken = (
            AmazonMarketplace.objects.filter(
                seller_id=account.seller_id, marketplace_id=info.id, is_synchronized=True
            )
            .exclude(account=account)
            .exists()
        )
        values = {
            "name": info.name,
            "country_code": info.country_code,
            "currency_code": info.default_currency_code,
        }
        marketplace, _created = AmazonMarketplace.objects.update_or_create(
            account=account,
            marketplace_id=info.id,
            defaults=values,
            create_defaults={**values, "is_synchronized": not taken},
        )
        result.append(marketplace)
    return result


def synchronized_marketplace_ids(account: AmazonAccount, client: SpApiClient | None = None) -> list[str]:
    """The marketplace ids the account synchronizes (read from Amazon the first time)."""
    if not account.marketplaces.exists():
        update_marketplaces(account, client)
    return list(
        account.marketplaces.filter(is_synchronized=True)
        .order_by("marketplace_id")
        .values_list("marketplace_id", flat=True)
    )


def recover_order(account: AmazonAccount, amazon_order_id: str) -> AmazonOrder:
    """Fetch one order by its Amazon reference and apply it (seeds' "Recover Order"); returns its binding."""
    amazon_order_id = amazon_order_id.strip()
    _refetch(account, [amazon_order_id], SyncKind.RECOVER)
    return AmazonOrder.objects.get(account=account, amazon_id=amazon_order_id)


def retry_failed_orders(
    account: AmazonAccount, *, now: datetime | None = None, due_only: bool = False
) -> SyncRun:
    """Fetch the account's failed orders again by id and apply the version Amazon has now (the Retry button:
    every failed order, those needing attention included; the task passes `due_only=True`: only failed
    orders whose backoff has elapsed, never those needing attention)."""
    now = now or timezone.now()
    failed = failing_orders(account)
    if due_only:
        failed = failed.filter(sync_state=OrderSyncState.FAILED).filter(
            Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=now)
        )
    ids = list(failed.order_by("amazon_id").values_list("amazon_id", flat=True))
    return _refetch(account, ids, SyncKind.RETRY)


def _refetch(account: AmazonAccount, amazon_order_ids: Sequence[str], kind: str) -> SyncRun:
    run = SyncRun.objects.create(account=account, kind=kind)
    if not amazon_order_ids:
        run.status = SyncRunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        return run
    with client_for_account(account) as client:
        try:
            pii = PiiGate(client, allowed=account.pii_access != PiiAccess.REFUSED)
            source = order_source(account, client, pii)
            marketplace_ids = synchronized_marketplace_ids(account, client)
            entries = source.by_ids(marketplace_ids, amazon_order_ids)
            apply_entries(account, run, entries)
            _fail_missing(account, run, amazon_order_ids, {entry.amazon_order_id for entry in entries})
            remember_pii_answer(account, pii)
            run.pages = 1
            run.status = SyncRunStatus.SUCCEEDED
        except Exception as exc:  # recorded on the run, shown in the back office
            logger.warning("refetch for account %s failed: %s", account.pk, type(exc).__name__)
            run.status = SyncRunStatus.FAILED
            run.error = redact(f"{type(exc).__name__}: {exc}")[:4000]
        finally:
            run.api_calls = sum(stats.calls for stats in client.stats.values())
            run.finished_at = timezone.now()
            run.save()
    return run


def _fail_missing(account: AmazonAccount, run: SyncRun, wanted: Sequence[str], found: set[str]) -> None:
    for amazon_order_id in wanted:
        if amazon_order_id not in found:
            mark_failed(account, amazon_order_id, f"{amazon_order_id}: not found on Amazon for this account")
            run.orders_failed += 1


def cancel_sales_order(sales_order: SalesOrder, reason: str) -> None:
    """Cancel a sales order locally (with its open deliveries) and queue the cancellation for Amazon."""
    with transaction.atomic():
        stock_services.cancel_order_with_deliveries(sales_order, reason)
        binding = AmazonOrder.objects.filter(sales_order=sales_order).select_related("account").first()
        if binding is None:
            return
        try:
            with transaction.atomic():
                OutboundMessage.objects.create(
                    account=binding.account,
                    kind=OutboundKind.CANCELLATION,
                    reference=f"sale:{sales_order.pk}",
                    amazon_order_id=binding.amazon_id,
                    state=OutboundState.PENDING,
                    payload={"amazon_order_id": binding.amazon_id, "reason": reason[:200]},
                )
        except IntegrityError:
            pass  # already queued: one message per local cancellation
