"""Tokens API 2021-03-01 payloads."""

from __future__ import annotations

from pydantic import Field

from sellersync.spapi.models.base import CamelModel


class CreateRestrictedDataTokenResponse(CamelModel):
    """A restricted data token (RDT) and its lifetime in seconds."""

    restricted_data_token: str = Field(repr=False)
    expires_in: int
