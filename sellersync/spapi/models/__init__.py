"""Pydantic v2 models of the SP-API payloads the client reads (Amazon's field names as aliases)."""
