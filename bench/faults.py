"""Fault campaign: random rounds of Amazon changes, faults and killed syncs, then the books against Amazon.

    python -m bench.faults --rounds 30 --db sqlite|postgres [--seed N] [--check-every 50]
    make faults ROUNDS=30 DB=postgres [SEED=N]

Each round (seeded: the seed is printed and replays the same Amazon side) advances the sandbox's clock by
minutes to hours, creates orders, cancels and ships some (Seller Central for FBM, Amazon for FBA), arms
random sandbox faults, then runs one to three syncs as child processes, some SIGKILLed at a random moment
and, on PostgreSQL, sometimes two at once. At each checkpoint (every --check-every rounds and at the end):
faults off, Amazon's clock moved past its 2-minute horizon, one clean sync with every retry, and every
order of the sandbox compared with the books (bench/faults_books.py says what must hold). Defects are
printed one per line (order id and what differs), then exactly one line
`runs=N killed=K dup=D missed=M status_off=S cents_off=C`; the exit status is 1 when any defect was found.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from bench.faults_books import (
    DEFECT_KINDS,
    Defect,
    booked_order_ids,
    compare,
    create_accounts,
    prepare_database,
)
from bench.faults_sync import SyncRunner
from bench.faults_world import RoundLog, SandboxWorld

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/sellersync_faults"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
KILL_CHANCE = 0.4
CONCURRENT_CHANCE = 0.35
#: Amazon lists an order only once its last update is 2 minutes old: the checkpoint waits past that.
HORIZON = timedelta(minutes=2, seconds=5)
#: The accounts' first cursor is this long before Amazon's now: every generated order is in a window.
FIRST_WINDOW = timedelta(days=5)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=None, help="replay a campaign (default: a new seed)")
    parser.add_argument("--check-every", type=int, default=50, help="rounds between two comparisons")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="a database dropped and created")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--keep", action="store_true", help="keep the folder (logs, SQLite files)")
    return parser.parse_args(argv)


class Campaign:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.world = SandboxWorld(folder, args.seed)
        self.runner = SyncRunner(folder)
        self.ever_booked: set[str] = set()
        self.defects: dict[tuple[str, str], Defect] = {}
        self.logs: dict[str, list[str]] = {}

    def run(self) -> None:
        self.world.start()
        prepare_database(self.args.db, str(self.runner.folder), self.args.postgres_url, self.args.redis_url)
        v0_region = self.rng.choice(("NA", "EU", "FE"))
        since = _parse(self.world.now()) - FIRST_WINDOW
        create_accounts(self.world.sellers(), self.world.base_url, since, v0_region)
        print(f"accounts: NA, EU, FE (Orders v0 for {v0_region}, 2026-01-01 for the others)", flush=True)
        started = time.monotonic()
        for number in range(1, self.args.rounds + 1):
            self.play_round(number)
            if number % self.args.check_every == 0 or number == self.args.rounds:
                self.checkpoint(number)
            if number % 10 == 0:
                print(f"round {number}: {self._progress(started)}", flush=True)

    def play_round(self, number: int) -> None:
        log = RoundLog()
        self.world.play(self.rng, log)
        for order_id in log.created + log.canceled + log.shipped:
            self.logs.setdefault(order_id.split()[0], []).append(f"round {number}: {_what(order_id, log)}")
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            concurrent = 2 if self.args.db == "postgres" and self.rng.random() < CONCURRENT_CHANCE else 1
            self.runner.run_wave(
                self.rng, _parse(self.world.now()), concurrent=concurrent, kill_chance=KILL_CHANCE
            )
            if self.rng.random() < 0.3:
                self.world.advance(self.rng.randrange(30, 600))
        self.ever_booked |= booked_order_ids()

    def checkpoint(self, number: int) -> None:
        """Faults off, Amazon quiet past its horizon, a clean sync, the gap audit, then compare."""
        self.world.faults_off()
        self.world.advance(3600)
        truth = self.world.truth()
        while self._recently_updated(truth):
            self.world.advance(HORIZON.total_seconds())
            truth = self.world.truth()
        amazon_now = _parse(self.world.now())
        self._clean_wave(number, amazon_now, "clean")
        self.ever_booked |= booked_order_ids()
        before = Counter(d.kind for d in compare(truth, self.ever_booked))
        self._clean_wave(number, amazon_now, "audit")
        self.ever_booked |= booked_order_ids()
        new = [d for d in compare(truth, self.ever_booked) if (d.kind, d.order_id) not in self.defects]
        for defect in new:
            self.defects[(defect.kind, defect.order_id)] = defect
            history = "; ".join(self.logs.get(defect.order_id, [])) or "generated by the sandbox"
            print(f"{defect.kind} {defect.order_id}: {defect.detail} [round {number}; {history}]", flush=True)
        print(
            f"checkpoint {number}: {len(truth)} orders compared, {len(new)} new defects "
            f"(before the audit: {', '.join(f'{k}={before[k]}' for k in DEFECT_KINDS)})",
            flush=True,
        )

    def _clean_wave(self, number: int, amazon_now: datetime, mode: str) -> None:
        outcome = self.runner.run_wave(self.rng, amazon_now, mode=mode)[0]
        if outcome.exit_code:
            print(f"checkpoint {number}: the {mode} sync had a failed run (see syncs.log)", flush=True)

    def _recently_updated(self, truth: dict[str, dict[str, str]]) -> bool:
        horizon = _parse(self.world.now()) - HORIZON
        return any(_parse(order["last_update"]) > horizon for order in truth.values())

    def _progress(self, started: float) -> str:
        return (
            f"{self.runner.started} syncs, {self.runner.killed} killed, {self.runner.failed} failed runs, "
            f"{len(self.defects)} defects, {time.monotonic() - started:.0f} s"
        )

    def summary(self) -> str:
        counts = {kind: sum(1 for d in self.defects.values() if d.kind == kind) for kind in DEFECT_KINDS}
        return (
            f"runs={self.args.rounds} killed={self.runner.killed} dup={counts['dup']} "
            f"missed={counts['missed']} status_off={counts['status_off']} cents_off={counts['cents_off']}"
        )


def _what(order_id: str, log: RoundLog) -> str:
    if order_id in log.created:
        return "created"
    return (
        "canceled" if order_id in log.canceled else "shipped" + (" in part" if order_id.endswith(")") else "")
    )


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    args.seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**6)
    print(
        f"seed: {args.seed} (replay: make faults ROUNDS={args.rounds} DB={args.db} SEED={args.seed})",
        flush=True,
    )
    folder = Path(tempfile.mkdtemp(prefix=f"sellersync-faults-{args.seed}-"))
    campaign = Campaign(args, folder)
    try:
        campaign.run()
    finally:
        campaign.world.stop()
    print(
        f"syncs: {campaign.runner.started} started ({campaign.runner.concurrent_waves} times two at once), "
        f"{campaign.runner.killed} killed, "
        f"{campaign.runner.failed} ended with a failed run, {campaign.runner.hung} hung"
    )
    if campaign.defects or args.keep:
        print(f"kept: {folder} (the syncs' output: syncs.log)")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    print(campaign.summary(), flush=True)
    return 1 if campaign.defects or campaign.runner.hung else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
