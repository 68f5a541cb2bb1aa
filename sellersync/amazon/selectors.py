"""Read-only queries of the Amazon connector (what the tasks and screens ask)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.db.models import Max, Q, QuerySet

from sellersync.amazon.choices import OrderSyncState, OutboundKind, OutboundState, SyncKind
from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonOrderEvent, OutboundMessage

#: Where Amazon puts an item's gift message: v0's order items' BuyerInfo, 2026-01-01's packing gift option.
GIFT_MESSAGE_KEYS = ("GiftMessageText", "giftMessage")


def accounts_to_audit() -> list[AmazonAccount]:
    """Active, linked accounts: each gets its daily gap audit."""
    return [
        account
        for account in AmazonAccount.objects.filter(is_active=True).order_by("pk")
        if account.has_credentials
    ]


def accounts_due(now: datetime) -> list[AmazonAccount]:
    """Active, linked accounts whose last order sync run started at least their interval ago (or never)."""
    accounts = AmazonAccount.objects.filter(is_active=True).annotate(
        last_run=Max("sync_runs__started_at", filter=Q(sync_runs__kind=SyncKind.ORDERS))
    )
    return [
        account
        for account in accounts.order_by("pk")
        if account.has_credentials
        and (
            account.last_run is None
            or account.last_run + timedelta(minutes=account.sync_interval_minutes) <= now
        )
    ]


def failed_orders_due(account: AmazonAccount, now: datetime) -> QuerySet[AmazonOrder]:
    """The account's failed orders whose backoff has elapsed."""
    return AmazonOrder.objects.filter(account=account, sync_state=OrderSyncState.FAILED).filter(
        Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=now)
    )


def orders_needing_attention(account: AmazonAccount | None = None) -> QuerySet[AmazonOrder]:
    """Orders that failed too often or too long: no more automatic retries, listed with their last error
    until a retry (or a newer version from Amazon) succeeds. Oldest failure first."""
    orders = AmazonOrder.objects.filter(sync_state=OrderSyncState.ATTENTION)
    if account is not None:
        orders = orders.filter(account=account)
    return orders.order_by("failed_since", "pk")


def accounts_with_outbound_work() -> QuerySet[AmazonAccount]:
    """Active accounts with shipments or cancellations still to send, or feeds awaiting Amazon's report."""
    waiting = OutboundMessage.objects.filter(
        kind__in=(OutboundKind.SHIPMENT, OutboundKind.CANCELLATION),
        state__in=(OutboundState.PENDING, OutboundState.SENT),
    )
    return AmazonAccount.objects.filter(is_active=True, pk__in=waiting.values("account_id")).order_by("pk")


def gift_messages(order: AmazonOrder) -> list[str]:
    """The buyer's gift messages of the order's latest version, in item order, each once; none when buyer
    data was not granted, or has been erased."""
    event = AmazonOrderEvent.objects.filter(order=order).order_by("-amazon_updated_at", "-pk").first()
    if event is None or not event.buyer_data:
        return []
    removed: dict[str, object] = json.loads(event.buyer_data)
    messages: list[str] = []
    for pointer in sorted(removed, key=_pointer_order):
        value = removed[pointer]
        if pointer.rsplit("/", 1)[-1] in GIFT_MESSAGE_KEYS and isinstance(value, str) and value.strip():
            if value.strip() not in messages:
                messages.append(value.strip())
    return messages


def _pointer_order(pointer: str) -> list[tuple[int, str]]:
    """JSON Pointers ordered with numeric tokens as numbers (item 10 after item 9)."""
    return [(int(token), "") if token.isdigit() else (-1, token) for token in pointer.split("/")]
