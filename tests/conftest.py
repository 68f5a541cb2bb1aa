"""Suite-wide fixtures and the rules for tests that need something the machine may lack.

Markers: `postgres` (runs only when DATABASE_URL points at PostgreSQL), `redis` (needs REDIS_URL or a
Redis on 127.0.0.1:6379), `browser` (needs Debian's chromium). A skipped test always says why (-ra).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""


def _database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(_redis_url(), socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    redis_ok: bool | None = None
    for item in items:
        if item.get_closest_marker("postgres") and not _database_is_postgres():
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://..."))
        if item.get_closest_marker("browser") and not CHROMIUM:
            item.add_marker(
                pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
            )
        if item.get_closest_marker("redis"):
            redis_ok = _redis_reachable() if redis_ok is None else redis_ok
            if not redis_ok:
                item.add_marker(pytest.mark.skip(reason=f"no Redis reachable at {_redis_url()}"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _redis_url()


@pytest.fixture(scope="session", autouse=True)
def _huey_of_this_test_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """This run's own Huey queue, schedule and locks: never the developer's (var/huey.sqlite3, which a demo
    worker reads), and never a lock an interrupted earlier run left held in Redis (a killed test run never
    releases its locks, and the next run's account of the same primary key would find itself "busy")."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage, SqliteStorage

    previous = HUEY.storage
    if isinstance(previous, RedisStorage):
        HUEY.storage = RedisStorage(f"{HUEY.name}-tests-{uuid.uuid4().hex}", connection_pool=previous.pool)
    elif isinstance(previous, SqliteStorage):
        filename = tmp_path_factory.mktemp("huey") / "huey.sqlite3"
        HUEY.storage = SqliteStorage(HUEY.name, filename=str(filename))
    try:
        yield
    finally:
        if HUEY.storage is not previous:
            HUEY.storage.flush_all()
            HUEY.storage = previous


@pytest.fixture(autouse=True)
def _language_of_each_test_its_own() -> Iterator[None]:
    """A test-client request leaves the language it chose active in this thread (LocaleMiddleware does not
    deactivate it): each test starts from the default language, whatever the previous one asked for."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def immediate_huey() -> Iterator[None]:
    """Huey runs each task in the caller as it is enqueued (its in-memory storage meanwhile)."""
    from huey.contrib.djhuey import HUEY

    # Leaving immediate mode makes Huey create its configured storage again: this run's own is put back.
    previous, storage = HUEY.immediate, HUEY.storage
    HUEY.immediate = True
    yield
    HUEY.immediate = previous
    HUEY.storage = storage


SEED_MIGRATIONS = (
    "sellersync.core.migrations.0002_seed_currencies",
    "sellersync.stock.migrations.0002_seed_self_delivery_carrier",
)


@pytest.fixture(autouse=True)
def _reseed_data_migrations_for_transactional_tests(request: pytest.FixtureRequest) -> None:
    """A transactional test starts from a flushed database: put back what data migrations seed
    (currencies, the Self Delivery carrier), as a freshly migrated database has them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)
