"""Amazon's all-orders flat file report -> `OrderData`, the same order data the Orders API mappers give.

Report types GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL and _BY_LAST_UPDATE_GENERAL: tab-separated
text, a header line of column names, then one row per order item (Seller Central help 200547170). Columns
are found by name, so their order and Amazon's optional columns do not matter. Amazon writes the rows of
one order one after the other (the report is sorted by date, an order's items together), and so does the
sandbox: `iter_order_rows` groups consecutive rows and streams, holding one order at a time. An order id
that shows up again after other orders is not merged (that would need the whole document); its later rows
become an `OrderRows` with a problem, so the caller fails that order with a clear reason.

Money as the report states it, per row: `item-price` is unit price x quantity (as v0's ItemPrice), the
amounts are displayed prices (VAT included on VAT-inclusive marketplaces, sales tax apart elsewhere), each
with its tax (`item-tax`, `shipping-tax`, `gift-wrap-tax`); discounts (`item-promotion-discount`,
`ship-promotion-discount`) are shown as negative amounts (a positive one is read as the same discount: a
promotion never adds to a price). What the report does not carry:

* no order total: the lines' sum is the total (there is nothing to check it against);
* no tax of the discounts: a discount's tax is the one derived figure of this mapper. It is the discount
  at its charge's own official rate (the rate of the ship-to or marketplace country that gives the
  charge's stated tax, `core.vat_rates`), rounded half up to the currency, as Amazon computes it; where
  the country has no fixed rate (US sales tax) the charge's own tax-to-amount ratio is used instead;
* no "prices include tax" flag: the items' own tax decides (the official rate that fits the item's price
  and tax, gross or net), else the marketplace (`lines.marketplace_prices_include_tax`);
* no order item ids: each item's `order_item_id` is its row number within the order ("row-1"...), which
  keeps each charge with its item (its tax rate) and is never sent to Amazon;
* no buyer name, street, e-mail or VAT number: the customer is the anonymous "Amazon Customer" with city,
  region, postal code and country, as the Orders API gives without PII (DESIGN.md invariant 6); no
  IsPrime, ship-by dates or buyer cancel requests either (False/None);
* no tax collection model: on Amazon.com the tax is collected by Amazon as marketplace facilitator (every
  US state with a sales tax has such a law since 2020; the Orders API says MarketplaceFacilitator there),
  elsewhere by the seller.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sellersync.amazon.mappers.customers import BuyerFacts, make_customer
from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.lines import (
    ZERO,
    Charge,
    ItemCharges,
    build_lines,
    currency_decimals,
    marketplace_prices_include_tax,
)
from sellersync.amazon.mappers.types import AddressData, OrderData
from sellersync.core import vat_rates
from sellersync.spapi.marketplaces import Marketplace

ORDER_ID = "amazon-order-id"
REQUIRED_COLUMNS = (
    ORDER_ID,
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "sku",
    "currency",
    "item-price",
    "item-tax",
)
QUANTITY_COLUMNS = ("quantity", "quantity-purchased")  # Amazon's help pages name it either way

#: order-status as the report writes it -> the Orders v0 status the rest of sellersync uses.
STATUS_BY_REPORT_STATUS: dict[str, str] = {
    "pending": "Pending",
    "pendingavailability": "PendingAvailability",
    "unshipped": "Unshipped",
    "partiallyshipped": "PartiallyShipped",
    "shipping": "PartiallyShipped",  # FBA: some units left the warehouse, not all yet
    "shipped": "Shipped",
    "canceled": "Canceled",
    "cancelled": "Canceled",  # the report's spelling
    "invoiceunconfirmed": "InvoiceUnconfirmed",
    "unfulfillable": "Unfulfillable",
}
#: fulfillment-channel: "Amazon"/"Merchant" in reports, AFN/MFN in some of Amazon's help pages.
CHANNEL_BY_REPORT_CHANNEL = {"amazon": "AFN", "afn": "AFN", "merchant": "MFN", "mfn": "MFN"}
#: sales-channel ("Amazon.de") -> marketplace.
_SALES_CHANNEL_DOMAINS = {
    Marketplace.US: "com",
    Marketplace.CA: "ca",
    Marketplace.MX: "com.mx",
    Marketplace.BR: "com.br",
    Marketplace.UK: "co.uk",
    Marketplace.DE: "de",
    Marketplace.FR: "fr",
    Marketplace.IT: "it",
    Marketplace.ES: "es",
    Marketplace.NL: "nl",
    Marketplace.SE: "se",
    Marketplace.PL: "pl",
    Marketplace.BE: "com.be",
    Marketplace.IE: "ie",
    Marketplace.TR: "com.tr",
    Marketplace.AE: "ae",
    Marketplace.SA: "sa",
    Marketplace.EG: "eg",
    Marketplace.IN: "in",
    Marketplace.ZA: "co.za",
    Marketplace.JP: "co.jp",
    Marketplace.AU: "com.au",
    Marketplace.SG: "sg",
}
MARKETPLACE_BY_SALES_CHANNEL = {
    f"amazon.{domain}": marketplace for marketplace, domain in _SALES_CHANNEL_DOMAINS.items()
}
#: Marketplaces where Amazon collects and remits the tax on every order (marketplace facilitator).
MARKETPLACE_FACILITATOR_MARKETPLACES = frozenset({Marketplace.US})
#: Columns that describe the order (not the item): every row of an order must state the same value.
ORDER_COLUMNS = (
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "currency",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "is-business-order",
)


class ReportFormatError(ValueError):
    """The document is not an all-orders flat file (no header, or a required column is missing)."""


@dataclass(frozen=True)
class OrderRows:
    """The consecutive rows of one order (column -> text), or why they cannot make an order."""

    amazon_order_id: str
    rows: tuple[Mapping[str, str], ...]
    problem: str = ""


def iter_order_rows(lines: Iterable[str]) -> Iterator[OrderRows]:
    """The report's orders, one at a time, from its lines of text (header first; line ends optional).

    Raises `ReportFormatError` when the header lacks a required column, or when a row has no order id (at
    that row). A row whose number of fields differs from the header's fails its order (`problem`), as does
    an order whose rows are not together.
    """
    header, rows = _identified_rows(lines)
    seen: set[str] = set()
    current: list[Mapping[str, str]] = []
    current_id, problem = "", ""
    for number, order_id, fields in rows:
        if current and order_id != current_id:
            yield OrderRows(current_id, tuple(current), problem)
            current, problem = [], ""
        if not current:
            current_id = order_id
            if order_id in seen:
                problem = f"row {number}: the order's rows are not together in the report (seen before)"
            seen.add(order_id)
        if len(fields) != len(header) and not problem:
            problem = f"row {number}: {len(fields)} fields where the header has {len(header)}"
        current.append(dict(zip(header, (field.strip() for field in fields), strict=False)))
    if current:
        yield OrderRows(current_id, tuple(current), problem)


def check_report(lines: Iterable[str]) -> int:
    """Read the lines once, keeping none, and raise `ReportFormatError` where `iter_order_rows` would (so a
    document can be refused before any of its orders is applied); the number of rows."""
    _, rows = _identified_rows(lines)
    return sum(1 for _ in rows)


def _identified_rows(lines: Iterable[str]) -> tuple[list[str], Iterator[tuple[int, str, list[str]]]]:
    """The checked header, and the rows as (line number, order id, fields), raising at a row without id."""
    reader = csv.reader(
        (line for line in lines if line.strip()), delimiter="\t", quoting=csv.QUOTE_NONE, strict=False
    )
    header = _header(next(reader, None))
    id_index = header.index(ORDER_ID)

    def rows() -> Iterator[tuple[int, str, list[str]]]:
        for number, fields in enumerate(reader, start=2):
            order_id = fields[id_index].strip() if len(fields) > id_index else ""
            if not order_id:  # no order to fail: the document itself is broken
                raise ReportFormatError(f"row {number} has no {ORDER_ID}")
            yield number, order_id, fields

    return header, rows()


def _header(fields: list[str] | None) -> list[str]:
    if not fields:
        raise ReportFormatError("the report is empty: no header line")
    header = [field.strip().lstrip("\ufeff").lower() for field in fields]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if not any(column in header for column in QUANTITY_COLUMNS):
        missing.append(QUANTITY_COLUMNS[0])
    if missing:
        raise ReportFormatError(f"not an all-orders report: it lacks {', '.join(missing)}")
    return header


def map_order(rows: Sequence[Mapping[str, str]]) -> OrderData:
    """Map the rows of one order (one per item, in report order) to `OrderData`."""
    if not rows:
        raise MappingError("", ORDER_ID, "no rows")
    reader = _RowReader(rows)
    order_id = reader.order_id
    marketplace = reader.marketplace()
    currency = reader.text("currency") or marketplace.currency
    decimals = currency_decimals(currency)
    address = AddressData(
        city=reader.text("ship-city"),
        state=reader.text("ship-state"),
        postal_code=reader.text("ship-postal-code"),
        country_code=reader.text("ship-country").upper(),
    )
    countries = _countries(address.country_code, marketplace.country_code)
    collected = marketplace in MARKETPLACE_FACILITATOR_MARKETPLACES
    items = [_item(reader, index, row, collected) for index, row in enumerate(rows)]
    prices_include_tax = _prices_include_tax(order_id, marketplace, items, countries, decimals)
    charges = [_with_promotion_tax(item, countries, prices_include_tax, decimals) for item in items]
    lines = build_lines(order_id, charges, prices_include_tax=prices_include_tax, decimals=decimals)
    is_business = reader.flag("is-business-order")
    extra = {
        "seller_order_id": reader.first("merchant-order-id"),
        "purchase_order_number": reader.first("purchase-order-number"),
    }
    return OrderData(
        amazon_order_id=order_id,
        marketplace_id=marketplace.marketplace_id,
        fulfillment_channel=reader.channel(),
        status=reader.status(),
        purchase_date=reader.instant("purchase-date"),
        last_update=reader.instant("last-updated-date"),
        currency=currency,
        order_total=sum((line.total for line in lines), ZERO),
        customer=make_customer(BuyerFacts(is_business=is_business), address),
        lines=lines,
        is_business_order=is_business,
        sales_channel=reader.text("sales-channel"),
        extra={key: value for key, value in extra.items() if value},
    )


class _RowReader:
    """Reads the columns of one order's rows; order columns must agree across rows."""

    def __init__(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.rows = rows
        self.order_id = rows[0].get(ORDER_ID, "")
        if not self.order_id:
            raise MappingError("", ORDER_ID, "missing")
        for column in ORDER_COLUMNS:
            values = {row.get(column, "") for row in rows}
            if len(values) > 1:
                raise MappingError(
                    self.order_id, column, f"rows of the order disagree: {', '.join(sorted(values))}"
                )

    def text(self, column: str) -> str:
        return self.rows[0].get(column, "")

    def first(self, column: str) -> str:
        """The first non-blank value of an item-level column that describes the order."""
        return next((row[column] for row in self.rows if row.get(column)), "")

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in ("", "false", "no", "n", "0"):
            return False
        if value in ("true", "yes", "y", "1"):
            return True
        raise MappingError(self.order_id, column, f"{value!r} is neither true nor false")

    def instant(self, column: str) -> datetime:
        value = self.text(column)
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", ""))
        except ValueError:
            raise MappingError(self.order_id, column, f"{value!r} is not an ISO 8601 date-time") from None
        if moment.tzinfo is None:
            raise MappingError(self.order_id, column, f"{value!r} has no time zone")
        return moment.astimezone(UTC)

    def marketplace(self) -> Marketplace:
        channel = self.text("sales-channel")
        marketplace = MARKETPLACE_BY_SALES_CHANNEL.get(channel.lower())
        if marketplace is None:
            raise MappingError(self.order_id, "sales-channel", f"{channel!r} is not an Amazon marketplace")
        return marketplace

    def channel(self) -> str:
        value = self.text("fulfillment-channel")
        channel = CHANNEL_BY_REPORT_CHANNEL.get(value.lower())
        if channel is None:
            raise MappingError(self.order_id, "fulfillment-channel", f"unknown channel {value!r}")
        return channel

    def status(self) -> str:
        value = self.text("order-status")
        status = STATUS_BY_REPORT_STATUS.get(value.replace(" ", "").lower())
        if status is None:
            raise MappingError(self.order_id, "order-status", f"unknown status {value!r}")
        return status

    def amount(self, row: Mapping[str, str], index: int, column: str) -> Decimal:
        value = row.get(column, "")
        if not value:
            return ZERO
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise MappingError(
                self.order_id, f"row {index + 1}.{column}", f"{value!r} is not an amount"
            ) from None
        if not amount.is_finite():
            raise MappingError(self.order_id, f"row {index + 1}.{column}", f"{value!r} is not an amount")
        return amount

    def quantity(self, row: Mapping[str, str], index: int) -> int:
        column = next((name for name in QUANTITY_COLUMNS if name in row), QUANTITY_COLUMNS[0])
        value = row.get(column, "")
        if not value.isdigit():
            raise MappingError(self.order_id, f"row {index + 1}.{column}", f"{value!r} is not a quantity")
        return int(value)


@dataclass(frozen=True)
class _ReportItem:
    """One row's charges; the discounts apart, their taxes still to derive."""

    charges: ItemCharges
    item_discount: Decimal  # negative
    shipping_discount: Decimal  # negative


def _item(reader: _RowReader, index: int, row: Mapping[str, str], collected: bool) -> _ReportItem:
    def money(column: str) -> Decimal:
        return reader.amount(row, index, column)

    sku, asin = row.get("sku", ""), row.get("asin", "")
    if not sku and not asin:
        raise MappingError(reader.order_id, f"row {index + 1}.sku", "neither sku nor asin")
    quantity = reader.quantity(row, index)
    item_status = row.get("item-status", "").lower()
    shipped = item_status == "shipped" or (not item_status and reader.status() == "Shipped")
    charges = ItemCharges(
        path=f"row {index + 1}",
        order_item_id=f"row-{index + 1}",
        sku=sku,
        asin=asin,
        title=row.get("product-name", ""),
        quantity=quantity,
        quantity_shipped=quantity if shipped else 0,
        tax_collected_by_marketplace=collected,
        product=Charge(money("item-price"), money("item-tax")),
        shipping=Charge(money("shipping-price"), money("shipping-tax")),
        gift_wrap=Charge(money("gift-wrap-price"), money("gift-wrap-tax")),
        promotion_ids=tuple(part.strip() for part in row.get("promotion-ids", "").split(",") if part.strip()),
    )
    return _ReportItem(
        charges, -abs(money("item-promotion-discount")), -abs(money("ship-promotion-discount"))
    )


def _countries(ship_to: str, marketplace_country: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(country for country in (ship_to, marketplace_country) if country))


def _candidate_rates(countries: Sequence[str]) -> tuple[Decimal, ...] | None:
    """The official rates of the taxing countries, likeliest first; None when a country's rate varies
    below the country (US sales tax), where no official rate can be matched."""
    rates: list[Decimal] = []
    for country in countries:
        if country in vat_rates.VARYING_RATE_COUNTRIES:
            return None
        known = vat_rates.country_rates(country)
        if known is not None:
            rates.extend(known.rates)
    return tuple(dict.fromkeys(rates))


def _item_rate(
    charge: Charge, quantity: int, rates: Sequence[Decimal], gross: bool, places: int
) -> Decimal | None:
    if not charge.tax or not charge.amount:
        return None
    return vat_rates.match_rate(
        rates,
        charge.amount,
        charge.tax,
        amount_includes_tax=gross,
        quantity=Decimal(max(quantity, 1)),
        places=places,
    )


def _prices_include_tax(
    order_id: str,
    marketplace: Marketplace,
    items: Sequence[_ReportItem],
    countries: Sequence[str],
    decimals: int,
) -> bool:
    """Whether the amounts include their tax: read from taxed items whose tax fits an official rate one
    way only; the items must agree; else the marketplace's convention."""
    rates = _candidate_rates(countries)
    verdicts: set[bool] = set()
    for item in items:
        if not rates:
            break
        product = item.charges.product
        fits = {
            gross
            for gross in (True, False)
            if _item_rate(product, item.charges.quantity, rates, gross, decimals) is not None
        }
        if len(fits) == 1:
            verdicts |= fits
    if len(verdicts) > 1:
        raise MappingError(order_id, "item-tax", "items disagree on whether prices include tax")
    return verdicts.pop() if verdicts else marketplace_prices_include_tax(marketplace.marketplace_id)


def _with_promotion_tax(
    item: _ReportItem, countries: Sequence[str], prices_include_tax: bool, decimals: int
) -> ItemCharges:
    """The item's charges with its PROMOTION charge: both discounts and the tax derived for each."""
    charges = item.charges
    rates = _candidate_rates(countries)
    tax = _discount_tax(
        item.item_discount, charges.product, charges.quantity, rates, prices_include_tax, decimals
    ) + _discount_tax(item.shipping_discount, charges.shipping, 1, rates, prices_include_tax, decimals)
    promotion = Charge(item.item_discount + item.shipping_discount, tax)
    return replace(charges, promotion=promotion)


def _discount_tax(
    discount: Decimal,
    charge: Charge,
    quantity: int,
    rates: Sequence[Decimal] | None,
    gross: bool,
    decimals: int,
) -> Decimal:
    """The tax of a (negative) discount on `charge`: at the charge's official rate, else its own ratio."""
    if not discount or not charge.tax or not charge.amount:
        return ZERO
    rate = _item_rate(charge, quantity, rates, gross, decimals) if rates else None
    if rate is not None:
        exact = vat_rates.expected_tax(rate, discount, amount_includes_tax=gross)
    else:
        exact = discount * charge.tax / charge.amount
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
