"""A process that holds an account lock, for the lock tests: another job, another worker, another machine.

    python -m tests.amazon.lock_holder sqlite|redis FILE|URL HUEY_NAME NAME [--lease S] [--seconds S]

The first three say where Huey keeps its queue and locks (the test's own storage). It prints `held <holder>`
once it holds NAME (or `busy <holder>`), holds it until its standard input closes or SECONDS pass, then prints
`released` and exits.
"""

from __future__ import annotations

import argparse
import select
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Storage:
    """Where Huey keeps its queue and locks: `kind` sqlite (`where` a file) or redis (`where` a URL)."""

    kind: str
    where: str
    name: str

    def use(self) -> None:
        from huey.contrib.djhuey import HUEY
        from huey.storage import RedisStorage, SqliteStorage

        if self.kind == "sqlite":
            HUEY.storage = SqliteStorage(self.name, filename=self.where)
        else:
            HUEY.storage = RedisStorage(self.name, url=self.where)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.amazon.lock_holder")
    parser.add_argument("kind", choices=("sqlite", "redis"))
    parser.add_argument("where")
    parser.add_argument("huey_name")
    parser.add_argument("name")
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args(argv)
    # Only what the lock module reads (Huey's settings), not the whole project: the holder starts in a second.
    settings.configure(HUEY={"huey_class": "huey.MemoryHuey", "name": "sellersync", "immediate": False})
    Storage(args.kind, args.where, args.huey_name).use()
    from sellersync.amazon import locks

    try:
        with locks.hold(args.name, lease_seconds=args.lease):
            print(f"held {locks.holder(args.name)}", flush=True)
            select.select([sys.stdin], [], [], args.seconds)  # until the test closes stdin, or time is up
    except locks.LockBusy as busy:
        print(f"busy {busy.holder}", flush=True)
        return 1
    print("released", flush=True)
    return 0


@dataclass
class Holder:
    """The test's handle on a holder process."""

    process: subprocess.Popen[str]
    first_line: str
    errors: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def let_go(self) -> str:
        """Close its input: it releases the lock and exits; what it printed since (`errors`: its stderr)."""
        rest, self.errors = self.process.communicate(timeout=30)  # closes its input first
        return rest.strip()

    def kill(self) -> None:
        """SIGKILL: no `finally`, no exit handler, nothing released by the process itself."""
        self.process.kill()
        self.process.communicate(timeout=30)


def start_holder(storage: Storage, name: str, *, lease: float = 60.0, seconds: float = 120.0) -> Holder:
    """A holder process; returns once it printed its first line (`held ...` or `busy ...`)."""
    process = subprocess.Popen(  # noqa: S603 - this interpreter, this module, the test's arguments
        [sys.executable, "-m", "tests.amazon.lock_holder", storage.kind, storage.where, storage.name, name]
        + ["--lease", str(lease), "--seconds", str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline().strip()
    if not first_line:
        _, errors = process.communicate(timeout=30)
        raise AssertionError(f"the lock holder ended ({process.returncode}) before holding {name}: {errors}")
    return Holder(process, first_line)


def wait_until(condition: Callable[[], bool], *, within: float) -> float:
    """Seconds until `condition()` is true, polling; raises when `within` seconds pass first."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"not true within {within} s")
        time.sleep(0.05)
    return time.monotonic() - started


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
