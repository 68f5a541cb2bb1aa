"""`sellersync sync_orders [--account ID|NAME]`: synchronize orders now, one run per account."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sellersync.amazon.admin.results import describe_run
from sellersync.amazon.choices import SyncRunStatus
from sellersync.amazon.management.commands._accounts import accounts_named
from sellersync.amazon.sync.import_orders import sync_orders


class Command(BaseCommand):
    help = "Synchronize Amazon orders now (every active account, or the one given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", help="id or name of the account (default: every active account)")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for account in accounts_named(options["account"]):
            run = sync_orders(account)
            line = f"{account}: {describe_run(run)}"
            if run.status == SyncRunStatus.FAILED:
                failed += 1
                self.stderr.write(self.style.ERROR(line))
            else:
                self.stdout.write(self.style.SUCCESS(line))
        if failed:
            raise SystemExit(1)
