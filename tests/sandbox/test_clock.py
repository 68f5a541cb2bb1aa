"""The simulated clock stopped and started over the control API: only `advance` moves a stopped clock."""

from __future__ import annotations

import time
from datetime import datetime

import httpx

from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from tests.sandbox.conftest import START


def test_a_stopped_clock_moves_only_by_advance_and_runs_on_from_there() -> None:
    # given a sandbox whose clock runs 3,600 times real time
    app = create_app(None, seed=7, start_time=START, time_scale=3600)
    with serve_in_thread(app) as base, httpx.Client(base_url=base) as http:
        # when the clock is stopped, real time passes, and it is advanced by one hour
        stopped = http.post("/_sandbox/clock", json={"running": False}).json()
        time.sleep(0.05)  # 3 simulated minutes had the clock been running
        still = http.get("/_sandbox/clock").json()
        advanced = http.post("/_sandbox/advance", json={"seconds": 3600}).json()
        # then it stood still but for the hour advanced
        assert stopped["running"] is False and still["now"] == stopped["now"]
        assert _seconds(advanced["now"]) - _seconds(stopped["now"]) == 3600
        # and, started again, it runs on from where it stood
        started = http.post("/_sandbox/clock", json={"running": True}).json()
        time.sleep(0.05)
        later = http.get("/_sandbox/clock").json()
        assert started["running"] is True and started["now"] == advanced["now"]
        assert 60 <= _seconds(later["now"]) - _seconds(started["now"]) <= 3600


def test_running_must_be_a_boolean() -> None:
    app = create_app(None, seed=7, start_time=START, time_scale=3600)
    with serve_in_thread(app) as base, httpx.Client(base_url=base) as http:
        response = http.post("/_sandbox/clock", json={"running": "no"})
        assert response.status_code == 400
        assert "running must be true or false" in response.json()["error"]
        assert http.get("/_sandbox/clock").json()["running"] is True


def _seconds(iso_text: str) -> int:
    return int(datetime.fromisoformat(iso_text.replace("Z", "+00:00")).timestamp())
