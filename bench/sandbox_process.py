"""A sandbox in a process of its own (so that client and server don't share one core's GIL)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def sandbox_process(time_scale: float, seed: int = 7) -> Iterator[str]:
    """Start `sellersync sandbox` on a free port with a fresh state file; yield its base URL."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable, "-m", "sellersync.sandbox", "--port", str(port), "--time-scale", str(time_scale),
            "--seed", str(seed), "--state", str(Path(folder) / "sandbox.sqlite3"),
        ]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base_url, process)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the sandbox exited at start")
        try:
            httpx.get(f"{base_url}/_sandbox/clock", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the sandbox did not start within 30 s")
