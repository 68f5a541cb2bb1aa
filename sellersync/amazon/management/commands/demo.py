"""`sellersync demo` (`make demo`): the whole thing in one command, on this machine.

Migrates, seeds a "Demo Store" company and a superuser `admin`, starts the local SP-API sandbox in a thread
of this process (its state in var/sandbox.sqlite3, its clock running `--time-scale` times faster so that the
seller "lives on"; `DEMO_HISTORY_DAYS` of earlier orders, a few already refunded and returned), points
SPAPI_SANDBOX_URL at it, registers a Sandbox Amazon account per sandbox seller (NA with access to buyer
data, EU without), fills the books (see `demo_books`: orders synced, those Amazon shipped invoiced, then
settlements, refunds, FBA inventory levels and customer returns imported, in that order since a settlement
pays invoices), then runs the worker and the web server as child processes with the same SPAPI_SANDBOX_URL.
Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess  # nosec B404  # fixed commands of our own interpreter (below)
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sellersync.accounting.models import ExchangeRate
from sellersync.accounting.rates import set_rate
from sellersync.amazon import services
from sellersync.amazon.choices import Environment, Region
from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonRefund, AmazonReturn
from sellersync.amazon.sync.import_fba_inventory import adopt_amazon_counts, import_fba_inventory
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.amazon.sync.import_refunds import import_refunds
from sellersync.amazon.sync.import_returns import ReturnsImport, import_returns
from sellersync.amazon.sync.import_settlements import import_settlements
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from sellersync.core.errors import DomainError
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company
from sellersync.sales.models import SalesOrder
from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from sellersync.spapi.errors import SpApiError
from sellersync.stock.models import Carrier
from sellersync.stock.services import get_or_create_amazon_location, setup_company_stock

DEMO_COMPANY = "Demo Store"
DEMO_USER = "admin"
DEMO_REGIONS = (Region.NA, Region.EU)  # NA: buyer data granted; EU: not granted ("Amazon Customer")
#: the sandbox's earlier history (sandbox/history.py): shipped orders of these weeks, a few already refunded
#: and returned, so the books show credit notes, returns and refunds from the start
DEMO_HISTORY_DAYS = 24
FIRST_SYNC_DAYS_BACK = DEMO_HISTORY_DAYS + 1
#: units of each currency per 1 USD (accounting.rates: the Odoo direction), for the demo only
DEMO_RATES_PER_USD = {"CAD": "1.3650", "MXN": "17.1000", "GBP": "0.7900", "EUR": "0.9200", "JPY": "150.00"}
STOP_TIMEOUT_SECONDS = 10


class Command(BaseCommand):
    help = "Start the demo: web server, worker and local SP-API sandbox, seeded with a demo seller."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--sandbox-port", type=int, default=int(os.environ.get("SANDBOX_PORT", "8100")))
        parser.add_argument("--sandbox-state", type=Path, default=Path(settings.VAR_DIR) / "sandbox.sqlite3")
        parser.add_argument("--time-scale", type=float, default=60.0, help="sandbox seconds per real second")
        parser.add_argument("--setup-only", action="store_true", help="prepare everything, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        company = demo_company()
        password = demo_superuser()
        app = create_app(
            options["sandbox_state"], time_scale=options["time_scale"], history_days=DEMO_HISTORY_DAYS
        )
        with serve_in_thread(app, port=options["sandbox_port"]) as sandbox_url:
            settings.SPAPI_SANDBOX_URL = sandbox_url  # this process's clients; the children get it by env
            settings.SPAPI_TIME_SCALE = options["time_scale"]  # the sandbox's rate limits refill that fast
            accounts = demo_accounts(company, sandbox_url)
            self.stdout.write(
                _("SP-API sandbox: %(url)s (time x%(scale)s)")
                % {"url": sandbox_url, "scale": f"{options['time_scale']:g}"}
            )
            for account in accounts:
                count = account.marketplaces.count()
                self.stdout.write(
                    ngettext(
                        "Amazon account: %(account)s (%(count)d marketplace)",
                        "Amazon account: %(account)s (%(count)d marketplaces)",
                        count,
                    )
                    % {"account": account, "count": count}
                )
            for account in accounts:
                self.stdout.write(demo_books(account))
            if options["setup_only"]:
                return
            self._serve(options["port"], options["time_scale"], password, sandbox_url)

    def _serve(self, port: int, time_scale: float, password: str, sandbox_url: str) -> None:
        env = {
            **os.environ,
            "SPAPI_SANDBOX_URL": sandbox_url,
            "SPAPI_TIME_SCALE": str(time_scale),
            "DJANGO_SETTINGS_MODULE": "sellersync.settings",
        }
        cli = [sys.executable, "-m", "sellersync.cli"]
        children = [
            subprocess.Popen([*cli, "worker"], env=env),  # noqa: S603  # nosec B603  # our interpreter, fixed arguments
            subprocess.Popen([*cli, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env),  # noqa: S603  # nosec B603
        ]
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, _raise_keyboard_interrupt)
        self.stdout.write(self.style.SUCCESS(f"\nsellersync: http://127.0.0.1:{port}/"))
        self.stdout.write(
            _("login: %(user)s   password: %(password)s") % {"user": DEMO_USER, "password": password}
        )
        self.stdout.write(_("Ctrl-C stops everything."))
        try:
            while all(child.poll() is None for child in children):
                try:
                    children[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            self.stdout.write(_("Stopping..."))
        finally:
            _stop(children)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()


def demo_company() -> Company:
    """The "Demo Store" company (USD), with its warehouse, Amazon location and exchange rates."""
    company = Company.objects.filter(name=DEMO_COMPANY).first()
    if company is None:
        company = create_company(DEMO_COMPANY, Currency.objects.get(code="USD"), "US")
    setup_company_stock(company)
    get_or_create_amazon_location(company)
    demo_exchange_rates(company)
    demo_carriers()
    return company


#: Carriers a seller ships FBM orders with, named as Amazon's carrier codes (the name is what Amazon is told).
DEMO_CARRIERS = ("UPS", "USPS", "FedEx", "DHL", "Royal Mail", "Deutsche Post")


def demo_carriers() -> None:
    """The usual carriers beside "Self Delivery", so that a delivery can be shipped as a seller would."""
    for name in DEMO_CARRIERS:
        Carrier.objects.get_or_create(name__iexact=name, defaults={"name": name, "amazon_carrier_code": name})


def demo_exchange_rates(company: Company) -> None:
    """Plausible rates (units per 1 USD) for the sandbox marketplaces' currencies, dated Jan 1 of last year,
    for the currencies that have none yet: the user's own rates are never overwritten (no internet)."""
    since = date(timezone.localdate().year - 1, 1, 1)
    for code, rate in DEMO_RATES_PER_USD.items():
        if not ExchangeRate.objects.filter(company=company, currency_id=code).exists():
            set_rate(company, code, since, Decimal(rate))


