"""E-mails to an account's responsible users: one summary per feed (or confirmShipment pass) listing the
shipments and cancellations Amazon refused, with Amazon's own error text, in each recipient's language (their
back-office choice, else the default). Django's e-mail framework sends them (the console or file backend in
the demo)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon.models import AmazonAccount, OutboundMessage


def responsible_addresses_by_language(account: AmazonAccount) -> dict[str, list[str]]:
    """The responsible users' addresses grouped by the language they chose (the default one if none)."""
    users = account.responsible_users.filter(is_active=True).exclude(email="").order_by("pk")
    groups: dict[str, list[str]] = {}
    for email, language in users.values_list("email", "preference__language"):
        groups.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    return groups


def notify_failed_shipments(
    account: AmazonAccount, failed: Sequence[OutboundMessage], *, feed_id: str
) -> int:
    """Send the summary about these failed messages, one e-mail per language of the recipients; returns the
    number of e-mails sent."""
    if not failed:
        return 0
    sent = 0
    for language, recipients in responsible_addresses_by_language(account).items():
        with translation.override(language):
            subject = ngettext(
                "Amazon: %(count)d message failed to synchronize (%(account)s)",
                "Amazon: %(count)d messages failed to synchronize (%(account)s)",
                len(failed),
            ) % {
                "count": len(failed),
                "account": account.name,
            }
            body = failure_summary(account, failed, feed_id)
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return sent


def failure_summary(account: AmazonAccount, failed: Sequence[OutboundMessage], feed_id: str) -> str:
    """The body: where it came from, then one block per failed message with Amazon's error."""
    if feed_id:
        intro = _("Amazon could not process every message of feed %(feed)s for account %(account)s.")
    else:
        intro = _("Amazon refused shipment confirmations for account %(account)s.")
    lines = [intro % {"feed": feed_id, "account": account.name}, ""]
    for message in failed:
        lines.append(
            _("- %(kind)s %(reference)s, Amazon order %(order)s:")
            % {
                "kind": message.get_kind_display(),
                "reference": message.payload.get("picking") or message.reference,
                "order": message.amazon_order_id,
            }
        )
        lines.extend(f"    {line}" for line in (message.amazon_error or "").splitlines())
    lines += ["", _("Correct them, then press Retry Amazon Sync on each transfer.")]
    return "\n".join(lines)
