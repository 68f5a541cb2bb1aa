"""`sellersync rotate_keys`: re-encrypt every secret at rest under the newest Fernet key.

Key rotation (docs/production.md): put a new key first in SELLERSYNC_FERNET_KEYS (or the key file), restart
the web server and the workers, run this command, then remove the old key and restart again. Every encrypted
field of every model (LWA client secrets, refresh tokens, buyer data of order versions) is read with any of
the keys and written back with the first one, model by model in one transaction each; a value that no key
opens stops the command with its model, field and row named, that model left as it was.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.amazon.fields import EncryptedTextField

BATCH_SIZE = 500


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, and the names of those fields."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate_model(model: type[models.Model], field_names: list[str]) -> int:
    """Re-encrypt the model's non-empty secrets under the first key; the number of values rewritten."""
    manager = model._default_manager
    rewritten, last_pk = 0, None
    with transaction.atomic():
        while True:
            rows = manager.select_for_update().order_by("pk").only("pk", *field_names)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            try:
                batch = list(rows[:BATCH_SIZE])  # each value decrypted with whichever key opens it
            except ImproperlyConfigured as error:
                raise CommandError(
                    _("%(error)s (the row after id %(pk)s): nothing of %(model)s was changed")
                    % {"error": error, "pk": last_pk or "-", "model": model._meta.label}
                ) from error
            if not batch:
                return rewritten
            last_pk = batch[-1].pk
            with_secrets = [row for row in batch if any(getattr(row, name) for name in field_names)]
            rewritten += sum(1 for row in with_secrets for name in field_names if getattr(row, name))
            if with_secrets:
                manager.bulk_update(with_secrets, field_names)  # written back under the first key


class Command(BaseCommand):
    help = "Re-encrypt every secret at rest under the newest key of SELLERSYNC_FERNET_KEYS (the first one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count the secrets, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, field_names in encrypted_fields():
            if options["dry_run"]:
                count = sum(
                    model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True}).count()
                    for name in field_names
                )
            else:
                count = rotate_model(model, field_names)
            total += count
            self.stdout.write(f"{model._meta.label}: {count} ({', '.join(field_names)})")
        if options["dry_run"]:
            summary = ngettext(
                "%(count)d secret would be re-encrypted.", "%(count)d secrets would be re-encrypted.", total
            )
        else:
            summary = ngettext(
                "%(count)d secret re-encrypted under the newest key.",
                "%(count)d secrets re-encrypted under the newest key.",
                total,
            )
        self.stdout.write(self.style.SUCCESS(summary % {"count": total}))
        if len(settings.FERNET_KEYS) > 1 and not options["dry_run"]:
            self.stdout.write(
                _("The older keys can now be removed (then restart the web server and the workers).")
            )
