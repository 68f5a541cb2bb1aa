"""What the connector did: sync runs (pulls from Amazon) and outbound messages (pushes to Amazon)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import OutboundKind, OutboundState, SyncKind, SyncRunStatus


class SyncRun(models.Model):
    """One synchronization run of an account: its window, progress, counts and outcome."""

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.CASCADE, related_name="sync_runs", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SyncKind.choices, default=SyncKind.ORDERS)
    status = models.CharField(
        _("status"), max_length=10, choices=SyncRunStatus.choices, default=SyncRunStatus.RUNNING
    )
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("to"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    orders_created = models.PositiveIntegerField(_("orders created"), default=0)
    orders_updated = models.PositiveIntegerField(_("orders updated"), default=0)
    orders_unchanged = models.PositiveIntegerField(_("orders unchanged"), default=0)
    orders_failed = models.PositiveIntegerField(_("orders failed"), default=0)
    api_calls = models.PositiveIntegerField(_("API calls"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    log = models.TextField(_("log"), blank=True)

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class OutboundMessage(models.Model):
    """A message sent to Amazon (shipment, cancellation, invoice, stock) and what Amazon made of it.

    Unique per (account, kind, reference), so that the same local event is never sent as two messages.
    """

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.PROTECT, related_name="outbound_messages", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OutboundKind.choices)
    reference = models.CharField(_("reference"), max_length=80, help_text=_("The local record it is about"))
    amazon_order_id = models.CharField(_("Amazon order id"), max_length=40, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    payload = models.JSONField(_("payload"), default=dict)
    feed_id = models.CharField(_("feed id"), max_length=40, blank=True)
    amazon_error = models.TextField(_("Amazon's error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("account", "kind", "reference"), name="%(app_label)s_%(class)s_unique_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} ({self.get_state_display()})"
