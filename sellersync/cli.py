"""The `sellersync` console script.

`sellersync sandbox ...` runs the local SP-API (no Django involved); every other verb is a Django
management command with our settings preset (`sellersync migrate`, `sellersync demo`, `sellersync worker`...).
A command prints in the shell's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) when sellersync speaks it;
the web server and the worker keep the per-request language and the default one.
"""

from __future__ import annotations

import os
import sys

SERVER_VERBS = ("runserver", "worker", "run_huey")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        from sellersync.sandbox.server import main as sandbox_main

        sandbox_main(args[1:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    if args[:1] and args[0] not in SERVER_VERBS:
        _speak_the_shells_language()
    execute_from_command_line(["sellersync", *args])


def _speak_the_shells_language() -> None:
    from django.utils import translation

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        locale_name = os.environ.get(name, "").split(":")[0].split(".")[0]
        if not locale_name or locale_name in ("C", "POSIX"):
            continue
        try:
            translation.activate(
                translation.get_supported_language_variant(translation.to_language(locale_name))
            )
        except LookupError:
            continue
        return


if __name__ == "__main__":
    main()