def demo_superuser() -> str:
    """The `admin` superuser, with DEMO_PASSWORD or a new random password; returns the password."""
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    user, _created = get_user_model().objects.get_or_create(
        username=DEMO_USER, defaults={"is_staff": True, "is_superuser": True, "email": "admin@localhost"}
    )
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return password


def demo_accounts(company: Company, sandbox_url: str) -> list[AmazonAccount]:
    """One Sandbox account per sandbox seller of the demo regions, marketplaces read."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        sellers = http.get("/_sandbox/sellers").json()
        sandbox_now = datetime.fromisoformat(http.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))
    accounts = []
    for region in DEMO_REGIONS:
        seller = next(seller for seller in sellers if seller["region"] == region)
        account = _demo_account(company, seller, sandbox_now - timedelta(days=FIRST_SYNC_DAYS_BACK))
        services.update_marketplaces(account)
        accounts.append(account)
    return accounts


def demo_books(account: AmazonAccount) -> str:
    """The account's books filled at start, each step after the one it needs, through the worker's own
    synchronizers: orders synced, the orders Amazon shipped invoiced (and posted), settlements imported (a
    settlement pays invoices and takes refunds back: the closed 14-day periods are booked, their refunds
    credited first, so fees, margins and refunds show), the other refunds credited, the customer returns
    (read meanwhile, once the orders are in: Amazon's reports take a while, waiting on Amazon, not on us),
    then FBA inventory levels read and taken as the Amazon location's opening stock. Returns what was done.
    Amazon's refusal of one step is said and the next steps still run."""
    run = sync_orders(account)
    refused: list[str] = []
    with ThreadPoolExecutor(max_workers=1) as background:
        returns = background.submit(_read_returns, account)
        shipped = SalesOrder.objects.filter(
            amazon_order__account=account, amazon_order__amazon_status="Shipped"
        ).select_related("currency")
        invoices = create_amazon_invoices(shipped, on_refused=lambda order, error: refused.append(order.name))
        booked = 0
        try:
            with services.client_for_account(account) as client:
                booked = import_settlements(account, client).booked
                import_refunds(account, client)
        except (SpApiError, DomainError) as error:
            refused.append(str(error))
        try:  # the returns' restocked units before Amazon's count is taken as the opening stock
            refused += returns.result().errors
        except (SpApiError, DomainError) as error:
            refused.append(str(error))
    levels = 0
    try:
        with services.client_for_account(account) as client:
            levels = len(import_fba_inventory(account, client))
        # the opening stock of a seller starting with sellersync: the Amazon location holds Amazon's count
        adopt_amazon_counts(account)
    except (SpApiError, DomainError) as error:
        refused.append(str(error))
    text = _books_summary(account, len(invoices), booked, levels)
    if run.error or refused:
        text += " " + _("Not done: %(errors)s") % {"errors": "; ".join([run.error, *refused]).strip("; ")}
    return text


def _read_returns(account: AmazonAccount) -> ReturnsImport:
    """The account's customer returns (the worker's import), in a thread with its own connection."""
    try:
        with services.client_for_account(account) as client:
            return import_returns(account, client)
    finally:
        connection.close()


def _books_summary(account: AmazonAccount, invoices: int, settlements: int, skus: int) -> str:
    orders = AmazonOrder.objects.filter(account=account, sales_order__isnull=False).count()
    refunds = AmazonRefund.objects.filter(account=account, credit_note__isnull=False).count()
    returns = AmazonReturn.objects.filter(account=account).count()
    return _(
        "%(account)s: %(orders)s in the books, %(invoices)d invoiced, %(settlements)s booked, %(refunds)s "
        "credited, %(returns)s, %(skus)s read."
    ) % {
        "account": account,
        "orders": ngettext("%(count)d order", "%(count)d orders", orders) % {"count": orders},
        "invoices": invoices,
        "settlements": ngettext("%(count)d settlement", "%(count)d settlements", settlements)
        % {"count": settlements},
        "refunds": ngettext("%(count)d refund", "%(count)d refunds", refunds) % {"count": refunds},
        "returns": ngettext("%(count)d return", "%(count)d returns", returns) % {"count": returns},
        "skus": ngettext("%(count)d FBA SKU", "%(count)d FBA SKUs", skus) % {"count": skus},
    }


def _demo_account(company: Company, seller: dict[str, Any], first_sync: datetime) -> AmazonAccount:
    account, created = AmazonAccount.objects.update_or_create(
        company=company,
        name=f"{seller['name']} ({seller['region']})",
        defaults={
            "seller_id": seller["seller_id"],
            "region": seller["region"],
            "lwa_client_id": seller["client_id"],
            "lwa_client_secret": seller["client_secret"],
            "refresh_token": seller["refresh_token"],
            "environment": Environment.SANDBOX,
            "sync_interval_minutes": 1,
        },
    )
    if created:
        account.last_order_sync = first_sync
        account.save(update_fields=["last_order_sync"])
    return account
