"""The sandbox's world: sellers, orders, tokens and the services the routes call (no HTTP here)."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sellersync.sandbox.clock import SimulatedClock, iso, parse_iso
from sellersync.sandbox.faults import FaultBox
from sellersync.sandbox.generators import OrderGenerator, OrderOptions, generate_sellers
from sellersync.sandbox.history import earlier_orders
from sellersync.sandbox.ratelimits import RateLimiter
from sellersync.sandbox.records import Order, Seller, Transition
from sellersync.sandbox.state import SandboxState

ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
AUTH_CODE_LIFETIME = timedelta(minutes=5)
PAST_ORDERS_PER_SELLER = 80
FUTURE_ORDERS_PER_SELLER = 40


@dataclass
class TokenGrant:
    """A valid access token or RDT: whose it is and, for an RDT, what it opens."""

    seller_id: str
    kind: str
    resources: list[dict[str, Any]] = field(default_factory=list)


class TokenRejected(Exception):
    """The presented token is missing, unknown, revoked or expired; `reason` ends Amazon's error details."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sandbox:
    """Everything the routes act on. One instance per app; thread-safe through the state's lock."""

    def __init__(
        self,
        state: SandboxState,
        *,
        seed: int,
        time_scale: float,
        start_time: datetime | None,
        sellers: int,
        rate_time_scale: float | None = None,
        history_days: int = 0,
    ) -> None:
        self.state = state
        self.history_days = history_days
        self.seed = seed
        self.seller_count = sellers
        saved_now = state.get_meta("clock_now")
        start = parse_iso(saved_now) if saved_now else (start_time or datetime.now(UTC))
        self.clock = SimulatedClock(start, time_scale)
        # The rate-limit buckets refill on this clock: the simulated one, unless told to run apart (a world
        # that stands still between `advance` calls whose buckets still refill as the client waits).
        self.rate_clock = self.clock if rate_time_scale is None else SimulatedClock(start, rate_time_scale)
        self.limiter = RateLimiter()
        self.faults = FaultBox()
        # Decoded orders per seller, written through by every save: searches don't re-read the whole file.
        self._orders_by_seller: dict[str, dict[str, Order]] = {}
        self._rng = random.Random(f"{seed}:{state.count('order')}")  # nosec B311  # simulated orders
        if state.get_meta("seeded") is None:
            self._seed_world()

    def now(self) -> datetime:
        return self.clock.now()

    def remember_clock(self) -> None:
        self.state.set_meta("clock_now", iso(self.now()))

    def reset(self) -> None:
        self.state.reset()
        self._orders_by_seller.clear()
        self.limiter.reset()
        self.faults.clear()
        self._rng = random.Random(f"{self.seed}:0")  # nosec B311  # simulated orders
        self._seed_world()

    def _seed_world(self) -> None:
        now = self.now()
        for seller in generate_sellers(self.seed, self.seller_count):
            self.state.put("seller", seller.seller_id, seller.seller_id, seller.to_json())
            generator = OrderGenerator(seller, self._rng)
            orders = [
                generator.order(now - timedelta(minutes=self._rng.randrange(10, 4 * 24 * 60)))
                for _ in range(PAST_ORDERS_PER_SELLER)
            ]
            orders += [
                generator.order(now + timedelta(minutes=self._rng.randrange(1, 2 * 24 * 60)))
                for _ in range(FUTURE_ORDERS_PER_SELLER)
            ]
            if self.history_days:
                orders = earlier_orders(seller, self.seed, now, self.history_days) + orders
            self.state.put_many(
                "order", [(order.order_id, seller.seller_id, order.to_json()) for order in orders]
            )
        self.state.set_meta("seeded", "1")
        self.remember_clock()

    # sellers
    def sellers(self) -> list[Seller]:
        return [Seller(**data) for data in self.state.all("seller")]

    def seller(self, seller_id: str) -> Seller | None:
        data = self.state.get("seller", seller_id)
        return None if data is None else Seller(**data)

    # orders
    def orders_of(self, seller_id: str) -> list[Order]:
        """The seller's orders that exist at the simulated now (future purchases are not yet visible)."""
        now = self.now()
        return [
            order
            for order in self._cached_orders(seller_id).values()
            if parse_iso(order.purchase_date) <= now
        ]

    def _cached_orders(self, seller_id: str) -> dict[str, Order]:
        cached = self._orders_by_seller.get(seller_id)
        if cached is None:
            decoded = (Order.from_json(data) for data in self.state.all("order", seller_id))
            cached = self._orders_by_seller[seller_id] = {order.order_id: order for order in decoded}
        return cached

    def _remember(self, orders: list[Order]) -> None:
        for order in orders:
            cached = self._orders_by_seller.get(order.seller_id)
            if cached is not None:
                cached[order.order_id] = Order.from_json(order.to_json())

    def order(self, order_id: str, seller_id: str) -> Order | None:
        data = self.state.get("order", order_id)
        if data is None or data["seller_id"] != seller_id:
            return None
        order = Order.from_json(data)
        return order if parse_iso(order.purchase_date) <= self.now() else None

    def save_order(self, order: Order) -> None:
        self.state.put("order", order.order_id, order.seller_id, order.to_json())
        self._remember([order])

    def create_orders(self, seller: Seller, count: int, options: OrderOptions) -> list[Order]:
        generator = OrderGenerator(seller, self._rng)
        purchase = self.now() - timedelta(seconds=1)
        orders = [generator.order(purchase, options) for _ in range(count)]
        self.state.put_many(
            "order", [(order.order_id, seller.seller_id, order.to_json()) for order in orders]
        )
        self._remember(orders)
        return orders

    def transition(self, order: Order, status: str) -> None:
        """Apply a status change now: planned future steps are dropped, LastUpdateDate moves to now."""
        now = self.now()
        order.timeline = order.transitions_until(now)
        order.packages = order.packages_by(now)
        order.timeline.append(Transition(iso(now), status))

    # LWA
    def issue_access_token(self, seller_id: str) -> str:
        token = "Atza|" + secrets.token_urlsafe(48)
        expires = self.now() + ACCESS_TOKEN_LIFETIME
        self.state.put(
            "token",
            token,
            seller_id,
            {"kind": "access", "seller_id": seller_id, "expires_at": iso(expires), "resources": []},
        )
        return token

    def issue_rdt(self, seller_id: str, resources: list[dict[str, Any]]) -> str:
        token = "Atz.sprdt|" + secrets.token_urlsafe(48)
        expires = self.now() + ACCESS_TOKEN_LIFETIME
        self.state.put(
            "token",
            token,
            seller_id,
            {"kind": "rdt", "seller_id": seller_id, "expires_at": iso(expires), "resources": resources},
        )
        return token

    def issue_auth_code(self, seller_id: str) -> str:
        code = "ANDX" + secrets.token_urlsafe(16)
        self.state.put(
            "authcode",
            code,
            seller_id,
            {"seller_id": seller_id, "expires_at": iso(self.now() + AUTH_CODE_LIFETIME)},
        )
        return code

    def redeem_auth_code(self, code: str) -> Seller | None:
        data = self.state.get("authcode", code)
        if data is None or data.get("used") or parse_iso(data["expires_at"]) <= self.now():
            return None
        self.state.put("authcode", code, data["seller_id"], {**data, "used": True})
        return self.seller(data["seller_id"])

    def revoke_token(self, token: str) -> None:
        data = self.state.get("token", token)
        if data is not None:
            self.state.put("token", token, data["seller_id"], {**data, "revoked": True})

    def check_token(self, token: str | None) -> TokenGrant:
        if not token:
            raise TokenRejected("The access token you provided is revoked, malformed or invalid.")
        data = self.state.get("token", token)
        if data is None or data.get("revoked"):
            raise TokenRejected("The access token you provided is revoked, malformed or invalid.")
        if parse_iso(data["expires_at"]) <= self.now():
            raise TokenRejected("The access token you provided has expired.")
        return TokenGrant(data["seller_id"], data["kind"], data["resources"])
