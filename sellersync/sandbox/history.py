"""An earlier history of a seller, for the demo: shipped orders of the weeks before the seeded days, a few
of them already refunded (and most of those returned) by the simulated buyers, so that a new user sees
credit notes, returns and refund figures from the start.

The orders come from their own seeded stream (the default world is unchanged) and are chosen, not made
up: the refunds are the ones `refunds.generated_refund` gives any shipped order, posted 3 to 14 days after
shipment, so the history ends `REFUND_DELAY_DAYS[1] + 3` days before now, every refund of it posted by then.
Refunded orders are kept first, so the history holds more refunds than the one-in-six of later days; all on
the seller's first marketplace (one currency, so the demo books few extra settlement groups at start).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sellersync.sandbox.clock import parse_iso
from sellersync.sandbox.generators import OrderGenerator, OrderOptions
from sellersync.sandbox.records import Order, Seller
from sellersync.sandbox.refunds import REFUND_DELAY_DAYS, generated_refund

HISTORY_REFUNDED = 4  # orders whose refund is already posted
HISTORY_RETURNED = 3  # of which at least this many take units back (a return), not a price adjustment
HISTORY_OTHERS = 4  # orders of the same weeks without a refund
HISTORY_CANDIDATES = 500  # at most this many orders drawn to find them
SETTLED_MARGIN = timedelta(days=3)  # the newest history order ships this long before its last refund day


def history_start(now: datetime, days: int) -> datetime:
    """The oldest purchase date of a history of `days` days (what a first sync must reach back to)."""
    return now - timedelta(days=days)


def earlier_orders(seller: Seller, seed: int, now: datetime, days: int) -> list[Order]:
    """Shipped orders purchased `days` to `REFUND_DELAY_DAYS[1]` + 3 days before `now`, oldest first."""
    oldest = history_start(now, days)
    newest = now - timedelta(days=REFUND_DELAY_DAYS[1]) - SETTLED_MARGIN
    if newest <= oldest:
        raise ValueError(
            f"a history of {days} days ends before it starts: give more than {REFUND_DELAY_DAYS[1] + 4}"
        )
    rng = random.Random(f"{seed}:history:{seller.seller_id}")  # nosec B311  # simulated orders
    generator = OrderGenerator(seller, rng)
    marketplace_id = seller.marketplace_ids[0]  # one currency: fewer settlement groups to book at start
    span_minutes = int((newest - oldest).total_seconds() // 60)
    refunded: list[Order] = []
    others: list[Order] = []
    returned = 0
    for _candidate in range(HISTORY_CANDIDATES):
        if (
            len(refunded) >= HISTORY_REFUNDED
            and returned >= HISTORY_RETURNED
            and len(others) >= HISTORY_OTHERS
        ):
            break
        purchase = oldest + timedelta(minutes=rng.randrange(span_minutes))
        order = generator.order(purchase, OrderOptions(marketplace_id=marketplace_id, status="Shipped"))
        refund = generated_refund(order, _shipped_at(order))
        if refund is None:
            if len(others) < HISTORY_OTHERS:
                others.append(order)
            continue
        gives_units_back = any(line.returned for line in refund.lines)
        if len(refunded) < HISTORY_REFUNDED or (gives_units_back and returned < HISTORY_RETURNED):
            refunded.append(order)
            returned += gives_units_back
    return sorted(refunded + others, key=lambda order: order.purchase_date)


def _shipped_at(order: Order) -> datetime:
    return parse_iso(next(step.at for step in reversed(order.timeline) if step.status == "Shipped"))
