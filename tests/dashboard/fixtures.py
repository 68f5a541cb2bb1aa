"""Dashboard fixtures: a seller registered twice (US on one account, CA on the other), each with its own
sales team, and a helper that books an Amazon sale exactly as the connector would (order + binding)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import count

import pytest

from sellersync.amazon.models import AmazonAccount, AmazonMarketplace, AmazonOrder
from sellersync.core.models import Company, Currency, Partner, Product
from sellersync.sales.models import SalesOrder, SalesTeam
from sellersync.sales.services import OrderLineData, create_sales_order

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
_amazon_ids = count(1)


@dataclass
class Shop:
    """One company, one seller registered twice with disjoint marketplaces."""

    company: Company
    customer: Partner
    mug: Product
    lamp: Product
    us_account: AmazonAccount
    ca_account: AmazonAccount
    us_team: SalesTeam
    ca_team: SalesTeam


def register(
    company: Company, name: str, team: SalesTeam, marketplace: tuple[str, str, str, str]
) -> AmazonAccount:
    account = AmazonAccount.objects.create(name=name, company=company, seller_id="SELLER1", sales_team=team)
    marketplace_id, market_name, country, currency = marketplace
    AmazonMarketplace.objects.create(
        account=account,
        marketplace_id=marketplace_id,
        name=market_name,
        country_code=country,
        currency_code=currency,
    )
    return account


@pytest.fixture
def shop(company: Company, customer: Partner, mug: Product, lamp: Product) -> Shop:
    us_team = SalesTeam.objects.create(company=company, name="Amazon US")
    ca_team = SalesTeam.objects.create(company=company, name="Amazon CA")
    us_account = register(company, "Seller (US)", us_team, (US, "Amazon.com", "US", "USD"))
    ca_account = register(company, "Seller (CA)", ca_team, (CA, "Amazon.ca", "CA", "CAD"))
    return Shop(company, customer, mug, lamp, us_account, ca_account, us_team, ca_team)


def book_sale(
    shop: Shop,
    account: AmazonAccount | None,
    lines: list[tuple[Product, str, str, str]],
    *,
    when: datetime = datetime(2026, 3, 10, 12, tzinfo=UTC),
    channel: str = "AFN",
    currency: str = "",
) -> SalesOrder:
    """A confirmed order of (product, quantity, unit price, tax amount) lines, bound to `account`'s
    marketplace (None: an order that did not come from Amazon), in the marketplace's currency."""
    marketplace = account.marketplaces.get() if account else None
    code = currency or (marketplace.currency_code if marketplace else shop.company.currency_id)
    order_lines = [
        OrderLineData(
            product=product, quantity=Decimal(qty), unit_price=Decimal(price), tax_amount=Decimal(tax)
        )
        for product, qty, price, tax in lines
    ]
    order = create_sales_order(
        shop.company,
        shop.customer,
        Currency.objects.get(code=code),
        order_lines,
        team=account.sales_team if account else None,
        order_date=when,
        confirm=True,
    )
    if account is not None and marketplace is not None:
        AmazonOrder.objects.create(
            account=account,
            amazon_id=f"111-0000000-{next(_amazon_ids):07d}",
            sales_order=order,
            marketplace_id=marketplace.marketplace_id,
            fulfillment_channel=channel,
        )
    return order
