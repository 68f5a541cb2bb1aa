"""The project itself: settings load, the console script answers, the database is the one asked for."""

import os
import subprocess
import sys

from django.conf import settings


def test_settings_pick_the_database_from_the_environment():
    # given the environment the suite runs in
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite3"
    # then Django uses that engine
    assert settings.DATABASES["default"]["ENGINE"].endswith(expected)


def test_console_script_runs_django_checks():
    result = subprocess.run(
        [sys.executable, "-m", "sellersync.cli", "check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_lock_an_interrupted_earlier_run_left_held_does_not_block_this_run():
    from huey.contrib.djhuey import HUEY

    # given a lock held in the configured Huey storage, as a test run killed mid-task leaves it
    configured = HUEY.create_storage()
    stale = f"{HUEY.name}.lock.amazon-backfill-{os.getpid()}"
    assert configured.put_if_empty(stale, b"1")
    try:
        # then this run takes the same lock: its queue and locks are its own
        with HUEY.lock_task(f"amazon-backfill-{os.getpid()}"):
            assert HUEY.is_locked(f"amazon-backfill-{os.getpid()}")
    finally:
        configured.delete_data(stale)
