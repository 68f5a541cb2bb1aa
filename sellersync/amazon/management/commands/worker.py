"""`sellersync worker`: the background worker (Huey's consumer: periodic syncs, retries)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEFAULT_WORKERS = 4


class Command(BaseCommand):
    help = "Run the background worker (Huey consumer with threads): periodic order syncs and retries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="threads running tasks")

    def handle(self, *args: Any, **options: Any) -> None:
        # Threads: the tasks wait on Amazon (I/O), and one process keeps a single rate-limit bucket.
        # No lock is released here: a killed job's account lock frees itself (sellersync/amazon/locks.py),
        # and the other workers' locks are theirs.
        call_command("run_huey", workers=options["workers"], worker_type="thread")
