"""Apply one mapped Amazon order to the books, all or nothing, through its binding.

Creates (or finds again) the customer, products/offers, taxes and the sales order; then confirms it and
creates its delivery (FBM) or records the goods that left Amazon's warehouse (FBA). A later version of a
bound order updates the binding, adds a version event and cancels the sales order when Amazon canceled it.
The sales order total must equal Amazon's OrderTotal to the cent, else the whole order rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction

from sellersync.amazon.choices import FulfillmentChannel, OrderSyncState, UnknownSkuPolicy
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.pii import split_pii
from sellersync.amazon.mappers.types import CustomerData, LineData, LineKind, OrderData
from sellersync.amazon.models import AmazonAccount, AmazonOffer, AmazonOrder, AmazonOrderEvent
from sellersync.amazon.sync import shipped_outside
from sellersync.amazon.sync.export_shipments import mark_shipments_synced_for
from sellersync.amazon.sync.failures import clear_failure, mark_needs_attention, reset_failure
from sellersync.amazon.sync.lookups import ReferenceLookups
from sellersync.amazon.sync.taxes import order_taxes
from sellersync.core.choices import ProductType
from sellersync.core.models import Company, Currency, Partner, Product, Tax
from sellersync.core.services import PartnerData, find_or_create_partner, insert_rows, partner_match_key
from sellersync.sales import services as sales_services
from sellersync.sales.choices import LineKind as SalesLineKind
from sellersync.sales.choices import OrderState
from sellersync.sales.models import SalesOrder, SalesTeam
from sellersync.stock import services as stock_services
from sellersync.stock.models import Location

CANCELED = "Canceled"
SHIPPED_BEFORE_BOOKED = (
    "%s shipped on Amazon before it could be booked, and this account does not book orders shipped outside "
    "sellersync: book it by hand, or turn the setting on and retry"
)
#: (channel, status) pairs that create a sales order; other versions only update existing bindings.
IMPORTED_STATUSES = {
    FulfillmentChannel.FBA: frozenset({"Shipped"}),
    # Shipped: only when the account books orders shipped outside sellersync (shipped_outside.py)
    FulfillmentChannel.FBM: frozenset({"Unshipped", "PartiallyShipped", "Shipped"}),
}
_SALES_LINE_KINDS = {
    LineKind.PRODUCT: SalesLineKind.PRODUCT,
    LineKind.SHIPPING: SalesLineKind.SHIPPING,
    LineKind.GIFT_WRAP: SalesLineKind.GIFT_WRAP,
    LineKind.PROMOTION: SalesLineKind.PROMOTION,
}
_CHARGE_PRODUCTS = {
    LineKind.SHIPPING: ("shipping_product", "AMAZON-SHIPPING", "Amazon shipping"),
    LineKind.GIFT_WRAP: ("gift_wrap_product", "AMAZON-GIFT-WRAP", "Amazon gift wrap"),
    LineKind.PROMOTION: ("promotion_product", "AMAZON-PROMOTION", "Amazon promotion"),
}


class ApplyOutcome(StrEnum):
    CREATED = "created"  # a new sales order
    UPDATED = "updated"  # a newer version of a bound order (status, cancellation)
    UNCHANGED = "unchanged"  # this version (or a newer one) was already applied
    SKIPPED = "skipped"  # not for the books (e.g. canceled before it was ever synchronized)


@dataclass(frozen=True)
class ApplyResult:
    """What applying one order did, and its binding (None when skipped)."""

    outcome: ApplyOutcome
    binding: AmazonOrder | None


def apply_order(
    account: AmazonAccount,
    data: OrderData,
    raw_payload: dict[str, Any],
    api_version: str,
    lookups: ReferenceLookups | None = None,
    *,
    known_unbound: bool = False,
) -> ApplyResult:
    """Apply one order version in one transaction (a savepoint when the caller has one open); raises
    MappingError (nothing written) when it can't.

    `lookups` is the run's memo of reference rows (one per account and run). `known_unbound` says the caller
    found no binding of this order in its own transaction, so it is not looked up again. When the
    transaction fails on a unique or foreign key constraint (another worker bound this order first; a
    remembered row was deleted), it is retried once from the database: the retry finds the other worker's
    binding.
    """
    lookups = lookups or ReferenceLookups(account)
    try:
        return _apply_in_transaction(account, data, raw_payload, api_version, lookups, known_unbound)
    except IntegrityError:
        lookups.clear()
        return _apply_in_transaction(account, data, raw_payload, api_version, lookups, False)


def _apply_in_transaction(
    account: AmazonAccount,
    data: OrderData,
    raw_payload: dict[str, Any],
    api_version: str,
    lookups: ReferenceLookups,
    known_unbound: bool,
) -> ApplyResult:
    if known_unbound and not _imported(account, data):
        return ApplyResult(ApplyOutcome.SKIPPED, None)
    with transaction.atomic():
        binding = None if known_unbound else _existing_binding(account, data.amazon_order_id)
        is_new = binding is None
        if binding is not None and binding.sales_order_id is not None:
            if binding.amazon_updated_at is not None and binding.amazon_updated_at >= data.last_update:
                clear_failure(binding)  # e.g. a bad copy of this version failed earlier
                return ApplyResult(ApplyOutcome.UNCHANGED, binding)
            _apply_new_version(account, binding, data, lookups)
            outcome = ApplyOutcome.UPDATED
        else:
            if not _imported(account, data):
                if binding is not None:
                    _settle_unbooked(account, binding, data)
                return ApplyResult(ApplyOutcome.SKIPPED, binding)
            # A new binding is inserted last, with everything: the unique (account, amazon_id) constraint
            # makes a concurrent worker's insert fail, and that worker's whole transaction roll back.
            binding = binding or AmazonOrder(account=account, amazon_id=data.amazon_order_id)
            binding.sales_order, review_reasons = _create_sales_order(account, data, lookups)
            binding.needs_review, binding.review_reason = bool(review_reasons), "\n".join(review_reasons)
            outcome = ApplyOutcome.CREATED
        _store_binding(binding, data, is_new)
        _record_event(binding, data, raw_payload, api_version, is_new)
        if outcome == ApplyOutcome.UPDATED:
            # Amazon showing the order shipped settles shipments whose feed result was unknown or failed.
            mark_shipments_synced_for(binding)
    return ApplyResult(outcome, binding)


def _imported(account: AmazonAccount, data: OrderData) -> bool:
    """Whether this version creates a sales order (else it only updates an existing binding)."""
    statuses = IMPORTED_STATUSES.get(FulfillmentChannel(data.fulfillment_channel), frozenset())
    return data.status in statuses and not shipped_outside.ignored_by_setting(account, data)


def _settle_unbooked(account: AmazonAccount, binding: AmazonOrder, data: OrderData) -> None:
    """A binding without sales order (its order failed before) seen in a version not for the books, e.g.
    canceled: this successful look settles it (synchronized, Amazon's status kept, nothing booked).

    Except an order that failed and has shipped since while the account does not book orders shipped
    outside sellersync: it needs attention (never dropped silently), the seller decides.
    """
    if binding.sync_state != OrderSyncState.SYNCED and shipped_outside.ignored_by_setting(account, data):
        mark_needs_attention(binding, SHIPPED_BEFORE_BOOKED % data.amazon_order_id)
        return
    already_seen = binding.amazon_updated_at is not None and binding.amazon_updated_at >= data.last_update
    if binding.sync_state == OrderSyncState.SYNCED and already_seen:
        return
    _store_binding(binding, data, is_new=False)


def bound_order_ids(account: AmazonAccount, amazon_order_ids: Iterable[str]) -> set[str]:
    """Which of these orders have a binding in this account (one query)."""
    return set(
        AmazonOrder.objects.filter(account=account, amazon_id__in=list(amazon_order_ids)).values_list(
            "amazon_id", flat=True
        )
    )


_BINDING_ID_SQL = (  # the table name is the model's, never input
    f'SELECT "id" FROM "{AmazonOrder._meta.db_table}" WHERE "account_id" = %s AND "amazon_id" = %s'  # noqa: S608  # nosec B608
)


def _existing_binding(account: AmazonAccount, amazon_order_id: str) -> AmazonOrder | None:
    """The locked binding when there is one; a brand-new order costs one cheap one-column look-up.

    A new order needs no lock: its binding is inserted last and the unique (account, amazon_id)
    constraint makes a concurrent worker's transaction fail (and retry, finding this binding).
    """
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_BINDING_ID_SQL, [account.pk, amazon_order_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return AmazonOrder.objects.select_for_update().filter(pk=row[0]).first()


_BINDING_FIELDS = [
    "sales_order",
    "marketplace_id",
    "fulfillment_channel",
    "amazon_status",
    "purchase_date",
    "amazon_updated_at",
    "is_business_order",
    "is_prime",
    "buyer_vat_number",
    "latest_ship_date",
    "latest_delivery_date",
    "sync_state",
    "last_error",
    "attempts",
    "next_retry_at",
    "failed_since",
    "synced_at",
    "needs_review",
    "review_reason",
]


def _store_binding(binding: AmazonOrder, data: OrderData, is_new: bool) -> None:
    binding.marketplace_id = data.marketplace_id
    binding.fulfillment_channel = data.fulfillment_channel
    binding.amazon_status = data.status
    binding.purchase_date = data.purchase_date
    binding.amazon_updated_at = data.last_update
    binding.is_business_order = data.is_business_order
    binding.is_prime = data.is_prime
    binding.buyer_vat_number = data.customer.vat_number[:40]
    binding.latest_ship_date = data.latest_ship_date
    binding.latest_delivery_date = data.latest_delivery_date
    reset_failure(binding)
    if is_new:
        insert_rows([binding])
    else:
        binding.save(update_fields=_BINDING_FIELDS)


def _record_event(
    binding: AmazonOrder, data: OrderData, raw_payload: dict[str, Any], api_version: str, is_new: bool
) -> None:
    payload, pii = split_pii(raw_payload)
    values = {
        "api_version": api_version,
        "payload": payload,
        "buyer_data": json.dumps(pii, sort_keys=True) if pii else "",
    }
    if is_new:  # a binding inserted in this transaction has no event yet
        insert_rows(
            [
                AmazonOrderEvent(
                    order_id=binding.pk,
                    amazon_updated_at=data.last_update,
                    amazon_status=data.status,
                    **values,
                )
            ]
        )
        return
    AmazonOrderEvent.objects.get_or_create(
        order=binding, amazon_updated_at=data.last_update, amazon_status=data.status, defaults=values
    )


def _apply_new_version(
    account: AmazonAccount, binding: AmazonOrder, data: OrderData, lookups: ReferenceLookups
) -> None:
    order = binding.sales_order
    assert order is not None
    if data.status == CANCELED and order.state in (OrderState.DRAFT, OrderState.CONFIRMED):
        stock_services.cancel_order_with_deliveries(order, f"Canceled on Amazon ({data.amazon_order_id})")
    elif shipped_outside.is_fbm_shipped(data):  # shipped in Seller Central: its open delivery is closed
        shipped_outside.close_shipped_part(account, order, data, _warehouse_stock(account, lookups))


# --- creating the sales order -------------------------------------------------------------------------


def _create_sales_order(
    account: AmazonAccount, data: OrderData, lookups: ReferenceLookups
) -> tuple[SalesOrder, tuple[str, ...]]:
    """The confirmed sales order with its delivery or FBA moves, and why its taxes need a review."""
    partner = _customer(account, data, lookups)
    currency = lookups.get("currency", data.currency, lambda: (_currency(data), False))
    taxes = order_taxes(account.company, data, lookups)
    lines = [
        _order_line(account, data, line, tax, lookups)
        for line, tax in zip(data.lines, taxes.taxes, strict=True)
    ]
    order = sales_services.create_sales_order(
        account.company,
        partner,
        currency,
        lines,
        team=_sales_team(account, lookups),
        order_date=data.purchase_date,
        client_order_ref=data.amazon_order_id,
        confirm=True,
        delivered_in_full=data.fulfillment_channel == FulfillmentChannel.FBA,
    )
    if order.amount_total != data.order_total:  # raised inside the transaction: nothing stays written
        raise MappingError(
            data.amazon_order_id,
            "OrderTotal",
            f"sales order total {order.amount_total} differs from Amazon's {data.order_total}",
        )
    if data.fulfillment_channel == FulfillmentChannel.FBM:
        _create_delivery(account, order, data, lookups)
    else:
        _record_fba_shipment(account, order, data, lookups)
    return order, taxes.review_reasons


def _currency(data: OrderData) -> Currency:
    currency = Currency.objects.filter(code=data.currency).first()
    if currency is None:
        raise MappingError(
            data.amazon_order_id,
            "currencyCode",
            f"currency {data.currency!r} is not among the currencies of sellersync (add it, then retry)",
        )
    return currency


def _customer(account: AmazonAccount, data: OrderData, lookups: ReferenceLookups) -> Partner:
    customer = data.customer
    address = customer.address
    if customer.is_anonymous or not customer.email:
        key = "|".join((address.city, address.postal_code, address.country_code)).casefold()
        external_key = f"amazon-anon:{account.pk}:{key}"
    else:
        external_key = f"amazon:{customer.email.casefold()}"
    # the external key alone decides the match key: the full PartnerData is built only when not memoized
    match_key = partner_match_key(PartnerData(external_key=external_key))
    # find_or_create_partner does not say whether it created: remember the partner once committed
    return lookups.partner(
        match_key,
        lambda: (find_or_create_partner(account.company, _partner_data(customer, external_key)), True),
    )


def _partner_data(customer: CustomerData, external_key: str) -> PartnerData:
    address = customer.address
    return PartnerData(
        name=customer.name,
        company_name=customer.company_name,
        is_company=customer.is_business and bool(customer.company_name),
        is_anonymous=customer.is_anonymous,
        vat_number=customer.vat_number,
        email="" if customer.is_anonymous else customer.email,  # invariant 6: location only
        phone=address.phone,
        street=address.street,
        street2=address.street2,
        city=address.city,
        state=address.state,
        postal_code=address.postal_code,
        country_code=address.country_code,
        external_key=external_key,
    )


def _sales_team(account: AmazonAccount, lookups: ReferenceLookups) -> SalesTeam:
    if account.sales_team_id is not None:
        assert account.sales_team is not None
        return account.sales_team
    return lookups.get("sales_team", None, lambda: _get_or_create_team(account.company))


def _get_or_create_team(company: Company) -> tuple[SalesTeam, bool]:
    try:
        with transaction.atomic():
            return SalesTeam.objects.get_or_create(company=company, name="Amazon")
    except IntegrityError:
        return SalesTeam.objects.get(company=company, name="Amazon"), False


def _order_line(
    account: AmazonAccount, data: OrderData, line: LineData, tax: Tax | None, lookups: ReferenceLookups
) -> sales_services.OrderLineData:
    if line.kind == LineKind.PRODUCT:
        product = lookups.get("sku", line.sku, lambda: _product_for_sku(account, data, line))
    else:
        product = _charge_product(account, line.kind, lookups)
    return sales_services.OrderLineData(
        quantity=line.quantity,
        unit_price=line.unit_price,
        product=product,
        description=line.description,
        line_kind=_SALES_LINE_KINDS[line.kind],
        tax=tax,
        tax_amount=line.tax_amount,
        price_include=line.price_includes_tax,
    )


def _product_for_sku(account: AmazonAccount, data: OrderData, line: LineData) -> tuple[Product, bool]:
    """The SKU's product through its offer (created with the offer when new); True when a row was created."""
    offer = AmazonOffer.objects.select_related("product").filter(account=account, sku=line.sku).first()
    if offer is not None:
        return offer.product, False
    product = Product.objects.filter(company=account.company, default_code__iexact=line.sku).first()
    if product is None:
        if account.unknown_sku_policy == UnknownSkuPolicy.DEFAULT_PRODUCT and account.default_product_id:
            assert account.default_product is not None
            product = account.default_product
        else:
            product, _created = _get_or_create_product(
                account.company, line.sku, line.description or line.sku
            )
    offer, _created = AmazonOffer.objects.get_or_create(
        account=account,
        sku=line.sku,
        defaults={
            "product": product,
            "marketplace_id": data.marketplace_id,
            "asin": line.asin,
            "fulfillment_channel": data.fulfillment_channel,
        },
    )
    return offer.product, True


def _charge_product(account: AmazonAccount, kind: LineKind, lookups: ReferenceLookups) -> Product:
    field_name, code, name = _CHARGE_PRODUCTS[kind]
    configured: Product | None = getattr(account, field_name)
    if configured is not None:
        return configured
    return lookups.get(
        "charge", code, lambda: _get_or_create_product(account.company, code, name, ProductType.SERVICE)
    )


def _get_or_create_product(
    company: Company, code: str, name: str, product_type: str = ProductType.STOCKABLE
) -> tuple[Product, bool]:
    existing = Product.objects.filter(company=company, default_code__iexact=code).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            product = Product.objects.create(
                company=company, default_code=code, name=name[:256], product_type=product_type
            )
            return product, True
    except IntegrityError:
        return Product.objects.get(company=company, default_code__iexact=code), False


# --- goods -----------------------------------------------------------------------------------------


def _customers_location(account: AmazonAccount, lookups: ReferenceLookups) -> Location:
    return lookups.get(
        "customers", None, lambda: (stock_services.standard_location(account.company, "CUSTOMERS"), True)
    )


def _create_delivery(
    account: AmazonAccount, order: SalesOrder, data: OrderData, lookups: ReferenceLookups
) -> None:
    """The ready delivery of the goods; what Amazon reports shipped already is delivered at once."""
    if not any(line.is_deliverable for line in order.lines.all()):
        return
    stock_location = _warehouse_stock(account, lookups)
    stock_services.create_delivery_for_new_order(
        order,
        stock_location,
        _customers_location(account, lookups),
        deadline=data.latest_ship_date,
        delivery_deadline=data.latest_delivery_date,
    )
    shipped_outside.close_shipped_part(account, order, data, stock_location)


def _warehouse_stock(account: AmazonAccount, lookups: ReferenceLookups) -> Location:
    """Where FBM goods leave from: the company's warehouse stock."""
    return lookups.get(
        "warehouse_stock",
        None,
        lambda: (stock_services.setup_company_stock(account.company).stock_location, True),
    )


def _record_fba_shipment(
    account: AmazonAccount, order: SalesOrder, data: OrderData, lookups: ReferenceLookups
) -> None:
    """The done moves out of the Amazon location; the order was created delivered in full and closed."""
    source = account.location or lookups.get(
        "amazon_location", None, lambda: (stock_services.get_or_create_amazon_location(account.company), True)
    )
    stock_services.record_moves_of_delivered_order(
        order, source, _customers_location(account, lookups), date=data.last_update
    )
