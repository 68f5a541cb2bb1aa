"""Seeded, reproducible sellers, catalogues and orders that look like a real seller's business."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sellersync.sandbox.clock import iso
from sellersync.sandbox.marketplaces import MARKETPLACES, Marketplace
from sellersync.sandbox.records import Address, Buyer, Item, Order, Package, Seller, Transition

NA_MARKETPLACES = ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"]
EU_MARKETPLACES = ["A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS"]
FE_MARKETPLACES = ["A1VC38T7YXB528"]

_SELLER_PLANS = [
    ("Northwind Outdoor Supply", "NA", NA_MARKETPLACES, True),
    ("Europa Home & Garden", "EU", EU_MARKETPLACES, False),
    ("Sakura Kitchen Goods", "FE", FE_MARKETPLACES, True),
]
_ADJECTIVES = [
    "Classic",
    "Compact",
    "Deluxe",
    "Eco",
    "Heavy-Duty",
    "Portable",
    "Premium",
    "Smart",
    "Ultra",
    "Vintage",
]
_NOUNS = [
    "Water Bottle",
    "Camping Lantern",
    "Chef Knife",
    "Garden Hose",
    "Yoga Mat",
    "Tea Kettle",
    "Backpack",
    "Desk Lamp",
    "Cutting Board",
    "Thermos",
    "Hammock",
    "Bird Feeder",
    "Spice Rack",
    "Rain Jacket",
    "Headlamp",
]
_FIRST = [
    "Alex",
    "Maria",
    "John",
    "Emma",
    "Lukas",
    "Sophie",
    "Hiro",
    "Yuki",
    "Carlos",
    "Giulia",
    "Pierre",
    "Ana",
]
_LAST = ["Smith", "Garcia", "Müller", "Rossi", "Dubois", "Tanaka", "Sato", "Johnson", "Fernández", "Brown"]
_CITIES: dict[str, list[tuple[str, str, str]]] = {
    "US": [("Seattle", "WA", "98101"), ("Austin", "TX", "73301"), ("Denver", "CO", "80202")],
    "CA": [("Toronto", "ON", "M5H 2N2"), ("Vancouver", "BC", "V6B 1A1")],
    "MX": [("Guadalajara", "JAL", "44100"), ("Monterrey", "NL", "64000")],
    "GB": [("London", "Greater London", "SW1A 1AA"), ("Leeds", "West Yorkshire", "LS1 4AP")],
    "DE": [("Berlin", "Berlin", "10115"), ("München", "Bayern", "80331")],
    "FR": [("Lyon", "Rhône", "69001"), ("Paris", "Île-de-France", "75001")],
    "IT": [("Milano", "MI", "20121"), ("Roma", "RM", "00184")],
    "ES": [("Madrid", "Madrid", "28013"), ("Sevilla", "Sevilla", "41001")],
    "JP": [("Shibuya-ku", "Tokyo", "150-0002"), ("Osaka-shi", "Osaka", "530-0001")],
}
_CARRIERS = [("UPS", "Ground"), ("USPS", "Priority Mail"), ("DHL", "Paket"), ("Yamato Transport", "TA-Q-BIN")]


@dataclass(frozen=True)
class Product:
    """One catalogue entry; the price is the marketplace's listed price (VAT-inclusive where that applies)."""

    asin: str
    sku: str
    title: str
    base_price: Decimal

    def price_in(self, market: Marketplace) -> Decimal:
        listed = market.money(self.base_price * market.price_factor)
        return listed if market.decimals == 0 else listed.quantize(Decimal(1)) - Decimal("0.01")


@dataclass
class OrderOptions:
    """What the control API may pin when it creates orders; None = the generator chooses."""

    marketplace_id: str | None = None
    fulfillment_channel: str | None = None
    status: str | None = None
    is_business: bool | None = None
    #: A gift message (with gift wrap) on the first item; None = the generator chooses (7 % of orders).
    gift_message: str | None = None


