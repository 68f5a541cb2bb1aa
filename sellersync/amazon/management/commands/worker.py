"""`sellersync worker`: the background worker (Huey's consumer: periodic syncs, retries)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from sellersync.amazon.tasks import account_lock_names

DEFAULT_WORKERS = 4


class Command(BaseCommand):
    help = "Run the background worker (Huey consumer with threads): periodic order syncs and retries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="threads running tasks")

    def handle(self, *args: Any, **options: Any) -> None:
        # Threads: the tasks wait on Amazon (I/O), and one process keeps a single rate-limit bucket.
        # Locks a killed worker left are released as the consumer starts (Huey's extra_locks).
        try:
            stale = ",".join(account_lock_names())
        except DatabaseError as error:  # not migrated yet: no account, so no lock to release
            self.stderr.write(f"no account lock released: {type(error).__name__}: {error}")
            stale = ""
        call_command("run_huey", workers=options["workers"], worker_type="thread", extra_locks=stale or None)
