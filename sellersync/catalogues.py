"""The translation catalogues of sellersync: Simplified Chinese and Spanish, in sellersync/locale.

`make messages` runs `python -m sellersync.catalogues`: Django's makemessages for every language (new msgids
are added untranslated, vanished ones dropped), then compilemessages (the .mo files, committed so that a
fresh machine needs no gettext to show the translations). tests/test_catalogues.py checks, in `make test`,
that every msgid is translated, that no entry is fuzzy, that makemessages would add nothing, and that the
.mo files say what the .po files say. makemessages and compilemessages need GNU gettext (xgettext, msgmerge,
msgfmt; Debian's package `gettext`).
"""

from __future__ import annotations

import os
import subprocess  # nosec B404  # GNU gettext's fixed commands (below)
import sys
from pathlib import Path

LANGUAGES = ("zh_Hans", "es")
SOURCE_DIR = Path(__file__).resolve().parent
LOCALE_DIR = SOURCE_DIR / "locale"
# No line numbers in the references: a moved line must not change the catalogues.
MAKEMESSAGES_OPTIONS = (
    "--add-location=file",
    "--no-obsolete",  # a msgid gone from the sources leaves the catalogues
    "--ignore=sandbox/*",  # the sandbox and the SP-API client know nothing of Django nor of its gettext
    "--ignore=spapi/*",
    *(f"--locale={language}" for language in LANGUAGES),
)
HOW_TO_FIX = (
    'run `make messages`, translate the new msgids (msgstr "" or marked fuzzy) in '
    "sellersync/locale/{zh_Hans,es}/LC_MESSAGES/django.po, then `make messages` again to compile them"
)


def po_path(language: str, source_dir: Path = SOURCE_DIR) -> Path:
    return source_dir / "locale" / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str, source_dir: Path = SOURCE_DIR) -> Path:
    return po_path(language, source_dir).with_suffix(".mo")


def run_django_admin(*arguments: str, source_dir: Path = SOURCE_DIR) -> None:
    """A django-admin command in `source_dir`, without project settings: the catalogues it finds there
    are `source_dir/locale`'s, not those of LOCALE_PATHS (so that a copy of the sources can be checked)."""
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "-m", "django", *arguments]
    result = subprocess.run(command, cwd=source_dir, env=environment, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")


def make_messages(source_dir: Path = SOURCE_DIR) -> None:
    """Extract every msgid of the sources into the catalogues of every language."""
    run_django_admin("makemessages", *MAKEMESSAGES_OPTIONS, source_dir=source_dir)


def compile_messages(source_dir: Path = SOURCE_DIR) -> None:
    locales = (f"--locale={language}" for language in LANGUAGES)
    run_django_admin("compilemessages", *locales, source_dir=source_dir)


def main() -> None:
    make_messages()
    compile_messages()
    for language in LANGUAGES:
        print(f"{po_path(language).relative_to(SOURCE_DIR.parent)}: updated and compiled")
    print(f"Now check: every msgid translated and none fuzzy (`make test` fails otherwise): {HOW_TO_FIX}.")


if __name__ == "__main__":
    main()
