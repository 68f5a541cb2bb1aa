"""Demo start-up: seconds from `sellersync demo` (a fresh var directory, SQLite) to its web server listening.

Includes the migrations, the sandbox's seeding (with its history) and each account's books (orders, invoices,
settlements, refunds, returns, FBA inventory), as `make demo` does; the worker and the server are then
stopped. Also prints what the books hold (`demo_refunds_credited`, `demo_returns`: summed over the accounts).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT_SECONDS = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def run() -> dict[str, object]:
    port, sandbox_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env |= {"SELLERSYNC_VAR_DIR": var_dir, "DEMO_PASSWORD": "bench", "PORT": str(port)}
        log = Path(var_dir) / "demo.log"
        command = [sys.executable, "-m", "sellersync.cli", "demo", "--sandbox-port", str(sandbox_port)]
        started = time.perf_counter()
        with log.open("w") as output:
            demo = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )  # noqa: S603
            try:
                while not _listening(port):
                    if demo.poll() is not None or time.perf_counter() - started > TIMEOUT_SECONDS:
                        raise RuntimeError(f"the demo did not start:\n{log.read_text()[-2000:]}")
                    time.sleep(0.1)
                seconds = time.perf_counter() - started
            finally:
                os.killpg(demo.pid, signal.SIGTERM)
                demo.wait(timeout=30)
        text = log.read_text()
    return {
        "demo_start_s": round(seconds, 1),
        "demo_refunds_credited": sum(int(n) for n in re.findall(r"(\d+) refunds credited", text)),
        "demo_returns": sum(int(n) for n in re.findall(r"(\d+) returns,", text)),
    }
