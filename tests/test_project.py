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
