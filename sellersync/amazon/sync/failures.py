"""Failed orders: record a failure on the binding, clear it after any successful look, and stop retrying
automatically past a bound (the order then "needs attention" and stays listed with its last error).

An order fails when its payload cannot be validated or mapped, when Amazon has no such order, or on a defect
met by that order alone. A failed order is fetched again by id (`services.retry_failed_orders`) with an
exponential backoff; whatever version Amazon has then is applied by the same rules as a first sight. Any
look at it that succeeds (a sales order created, a newer version applied, the same version seen again,
or a version that is not for the books such as a cancellation) clears its failure.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.models import AmazonAccount, AmazonOrder

RETRY_BASE = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=12)
#: Past this many failed attempts in a row, or this long since the first of them, an order needs attention:
#: retried by hand (Retry), by a newer version of it, never again automatically.
ATTENTION_AFTER_ATTEMPTS = 10
ATTENTION_AFTER = timedelta(days=3)
FAILURE_STATES = (OrderSyncState.FAILED, OrderSyncState.ATTENTION)
_FAILURE_FIELDS = ["sync_state", "last_error", "attempts", "next_retry_at", "failed_since", "synced_at"]


def mark_failed(
    account: AmazonAccount, amazon_order_id: str, reason: str, now: datetime | None = None
) -> AmazonOrder:
    """Record that this order failed: the binding (created if needed) keeps the reason and the next retry,
    or needs attention once the bound of attempts or days is reached."""
    now = now or timezone.now()
    with transaction.atomic():
        binding = _locked_binding(account, amazon_order_id) or _create_binding(account, amazon_order_id)
        binding.last_error = reason[:2000]
        binding.attempts += 1
        binding.failed_since = binding.failed_since or now
        if needs_attention(binding.attempts, binding.failed_since, now):
            binding.sync_state, binding.next_retry_at = OrderSyncState.ATTENTION, None
        else:
            binding.sync_state = OrderSyncState.FAILED
            binding.next_retry_at = now + retry_delay(binding.attempts)
        binding.save(update_fields=_FAILURE_FIELDS)
    return binding


def mark_needs_attention(binding: AmazonOrder, reason: str) -> None:
    """A locked binding that no retry can settle: listed at once with the reason, no automatic retry."""
    binding.sync_state, binding.next_retry_at = OrderSyncState.ATTENTION, None
    binding.last_error = reason[:2000]
    binding.failed_since = binding.failed_since or timezone.now()
    binding.save(update_fields=_FAILURE_FIELDS)


def needs_attention(attempts: int, failed_since: datetime, now: datetime) -> bool:
    """Whether a failing order has used up its automatic retries."""
    return attempts >= ATTENTION_AFTER_ATTEMPTS or now - failed_since >= ATTENTION_AFTER


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 5 min, 10 min, 20 min... capped at 12 hours."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)


def clear_failure(binding: AmazonOrder) -> None:
    """A successful look at a failed order: it is synchronized again (written only when it had failed)."""
    if binding.sync_state == OrderSyncState.SYNCED and not binding.attempts:
        return
    reset_failure(binding)
    binding.save(update_fields=_FAILURE_FIELDS)


def reset_failure(binding: AmazonOrder) -> None:
    """The failure fields of a synchronized binding (not saved)."""
    binding.sync_state = OrderSyncState.SYNCED
    binding.last_error = ""
    binding.attempts = 0
    binding.next_retry_at = None
    binding.failed_since = None


def failing_orders(account: AmazonAccount) -> QuerySet[AmazonOrder]:
    """The account's orders whose last attempt failed, retried automatically or needing attention."""
    return AmazonOrder.objects.filter(account=account, sync_state__in=FAILURE_STATES)


def _locked_binding(account: AmazonAccount, amazon_order_id: str) -> AmazonOrder | None:
    return AmazonOrder.objects.select_for_update().filter(account=account, amazon_id=amazon_order_id).first()


def _create_binding(account: AmazonAccount, amazon_order_id: str) -> AmazonOrder:
    """Create the binding; when another worker created it first, wait for it and use theirs."""
    try:
        with transaction.atomic():
            return AmazonOrder.objects.create(account=account, amazon_id=amazon_order_id)
    except IntegrityError:
        return AmazonOrder.objects.select_for_update().get(account=account, amazon_id=amazon_order_id)