def generate_sellers(seed: int, count: int = 3) -> list[Seller]:
    rng = random.Random(seed)  # nosec B311  # simulated data, not security
    sellers = []
    for index in range(count):
        name, region, marketplace_ids, pii_access = _SELLER_PLANS[index % len(_SELLER_PLANS)]
        suffix = "" if index < len(_SELLER_PLANS) else f" {index // len(_SELLER_PLANS) + 1}"
        sellers.append(
            Seller(
                seller_id="A" + _alnum(rng, 13),
                name=name + suffix,
                region=region,
                marketplace_ids=list(marketplace_ids),
                client_id="amzn1.application-oa2-client." + _hex(rng, 32),
                client_secret="amzn1.oa2-cs.v1." + _hex(rng, 64),
                refresh_token="Atzr|" + _alnum(rng, 120),
                pii_access=pii_access,
            )
        )
    return sellers


def generate_catalogue(seller: Seller, size: int = 30) -> list[Product]:
    rng = random.Random(seller.seller_id)  # nosec B311  # simulated data
    products = []
    for index in range(size):
        title = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        products.append(
            Product(
                asin="B0" + _alnum(rng, 8),
                sku=f"{seller.region}-{index + 1:03d}-{title.split()[-1][:4].upper()}",
                title=title,
                base_price=Decimal(rng.randrange(8, 120)),
            )
        )
    return products


