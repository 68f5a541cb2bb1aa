"""Faults a test can inject through the control API: 5xx, 429 storms, timeouts, lost answers, broken JSON...

Kinds answered before the request is handled (nothing is committed): `http_500`, `http_503`, `throttle`
(429 QuotaExceeded), `timeout` (held `timeout_seconds`, then 504). Kinds answered after the request is
handled and committed (the client cannot know Amazon took it): `slow` (the real answer, but only after
`timeout_seconds`: longer than the client waits) and `answer_lost` (the status line and part of the body,
then the connection is closed). The other kinds alter a payload or a document (see docs/sandbox.md).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

DEFAULT_TIMEOUT_SECONDS = 30.0

#: Faults that replace the answer before the handler runs: nothing is committed.
BEFORE_HANDLER = ("http_500", "http_503", "throttle", "timeout")
#: Faults that let the handler commit, then hold or lose its answer.
AFTER_HANDLER = ("slow", "answer_lost")

FAULT_KINDS = (
    *BEFORE_HANDLER,
    *AFTER_HANDLER,
    "malformed_json",
    "expired_token",
    "invalid_order",
    "unknown_currency",
    "expired_url",
    "feed_unspecified_errors",
)


@dataclass
class Fault:
    """`times` more requests to `operation` (an operationId or "*") get this fault."""

    operation: str
    kind: str
    times: int
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultBox:
    """The armed faults, consumed first-in first-out."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, operation: str, kind: str, times: int = 1, timeout_seconds: float | None = None) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(FAULT_KINDS)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        seconds = DEFAULT_TIMEOUT_SECONDS if timeout_seconds is None else float(timeout_seconds)
        if not 0 <= seconds <= 600:
            raise ValueError("timeout_seconds must be between 0 and 600")
        fault = Fault(operation, kind, times, seconds)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation: str, kinds: tuple[str, ...] = FAULT_KINDS) -> str | None:
        """Consume one fault for this operation among `kinds`; returns its kind or None."""
        fault = self.take_fault(operation, kinds)
        return fault.kind if fault is not None else None

    def take_fault(self, operation: str, kinds: tuple[str, ...] = FAULT_KINDS) -> Fault | None:
        """Consume one fault for this operation among `kinds`; returns it (with its settings) or None.

        A qualified id ("ordersV0.getOrder") also answers to its plain name ("getOrder").
        """
        names = (operation, operation.rsplit(".", 1)[-1], "*")
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.operation in names:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return Fault(fault.operation, fault.kind, 1, fault.timeout_seconds)
        return None

    def armed(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> int:
        """Disarm every fault; returns how many were armed."""
        with self._lock:
            count = len(self._faults)
            self._faults.clear()
        return count
