"""Per-account locks that a dead holder cannot keep and a live holder never loses: one job of a kind per
account at a time, across worker threads, worker processes and machines.

`hold(name)` takes the lock or raises `LockBusy` at once (a busy account waits for the next run);
`holder(name)` says who holds it. Where the lock lives follows Huey's storage, so that the queue and its locks
are in one place:

- **Redis** (`REDIS_URL`, one or more workers on one or more machines): redis-py's `Lock`, a key that expires
  after a lease (`LEASE_SECONDS`, counted by the Redis server, not by the machines' clocks). A thread of the
  holder renews the lease every third of it while the job runs, and the key is deleted on exit if it is still
  the holder's. A holder killed (SIGKILL, the OOM killer, a machine lost) stops renewing: its lock is free
  within one lease. Huey's own `lock_task` keys never expire (their TTL needs Redis 7.4), hence this module.
- **One machine** (Huey on SQLite): an exclusive `flock` on a file per lock, next to Huey's SQLite file. The
  kernel releases it the moment its process dies, however it dies, and never while it lives.
- **Immediate mode** (Huey runs tasks in the caller: tests): a lock of this process.

The holder (host, process id, since when) is written where the lock lives, for `holder()` and the logs.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)

#: Seconds a Redis lock outlives its holder's last renewal; renewed every third of it.
LEASE_SECONDS = 60.0
LOCK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class LockBusy(Exception):
    """Another live job holds the lock."""

    def __init__(self, name: str, holder: str | None) -> None:
        super().__init__(f"{name} is held by {holder or 'another job'}")
        self.name = name
        self.holder = holder


class _Lock(Protocol):
    def acquire(self, owner: str) -> bool: ...
    def refused_by(self) -> str | None: ...
    def release(self) -> None: ...
    def holder(self) -> str | None: ...


@contextmanager
def hold(name: str, *, lease_seconds: float = LEASE_SECONDS) -> Iterator[None]:
    """The lock `name` for the duration of the block; `LockBusy` at once when a live job holds it."""
    lock = _lock(name, lease_seconds)
    if not lock.acquire(_owner()):
        raise LockBusy(name, lock.refused_by())
    try:
        yield
    finally:
        lock.release()


def holder(name: str) -> str | None:
    """Who holds the lock `name` ("host pid 123 since ..."), or None when it is free."""
    return _lock(name, LEASE_SECONDS).holder()


def _owner() -> str:
    since = datetime.now(UTC).isoformat(timespec="seconds")
    return f"{socket.gethostname()} pid {os.getpid()} since {since} #{uuid.uuid4().hex[:12]}"


def _lock(name: str, lease_seconds: float) -> _Lock:
    if not LOCK_NAME.fullmatch(name):
        raise ValueError(f"lock name {name!r}: only lower-case letters, digits and dashes")
    storage = HUEY.storage
    if isinstance(storage, RedisStorage):
        return _RedisLease(storage.conn, f"{storage.name}.lease.{name}", lease_seconds)
    if isinstance(storage, SqliteStorage):
        folder = Path(storage.filename).resolve().parent / f"{storage.name}-locks"
        return _FileLock(folder / f"{name}.lock")
    if isinstance(storage, MemoryStorage):
        return _ProcessLock(name)
    raise TypeError(f"no account lock for Huey's {type(storage).__name__}: use Redis or SQLite")


class _RedisLease:
    def __init__(self, client: Any, key: str, lease_seconds: float) -> None:
        # thread_local=False: the renewing thread must see the token the job's thread acquired with.
        self._lock = client.lock(key, timeout=lease_seconds, blocking=False, thread_local=False)
        self._key = key
        self._every = lease_seconds / 3
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def acquire(self, owner: str) -> bool:
        if not self._lock.acquire(token=owner):
            return False
        self._renewer = threading.Thread(target=self._renew, name=f"lease {self._key}", daemon=True)
        self._renewer.start()
        return True

    def _renew(self) -> None:
        from redis.exceptions import LockNotOwnedError, RedisError

        while not self._stop.wait(self._every):
            try:
                self._lock.reacquire()
            except LockNotOwnedError:
                logger.error("lock %s expired before its renewal: another job may run meanwhile", self._key)
                return
            except RedisError as error:  # a passing fault: the lease still covers two more tries
                logger.warning("lock %s not renewed: %s", self._key, type(error).__name__)

    def release(self) -> None:
        from redis.exceptions import LockNotOwnedError

        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        try:
            self._lock.release()
        except LockNotOwnedError:
            logger.error("lock %s had expired when its job ended", self._key)

    def holder(self) -> str | None:
        token = self._lock.redis.get(self._key)
        return token.decode() if isinstance(token, bytes) else token

    refused_by = holder


class _FileLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._descriptor: int | None = None
        self._refused_by: str | None = None

    def _open(self) -> int:
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, owner: str) -> bool:
        descriptor = self._open()
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._refused_by = os.pread(descriptor, 500, 0).decode() or None
            os.close(descriptor)
            return False
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, owner.encode(), 0)
        self._descriptor = descriptor
        return True

    def release(self) -> None:
        if self._descriptor is None:
            return
        os.ftruncate(self._descriptor, 0)
        os.close(self._descriptor)  # closing the file releases its flock
        self._descriptor = None

    def refused_by(self) -> str | None:
        return self._refused_by

    def holder(self) -> str | None:
        descriptor = self._open()
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(descriptor, 500, 0).decode() or "another job"
        else:
            return None  # nobody holds it: what the file says is a dead holder's
        finally:
            os.close(descriptor)


class _ProcessLock:
    _guard = threading.Lock()
    _held: dict[str, str] = {}

    def __init__(self, name: str) -> None:
        self._name = name
        self._owner: str | None = None

    def acquire(self, owner: str) -> bool:
        with self._guard:
            if self._name in self._held:
                return False
            self._held[self._name] = self._owner = owner
        return True

    def release(self) -> None:
        with self._guard:
            if self._owner is not None and self._held.get(self._name) == self._owner:
                del self._held[self._name]

    def holder(self) -> str | None:
        return self._held.get(self._name)

    refused_by = holder
