"""`sellersync recover_order ACCOUNT ORDER_ID`: fetch one order again by its Amazon reference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sellersync.amazon import services
from sellersync.amazon.choices import OrderSyncState
from sellersync.amazon.management.commands._accounts import accounts_named


class Command(BaseCommand):
    help = "Fetch one Amazon order again and apply it (created if missing, updated otherwise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("account", help="id or name of the Amazon account")
        parser.add_argument("order_id", help="the Amazon order reference, e.g. 113-1234567-1234567")

    def handle(self, *args: Any, **options: Any) -> None:
        account = accounts_named(options["account"]).get()
        binding = services.recover_order(account, options["order_id"])
        if binding.sync_state != OrderSyncState.SYNCED or binding.sales_order is None:
            raise CommandError(
                _("%(order)s failed: %(error)s") % {"order": binding.amazon_id, "error": binding.last_error}
            )
        self.stdout.write(self.style.SUCCESS(f"{binding.amazon_id} -> {binding.sales_order}"))
