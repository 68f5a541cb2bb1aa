"""Shared by the connector's commands: find an account by id or name."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sellersync.amazon.models import AmazonAccount


def accounts_named(reference: str | None) -> QuerySet[AmazonAccount]:
    """Active accounts, or the one whose id or name is `reference` (an error if there is none)."""
    if reference is None:
        return AmazonAccount.objects.filter(is_active=True).order_by("pk")
    by_id = (
        AmazonAccount.objects.filter(pk=int(reference))
        if reference.isdigit()
        else AmazonAccount.objects.none()
    )
    found = by_id if by_id.exists() else AmazonAccount.objects.filter(name=reference)
    if not found.exists():
        raise CommandError(_("No Amazon account with id or name '%(reference)s'") % {"reference": reference})
    if found.count() > 1:
        raise CommandError(
            _("Several Amazon accounts are named '%(reference)s': use the id") % {"reference": reference}
        )
    return found
