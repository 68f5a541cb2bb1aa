"""End to end against the sandbox: one seller registered twice with disjoint marketplaces (US on one
registration, CA and MX on the other), each with its own sales team and stock location. The dashboard
reports each registration apart, to the cent of Amazon's own order totals, each currency on its own."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonOrder
from sellersync.amazon.services import update_marketplaces
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.core.models import Company
from sellersync.dashboard.choices import Dimension
from sellersync.dashboard.selectors import SOLD_STATES, ReportFilters, sales_by, sales_totals
from sellersync.sales.models import SalesTeam
from sellersync.stock.choices import LocationKind
from sellersync.stock.models import Location
from tests.amazon.fixtures import Sandbox, make_account
from tests.amazon.test_sync_orders import amazon_total
from tests.dashboard.fixtures import CA, US

pytestmark = pytest.mark.django_db
MX = "A1AM78C64UM0Y8"


def registration(sandbox: Sandbox, company: Company, name: str, team: str, location: str) -> AmazonAccount:
    account = make_account(sandbox, company, "NA", name=name)
    account.sales_team = SalesTeam.objects.create(company=company, name=team)
    account.location = Location.objects.create(
        company=company, name=location, code=location.upper(), kind=LocationKind.INTERNAL, is_amazon=True
    )
    account.save(update_fields=["sales_team", "location"])
    return account


def bound_marketplaces(account: AmazonAccount) -> set[str]:
    return set(AmazonOrder.objects.filter(account=account).values_list("marketplace_id", flat=True))


def labelled(label: str, totals: dict[str, Decimal]) -> dict[tuple[str, str], Decimal]:
    return {(label, currency): total for currency, total in totals.items()}


def amazon_totals_by_currency(account: AmazonAccount) -> dict[str, Decimal]:
    """What Amazon says the account sold, per currency: the latest OrderTotal of each sold order."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    bindings = AmazonOrder.objects.filter(account=account, sales_order__state__in=SOLD_STATES)
    for binding in bindings.select_related("sales_order"):
        latest = binding.events.order_by("amazon_updated_at", "pk").last()
        assert latest is not None and binding.sales_order is not None
        totals[binding.sales_order.currency_id] += amazon_total(latest)
    return dict(totals)


def test_a_seller_registered_twice_is_reported_per_registration_to_the_cent(
    sandbox: Sandbox, company: Company
) -> None:
    # given the US marketplace on one registration, the others on a second one (own team, own location)
    us_account = registration(sandbox, company, "Northwind US", "Amazon US", "Amazon US stock")
    update_marketplaces(us_account)
    AmazonMarketplace.objects.filter(account=us_account).exclude(marketplace_id=US).update(
        is_synchronized=False
    )
    other_account = registration(sandbox, company, "Northwind CA+MX", "Amazon CA+MX", "Amazon CA-MX stock")
    update_marketplaces(other_account)
    for marketplace_id in (US, CA, MX):
        sandbox.create_orders(us_account.seller_id, 2, marketplace_id=marketplace_id, status="Shipped")
    sandbox.advance(6 * 3600)

    # when both registrations synchronize
    sync_orders(us_account)
    sync_orders(other_account)

    # then each registration holds only its marketplaces' orders
    us_markets = set(AmazonOrder.objects.filter(account=us_account).values_list("marketplace_id", flat=True))
    other_markets = set(
        AmazonOrder.objects.filter(account=other_account).values_list("marketplace_id", flat=True)
    )
    assert us_markets == {US}
    assert other_markets == {CA, MX}

    # and the dashboard reports each registration apart, per currency, to the cent of Amazon's totals
    filters = ReportFilters(company=company)
    by_account = {(row.label, row.currency): row.total for row in sales_by(filters, Dimension.ACCOUNT)}
    expected = {
        ("Northwind US", code): total for code, total in amazon_totals_by_currency(us_account).items()
    }
    expected |= {
        ("Northwind CA+MX", code): total for code, total in amazon_totals_by_currency(other_account).items()
    }
    assert set(expected) == {("Northwind US", "USD"), ("Northwind CA+MX", "CAD"), ("Northwind CA+MX", "MXN")}
    assert by_account == expected

    # and the sales teams give the same split; a marketplace filter shows that marketplace alone
    by_team = {(row.label, row.currency): row.total for row in sales_by(filters, Dimension.TEAM)}
    assert by_team == {
        (label.replace("Northwind", "Amazon"), code): total for (label, code), total in expected.items()
    }
    us_only = ReportFilters(company=company, marketplace_id=US)
    us_orders = AmazonOrder.objects.filter(account=us_account, sales_order__state__in=SOLD_STATES).count()
    assert [(row.currency, row.orders) for row in sales_totals(us_only)] == [("USD", us_orders)]
    ca_rows = sales_by(ReportFilters(company=company, account_id=other_account.pk), Dimension.MARKETPLACE)
    assert {row.key for row in ca_rows} == {CA, MX}
