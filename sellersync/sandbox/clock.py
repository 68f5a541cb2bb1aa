"""The simulated clock every time-dependent behaviour of the sandbox reads.

now = start + real elapsed × time_scale + advanced offset. Tests move it with `advance()` instead of sleeping,
and stop it (`run(False)`) where an assertion needs "not yet": at a high time scale a loaded machine lets
simulated minutes pass between two lines of a test.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SimulatedClock:
    """A clock that runs `time_scale` times faster than the wall clock and can be advanced by hand."""

    def __init__(self, start: datetime, time_scale: float = 1.0) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._start = start.astimezone(UTC)
        self._time_scale = time_scale
        self._real_start = time.monotonic()
        self._offset = timedelta()
        self._running = True
        self._lock = threading.Lock()

    @property
    def time_scale(self) -> float:
        return self._time_scale

    @property
    def running(self) -> bool:
        return self._running

    def now(self) -> datetime:
        with self._lock:
            return self._now()

    def _now(self) -> datetime:
        elapsed = (time.monotonic() - self._real_start) * self._time_scale if self._running else 0.0
        return self._start + timedelta(seconds=elapsed) + self._offset

    def run(self, running: bool) -> datetime:
        """Let the clock run with the wall clock, or stop it where it is (`advance` still moves it)."""
        with self._lock:
            current = self._now()
            self._start = current - self._offset
            self._real_start = time.monotonic()
            self._running = running
            return current

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()


def iso(moment: datetime) -> str:
    """Amazon's timestamp format: UTC, second precision, trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; naive values are taken as UTC. Raises ValueError."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