class OrderGenerator:
    """Makes orders for one seller from a seeded random stream."""

    def __init__(self, seller: Seller, rng: random.Random) -> None:
        self.seller = seller
        self.rng = rng
        self.catalogue = generate_catalogue(seller)

    def order(self, purchase_date: datetime, options: OrderOptions | None = None) -> Order:
        options = options or OrderOptions()
        rng = self.rng
        market = MARKETPLACES[options.marketplace_id or rng.choice(self.seller.marketplace_ids)]
        channel = options.fulfillment_channel or ("AFN" if rng.random() < 0.45 else "MFN")
        is_business = options.is_business if options.is_business is not None else rng.random() < 0.15
        is_prime = channel == "AFN" and rng.random() < 0.6
        order_id = f"{rng.randrange(100, 999)}-{rng.randrange(10**6, 10**7)}-{rng.randrange(10**6, 10**7)}"
        items = self._items(order_id, market, channel, is_prime, options.gift_message)
        status_plan = options.status or self._status_plan(channel)
        order = Order(
            order_id=order_id,
            seller_id=self.seller.seller_id,
            marketplace_id=market.marketplace_id,
            currency=market.currency,
            purchase_date=iso(purchase_date),
            fulfillment_channel=channel,
            ship_service_level="Expedited" if is_prime else "Std Dom",
            ship_service_category="Expedited" if is_prime else "Standard",
            is_business=is_business,
            is_prime=is_prime,
            tax_inclusive=market.tax_inclusive,
            buyer=self._buyer(market, is_business),
            address=self._address(market, is_business),
            items=items,
            timeline=[Transition(iso(purchase_date), "Pending")],
            seller_order_id=f"SO-{rng.randrange(10**5, 10**6)}" if rng.random() < 0.3 else "",
        )
        self._plan_life(order, purchase_date, status_plan)
        return order

    def _status_plan(self, channel: str) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return "Canceled"
        if channel == "MFN" and roll < 0.4:
            return "Shipped"
        return "Shipped" if channel == "AFN" else "Unshipped"

    def _plan_life(self, order: Order, purchase: datetime, plan: str) -> None:
        rng = self.rng
        if plan == "Pending":
            return
        if plan == "Canceled":
            order.canceled_by = rng.choice(["buyer", "amazon"])
            if order.canceled_by == "buyer":
                for item in order.items:
                    item.buyer_requested_cancel = True
                    item.buyer_cancel_reason = "Order placed by mistake"
            order.timeline.append(
                Transition(iso(purchase + timedelta(minutes=rng.randrange(10, 120))), "Canceled")
            )
            return
        if order.fulfillment_channel == "AFN":
            order.timeline.append(
                Transition(iso(purchase + timedelta(minutes=rng.randrange(30, 300))), "Shipped")
            )
            return
        unshipped_at = purchase + timedelta(minutes=rng.randrange(5, 30))
        order.timeline.append(Transition(iso(unshipped_at), "Unshipped"))
        if plan == "Shipped":
            shipped_at = unshipped_at + timedelta(hours=rng.randrange(4, 40))
            order.timeline.append(Transition(iso(shipped_at), "Shipped"))
            carrier, method = rng.choice(_CARRIERS)
            order.packages.append(
                Package(
                    "1",
                    carrier,
                    carrier,
                    method,
                    "1Z" + _alnum(rng, 16),
                    iso(shipped_at),
                    [(item.order_item_id, item.quantity) for item in order.items],
                    at=iso(shipped_at),
                )
            )

    def _items(
        self,
        order_id: str,
        market: Marketplace,
        channel: str,
        is_prime: bool,
        gift_message: str | None = None,
    ) -> list[Item]:
        rng = self.rng
        count = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        products = rng.sample(self.catalogue, count)
        promo = rng.random() < 0.15
        gift_index = 0 if rng.random() < 0.07 or gift_message else -1
        items = []
        for index, product in enumerate(products):
            quantity = rng.choices([1, 2, 3], weights=[80, 15, 5])[0]
            item = Item(
                order_item_id=f"{rng.randrange(10**13, 10**14)}",
                asin=product.asin,
                sku=product.sku,
                title=product.title,
                quantity=quantity,
                unit_price=str(product.price_in(market)),
                item_tax="0",
            )
            item.item_tax = str(_tax(market, item.item_price))
            if channel == "MFN" and not is_prime and index == 0:
                self._charge_shipping(item, market)
            if promo:
                discount = market.money(item.item_price * Decimal("0.10"))
                item.promotion_discount = str(discount)
                item.promotion_discount_tax = str(_tax(market, discount))
                item.promotion_ids = [f"PROMO-{order_id[-4:]}"]
            if index == gift_index:
                wrap = market.money(Decimal("3.99") * market.price_factor)
                item.gift_wrap_price = str(wrap)
                item.gift_wrap_tax = str(_tax(market, wrap))
                item.gift_message = gift_message or "Happy birthday!"
            items.append(item)
        return items

    def _charge_shipping(self, item: Item, market: Marketplace) -> None:
        shipping = market.money(Decimal("4.99") * market.price_factor)
        item.shipping_price = str(shipping)
        item.shipping_tax = str(_tax(market, shipping))

    def _buyer(self, market: Marketplace, is_business: bool) -> Buyer:
        rng = self.rng
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        email = f"{_alnum(rng, 16).lower()}@marketplace.{market.domain.removeprefix('www.')}"
        if not is_business:
            return Buyer(email=email, name=name)
        company = f"{rng.choice(_LAST)} {rng.choice(['GmbH', 'Ltd', 'LLC', 'SARL', 'S.L.', 'K.K.'])}"
        vat = f"{market.country_code}{rng.randrange(10**8, 10**9)}" if market.tax_inclusive else ""
        return Buyer(
            email=email,
            name=name,
            company_name=company,
            vat_number=vat,
            purchase_order_number=f"PO-{rng.randrange(1000, 9999)}",
        )

    def _address(self, market: Marketplace, is_business: bool) -> Address:
        rng = self.rng
        city, region, postal = rng.choice(_CITIES[market.country_code])
        return Address(
            name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
            line1=f"{rng.randrange(1, 999)} {rng.choice(['Main', 'High', 'Park', 'Station'])} Street",
            city=city,
            state_or_region=region,
            postal_code=postal,
            country_code=market.country_code,
            phone=f"+{rng.randrange(1, 99)} {rng.randrange(10**8, 10**9)}",
            address_type="Commercial" if is_business else "Residential",
        )


def _tax(market: Marketplace, amount: Decimal) -> Decimal:
    if market.tax_inclusive:
        return market.money(amount * market.tax_rate / (1 + market.tax_rate))
    return market.money(amount * market.tax_rate)


def _alnum(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(length))


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))
