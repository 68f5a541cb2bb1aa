"""Amazon's documented usage plans as token buckets per (seller, operation), refilled on the simulated clock.

Because the clock runs `time_scale` times faster than real time, the effective rate is rate × time_scale,
while the `x-amzn-RateLimit-Limit` header keeps the documented, unscaled value.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

# operation key -> (documented rate per second as Amazon prints it, burst)
USAGE_PLANS: dict[str, tuple[str, int]] = {
    "getOrders": ("0.0167", 20),
    "ordersV0.getOrder": ("0.5", 30),
    "getOrderBuyerInfo": ("0.5", 30),
    "getOrderAddress": ("0.5", 30),
    "getOrderItems": ("0.5", 30),
    "getOrderItemsBuyerInfo": ("0.5", 30),
    "confirmShipment": ("2", 10),
    "searchOrders": ("0.0056", 20),
    "orders_2026-01-01.getOrder": ("0.5", 30),
    "getFeeds": ("0.0222", 10),
    "createFeed": ("0.0083", 15),
    "getFeed": ("2", 15),
    "cancelFeed": ("2", 15),
    "createFeedDocument": ("0.5", 15),
    "getFeedDocument": ("0.0222", 10),
    "getReports": ("0.0222", 10),
    "createReport": ("0.0167", 15),
    "getReport": ("2", 15),
    "cancelReport": ("0.0222", 10),
    "getReportDocument": ("0.0167", 15),
    "getReportSchedules": ("0.0222", 10),
    "createReportSchedule": ("0.0222", 10),
    "getReportSchedule": ("0.0222", 10),
    "cancelReportSchedule": ("0.0222", 10),
    "createRestrictedDataToken": ("1", 10),
    "getMarketplaceParticipations": ("0.016", 15),
    "getListingsItem": ("5", 10),
    "patchListingsItem": ("5", 5),
    "getInventorySummaries": ("2", 2),
    "listFinancialEventGroups": ("0.5", 30),
    "listFinancialEventsByGroupId": ("0.5", 30),
    "listFinancialEventsByOrderId": ("0.5", 30),
    "listFinancialEvents": ("0.5", 30),
}


@dataclass
class _Bucket:
    tokens: float
    updated: datetime


class RateLimiter:
    """Token buckets keyed by (seller, operation); also counts calls and throttles for the stats endpoint."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.throttled: Counter[tuple[str, str]] = Counter()

    def try_acquire(self, seller_id: str, operation: str, now: datetime) -> bool:
        """Take one token; False (and counted as a 429) when the bucket is empty."""
        rate_text, burst = USAGE_PLANS.get(operation, ("10", 50))
        rate = float(rate_text)
        key = (seller_id, operation)
        with self._lock:
            self.calls[key] += 1
            bucket = self._buckets.setdefault(key, _Bucket(float(burst), now))
            elapsed = max(0.0, (now - bucket.updated).total_seconds())
            bucket.tokens = min(float(burst), bucket.tokens + elapsed * rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                self.throttled[key] += 1
                return False
            bucket.tokens -= 1.0
            return True

    def record_throttle(self, seller_id: str, operation: str) -> None:
        """Count a call answered 429 by an injected storm (no token taken)."""
        with self._lock:
            self.calls[(seller_id, operation)] += 1
            self.throttled[(seller_id, operation)] += 1

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.calls.clear()
            self.throttled.clear()


def documented_rate(operation: str) -> str | None:
    plan = USAGE_PLANS.get(operation)
    return None if plan is None else plan[0]
