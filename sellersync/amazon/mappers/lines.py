"""Order lines from per-item charges, shared by both Orders API versions so they map alike.

Each version's mapper reads its payload into `ItemCharges` (amounts as Amazon displays them to the buyer:
VAT included on VAT-inclusive marketplaces, tax apart elsewhere) and `build_lines` turns them into one
PRODUCT line per item plus, per item, one SHIPPING, GIFT_WRAP and PROMOTION line (item promotions and
shipping discounts together, negative): a charge stays with the item it belongs to, so it keeps that item's
tax rate (a 7 % book's shipping is taxed at 7 %, a 19 % lamp's at 19 %). A line's `total` is what the
buyer paid for it: the amount when prices include tax, amount + tax otherwise. Nothing is rounded here;
unit prices are checked to give back Amazon's line amount, never adjusted to do so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sellersync.amazon.mappers.errors import MappingError
from sellersync.amazon.mappers.types import LineData, LineKind

ZERO = Decimal(0)
UNIT_PRICE_EXPONENT = Decimal("0.0001")  # sales lines store unit prices with 4 decimals

# ISO 4217 currencies without minor unit among those Amazon sells in (JPY today).
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "CLP", "VND", "ISK"})

# Marketplaces where the buyer sees prices before tax and the tax is added at checkout (sales tax in the
# US and Canada; Mexico and Brazil as agreed for the project). Everywhere else (EU, UK, TR, AE, SA, EG,
# IN, ZA, JP, AU, SG) the listed price includes VAT/GST. This is only the default: when an order carries
# tax, its own amounts decide (see the mappers), so a marketplace never has to be guessed for money.
TAX_EXCLUSIVE_MARKETPLACE_IDS = frozenset(
    {
        "ATVPDKIKX0DER",  # US
        "A2EUQ1WTGCTBG2",  # CA
        "A1AM78C64UM0Y8",  # MX
        "A2Q3Y263D00KWC",  # BR
    }
)

SHIPPING_DESCRIPTION = "Shipping"
GIFT_WRAP_DESCRIPTION = "Gift wrap"
COD_FEE_DESCRIPTION = "Cash on delivery fee"
PROMOTION_DESCRIPTION = "Promotion"


def currency_decimals(currency: str) -> int:
    """Digits after the decimal point of an amount in this currency."""
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else 2


def marketplace_prices_include_tax(marketplace_id: str) -> bool:
    """Whether listed prices include tax on this marketplace, when the order itself cannot tell."""
    return marketplace_id not in TAX_EXCLUSIVE_MARKETPLACE_IDS


@dataclass(frozen=True)
class Charge:
    """An amount as displayed to the buyer (negative for a discount) and Amazon's tax on it."""

    amount: Decimal = ZERO
    tax: Decimal = ZERO

    def __add__(self, other: Charge) -> Charge:
        return Charge(self.amount + other.amount, self.tax + other.tax)

    @property
    def is_zero(self) -> bool:
        return not self.amount and not self.tax

    def total(self, prices_include_tax: bool) -> Decimal:
        """What the buyer paid for this charge."""
        return self.amount if prices_include_tax else self.amount + self.tax


@dataclass(frozen=True)
class ItemCharges:
    """Everything one order item costs the buyer, read from either API version.

    `path` is the item's place in the payload (for error messages); `unit_price` is Amazon's own unit
    price when the payload states one (2026-01-01), else it is derived from the product amount.
    """

    path: str
    order_item_id: str
    sku: str
    asin: str
    title: str
    quantity: int
    quantity_shipped: int
    tax_collected_by_marketplace: bool
    product: Charge
    shipping: Charge = Charge()
    gift_wrap: Charge = Charge()
    cod_fee: Charge = Charge()
    promotion: Charge = Charge()
    promotion_ids: tuple[str, ...] = ()
    unit_price: Decimal | None = None


def build_lines(
    order_id: str, items: Sequence[ItemCharges], *, prices_include_tax: bool, decimals: int
) -> tuple[LineData, ...]:
    """PRODUCT lines in item order, then each item's SHIPPING, GIFT_WRAP and PROMOTION lines."""
    products = [_product_line(order_id, item, prices_include_tax, decimals) for item in items]
    return (*products, *_charge_lines(items, prices_include_tax))


