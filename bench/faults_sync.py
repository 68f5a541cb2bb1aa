"""The fault campaign's syncs: each one a child process (forked, Django already loaded) that SIGKILL may end.

A child runs what the worker's `sync_account` task runs, for every account in a random order: the order
sync, then the retry of failed orders whose backoff elapsed (on Amazon's clock, which the campaign moves by
hours). At a checkpoint a clean sync retries every failed order, then the gap audit runs (see
`sync_every_account`). The child's output goes to the campaign's folder (syncs.log).
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: A sync still running after this many seconds is killed and reported (the campaign must not hang).
HUNG_AFTER_SECONDS = 180.0


def sync_every_account(mode: str, amazon_now: datetime, order_seed: int) -> int:
    """One sync of every active account, in the child; 0 when every run succeeded, 1 otherwise.

    `round`: the order sync, then the retry of failed orders due by Amazon's clock (the worker's task);
    `clean`: the order sync, then every failed order retried (the Retry button);
    `audit`: the daily gap audit (Amazon's orders of the account's last `audit_days` against the books).
    """
    from sellersync.amazon.admin.results import describe_run
    from sellersync.amazon.choices import SyncRunStatus
    from sellersync.amazon.models import AmazonAccount

    accounts = list(AmazonAccount.objects.filter(is_active=True).order_by("pk"))
    random.Random(order_seed).shuffle(accounts)
    failed = False
    for account in accounts:
        if mode == "audit":
            failed = _audit(account, amazon_now) or failed
            continue
        for run in _account_runs(account, mode, amazon_now):
            print(f"{account.name}: {describe_run(run)}", flush=True)
            failed = failed or run.status == SyncRunStatus.FAILED
    return int(failed)


def _audit(account: Any, amazon_now: datetime) -> bool:
    """The daily gap audit, as it runs on Amazon's day; True when it failed."""
    from sellersync.amazon.choices import SyncRunStatus
    from sellersync.amazon.sync.audit_orders import audit_orders

    audit = audit_orders(account, now=amazon_now)
    print(
        f"{account.name}: audit {audit.status}: {audit.orders_checked} checked, {audit.missing_found} "
        f"missing, {audit.behind_found} behind, {audit.repaired} repaired, {audit.failed} failed "
        f"{audit.error}",
        flush=True,
    )
    return bool(audit.status == SyncRunStatus.FAILED)


def _account_runs(account: Any, mode: str, amazon_now: datetime) -> Iterator[Any]:
    from sellersync.amazon import selectors, services
    from sellersync.amazon.sync.import_orders import sync_orders

    yield sync_orders(account)
    if mode == "clean":
        yield services.retry_failed_orders(account)
    elif selectors.failed_orders_due(account, amazon_now).exists():
        yield services.retry_failed_orders(account, now=amazon_now, due_only=True)


@dataclass
class SyncOutcome:
    pid: int
    started: float
    kill_at: float | None
    ended: float = 0.0
    killed: bool = False
    exit_code: int | None = None


@dataclass
class SyncRunner:
    """Starts syncs as forked children, kills some at random moments, counts what happened."""

    folder: Path
    durations: list[float] = field(default_factory=lambda: [0.5])
    started: int = 0
    killed: int = 0
    failed: int = 0
    hung: int = 0
    concurrent_waves: int = 0

    def run_wave(
        self,
        rng: random.Random,
        amazon_now: datetime,
        *,
        concurrent: int = 1,
        kill_chance: float = 0.0,
        mode: str = "round",
    ) -> list[SyncOutcome]:
        """Start `concurrent` syncs at once; each may be SIGKILLed at a random moment; wait for all."""
        outcomes = []
        for _ in range(concurrent):
            kill_at = None
            if rng.random() < kill_chance:
                kill_at = rng.uniform(0.0, 1.3 * statistics.median(self.durations[-50:]))
            pid = self._fork(mode, amazon_now, rng.randrange(1 << 30))
            outcomes.append(SyncOutcome(pid, time.monotonic(), kill_at))
        self.started += len(outcomes)
        self.concurrent_waves += concurrent > 1
        self._wait(outcomes)
        return outcomes

    def _fork(self, mode: str, amazon_now: datetime, order_seed: int) -> int:
        from django.db import connections

        connections.close_all()  # the child opens its own
        log_path = self.folder / "syncs.log"
        pid = os.fork()
        if pid:
            return pid
        code = 70
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(log, 1)
            os.dup2(log, 2)
            print(f"--- sync pid {os.getpid()} {mode} amazon_now={amazon_now:%Y-%m-%d %H:%M}", flush=True)
            random.seed()
            code = sync_every_account(mode, amazon_now, order_seed)
        except BaseException:  # the child must never return into the campaign's code
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _wait(self, outcomes: list[SyncOutcome]) -> None:
        running = list(outcomes)
        while running:
            time.sleep(0.005)
            for outcome in list(running):
                elapsed = time.monotonic() - outcome.started
                if outcome.kill_at is not None and elapsed >= outcome.kill_at and not outcome.killed:
                    os.kill(outcome.pid, signal.SIGKILL)
                    outcome.killed = True
                elif elapsed > HUNG_AFTER_SECONDS and not outcome.killed:
                    os.kill(outcome.pid, signal.SIGKILL)
                    outcome.killed = True
                    self.hung += 1
                pid, status = os.waitpid(outcome.pid, os.WNOHANG)
                if pid:
                    self._ended(outcome, status)
                    running.remove(outcome)

    def _ended(self, outcome: SyncOutcome, status: int) -> None:
        outcome.ended = time.monotonic()
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            outcome.killed = True
            self.killed += 1
            return
        outcome.killed = False  # it ended before the kill
        outcome.exit_code = os.waitstatus_to_exitcode(status)
        self.durations.append(outcome.ended - outcome.started)
        if outcome.exit_code:
            self.failed += 1
