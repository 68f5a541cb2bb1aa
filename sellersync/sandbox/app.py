"""The sandbox as an ASGI app: `create_app()` returns a Starlette app speaking Amazon's wire format."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sellersync.sandbox.api import error_body, sp_api_route
from sellersync.sandbox.routes import (
    control,
    documents,
    fba_inventory,
    feeds,
    finances,
    listings,
    lwa,
    orders_2026,
    orders_v0,
    reports,
    sellers,
    tokens,
)
from sellersync.sandbox.service import Sandbox
from sellersync.sandbox.state import SandboxState

SP_API_SECTIONS = (orders_v0, orders_2026, tokens, sellers, feeds, reports, listings, fba_inventory, finances)


def create_app(
    state_path: Path | None = None,
    *,
    seed: int = 42,
    time_scale: float = 1.0,
    start_time: datetime | None = None,
    sellers: int = 3,
    rate_time_scale: float | None = None,
    history_days: int = 0,
) -> Starlette:
    """A fresh sandbox; with `state_path` it resumes sellers, orders, tokens, feeds and clock from it.
    `history_days` > 0 seeds each seller with earlier shipped orders, a few refunded (`sandbox.history`)."""
    sandbox = Sandbox(
        SandboxState(state_path),
        seed=seed,
        time_scale=time_scale,
        start_time=start_time,
        sellers=sellers,
        rate_time_scale=rate_time_scale,
        history_days=history_days,
    )
    routes: list[BaseRoute] = [*lwa.routes(sandbox), *control.routes(sandbox), *documents.routes(sandbox)]
    for section in SP_API_SECTIONS:
        routes += [sp_api_route(operation, sandbox) for operation in section.OPERATIONS]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        sandbox.remember_clock()

    app = Starlette(routes=routes, exception_handlers={404: _not_found}, lifespan=lifespan)
    app.state.sandbox = sandbox
    return app


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse(error_body("NotFound", "The requested resource was not found."), status_code=404)
