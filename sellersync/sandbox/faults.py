"""Faults a test can inject through the control API: 5xx, timeouts, broken JSON, expired tokens..."""

from __future__ import annotations

import threading
from dataclasses import dataclass

FAULT_KINDS = (
    "http_500",
    "http_503",
    "timeout",
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


class FaultBox:
    """The armed faults, consumed first-in first-out."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, operation: str, kind: str, times: int = 1) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(FAULT_KINDS)}")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = Fault(operation, kind, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation: str, kinds: tuple[str, ...] = FAULT_KINDS) -> str | None:
        """Consume one fault for this operation among `kinds`; returns its kind or None.

        A qualified id ("ordersV0.getOrder") also answers to its plain name ("getOrder").
        """
        names = (operation, operation.rsplit(".", 1)[-1], "*")
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.operation in names:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault.kind
        return None

    def armed(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
