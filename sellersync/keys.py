"""Where the settings find their keys: the Fernet keys that encrypt secrets at rest, and SECRET_KEY.

Fernet keys come from ``SELLERSYNC_FERNET_KEYS`` (comma-separated, the first encrypts, all decrypt), else
from a key file (one key per line, same order) that lives OUTSIDE the data folder, so that a copy of the data
(the SQLite file, a backup) never carries the key that opens its secrets: ``SELLERSYNC_FERNET_KEY_FILE``, by
default ``$XDG_CONFIG_HOME/sellersync/fernet_keys`` (``~/.config/...``). A missing file is created with one
new key, atomically and readable by its owner only (``O_CREAT | O_EXCL`` with mode 0600: never a moment with
wider rights, never two processes writing two different keys). A key file that others may read is refused.
A key file left by earlier versions next to the database (``var/fernet_key``) is moved to the new place.

This module imports nothing of Django's settings: the settings module calls it while it is being loaded.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEYS_VARIABLE = "SELLERSYNC_FERNET_KEYS"
KEY_FILE_VARIABLE = "SELLERSYNC_FERNET_KEY_FILE"
LEGACY_KEY_FILE_NAME = "fernet_key"
_OWNER_ONLY = 0o600


def required(environ: Mapping[str, str], name: str) -> str:
    """An environment variable the production profile cannot do without."""
    value = environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment (production profile)")
    return value


def default_key_file(environ: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/sellersync/fernet_keys``, ``~/.config/sellersync/fernet_keys`` without it."""
    config_home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "sellersync" / "fernet_keys"


def new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def parse_keys(text: str) -> list[str]:
    """Keys separated by commas or new lines, blanks and ``#`` comments ignored, order kept."""
    keys = []
    for line in text.replace(",", "\n").splitlines():
        key = line.split("#", 1)[0].strip()
        if key:
            keys.append(key)
    return keys


def fernet_keys(environ: Mapping[str, str], data_dir: Path, *, create: bool = True) -> list[str]:
    """The Fernet keys, newest first: from the environment, else from the key file (see the module); with
    ``create=False`` (production) nothing is created nor moved: a missing key is an error."""
    if environ.get(KEYS_VARIABLE, "").strip():
        return parse_keys(environ[KEYS_VARIABLE])
    key_file = Path(environ.get(KEY_FILE_VARIABLE) or default_key_file(environ)).expanduser()
    refuse_inside(key_file, data_dir)
    legacy = data_dir / LEGACY_KEY_FILE_NAME
    if create:
        move_legacy_key_file(legacy, key_file)
    elif not key_file.exists():
        hint = f" (copy the key of {legacy} there, then delete it)" if legacy.exists() else ""
        raise ImproperlyConfigured(
            f"{KEYS_VARIABLE} is not set and the key file {key_file} does not exist{hint}"
        )
    keys = parse_keys(read_or_create(key_file, new_fernet_key))
    if not keys:
        raise ImproperlyConfigured(f"the key file {key_file} holds no key")
    return keys


def refuse_inside(key_file: Path, data_dir: Path) -> None:
    """A key file in the data folder would travel with every copy of the data it protects."""
    if key_file.resolve().is_relative_to(data_dir.resolve()):
        raise ImproperlyConfigured(
            f"the Fernet key file {key_file} is inside the data folder {data_dir}: keep it elsewhere "
            f"({KEY_FILE_VARIABLE}) or give the keys in {KEYS_VARIABLE}"
        )


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's text; a missing file is created with ``make()``, atomically, mode 0600."""
    try:
        create_private_file(path, make())
    except FileExistsError:
        pass
    refuse_readable_by_others(path)
    return path.read_text()


def create_private_file(path: Path, text: str) -> None:
    """Write a new file readable by its owner only from its first byte (``FileExistsError`` if it exists)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _OWNER_ONLY)
    with os.fdopen(descriptor, "w") as file:
        file.write(text.rstrip("\n") + "\n")
        file.flush()
        os.fsync(file.fileno())


def refuse_readable_by_others(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ImproperlyConfigured(f"the key file {path} is readable by others (mode {mode:o}): chmod 600 it")


def move_legacy_key_file(legacy: Path, key_file: Path) -> None:
    """The key that earlier versions kept next to the database moves to the key file: as its only key when
    there is none yet, else after its keys (it still decrypts what it encrypted). The old file is deleted
    once the key file is seen holding its key."""
    if not legacy.exists():
        return
    legacy_keys = parse_keys(legacy.read_text())
    try:
        create_private_file(key_file, "\n".join(legacy_keys))
    except FileExistsError:
        current = parse_keys(key_file.read_text())
        missing = [key for key in legacy_keys if key not in current]
        if missing:
            replace_private_file(key_file, "\n".join(current + missing))
    if set(legacy_keys) <= set(parse_keys(key_file.read_text())):
        legacy.unlink(missing_ok=True)


def replace_private_file(path: Path, text: str) -> None:
    """Replace a file's content at once (a new 0600 file renamed over it)."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.new")
    staging.unlink(missing_ok=True)
    create_private_file(staging, text)
    os.replace(staging, path)
