"""The `sellersync` console script.

`sellersync sandbox ...` runs the local SP-API (no Django involved); every other verb is a Django
management command with our settings preset (`sellersync migrate`, `sellersync demo`, `sellersync worker`...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["sandbox"]:
        from sellersync.sandbox.server import main as sandbox_main

        sandbox_main(args[1:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellersync.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sellersync", *args])


if __name__ == "__main__":
    main()
