"""Vocabularies of the ledger: account kinds and roles, journal kinds, entry states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """Where an account sits in the balance sheet or the income statement."""

    ASSET = "asset", _("Asset")  # what the company owns or is owed: bank, receivables, money held by Amazon
    LIABILITY = "liability", _("Liability")  # what it owes: payables, taxes to remit
    EQUITY = "equity", _("Equity")  # owners' capital and retained earnings
    INCOME = "income", _("Income")  # revenue, and its contra accounts such as refunds
    EXPENSE = "expense", _("Expense")  # costs such as Amazon fees


class AccountRole(models.TextChoices):
    """The purpose of an account of the default chart, so services find it without knowing its code."""

    RECEIVABLE = "receivable", _("Accounts receivable")  # customers owe us (invoices until paid)
    PAYABLE = "payable", _("Accounts payable")  # we owe vendors (bills until paid)
    BANK = "bank", _("Bank")  # the company's own bank account
    BANK_SUSPENSE = "bank_suspense", _("Bank suspense")  # statement lines not matched yet
    AMAZON_INTERMEDIARY = "amazon_intermediary", _("Amazon intermediary")  # money Amazon holds for us
    REVENUE = "revenue", _("Sales revenue")  # goods and shipping sold
    REFUNDS = "refunds", _("Sales refunds")  # contra-revenue for refunds and credit notes
    TAX_PAYABLE = "tax_payable", _("Tax payable")  # tax the seller collected and must remit itself
    TAX_MARKETPLACE = "tax_marketplace", _("Tax collected by marketplace")  # tax Amazon collects and remits
    TAX_RECEIVABLE = "tax_receivable", _("Tax receivable")  # input tax charged to the seller, deductible
    AMAZON_FEES = "amazon_fees", _("Amazon fees")  # commissions and fees billed by Amazon
    EQUITY = "equity", _("Equity")  # opening balances and retained earnings
    EXCHANGE_GAIN = "exchange_gain", _("Exchange gains")  # foreign amounts settled for more than booked
    EXCHANGE_LOSS = "exchange_loss", _("Exchange losses")  # foreign amounts settled for less than booked


class JournalKind(models.TextChoices):
    """What a journal records; bank journals also have an intermediary (suspense) account."""

    SALE = "sale", _("Sales")  # customer invoices and credit notes
    PURCHASE = "purchase", _("Purchases")  # vendor bills, e.g. Amazon commission bills
    BANK = "bank", _("Bank")  # payments and statements, e.g. "Amazon Payments"
    GENERAL = "general", _("Miscellaneous")  # everything else: openings, corrections


class EntryState(models.TextChoices):
    """Life of a journal entry: only posted entries count in balances."""

    DRAFT = "draft", _("Draft")  # being prepared, no number, free to change
    POSTED = "posted", _("Posted")  # numbered, immutable, counts in balances; undo by reversing
    CANCELED = "canceled", _("Canceled")  # a draft abandoned before posting


class InvoiceKind(models.TextChoices):
    """Customer documents of the sales journal."""

    INVOICE = "invoice", _("Invoice")  # what the customer owes for a sales order
    CREDIT_NOTE = "credit_note", _("Credit note")  # a refund: cancels all or part of an invoice


class InvoiceState(models.TextChoices):
    """Life of an invoice: numbered and booked when posted."""

    DRAFT = "draft", _("Draft")  # prepared from the order, no number, not in the books
    POSTED = "posted", _("Posted")  # numbered (gapless per journal and year), its journal entry posted
    CANCELED = "canceled", _("Canceled")  # a draft abandoned; a posted invoice is refunded by a credit note


class PaymentStatus(models.TextChoices):
    """Where a posted invoice or credit note stands, derived from the books (`payment_state.py`)."""

    NOT_PAID = "not_paid", _("Not paid")  # something due and no money received for it
    PARTIALLY_PAID = "partially_paid", _("Partially paid")  # money received, something still due
    PAID = "paid", _("Paid")  # nothing due; a credit note: paid back to the buyer or set against its invoice
    CREDITED = "credited", _("Credited")  # an invoice wholly reversed by its credit notes
