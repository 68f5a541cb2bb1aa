"""Run the sandbox: `python -m sellersync.sandbox --port 8100`, or `serve_in_thread(app)` in tests."""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from sellersync.sandbox.app import create_app

STARTUP_TIMEOUT_SECONDS = 10.0


class _IntendedLostAnswers(logging.Filter):
    """The `answer_lost` fault closes the connection mid-answer on purpose; uvicorn's error about it is noise
    (no other sandbox response is ever left incomplete)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


_QUIET = _IntendedLostAnswers()


def _quiet_lost_answers() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _QUIET not in logger.filters:
        logger.addFilter(_QUIET)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sellersync sandbox", description="A local, stateful SP-API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--state", type=Path, default=None, help="SQLite file (default: in memory)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument(
        "--rate-time-scale",
        type=float,
        default=None,
        help="the rate-limit buckets' own time scale (default: --time-scale's clock)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--sellers", type=int, default=3)
    parser.add_argument(
        "--history-days",
        type=int,
        default=0,
        help="also seed shipped orders of these earlier days, a few already refunded (sandbox/history.py)",
    )
    parser.add_argument("--reset", action="store_true", help="delete the state file first")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    _quiet_lost_answers()
    if args.reset and args.state is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.state}{suffix}").unlink(missing_ok=True)
    app = create_app(
        args.state,
        seed=args.seed,
        time_scale=args.time_scale,
        sellers=args.sellers,
        rate_time_scale=args.rate_time_scale,
        history_days=args.history_days,
    )
    print(f"SP-API sandbox on http://{args.host}:{args.port} (control API: /_sandbox/sellers)", flush=True)
    # the SP-API routes send their own Date (the simulated clock), as Amazon sends its time
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", date_header=False)


@contextlib.contextmanager
def serve_in_thread(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` with uvicorn in a daemon thread; yields the base URL and shuts down cleanly."""
    _quiet_lost_answers()
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1, date_header=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sp-api-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
