"""The double-entry ledger: accounts, journals, journal entries and their lines, reconciliations.

Amounts are in the company currency with `core.models.AMOUNT_DIGITS` (2 decimals); `amount_currency` keeps a
line's amount in the entry's currency when that is a foreign one. Rules that span several lines (balanced
entries, reconciliations summing to zero) live in `services.py`; a rule on one row is also a database
constraint, so no code path can store a line that is both a debit and a credit.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sellersync.accounting.choices import AccountKind, AccountRole, EntryState, JournalKind
from sellersync.core.models import AMOUNT_DIGITS, Company, Currency, Partner
from sellersync.core.scoping import refuse_other_companies


class Account(models.Model):
    """An account of a company's chart; `reconcilable` accounts (receivables, payables, intermediary
    accounts) have their lines matched against each other until they sum to zero."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    role = models.CharField(
        _("role"),
        max_length=32,
        choices=AccountRole.choices,
        blank=True,
        help_text=_("The purpose of an account of the default chart; at most one account per role."),
    )
    reconcilable = models.BooleanField(_("reconcilable"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("ledger", "account")  # 科目, not an Amazon account (账户)
        verbose_name_plural = pgettext_lazy("ledger", "accounts")
        ordering = ("company", "code", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "code"), name="%(app_label)s_%(class)s_unique_code"),
            models.UniqueConstraint(
                fields=("company", "role"), condition=~Q(role=""), name="%(app_label)s_%(class)s_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Journal(models.Model):
    """A book of entries of one kind; entries posted in it are numbered "<code>/<year>/<number>"."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    code = models.CharField(_("code"), max_length=8, help_text=_("Prefix of entry numbers, e.g. INV."))
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=JournalKind.choices)
    default_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default account"),
        help_text=_("For a bank journal, the account holding its money."),
    )
    intermediary_account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intermediary account"),
        help_text=_("Bank journals: where statement lines wait until they are matched (suspense)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ("company", "code", "pk")
        constraints = [
            models.UniqueConstraint(fields=("company", "code"), name="%(app_label)s_%(class)s_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        refuse_other_companies(self)
        for field in ("default_account", "intermediary_account"):
            account = getattr(self, field)
            if account is not None and account.company_id != self.company_id:
                raise ValidationError({field: _("The account belongs to another company.")})
        if self.kind == JournalKind.BANK and self.intermediary_account is None:
            raise ValidationError(
                {"intermediary_account": _("A bank journal needs an intermediary account.")}
            )


class JournalEntry(models.Model):
    """A dated set of lines in one journal whose debits equal its credits once posted.

    `number` stays empty until posting assigns the next gapless number of the journal and year.
    """

    journal = models.ForeignKey(
        Journal, on_delete=models.PROTECT, related_name="entries", verbose_name=_("journal")
    )
    number = models.CharField(_("number"), max_length=32, blank=True, editable=False)
    date = models.DateField(_("date"))
    ref = models.CharField(_("reference"), max_length=128, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=EntryState.choices, default=EntryState.DRAFT, editable=False
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("currency"))
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        editable=False,
        verbose_name=_("reversal of"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ("-date", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("journal", "number"),
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(state=EntryState.DRAFT) | Q(state=EntryState.CANCELED) | ~Q(number=""),
                name="%(app_label)s_%(class)s_posted_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft entry #%(pk)s") % {"pk": self.pk}

    @property
    def is_posted(self) -> bool:
        return self.state == EntryState.POSTED


class Reconciliation(models.Model):
    """A group of posted lines on reconcilable accounts that cancel out per account and partner,
    e.g. an invoice's receivable line with its payment's."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, verbose_name=_("company"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ("-pk",)

    def __str__(self) -> str:
        return _("Reconciliation #%(pk)s") % {"pk": self.pk}


class JournalLine(models.Model):
    """One debit or credit of an entry on an account, optionally for a partner."""

    entry = models.ForeignKey(
        JournalEntry, on_delete=models.CASCADE, related_name="lines", verbose_name=_("entry")
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=pgettext_lazy("ledger", "account"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    label = models.CharField(_("label"), max_length=256, blank=True)
    debit = models.DecimalField(_("debit"), **AMOUNT_DIGITS, default=Decimal("0"))
    credit = models.DecimalField(_("credit"), **AMOUNT_DIGITS, default=Decimal("0"))
    amount_currency = models.DecimalField(
        _("amount in currency"),
        **AMOUNT_DIGITS,
        null=True,
        blank=True,
        help_text=_("Signed amount (debit positive) in the entry's currency, when it is a foreign one."),
    )
    matching_key = models.CharField(
        _("matching key"),
        max_length=128,
        blank=True,
        db_index=True,
        help_text=_("A reference lines to reconcile share, e.g. an Amazon order id or a settlement id."),
    )
    tax = models.ForeignKey(
        "core.Tax",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tax"),
        help_text=_("The tax this line books (the VAT report reads it), on tax accounts only."),
    )
    tax_base = models.DecimalField(
        _("taxable base"),
        **AMOUNT_DIGITS,
        null=True,
        blank=True,
        help_text=_("The amount the tax was computed on, in the company currency, signed like the line."),
    )
    reconciliation = models.ForeignKey(
        Reconciliation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
        editable=False,
        verbose_name=_("reconciliation"),
    )

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ("entry", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0) & Q(credit__gte=0) & (Q(debit=0) | Q(credit=0)),
                name="%(app_label)s_%(class)s_debit_or_credit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.debit} / {self.credit}"

    @property
    def balance(self) -> Decimal:
        """Debit minus credit: positive for a debit line."""
        return self.debit - self.credit


from sellersync.accounting.models_invoices import Invoice, InvoiceLine  # noqa: E402
from sellersync.accounting.models_rates import ExchangeRate  # noqa: E402

__all__ = [
    "Account",
    "ExchangeRate",
    "Invoice",
    "InvoiceLine",
    "Journal",
    "JournalEntry",
    "JournalLine",
    "Reconciliation",
]
