"""Fernet keys: from the environment, or a key file outside the data folder created 0600 at once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from sellersync import keys


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keys_from_the_environment_come_first_newest_first(tmp_path: Path) -> None:
    # given
    environ = {
        "SELLERSYNC_FERNET_KEYS": "new-key, old-key",
        "SELLERSYNC_FERNET_KEY_FILE": str(tmp_path / "k"),
    }
    # when
    found = keys.fernet_keys(environ, tmp_path / "var")
    # then
    assert found == ["new-key", "old-key"]
    assert not (tmp_path / "k").exists()


def test_a_missing_key_file_is_created_owner_only_without_any_chmod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a permissive umask, and chmod made useless: only the mode given at creation can protect the key
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    monkeypatch.setattr(Path, "chmod", lambda *args, **kwargs: None)
    previous_umask = os.umask(0)
    key_file = tmp_path / "config" / "sellersync" / "fernet_keys"
    try:
        # when
        found = keys.fernet_keys({"SELLERSYNC_FERNET_KEY_FILE": str(key_file)}, tmp_path / "var")
    finally:
        os.umask(previous_umask)
    # then
    assert _mode(key_file) == 0o600
    assert _mode(key_file.parent) == 0o700
    assert len(found) == 1
    Fernet(found[0].encode())  # a valid key
    assert keys.fernet_keys({"SELLERSYNC_FERNET_KEY_FILE": str(key_file)}, tmp_path / "var") == found


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    # given another process created the file first
    key_file = tmp_path / "fernet_keys"
    keys.create_private_file(key_file, "key-of-the-first-process")
    # when
    with pytest.raises(FileExistsError):
        keys.create_private_file(key_file, "key-of-the-second-process")
    # then
    assert keys.read_or_create(key_file, lambda: "unused") == "key-of-the-first-process\n"


def test_a_key_file_inside_the_data_folder_is_refused(tmp_path: Path) -> None:
    # given
    data = tmp_path / "var"
    data.mkdir()
    environ = {"SELLERSYNC_FERNET_KEY_FILE": str(data / "keys" / "fernet_keys")}
    # when / then
    with pytest.raises(ImproperlyConfigured, match="inside the data folder"):
        keys.fernet_keys(environ, data)
    assert not (data / "keys").exists()


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    # given
    key_file = tmp_path / "fernet_keys"
    key_file.write_text(Fernet.generate_key().decode())
    key_file.chmod(0o644)
    # when / then
    with pytest.raises(ImproperlyConfigured, match="readable by others"):
        keys.fernet_keys({"SELLERSYNC_FERNET_KEY_FILE": str(key_file)}, tmp_path / "var")


def test_the_key_left_next_to_the_database_moves_out_of_the_data_folder(tmp_path: Path) -> None:
    # given an install of an earlier version: var/fernet_key beside the SQLite file
    data = tmp_path / "var"
    data.mkdir()
    legacy_key = Fernet.generate_key().decode()
    (data / "fernet_key").write_text(legacy_key)
    key_file = tmp_path / "config" / "fernet_keys"
    # when
    found = keys.fernet_keys({"SELLERSYNC_FERNET_KEY_FILE": str(key_file)}, data)
    # then
    assert found == [legacy_key]
    assert not (data / "fernet_key").exists()
    assert _mode(key_file) == 0o600


def test_a_legacy_key_joins_an_existing_key_file_after_its_keys(tmp_path: Path) -> None:
    # given
    data = tmp_path / "var"
    data.mkdir()
    (data / "fernet_key").write_text("legacy-key\n")
    key_file = tmp_path / "fernet_keys"
    keys.create_private_file(key_file, "current-key")
    # when
    found = keys.fernet_keys({"SELLERSYNC_FERNET_KEY_FILE": str(key_file)}, data)
    # then
    assert found == ["current-key", "legacy-key"]
    assert not (data / "fernet_key").exists()
    assert _mode(key_file) == 0o600
