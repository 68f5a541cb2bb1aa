"""Run the benchmarks: `python -m bench [name ...]` (names are module suffixes, e.g. `api_calls`).

Without names every benchmark runs but the long ones (LONG: `make bench-scale` runs the scale run).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

#: Benchmarks that take many minutes: run only when named.
LONG = frozenset({"bench_scale"})


def _bench_modules(selected: list[str]) -> list[str]:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    if selected:
        return [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    return [n for n in names if n not in LONG]


def main(argv: list[str]) -> int:
    for name in _bench_modules(argv):
        module = importlib.import_module(f"bench.{name}")
        print(f"# {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        for key, value in module.run().items():
            print(f"{key}: {value}", flush=True)
        print(f"# {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
