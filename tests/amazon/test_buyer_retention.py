"""Buyer data retention: past the company's retention period, nothing of a buyer is left anywhere in the
database (every text and JSON column of every table is searched), while city, postal code and country stay
for tax and reporting, and the customer stays linked to its orders."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sellersync.accounting.models import ExchangeRate
from sellersync.amazon.choices import OutboundKind
from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonOrderEvent, OutboundMessage
from sellersync.amazon.retention import erase_buyer_data
from sellersync.amazon.services import client_for_account
from sellersync.amazon.sync import apply as apply_module
from sellersync.amazon.sync.export_shipments import send_pending_shipments, validate_amazon_picking
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.amazon.sync.upload_invoices import create_amazon_invoices
from sellersync.core.models import Partner
from sellersync.core.services import PartnerData
from sellersync.sales.models import SalesOrder
from sellersync.stock.choices import PickingState
from sellersync.stock.models import Carrier, Picking
from tests.amazon.fixtures import Sandbox

pytestmark = pytest.mark.django_db

TEXT_TYPES = ("char", "text", "json", "clob", "string")


def database_text() -> dict[str, str]:
    """Every text-like column of every table (found by introspecting the database itself), as one
    lower-cased text per "table.column"."""
    cells: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(column.type_code, column).lower()
                if not any(word in kind for word in TEXT_TYPES):
                    continue
                name = connection.ops.quote_name(column.name)
                cursor.execute(f"SELECT CAST({name} AS TEXT) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                cells[f"{table}.{column.name}"] = "\n".join(
                    row[0] for row in cursor.fetchall() if row[0]
                ).casefold()
    return cells


def where_found(term: str, cells: dict[str, str]) -> list[str]:
    """The "table.column" holding `term`, as typed or as JSON escapes it."""
    spellings = {term.casefold(), json.dumps(term)[1:-1].casefold()}
    return sorted(place for place, text in cells.items() if any(spelling in text for spelling in spellings))


def age_everything(account: AmazonAccount, days: int) -> None:
    """Move the account's orders and their versions `days` into the past."""
    past = timezone.now() - timedelta(days=days)
    AmazonOrder.objects.filter(account=account).update(purchase_date=past, amazon_updated_at=past)
    AmazonOrderEvent.objects.filter(order__account=account).update(received_at=past)


def ship_and_invoice(account: AmazonAccount) -> None:
    """One FBM delivery shipped and confirmed to Amazon, and the orders invoiced: their records too must
    hold no buyer data after retention."""
    picking = Picking.objects.filter(company=account.company, state=PickingState.READY).first()
    assert picking is not None
    validate_amazon_picking(picking, carrier=Carrier.objects.create(name="ups"), tracking_ref="1Z999AA1")
    with client_for_account(account) as client:
        send_pending_shipments(account, client)
    for code in ("USD", "CAD", "MXN"):
        ExchangeRate.objects.create(company=account.company, currency_id=code, date=date(2020, 1, 1), rate=2)
    invoices = create_amazon_invoices(SalesOrder.objects.filter(company=account.company).order_by("pk"))
    assert OutboundMessage.objects.filter(kind=OutboundKind.SHIPMENT).exists() and invoices


def test_retention_leaves_nothing_of_the_buyers(sandbox: Sandbox, na_account: AmazonAccount) -> None:
    # given FBM and FBA orders synced with buyer data (the NA seller has PII access)
    sandbox.create_orders(na_account.seller_id, 3, fulfillment_channel="MFN", status="Unshipped")
    sandbox.create_orders(na_account.seller_id, 2, fulfillment_channel="AFN")
    sandbox.advance(6 * 3600)
    sync_orders(na_account)
    ship_and_invoice(na_account)
    partners = [p for p in Partner.objects.filter(company=na_account.company) if p.email]
    assert len(partners) >= 3
    buyers = [
        {"name": p.name, "email": p.email, "phone": p.phone, "street": p.street, "pk": p.pk} for p in partners
    ]
    places = {(p.pk, p.city, p.postal_code, p.country_code) for p in partners}
    orders_of = {
        p.pk: set(SalesOrder.objects.filter(partner=p).values_list("pk", flat=True)) for p in partners
    }
    before = database_text()
    assert all(where_found(buyer["email"], before) for buyer in buyers)  # the search does find them

    # when the orders are older than the company's retention period and retention runs
    age_everything(na_account, na_account.company.pii_retention_days + 1)
    erase_buyer_data()

    # then nothing of any buyer is left anywhere
    after = database_text()
    assert len(after) > 100  # every table's text columns were read
    for buyer in buyers:
        for what in ("name", "email", "phone", "street"):
            if buyer[what]:
                assert where_found(str(buyer[what]), after) == [], (what, buyer[what])
    # the customers keep where they are, and their orders
    assert {
        (p.pk, p.city, p.postal_code, p.country_code) for p in Partner.objects.filter(pk__in=orders_of)
    } == places
    for partner_pk, order_pks in orders_of.items():
        assert set(SalesOrder.objects.filter(partner_id=partner_pk).values_list("pk", flat=True)) == order_pks
    assert not AmazonOrderEvent.objects.exclude(buyer_data="").exists()


def test_retention_spares_buyers_whose_orders_are_inside_the_period(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given orders one day younger than the retention period
    sandbox.create_orders(na_account.seller_id, 2, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(6 * 3600)
    sync_orders(na_account)
    named = {
        p.pk: (p.name, p.email, p.street)
        for p in Partner.objects.filter(company=na_account.company)
        if p.email
    }
    assert named
    age_everything(na_account, na_account.company.pii_retention_days - 1)

    # when
    erase_buyer_data()

    # then
    assert {p.pk: (p.name, p.email, p.street) for p in Partner.objects.filter(pk__in=named)} == named
    assert AmazonOrderEvent.objects.exclude(buyer_data="").exists()


def test_a_failed_orders_error_never_quotes_the_buyer(
    sandbox: Sandbox, na_account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a defect that quotes the customer's data when an order is applied (an injected fault)
    quoted: list[PartnerData] = []

    def failing_partner(company: object, data: PartnerData) -> None:
        quoted.append(data)
        raise ValueError(f"cannot store {data.name!r} of {data.street}, {data.email}, tel {data.phone}")

    monkeypatch.setattr(apply_module, "find_or_create_partner", failing_partner)
    sandbox.create_orders(na_account.seller_id, 1, fulfillment_channel="MFN", status="Unshipped")
    sandbox.advance(6 * 3600)

    # when
    sync_orders(na_account)

    # then the orders failed with a stored error that names the defect, not the buyer
    failed = list(AmazonOrder.objects.filter(account=na_account).exclude(last_error=""))
    assert quoted and failed
    assert all("ValueError: cannot store '[buyer data]' of [buyer data]" in b.last_error for b in failed)
    cells = database_text()
    for data in quoted:
        for value in (data.name, data.street, data.email, data.phone):
            if value:
                assert where_found(value, cells) == [], value