def check_total(order_id: str, field: str, lines: Iterable[LineData], order_total: Decimal) -> None:
    """The lines must add up to Amazon's order total to the cent; a difference is never absorbed."""
    lines_total = sum((line.total for line in lines), ZERO)
    if lines_total != order_total:
        raise MappingError(
            order_id,
            field,
            f"order total {order_total} differs from the sum of its lines {lines_total}",
        )


def round_trips(unit_price: Decimal, quantity: int, amount: Decimal, decimals: int) -> bool:
    """Whether `quantity` x `unit_price`, rounded to the currency, gives back Amazon's amount."""
    exponent = Decimal(1).scaleb(-decimals)
    return (unit_price * quantity).quantize(exponent, rounding=ROUND_HALF_UP) == amount


def _product_line(order_id: str, item: ItemCharges, prices_include_tax: bool, decimals: int) -> LineData:
    return LineData(
        kind=LineKind.PRODUCT,
        description=item.title or item.sku or item.asin,
        quantity=Decimal(item.quantity),
        unit_price=_unit_price(order_id, item, decimals),
        tax_amount=item.product.tax,
        total=item.product.total(prices_include_tax),
        price_includes_tax=prices_include_tax,
        tax_collected_by_marketplace=item.tax_collected_by_marketplace,
        sku=item.sku,
        asin=item.asin,
        order_item_id=item.order_item_id,
        quantity_shipped=Decimal(item.quantity_shipped),
    )


def _unit_price(order_id: str, item: ItemCharges, decimals: int) -> Decimal:
    amount = item.product.amount
    if item.quantity <= 0:
        if amount or item.product.tax:
            raise MappingError(
                order_id, f"{item.path}.quantity", f"quantity {item.quantity} with price {amount}"
            )
        return ZERO
    unit_price = item.unit_price
    if unit_price is None:
        unit_price = (amount / item.quantity).quantize(UNIT_PRICE_EXPONENT, rounding=ROUND_HALF_UP)
    if not round_trips(unit_price, item.quantity, amount, decimals):
        raise MappingError(
            order_id,
            f"{item.path}.price",
            f"unit price {unit_price} x {item.quantity} does not give the item amount {amount}",
        )
    return unit_price


def _charge_lines(items: Sequence[ItemCharges], prices_include_tax: bool) -> list[LineData]:
    """One line per item and kind of charge, so each keeps its item's tax rate (never a blended one).

    Lines come kind by kind (shipping, COD fee, gift wrap, promotion), items in payload order within a kind;
    a charge's description names its item's SKU when the order has more than one item.
    """
    kinds = (
        (LineKind.SHIPPING, SHIPPING_DESCRIPTION, "shipping"),
        (LineKind.SHIPPING, COD_FEE_DESCRIPTION, "cod_fee"),
        (LineKind.GIFT_WRAP, GIFT_WRAP_DESCRIPTION, "gift_wrap"),
        (LineKind.PROMOTION, PROMOTION_DESCRIPTION, "promotion"),
    )
    several = len(items) > 1
    return [
        _charge_line(
            kind, _charge_description(description, kind, item, several), item, attribute, prices_include_tax
        )
        for kind, description, attribute in kinds
        for item in items
        if not getattr(item, attribute).is_zero
    ]


def _charge_description(description: str, kind: LineKind, item: ItemCharges, several: bool) -> str:
    if kind == LineKind.PROMOTION and item.promotion_ids:
        description = f"{description} {', '.join(dict.fromkeys(item.promotion_ids))}"
    if several:
        description = f"{description} ({item.sku or item.asin})"
    return description


def _charge_line(
    kind: LineKind, description: str, item: ItemCharges, attribute: str, prices_include_tax: bool
) -> LineData:
    charge: Charge = getattr(item, attribute)
    return LineData(
        kind=kind,
        description=description,
        quantity=Decimal(1),
        unit_price=charge.amount,
        tax_amount=charge.tax,
        total=charge.total(prices_include_tax),
        price_includes_tax=prices_include_tax,
        tax_collected_by_marketplace=item.tax_collected_by_marketplace,
        order_item_id=item.order_item_id,
    )
