"""The catalogues of sellersync (sellersync/locale/{zh_Hans,es}) are complete and fresh: every msgid of the
sources translated, none fuzzy, nothing that makemessages would add or drop, valid for msgfmt, and the
committed .mo files in step with the .po files. Each failure says what to run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from sellersync.catalogues import HOW_TO_FIX, LANGUAGES, SOURCE_DIR, make_messages, mo_path, po_path

GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgfmt")


def require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = f"GNU gettext is not installed ({', '.join(missing)} missing): apt-get install gettext"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; .ci/run installs it")
    pytest.skip(message)


def entry_keys(catalogue: polib.POFile | polib.MOFile) -> set[tuple[str, str, str]]:
    return {
        (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


def translations(catalogue: polib.POFile | polib.MOFile) -> dict[tuple[str, str], object]:
    """(context, msgid) -> msgstr, or the plural forms in order, of the entries that are translated."""
    result: dict[tuple[str, str], object] = {}
    for entry in catalogue:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
            continue
        key = (entry.msgctxt or "", entry.msgid)
        if entry.msgid_plural:
            result[key] = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        elif entry.msgstr:
            result[key] = entry.msgstr
    return result


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalogue = polib.pofile(str(po_path(language)))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    obsolete = [entry.msgid for entry in catalogue.obsolete_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == [], f"{language}: {len(untranslated)} msgid(s) without translation: {HOW_TO_FIX}"
    assert fuzzy == [], f"{language}: {len(fuzzy)} fuzzy translation(s) to review: {HOW_TO_FIX}"
    assert obsolete == [], f"{language}: obsolete entries (#~) left: {HOW_TO_FIX}"
    assert len(catalogue) > 600  # every sellersync string, not an empty file


def test_makemessages_would_neither_add_nor_drop_a_msgid(tmp_path: Path) -> None:
    require_gettext()
    # given a copy of the sources with the committed catalogues
    copy = tmp_path / "sellersync"
    shutil.copytree(
        SOURCE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "sandbox", "spapi"),
    )

    # when makemessages extracts the strings of the sources again
    make_messages(copy)

    # then each catalogue has exactly the msgids it had
    for language in LANGUAGES:
        committed = entry_keys(polib.pofile(str(po_path(language))))
        extracted = entry_keys(polib.pofile(str(po_path(language, copy))))
        added = sorted(key[1] for key in extracted - committed)
        dropped = sorted(key[1] for key in committed - extracted)
        assert added == [], f"{language}: strings not in the catalogue yet: {added[:10]}: {HOW_TO_FIX}"
        assert dropped == [], f"{language}: msgids no longer in the sources: {dropped[:10]}: {HOW_TO_FIX}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_accepts_the_catalogue_placeholders_and_plural_forms(language: str) -> None:
    require_gettext()
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--output-file=/dev/null", str(po_path(language))],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"{language}: msgfmt --check: {result.stderr}"
    assert "warning" not in result.stderr, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_says_what_the_po_file_says(language: str) -> None:
    compiled = translations(polib.mofile(str(mo_path(language))))
    source = translations(polib.pofile(str(po_path(language))))

    stale = sorted(key[1] for key in source if compiled.get(key) != source[key])
    extra = sorted(key[1] for key in compiled.keys() - source.keys())
    assert stale == [], f"{language}: django.mo is older than django.po for {stale[:10]}: run `make messages`"
    assert extra == [], f"{language}: django.mo has msgids django.po lost: {extra[:10]}: run `make messages`"
