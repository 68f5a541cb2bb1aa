"""The connector's commands: sync_orders, recover_order, demo (setup) and worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Sum

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.models import Invoice
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonOrder,
    AmazonRefund,
    AmazonReturn,
    AmazonSettlement,
    FbaInventoryLevel,
)
from sellersync.amazon.models.refunds import RefundState
from sellersync.amazon.models.settlements import SettlementState
from sellersync.amazon.sync.import_fba_inventory import amazon_location_of
from sellersync.core.models import Company, Product
from sellersync.sales.models import SalesOrder
from sellersync.stock.models import Carrier
from sellersync.stock.selectors import stock_on_hand
from tests.amazon.fixtures import Sandbox

pytestmark = pytest.mark.django_db


def test_sync_orders_for_one_account_creates_its_orders(na_account: AmazonAccount) -> None:
    # given
    out = StringIO()
    # when
    call_command("sync_orders", account=na_account.name, stdout=out)
    # then
    created = SalesOrder.objects.filter(amazon_order__account=na_account).count()
    assert created > 20
    assert out.getvalue().startswith(f"{na_account.name}: Orders: {created} created")


def test_sync_orders_refuses_an_unknown_account(na_account: AmazonAccount) -> None:
    # when / then
    with pytest.raises(CommandError, match="No Amazon account with id or name 'nope'"):
        call_command("sync_orders", account="nope")


def test_recover_order_by_account_id(sandbox: Sandbox, na_account: AmazonAccount) -> None:
    # given
    (amazon_id,) = sandbox.create_orders(
        na_account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped"
    )
    sandbox.advance(1800)
    out = StringIO()
    # when
    call_command("recover_order", str(na_account.pk), amazon_id, stdout=out)
    # then
    binding = AmazonOrder.objects.get(account=na_account, amazon_id=amazon_id)
    assert binding.sales_order is not None
    assert out.getvalue().strip() == f"{amazon_id} -> {binding.sales_order.name}"


def test_recover_order_of_an_unknown_order_fails_loudly(na_account: AmazonAccount) -> None:
    # when / then
    with pytest.raises(CommandError, match="999-0000000-0000000 failed: .*not found"):
        call_command("recover_order", na_account.name, "999-0000000-0000000")


@pytest.mark.django_db(transaction=True)  # the demo reads the returns in a thread of its own (own connection)
def test_demo_setup_seeds_the_company_the_admin_and_one_account_per_sandbox_seller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # given
    monkeypatch.setenv("DEMO_PASSWORD", "demo-secret-1")
    out = StringIO()
    # when
    call_command(
        "demo", setup_only=True, sandbox_port=0, sandbox_state=tmp_path / "sandbox.sqlite3", stdout=out
    )
    call_command(
        "demo", setup_only=True, sandbox_port=0, sandbox_state=tmp_path / "sandbox.sqlite3", stdout=out
    )
    # then
    company = Company.objects.get(name="Demo Store")
    accounts = {account.region: account for account in AmazonAccount.objects.filter(company=company)}
    admin = get_user_model().objects.get(username="admin")
    assert company.currency_id == "USD"
    assert admin.is_superuser and admin.check_password("demo-secret-1")
    assert sorted(accounts) == ["EU", "NA"]
    assert accounts["NA"].marketplaces.count() == 3
    assert accounts["EU"].marketplaces.count() == 5
    assert (accounts["NA"].environment, accounts["EU"].environment) == ("sandbox", "sandbox")
    assert (tmp_path / "sandbox.sqlite3").exists()
    # and the usual carriers are there to ship with, each once, under Amazon's carrier code
    carriers = dict(Carrier.objects.values_list("name", "amazon_carrier_code"))
    assert {name: carriers.get(name) for name in ("UPS", "USPS", "FedEx", "DHL")} == {
        "UPS": "UPS",
        "USPS": "USPS",
        "FedEx": "FedEx",
        "DHL": "DHL",
    }
    # and the books were filled at start, each step after the one it needs, for each account
    for account in accounts.values():
        bindings = AmazonOrder.objects.filter(account=account, sales_order__isnull=False)
        shipped = bindings.filter(amazon_status="Shipped")
        assert bindings.count() > 20 and shipped.count() > 5
        # every order Amazon shipped is invoiced (once: the second start invoiced nothing more)
        invoiced = Invoice.objects.filter(
            sales_order__amazon_order__account=account, kind=InvoiceKind.INVOICE
        )
        assert sorted(invoiced.values_list("sales_order_id", flat=True)) == sorted(
            shipped.values_list("sales_order_id", flat=True)
        )
        # the payout groups are stored, and every closed one is booked
        settlements = AmazonSettlement.objects.filter(account=account)
        assert settlements.exists()
        closed = settlements.filter(processing_status="Closed")
        assert set(closed.values_list("state", flat=True)) <= {SettlementState.POSTED}
        # and the FBA inventory levels were read
        assert FbaInventoryLevel.objects.filter(account=account).count() > 0
        # and Amazon's count is the Amazon location's opening stock: never below zero after the FBA sales
        location = amazon_location_of(account)
        for product_id, amazon_total in (
            FbaInventoryLevel.objects.filter(account=account, product__isnull=False)
            .values_list("product")
            .annotate(total=Sum("amazon_total"))
        ):
            assert stock_on_hand(Product(pk=product_id), location) == amazon_total
        assert f"{account}: {bindings.count()} orders in the books" in out.getvalue()
        # and the sandbox's earlier weeks brought refunds, each a posted credit note of its order's invoice,
        # and returns of the refunded units, each of an order in the books (the sandbox's history holds 4
        # refunded orders per seller, 3 or more of them returned)
        refunds = AmazonRefund.objects.filter(account=account)
        credited = refunds.filter(state=RefundState.CREDITED)
        assert credited.count() >= 4
        for refund in credited.select_related("credit_note__credited_invoice"):
            note = refund.credit_note
            assert note is not None and note.state == InvoiceState.POSTED
            assert note.credited_invoice is not None
            assert note.credited_invoice.sales_order_id == note.sales_order_id == refund.sales_order_id
        returns = AmazonReturn.objects.filter(account=account)
        assert returns.count() >= 3
        assert not returns.filter(sales_order__isnull=True).exists()
        assert f"{credited.count()} refunds credited, {returns.count()} returns" in out.getvalue()


def test_worker_starts_huey_with_threads(tmp_path: Path) -> None:
    # given
    # given the default storage (no REDIS_URL): Huey keeps its queue in SQLite under the var directory
    env = {**os.environ, "SELLERSYNC_VAR_DIR": str(tmp_path), "LOG_LEVEL": "INFO"}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "sellersync.cli", "worker", "--workers", "2"]
    # when
    worker = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
    try:
        output = _read_until(worker, "Huey consumer started", timeout=90)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    # then
    assert "Huey consumer started with 2 thread" in output, output
    assert (tmp_path / "huey.sqlite3").exists()


def _read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline and marker not in seen:
        line = process.stdout.readline()
        if not line:
            break
        seen += line
    return seen
