"""Read FBA inventory from Amazon and compare it, per SKU, with our account's Amazon location.

For each synchronized marketplace the summaries are read page by page (getInventorySummaries, 2/s, burst 2).
A SKU that shows in several marketplaces (pooled inventory, e.g. North America or Pan-European FBA) is
counted once, with its largest total. The account's offers map SKUs to products; the difference is per
product (sum of Amazon's totals over its SKUs minus its stock on hand in the Amazon location) and is shown
on each of its SKUs. SKUs Amazon no longer reports are removed; nothing else is written: reading Amazon's
count never moves our stock (an inventory adjustment does, when the user decides so: adopt_amazon_counts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from sellersync.amazon.models import AmazonAccount, AmazonOffer, FbaInventoryLevel
from sellersync.core.models import Product
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.models.fba_inventory import InventorySummary
from sellersync.stock import selectors as stock_selectors
from sellersync.stock import services as stock_services
from sellersync.stock.models import Location


@dataclass(frozen=True)
class AmazonCount:
    """Amazon's count of one SKU, in the marketplace where it was largest."""

    sku: str
    marketplace_id: str
    fulfillable: int
    total: int


def amazon_location_of(account: AmazonAccount) -> Location:
    """The account's own Amazon location, or the company's default one."""
    return account.location or stock_services.get_or_create_amazon_location(account.company)


def read_amazon_counts(account: AmazonAccount, client: SpApiClient) -> dict[str, AmazonCount]:
    """Amazon's count per SKU over the account's synchronized marketplaces (pooled stock counted once)."""
    counts: dict[str, AmazonCount] = {}
    marketplace_ids = account.marketplaces.filter(is_synchronized=True).values_list(
        "marketplace_id", flat=True
    )
    for marketplace_id in sorted(marketplace_ids):
        for summary in client.fba_inventory.iter_inventory_summaries(marketplace_id, details=True):
            count = _count(summary, marketplace_id)
            if count is not None and (count.sku not in counts or count.total > counts[count.sku].total):
                counts[count.sku] = count
    return counts


def _count(summary: InventorySummary, marketplace_id: str) -> AmazonCount | None:
    if not summary.seller_sku:
        return None
    fulfillable = summary.fulfillable_quantity or 0
    return AmazonCount(summary.seller_sku, marketplace_id, fulfillable, summary.total_quantity)


def import_fba_inventory(account: AmazonAccount, client: SpApiClient) -> list[FbaInventoryLevel]:
    """Store Amazon's FBA count and its difference with ours for every SKU Amazon reports."""
    counts = read_amazon_counts(account, client)
    products = {
        offer.sku: offer.product
        for offer in AmazonOffer.objects.filter(account=account).select_related("product")
    }
    location = amazon_location_of(account)
    amazon_by_product: dict[int, int] = defaultdict(int)
    for sku, count in counts.items():
        if sku in products:
            amazon_by_product[products[sku].pk] += count.total
    ours = {pk: stock_selectors.stock_on_hand(Product(pk=pk), location) for pk in amazon_by_product}
    now = timezone.now()
    with transaction.atomic():
        FbaInventoryLevel.objects.filter(account=account).exclude(sku__in=list(counts)).delete()
        return [
            _store(account, count, products.get(sku), amazon_by_product, ours, now)
            for sku, count in counts.items()
        ]


def _store(
    account: AmazonAccount,
    count: AmazonCount,
    product: Product | None,
    amazon_by_product: dict[int, int],
    ours: dict[int, Decimal],
    now: datetime,
) -> FbaInventoryLevel:
    our_quantity = ours[product.pk] if product is not None else Decimal(0)
    amazon_total = amazon_by_product[product.pk] if product is not None else count.total
    level, _created = FbaInventoryLevel.objects.update_or_create(
        account=account,
        sku=count.sku,
        defaults={
            "marketplace_id": count.marketplace_id,
            "product": product,
            "amazon_fulfillable": count.fulfillable,
            "amazon_total": count.total,
            "our_quantity": our_quantity,
            "difference": Decimal(amazon_total) - our_quantity,
            "fetched_at": now,
        },
    )
    return level


def adopt_amazon_counts(account: AmazonAccount, products: Iterable[Product] | None = None) -> int:
    """Set the account's Amazon location to Amazon's last-read count (the total of each product's SKUs) for
    these products (every mapped one by default), by an inventory adjustment each: the opening stock of a
    seller who starts with sellersync, or a correction the user decided. Returns how many were adjusted."""
    levels = FbaInventoryLevel.objects.filter(account=account, product__isnull=False)
    if products is not None:
        levels = levels.filter(product__in=[product.pk for product in products])
    totals = dict(levels.values_list("product").annotate(total=Sum("amazon_total")).order_by("product"))
    location = amazon_location_of(account)
    adjusted = 0
    for product in Product.objects.filter(pk__in=totals).order_by("pk"):
        counted = Decimal(totals[product.pk])
        if stock_services.adjust_inventory(location, product, counted) is not None:
            adjusted += 1
        FbaInventoryLevel.objects.filter(account=account, product=product).update(
            our_quantity=counted, difference=Decimal(0)
        )
    return adjusted
