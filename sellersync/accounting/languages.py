"""The language of an invoice or credit note: chosen when the document is made, kept with it, and the one its
PDF is printed in, whoever prints it (a user who reads another language, or the worker that uploads it to
Amazon and has no user at all).

Chosen as the customer's language when set; else the one the caller gives (for an Amazon order, its
marketplace's, see `sellersync.spapi.marketplaces.DOCUMENT_LANGUAGES`; for a credit note, its invoice's);
else the default language (English). A draft's language may be changed; a posted document keeps the one it
was issued in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from sellersync.accounting.choices import InvoiceState
from sellersync.accounting.models import Invoice
from sellersync.core.errors import DomainError
from sellersync.core.models import Partner


class LanguageRefused(DomainError):
    """The language is not one sellersync prints in, or the document is no longer a draft."""


def document_language(partner: Partner, fallback: str = "") -> str:
    """The language of a new document for this customer: theirs, else `fallback`, else the default one."""
    return partner.language or fallback or settings.LANGUAGE_CODE


def change_invoice_language(invoice: Invoice, language: str) -> Invoice:
    """Print a draft invoice or credit note in another language (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise LanguageRefused(
            gettext("%(language)s is not a language of sellersync.") % {"language": language}
        )
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.state != InvoiceState.DRAFT:
            raise LanguageRefused(
                gettext("%(invoice)s is no longer a draft: it keeps the language it was issued in.")
                % {"invoice": locked}
            )
        locked.language = language
        locked.save(update_fields=["language"])
    invoice.refresh_from_db()
    return invoice
