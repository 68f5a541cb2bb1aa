"""In a real browser (Debian's chromium, driven by Playwright): the demo, as `sellersync demo` sets it up,
starts with refunded and returned orders in its books (the sandbox's earlier weeks, imported by the worker's
own synchronizers). A sales order shows its credit note and its return, its invoice lists the credit note,
and the dashboard's refunds are the credit notes' untaxed amounts, not 0."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from sellersync.accounting.choices import InvoiceKind, InvoiceState
from sellersync.accounting.models import Invoice
from sellersync.amazon.models import AmazonReturn
from tests.e2e.browser import BROWSER_TEST, PASSWORD, SCREENSHOTS, login, root_urls_with

urlpatterns = root_urls_with("dashboard", "dashboard/", "sellersync.dashboard.urls")

pytestmark = [*BROWSER_TEST, pytest.mark.urls(__name__)]


def test_the_demo_starts_with_a_credit_note_and_a_return_on_the_order_and_refunds_on_the_dashboard(
    live_server: Any, browser_page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from playwright.sync_api import expect

    # given the demo set up as `make demo` does before it serves
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    sandbox_state = tmp_path / "sandbox.sqlite3"
    call_command("demo", setup_only=True, sandbox_port=0, sandbox_state=sandbox_state, stdout=StringIO())
    credit_notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, state=InvoiceState.POSTED)
    returned_orders = AmazonReturn.objects.filter(sales_order__isnull=False).values("sales_order_id")
    note = credit_notes.filter(sales_order_id__in=returned_orders).order_by("pk").first()
    assert note is not None and note.credited_invoice is not None
    order, invoice = note.sales_order, note.credited_invoice
    customer_return = AmazonReturn.objects.filter(sales_order=order).order_by("pk").first()
    assert customer_return is not None
    page = browser_page
    login(page, live_server, "admin", PASSWORD)

    # when the user opens that sales order
    page.goto(live_server.url + reverse("admin:sales_salesorder_change", args=(order.pk,)))
    # then its linked records show the invoice, the credit note with its amount, and the return
    invoices = page.locator(".field-linked_invoices")
    expect(invoices).to_contain_text(str(invoice))
    expect(invoices).to_contain_text(f"{note} Credit note · {note.amount_total} {note.currency_id}")
    returns = page.locator(".field-linked_returns")
    expect(returns).to_contain_text(f"{customer_return.sku} × {customer_return.quantity}")
    expect(returns).to_contain_text(str(note))
    page.screenshot(path=str(SCREENSHOTS / "demo-order-refund.png"), full_page=True)

    # when the user opens the invoice: it lists its credit note, linked, and the amount credited
    page.goto(live_server.url + reverse("admin:accounting_invoice_change", args=(invoice.pk,)))
    expect(page.locator(".field-credit_notes a.credit-note-link")).to_have_text(note.number)
    expect(page.locator(".field-amount_credited")).to_contain_text(
        f"{note.amount_receivable} {note.currency_id}"
    )

    # when the user opens the dashboard
    page.goto(live_server.url + reverse("dashboard:index"))
    page.screenshot(path=str(SCREENSHOTS / "demo-dashboard-refunds.png"), full_page=True)
    # then each currency's refunds are the sum of its credit notes' untaxed amounts, and some are not 0
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for currency, untaxed in credit_notes.values_list("currency_id", "amount_untaxed"):
        expected[currency] += untaxed
    cards = page.locator("#report-totals .report-total")
    shown = {
        cards.nth(index).get_attribute("data-currency"): Decimal(
            cards.nth(index).locator(".refunded").inner_text()
        )
        for index in range(cards.count())
    }
    assert {currency: shown[currency] for currency in expected} == expected
    assert sum(shown.values(), Decimal(0)) > 0
