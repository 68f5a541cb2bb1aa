"""Account locks (sellersync/amazon/locks.py) between real processes, on one machine (Huey on SQLite: flock)
and on Redis (a lease renewed by its holder): a dead holder cannot keep a lock, a live one never loses it."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from huey.consumer import Consumer
from huey.contrib.djhuey import HUEY

from sellersync.amazon import locks, tasks
from sellersync.amazon.models import AmazonAccount, SyncRun
from tests.amazon.lock_holder import Storage, start_holder, wait_until

NAME = "amazon-sync-4242"
#: A short lease, so that a killed holder's lock lapses within the test.
LEASE = 2.0


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def storage(request: pytest.FixtureRequest, tmp_path: os.PathLike[str], redis_url: str) -> Iterator[Storage]:
    """Huey's queue and locks of this test only, in SQLite or in Redis, shared with its holder processes."""
    if request.param == "sqlite":
        chosen = Storage("sqlite", os.path.join(tmp_path, "huey.sqlite3"), "sellersync")
    else:
        chosen = Storage("redis", redis_url, f"sellersync-locks-{uuid.uuid4().hex}")
    previous = HUEY.storage
    chosen.use()
    yield chosen
    HUEY.storage = previous


def _refused_here(name: str) -> bool:
    try:
        with locks.hold(name):
            return False
    except locks.LockBusy:
        return True


def test_a_second_process_is_refused_the_lock_while_the_first_holds_it(storage: Storage) -> None:
    # given a process holding the lock
    first = start_holder(storage, NAME)
    # when a second process asks for it
    second = start_holder(storage, NAME)
    # then it is refused, told which process holds it
    assert first.first_line.startswith("held ") and f" pid {first.pid} " in first.first_line
    assert second.first_line == "busy " + first.first_line.removeprefix("held ")
    assert second.process.wait(timeout=30) == 1
    # and once the first lets go, the lock is free and this process takes it
    assert first.let_go() == "released"
    assert locks.holder(NAME) is None
    with locks.hold(NAME):
        assert f" pid {os.getpid()} " in (locks.holder(NAME) or "")


def test_a_holder_killed_with_sigkill_leaves_the_lock_free_within_its_lease(storage: Storage) -> None:
    # given a process holding the lock with a short lease
    holder = start_holder(storage, NAME, lease=LEASE)
    assert holder.first_line.startswith("held ")
    assert _refused_here(NAME)
    # when it is killed mid-job (the OOM killer, `kill -9` of a `sellersync backfill`)
    holder.kill()
    # then the lock is free within its lease, with no worker restarted, and this process takes it
    wait_until(lambda: locks.holder(NAME) is None, within=LEASE + 1.0)
    assert not _refused_here(NAME)


def test_a_job_longer_than_its_lease_keeps_its_lock_until_it_ends(storage: Storage) -> None:
    # given a process holding the lock with a short lease
    holder = start_holder(storage, NAME, lease=LEASE)
    assert holder.first_line.startswith("held ")
    # when its job outlasts two and a half leases
    refusals = []
    ends = time.monotonic() + 2.5 * LEASE
    while time.monotonic() < ends:
        refusals.append(_refused_here(NAME))
        time.sleep(0.2)
    # then every other taker was refused all along, and the holder still owned the lock when it let go
    assert len(refusals) >= 10 and all(refusals)
    assert holder.let_go() == "released"
    assert "expired" not in holder.errors
    assert locks.holder(NAME) is None


@pytest.mark.django_db
def test_a_worker_that_starts_leaves_alone_the_lock_a_live_job_of_another_worker_holds(
    storage: Storage, na_account: AmazonAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the account's sync lock held by a job of another worker process, alive
    name = tasks.account_lock_name(na_account.pk)
    job = start_holder(storage, name)
    assert job.first_line.startswith("held ")
    # when a worker starts (its consumer is created, not run)
    monkeypatch.setattr(Consumer, "run", lambda self: None)
    call_command("worker", workers=1)
    # then the job still holds the lock, and a sync of the account here is skipped
    assert f" pid {job.pid} " in (locks.holder(name) or "")
    tasks.sync_account.call_local(na_account.pk)
    assert not SyncRun.objects.filter(account=na_account).exists()
    assert job.let_go() == "released"


def test_a_lock_name_that_could_leave_the_lock_folder_is_refused() -> None:
    with pytest.raises(ValueError, match="only lower-case letters, digits and dashes"):
        with locks.hold("../amazon-sync-1"):
            pass
