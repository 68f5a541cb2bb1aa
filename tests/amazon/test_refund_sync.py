"""Refunds against the sandbox over HTTP: the refund events become credit notes, uploaded on EU marketplaces;
the settlement that carries the same refunds makes none twice and matches them; a month with refunds leaves
the intermediary account and the awaiting account at zero."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from sellersync.accounting.choices import AccountRole, InvoiceKind, InvoiceState, PaymentStatus
from sellersync.accounting.models import Invoice
from sellersync.accounting.payment_state import payment_state
from sellersync.accounting.selectors import account_balance, unreconciled_lines
from sellersync.accounting.services import get_account
from sellersync.amazon import services
from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import (
    AmazonAccount,
    AmazonMarketplace,
    AmazonRefund,
    AmazonRefundCursor,
    AmazonSettlementLine,
    OutboundMessage,
)
from sellersync.amazon.models.refunds import RefundState
from sellersync.amazon.models.settlements import SettlementMatch
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.amazon.sync.import_refunds import import_refunds
from sellersync.amazon.sync.import_settlements import import_settlements
from sellersync.amazon.sync.settlement_books import awaiting_invoice_account
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices, sync_invoices
from sellersync.core.models import Company, Currency
from sellersync.core.services import create_company
from sellersync.sales.models import SalesOrder
from sellersync.spapi.client import SpApiClient
from tests.amazon.fixtures import Sandbox, make_account

FRANCE = "A13V1IB3VIYZZH"
US = "ATVPDKIKX0DER"
DAY = 24 * 3600


def _refunds_on_amazon(client: SpApiClient, currency: str = "") -> dict[str, Decimal]:
    """The test's own reading of Amazon's refund events: per order, what the buyer got back (the refunded
    charges and promotions, Amazon's sign reversed: a promotion given back and a restocking fee kept are
    positive on Amazon's side, so they lessen it), of every refund the seller has so far (in `currency`)."""
    refunded: dict[str, Decimal] = {}
    for page in client.finances_v0.iter_financial_events(max_results_per_page=100):
        for event in page.refund_event_list:
            amounts = [
                charge.charge_amount
                for item in event.shipment_item_adjustment_list
                for charge in item.item_charge_adjustment_list
                if charge.charge_amount and charge.charge_amount.currency_amount is not None
            ]
            if currency and {amount.currency_code for amount in amounts} != {currency}:
                continue
            promotions = [
                promotion.promotion_amount
                for item in event.shipment_item_adjustment_list
                for promotion in item.promotion_adjustment_list
                if promotion.promotion_amount
            ]
            total = sum(
                (-Decimal(money.currency_amount or 0) for money in [*amounts, *promotions]), Decimal(0)
            )
            assert event.amazon_order_id is not None
            refunded[event.amazon_order_id] = refunded.get(event.amazon_order_id, Decimal(0)) + total
    return refunded


def _status(document: Invoice) -> tuple[PaymentStatus, Decimal]:
    state = payment_state(document)
    assert state is not None
    return state.status, state.amount_due


def _lines(invoice: Invoice) -> list[tuple[str, str, Decimal, Decimal, Decimal]]:
    return [
        (line.line_kind, line.description, line.quantity, line.subtotal, line.tax_amount)
        for line in invoice.lines.order_by("sequence", "pk")
    ]


def _books_orders(account: AmazonAccount, order_ids: list[str]) -> list[SalesOrder]:
    orders = []
    for order_id in order_ids:
        binding = services.recover_order(account, order_id)
        assert binding.sales_order is not None, binding.last_error
        orders.append(binding.sales_order)
    return orders


@pytest.fixture
def eu_client(eu_account: AmazonAccount) -> Iterator[SpApiClient]:
    with client_for_account(eu_account) as client:
        yield client


def test_refund_events_then_the_settlement_make_one_credit_note_each_uploaded_and_matched(
    sandbox: Sandbox, eu_account: AmazonAccount, eu_client: SpApiClient, admin_client: Any
) -> None:
    # given two Amazon.fr orders shipped and invoiced; Amazon refunds the first wholly, and one unit of the
    # second's first item keeping a restocking fee of 2.00
    order_ids = sandbox.create_orders(
        eu_account.seller_id, 2, marketplace_id=FRANCE, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(6 * 3600)  # FBA ships within 5 hours
    invoices = create_amazon_invoices(_books_orders(eu_account, order_ids))
    whole, partial = order_ids
    first_item = sandbox.truth(eu_account.seller_id)[partial]["items"][0]
    sandbox.refund(whole)
    sandbox.refund(
        partial, [{"order_item_id": first_item["order_item_id"], "quantity": 1}], restocking_fee="2.00"
    )
    sandbox.advance(180)
    refunded = {
        order_id: amount
        for order_id, amount in _refunds_on_amazon(eu_client).items()
        if order_id in order_ids
    }
    assert len(invoices) == 2 and set(refunded) == set(order_ids)
    # when the refund events are read
    first = import_refunds(eu_account, eu_client)
    # then each refund of our orders is one posted credit note of its invoice, for what the buyer got back;
    # the seller's other orders' refunds wait for their order (Amazon's clock runs on meanwhile)
    assert (first.credited, first.failed) == (2, 0)
    assert first.seen == first.new == first.credited + first.pending
    credit_notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, state=InvoiceState.POSTED)
    assert {note.origin: note.amount_total for note in credit_notes} == refunded
    assert AmazonRefundCursor.objects.filter(account=eu_account).exists()
    # and the whole refund credits every line of its invoice as invoiced; the partial one keeps the fee
    [invoice] = [invoice for invoice in invoices if invoice.origin == whole]
    whole_note = credit_notes.get(origin=whole)
    assert _lines(whole_note) == _lines(invoice)
    partial_note = credit_notes.get(origin=partial)
    fee = partial_note.lines.get(line_kind="restocking_fee")
    assert (fee.subtotal, fee.tax_amount, fee.total) == (Decimal("-2.00"), Decimal(0), Decimal("-2.00"))
    assert AmazonRefund.objects.get(credit_note=partial_note).restocking_fee == Decimal("2.00")
    # and, before any settlement, the whole refund leaves its invoice credited with nothing due, the partial
    # one leaves its invoice not paid with its total less the credit note due (a credit note is no payment)
    [partial_invoice] = [invoice for invoice in invoices if invoice.origin == partial]
    assert _status(invoice) == (PaymentStatus.CREDITED, Decimal("0.00"))
    assert _status(partial_invoice) == (
        PaymentStatus.NOT_PAID,
        partial_invoice.amount_receivable - partial_note.amount_receivable,
    )
    # and the credit notes are uploaded to Amazon like the invoices, as credit notes with the refund's id
    sync_invoices(eu_account, eu_client)
    sandbox.advance(180)
    sync_invoices(eu_account, eu_client)
    for note in credit_notes:
        message = OutboundMessage.objects.get(kind=OutboundKind.INVOICE, reference=f"invoice:{note.pk}")
        options = message.payload["feed_options"]
        assert (message.state, message.amazon_error) == (OutboundState.SYNCED, "")
        assert options["metadata:documenttype"] == "CreditNote"
        assert options["metadata:transactionid"] == note.transaction_id != ""
        assert options["metadata:totalamount"] == str(note.amount_total)
    # and the sales order page shows its credit note, linked, with the upload state
    note = credit_notes.first()
    assert note is not None
    page = admin_client.get(reverse("admin:sales_salesorder_change", args=(note.sales_order_id,)))
    html = page.content.decode()
    assert reverse("admin:accounting_invoice_change", args=(note.pk,)) in html
    assert note.number in html and "Synced with Amazon" in html

    # when the periods close and the settlements (with the same refunds) are imported, and the events re-read
    sandbox.advance(30 * DAY)
    import_settlements(eu_account, eu_client)
    again = import_refunds(eu_account, eu_client)
    # then still one refund and one credit note per refund; the settlement's refund lines match them
    assert AmazonRefund.objects.filter(amazon_order_id__in=order_ids).count() == 2
    assert credit_notes.count() == 2
    assert (again.new, again.credited) == (0, 0)
    refund_lines = AmazonSettlementLine.objects.filter(
        event_type="refund", kind="charge", amazon_order_id__in=order_ids
    )
    assert {line.amazon_order_id for line in refund_lines} == set(refunded)
    assert {line.match for line in refund_lines} == {SettlementMatch.MATCHED}
    receivable = get_account(eu_account.company, AccountRole.RECEIVABLE)
    for order_id in refunded:
        assert not unreconciled_lines(receivable, matching_key=order_id).exists()
    # and Amazon paid both invoices and paid both refunds out: the partly refunded invoice is paid, the
    # wholly refunded one credited, both credit notes paid, nothing due anywhere
    assert _status(partial_invoice) == (PaymentStatus.PAID, Decimal("0.00"))
    assert _status(invoice) == (PaymentStatus.CREDITED, Decimal("0.00"))
    assert {_status(note) for note in credit_notes} == {(PaymentStatus.PAID, Decimal("0.00"))}


def test_sync_refunds_on_the_account_works_in_developer_mode_only(
    sandbox: Sandbox, eu_account: AmazonAccount, admin_client: Any, admin_user: Any
) -> None:
    # given Amazon.fr orders shipped and refunded, not in the books
    from sellersync.core.models import UserPreference

    sandbox.create_orders(
        eu_account.seller_id, 12, marketplace_id=FRANCE, fulfillment_channel="AFN", status="Shipped"
    )
    sandbox.advance(8 * DAY)
    url = reverse("admin:amazon_amazonaccount_refunds", args=(eu_account.pk,))
    change = reverse("admin:amazon_amazonaccount_change", args=(eu_account.pk,))
    # when the button is pressed without developer mode: not offered, refused
    assert 'id="sync-refunds"' not in admin_client.get(change).content.decode()
    assert admin_client.post(url).status_code == 403
    assert not AmazonRefund.objects.exists()
    # when it is pressed in developer mode
    UserPreference.objects.update_or_create(user=admin_user, defaults={"developer_mode": True})
    assert 'id="sync-refunds"' in admin_client.get(change).content.decode()
    page = admin_client.post(url, follow=True).content.decode()
    # then the refunds are kept, waiting for their orders, and the page says so
    waiting = AmazonRefund.objects.filter(account=eu_account, state=RefundState.PENDING).count()
    assert waiting >= 1 and AmazonRefund.objects.count() == waiting
    assert f"{waiting} waiting for their invoice" in page
    listed = admin_client.get(reverse("admin:amazon_amazonrefund_changelist"), {"state__exact": "pending"})
    assert listed.status_code == 200 and listed.context["cl"].result_count == waiting


@pytest.fixture
def us_account(sandbox: Sandbox, db: None) -> AmazonAccount:
    company = create_company("Northwind Inc", Currency.objects.get(code="USD"), "US")
    account = make_account(sandbox, company, "NA")
    AmazonMarketplace.objects.create(
        account=account, marketplace_id=US, name="Amazon.com", country_code="US", currency_code="USD"
    )
    return account


def test_a_month_with_refunds_leaves_the_intermediary_and_awaiting_accounts_at_zero(
    sandbox: Sandbox, us_account: AmazonAccount
) -> None:
    # given five weeks of amazon.com sales, half of them invoiced before the settlements are imported
    company: Company = us_account.company
    for _week in range(5):
        sandbox.create_orders(
            us_account.seller_id, 4, marketplace_id=US, fulfillment_channel="AFN", status="Shipped"
        )
        sandbox.create_orders(
            us_account.seller_id, 2, marketplace_id=US, fulfillment_channel="MFN", status="Shipped"
        )
        sandbox.advance(7 * DAY)
    sync_orders(us_account)  # every order of the seller, also those it sold before and beside ours
    orders = list(SalesOrder.objects.filter(company=company, currency_id="USD").order_by("pk"))
    with client_for_account(us_account) as client:
        create_amazon_invoices(orders[::2])
        # when the settlements are imported (their refunds credited where the order is invoiced)
        result = import_settlements(us_account, client)
        # and the other half is invoiced afterwards, then the hourly refund import runs
        create_amazon_invoices(orders[1::2])
        refunds = import_refunds(us_account, client)
        refunded = _refunds_on_amazon(client, "USD")  # the seller also sells in CAD and MXN
    # then every refund is one credit note, for what the buyer got back
    assert result.booked >= 2
    # (Amazon's clock runs on: it may have posted a refund since the import, hence the subset)
    usd_refunds = AmazonRefund.objects.filter(currency_code="USD")
    assert not usd_refunds.exclude(state=RefundState.CREDITED).exists()
    credit_notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, state=InvoiceState.POSTED)
    credited = {note.origin: note.amount_total for note in credit_notes}
    assert len(credited) == usd_refunds.count() >= 2
    assert credited == {order_id: refunded[order_id] for order_id in credited}
    assert refunds.failed == 0
    # (some refunds were settled before their order was invoiced: they waited on 1160, then were credited)
    late = {order.client_order_ref for order in orders[1::2]} & set(credited)
    settled = set(
        AmazonSettlementLine.objects.filter(event_type="refund").values_list("amazon_order_id", flat=True)
    )
    assert late & settled
    # and the intermediary account is at zero, nothing waits on 1160
    intermediary = get_account(company, AccountRole.AMAZON_INTERMEDIARY)
    assert account_balance(intermediary) == Decimal(0)
    assert not unreconciled_lines(intermediary).exists()
    awaiting = awaiting_invoice_account(company)
    assert account_balance(awaiting) == Decimal(0)
    assert not unreconciled_lines(awaiting).exists()
    # and every refund Amazon settled is matched to its credit note
    refund_lines = AmazonSettlementLine.objects.filter(event_type="refund").exclude(kind="fee")
    assert refund_lines.exists()
    assert {line.match for line in refund_lines} == {SettlementMatch.MATCHED}
