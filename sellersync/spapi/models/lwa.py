"""Login with Amazon token endpoint payload."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LwaTokenResponse(BaseModel):
    """``POST /auth/o2/token`` answer (snake_case on the wire)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: str = Field(repr=False)
    token_type: str | None = None
    expires_in: int = 3600
    refresh_token: str | None = Field(default=None, repr=False)
