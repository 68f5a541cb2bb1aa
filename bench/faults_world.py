"""The fault campaign's Amazon: a sandbox process whose clock moves only when the campaign advances it.

The sandbox runs with `--time-scale 0`: its clock stands still between `advance` calls, so what Amazon says
at a checkpoint is exactly what the books are compared with, and a seed replays the same world. Its rate-limit
buckets refill on a clock of their own (`--rate-time-scale`, as fast as the client is told).
Every change goes through the control API (`/_sandbox/...`): new orders, cancellations, shipments in
Seller Central (FBM) or by Amazon (FBA), faults.
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.sandbox_process import _free_port, _wait_until_up
from sellersync.sandbox.faults import FAULT_KINDS

#: The operations an order sync calls (both Orders API versions, buyer data, marketplaces).
SYNC_OPERATIONS = (
    "searchOrders",
    "orders_2026-01-01.getOrder",
    "getOrders",
    "ordersV0.getOrder",
    "getOrderItems",
    "getOrderAddress",
    "getOrderBuyerInfo",
    "getOrderItemsBuyerInfo",
    "createRestrictedDataToken",
    "getMarketplaceParticipations",
    "*",
)
#: Fault kinds that alter a page of orders: armed on the listing operations only.
PAGE_FAULTS = {"invalid_order": ("getOrders", "searchOrders"), "unknown_currency": ("searchOrders",)}
#: Fault kinds the sync never meets (feeds, documents): not armed.
NOT_FOR_SYNC = {"expired_url", "feed_unspecified_errors"}
#: Kinds that hold an answer `timeout_seconds` (real seconds): up to half again the client's timeout, so
#: that some answers come in time and others after the client gave up (a `slow` one was taken by Amazon).
HELD_FAULTS = {"timeout", "slow"}
CLIENT_TIMEOUT_SECONDS = 2.0
OPEN_STATUSES = ("Pending", "Unshipped", "PartiallyShipped")
#: Amazon's rate limits run this many times real time (the client is told the same: SPAPI_TIME_SCALE).
RATE_TIME_SCALE = 3600


@dataclass
class RoundLog:
    """What a round did to Amazon (printed when a defect needs explaining)."""

    advanced_s: int = 0
    created: list[str] = field(default_factory=list)
    canceled: list[str] = field(default_factory=list)
    shipped: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)


class SandboxWorld:
    """The sandbox process and the control calls the campaign makes."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.state = folder / "sandbox.sqlite3"
        self.seed = seed
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.base_url, timeout=30)
        self._process: subprocess.Popen[bytes] | None = None
        self.fault_kinds = [kind for kind in FAULT_KINDS if kind not in NOT_FOR_SYNC]

    def start(self) -> None:
        command = [
            sys.executable, "-m", "sellersync.sandbox", "--port", str(self.port), "--time-scale", "0",
            "--rate-time-scale", str(RATE_TIME_SCALE),
            "--seed", str(self.seed), "--state", str(self.state),
        ]  # fmt: skip
        with (self.state.parent / "sandbox.log").open("ab") as log:  # e.g. connections dropped on purpose
            self._process = subprocess.Popen(command, stdout=log, stderr=log)
        _wait_until_up(self.base_url, self._process)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None
        self.http.close()

    # --- reading -------------------------------------------------------------------------------------

    def sellers(self) -> list[dict[str, Any]]:
        return list(self.http.get("/_sandbox/sellers").json())

    def now(self) -> str:
        return str(self.http.get("/_sandbox/clock").json()["now"])

    def truth(self) -> dict[str, dict[str, Any]]:
        """Every visible order of every seller, by id, as Amazon has it now."""
        response = self.http.get("/_sandbox/orders")
        response.raise_for_status()
        return {order["order_id"]: order for order in response.json()}

    # --- changing ------------------------------------------------------------------------------------

    def advance(self, seconds: float) -> str:
        response = self.http.post("/_sandbox/advance", json={"seconds": seconds})
        response.raise_for_status()
        return str(response.json()["now"])

    def faults_off(self) -> None:
        """Disarm every fault (`DELETE /_sandbox/faults`); a sandbox without it is restarted (same state)."""
        if self.http.delete("/_sandbox/faults").status_code == 200:
            return
        assert self._process is not None
        self._process.terminate()
        self._process.wait(timeout=10)
        self.start()

    def play(self, rng: random.Random, log: RoundLog) -> None:
        """One round's changes: time passes, orders arrive, some are canceled or shipped, faults armed."""
        log.advanced_s = _elapsed(rng)
        self.advance(log.advanced_s)
        for seller in self.sellers():
            self._create(rng, seller["seller_id"], rng.choice((0, 0, 1, 1, 2, 3)), log)
        open_orders = [o for o in self.truth().values() if o["status"] in OPEN_STATUSES]
        rng.shuffle(open_orders)
        for order in open_orders[: rng.choice((0, 1, 1, 2, 3))]:
            self._cancel_or_ship(rng, order, log)
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            log.faults.append(self.arm_fault(rng))

    def _create(self, rng: random.Random, seller_id: str, count: int, log: RoundLog) -> None:
        if not count:
            return
        body: dict[str, Any] = {"seller_id": seller_id, "count": count}
        channel = rng.choice((None, "AFN", "MFN", "MFN"))
        if channel:
            body["fulfillment_channel"] = channel
        status = rng.choice((None, None, None, "Unshipped", "Shipped", "Pending", "Canceled"))
        if status:
            body["status"] = status
        response = self.http.post("/_sandbox/orders", json=body)
        response.raise_for_status()
        log.created += response.json()["order_ids"]

    def _cancel_or_ship(self, rng: random.Random, order: dict[str, Any], log: RoundLog) -> None:
        order_id = order["order_id"]
        if order["status"] in ("Pending", "Unshipped") and rng.random() < 0.45:
            by = rng.choice(("buyer", "amazon"))
            if self.http.post(f"/_sandbox/orders/{order_id}/cancel", json={"by": by}).status_code == 200:
                log.canceled.append(order_id)
            return
        if order["fulfillment_channel"] == "MFN" and order["status"] == "Pending":
            return  # Seller Central ships only what Amazon released (Unshipped)
        body: dict[str, Any] = {}
        unshipped = {i["order_item_id"]: i["quantity"] - i["shipped"] for i in order["items"]}
        if order["fulfillment_channel"] == "MFN" and sum(unshipped.values()) > 1 and rng.random() < 0.4:
            first = next(item_id for item_id, left in unshipped.items() if left)
            body["items"] = {first: 1}  # one unit: PartiallyShipped
        if self.http.post(f"/_sandbox/orders/{order_id}/ship", json=body).status_code == 200:
            log.shipped.append(order_id + (" (part)" if body else ""))

    def arm_fault(self, rng: random.Random) -> str:
        kind = rng.choice(self.fault_kinds)
        operation = rng.choice(PAGE_FAULTS.get(kind, SYNC_OPERATIONS))
        body: dict[str, Any] = {"operation": operation, "kind": kind, "times": rng.choice((1, 1, 2, 3, 6))}
        if kind in HELD_FAULTS:
            body["timeout_seconds"] = round(rng.uniform(0.05, 1.5 * CLIENT_TIMEOUT_SECONDS), 2)
        response = self.http.post("/_sandbox/faults", json=body)
        response.raise_for_status()
        return f"{kind}x{body['times']}@{operation}"


def _elapsed(rng: random.Random) -> int:
    """Minutes to hours: a third of rounds a few minutes, the others up to six hours."""
    if rng.random() < 0.35:
        return rng.randrange(60, 15 * 60)
    return rng.randrange(15 * 60, 6 * 3600)
