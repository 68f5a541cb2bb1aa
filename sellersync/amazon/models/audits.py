"""Gap audits: the daily comparison of Amazon's order ids with the bindings, and what it repaired."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellersync.amazon.choices import SyncRunStatus


class OrderAudit(models.Model):
    """One gap audit of an account: the window looked at, what Amazon listed, what was missing or behind.

    `missing_found`: orders Amazon lists that have no binding and are for the books (not Canceled; not FBM
    shipped when the account does not book orders shipped outside). `behind_found`: bound orders whose
    binding holds an older version than Amazon's last update. Both are fetched and applied: `repaired`
    counts those booked or brought up to date, `failed` those that failed again (their binding keeps the
    reason, retried as any failed order), `unchanged` those the apply rules leave as they are.
    """

    account = models.ForeignKey(
        "amazon.AmazonAccount", models.CASCADE, related_name="order_audits", verbose_name=_("account")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SyncRunStatus.choices, default=SyncRunStatus.RUNNING
    )
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"), null=True, blank=True)
    orders_checked = models.PositiveIntegerField(_("orders checked"), default=0)
    missing_found = models.PositiveIntegerField(_("missing"), default=0)
    behind_found = models.PositiveIntegerField(_("behind"), default=0)
    repaired = models.PositiveIntegerField(_("repaired"), default=0)
    unchanged = models.PositiveIntegerField(
        _("nothing to change"),
        default=0,
        help_text=_(
            "Fetched again, but not for the books (e.g. shipped outside while not booked) or already applied"
        ),
    )
    failed = models.PositiveIntegerField(_("failed"), default=0)
    api_calls = models.PositiveIntegerField(_("API calls"), default=0)
    sync_run = models.ForeignKey(
        "amazon.SyncRun",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sync run"),
        help_text=_("The run that applied the orders fetched again"),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("order audit")
        verbose_name_plural = _("order audits")
        ordering = ("-started_at", "-pk")

    def __str__(self) -> str:
        return f"{self.account} {self.started_at:%Y-%m-%d %H:%M}"
