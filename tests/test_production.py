"""The production profile: `check --deploy` is clean, and nothing that must be given is made up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

MANAGE = str(Path(__file__).resolve().parent.parent / "manage.py")
SECRET_KEY = "Yq3-production-secret-key-of-sixty-odd-characters-7f1b9c2e4d6a8b0"


def _check_deploy(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` in a clean environment (HOME and the data folder in tmp_path)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "SELLERSYNC_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(environ)
    command = [sys.executable, MANAGE, "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603


def _production(**environ: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "sellersync.settings_production",
        "SECRET_KEY": SECRET_KEY,
        "SELLERSYNC_FERNET_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "erp.example.com",
        **environ,
    }


@pytest.mark.parametrize(
    ("_case", "profile"),
    [
        ("the production settings module", {}),
        (
            "the profile variable with the default module",
            {"DJANGO_SETTINGS_MODULE": "sellersync.settings", "SELLERSYNC_PROFILE": "production"},
        ),
    ],
)
def test_check_deploy_is_clean_in_production(tmp_path: Path, _case: str, profile: dict[str, str]) -> None:
    # when
    result = _check_deploy(tmp_path, **_production(**profile))
    # then
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert not (tmp_path / "home" / ".config").exists()  # no key was made up
    assert not (tmp_path / "var" / "secret_key").exists()


def test_check_deploy_warns_with_the_development_settings(tmp_path: Path) -> None:
    # when
    result = _check_deploy(tmp_path, DJANGO_SETTINGS_MODULE="sellersync.settings")
    # then
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


@pytest.mark.parametrize(
    ("_case", "missing", "message"),
    [
        ("no SECRET_KEY", "SECRET_KEY", "SECRET_KEY must be set in the environment (production profile)"),
        (
            "no ALLOWED_HOSTS",
            "ALLOWED_HOSTS",
            "ALLOWED_HOSTS must be set in the environment (production profile)",
        ),
        ("no Fernet keys", "SELLERSYNC_FERNET_KEYS", "SELLERSYNC_FERNET_KEYS is not set and the key file"),
    ],
)
def test_production_refuses_to_start_without_what_it_must_be_given(
    tmp_path: Path, _case: str, missing: str, message: str
) -> None:
    # given
    environ = _production()
    del environ[missing]
    # when
    result = _check_deploy(tmp_path, **environ)
    # then
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "home" / ".config").exists()
