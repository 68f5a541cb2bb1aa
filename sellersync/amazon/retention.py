"""Buyer data retention: what Amazon told us of a buyer is kept while the order needs it, then erased.

After the company's retention period (`Company.pii_retention_days`, counted from the order's last update on
Amazon), the encrypted buyer data of each order version is blanked, and each customer created from Amazon
orders with personal data (`ext:amazon:` match key) whose orders are all past the period loses its name,
company name, e-mail, phone and street lines (`core.services.erase_personal_data`). City, region, postal
code, country and VAT number stay (tax and reporting), and so do the customer's orders, deliveries and
invoices, which point at it. Stored payloads never hold buyer data (`mappers.pii.split_pii`), nor do errors
(`mappers.pii.redact`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from sellersync.amazon.models import AmazonOrder, AmazonOrderEvent
from sellersync.core.models import Company, Partner
from sellersync.core.services import erase_personal_data

logger = logging.getLogger(__name__)

#: The match key prefix of customers created from Amazon orders with the buyer's e-mail (not anonymous).
NAMED_BUYER_KEY = "ext:amazon:"


def erase_buyer_data(*, company_id: int | None = None, older_than: timedelta | None = None) -> int:
    """Erase buyer data: all of it (or one company's), or what is older than a delay; without arguments,
    what is past each company's retention period. Returns the number of order versions erased."""
    companies = Company.objects.all() if company_id is None else Company.objects.filter(pk=company_id)
    erased = 0
    for company in companies.order_by("pk"):
        if older_than is not None:
            limit: datetime | None = timezone.now() - older_than
        elif company_id is not None:
            limit = None  # on request: everything of the company
        else:
            limit = timezone.now() - timedelta(days=company.pii_retention_days)
        erased += _erase_company(company, limit)
    return erased


def _erase_company(company: Company, limit: datetime | None) -> int:
    """Erase the company's buyer data last updated before `limit` (None: all of it)."""
    events = AmazonOrderEvent.objects.filter(order__account__company=company).exclude(buyer_data="")
    if limit is not None:
        events = events.filter(received_at__lt=limit)
    with transaction.atomic():
        erased = events.update(buyer_data="")
        partners = erase_personal_data(_expired_buyers(company, limit))
    logger.info(
        "company %s: buyer data erased from %d versions and %d customers", company.pk, erased, partners
    )
    return erased


def _expired_buyers(company: Company, limit: datetime | None) -> QuerySet[Partner]:
    """The company's named Amazon customers with no order updated on Amazon since `limit`."""
    buyers = Partner.objects.filter(company=company, match_key__startswith=NAMED_BUYER_KEY)
    if limit is None:
        return buyers
    last_update = Coalesce("amazon_updated_at", "purchase_date", "synced_at")
    recent = AmazonOrder.objects.alias(last_update=last_update).filter(
        Q(sales_order__partner=OuterRef("pk")) | Q(sales_order__shipping_partner=OuterRef("pk")),
        last_update__gte=limit,
    )
    return buyers.exclude(Exists(recent))
