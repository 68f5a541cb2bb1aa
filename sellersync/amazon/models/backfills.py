"""Order backfills: an account's history imported through Amazon's order reports, one window at a time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import BackfillWindowState, SyncRunStatus


class OrderBackfill(models.Model):
    """ "Import history from <date>": the orders purchased between `period_start` and `period_end`, read from
    one order report per window (at most 30 days), newest window first.

    The windows are the cursor: a run that stops (crash, restart, error) leaves each window pending,
    requested (its report id kept: polled again, never requested twice), done or failed, and the next run
    of the same backfill goes on from there. The regular order sync and its cursor are not involved.
    """

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.CASCADE, related_name="backfills", verbose_name=_("account")
    )
    since = models.DateField(_("history from"))
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=SyncRunStatus.choices, default=SyncRunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("order history import")
        verbose_name_plural = _("order history imports")
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"{self.account} {self.since:%Y-%m-%d}"


class BackfillWindow(models.Model):
    """One window of a backfill and its report: the cursor of the backfill, one row per window.

    `orders_read` counts the distinct orders of the window's report, `orders_booked` those of them with a
    sales order once the window was applied (new or already there: the same whether or not a run was
    interrupted); created/updated/failed are the counts of the attempt that finished the window (orders an
    interrupted attempt had committed count as unchanged).
    """

    backfill = models.ForeignKey(
        OrderBackfill, models.CASCADE, related_name="windows", verbose_name=_("history import")
    )
    position = models.PositiveIntegerField(_("position"), help_text=_("0 is the newest window"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    state = models.CharField(
        _("state"), max_length=10, choices=BackfillWindowState.choices, default=BackfillWindowState.PENDING
    )
    report_id = models.CharField(_("report id"), max_length=40, blank=True)
    orders_read = models.PositiveIntegerField(_("orders in the report"), default=0)
    orders_booked = models.PositiveIntegerField(_("orders in the books"), default=0)
    orders_created = models.PositiveIntegerField(_("orders created"), default=0)
    orders_updated = models.PositiveIntegerField(_("orders updated"), default=0)
    orders_failed = models.PositiveIntegerField(_("orders failed"), default=0)
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("history import window")
        verbose_name_plural = _("history import windows")
        ordering = ("backfill", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("backfill", "position"), name="%(app_label)s_%(class)s_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d} ({self.get_state_display()})"
