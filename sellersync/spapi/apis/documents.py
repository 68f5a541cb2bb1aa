"""Transfer of feed/report documents through Amazon's pre-signed URLs (no LWA header, no rate limit)."""

from __future__ import annotations

import gzip

import httpx

from sellersync.spapi.errors import ConnectionFailed, Timeout
from sellersync.spapi.transport import raise_for_status


def put_document(http: httpx.Client, url: str, content: bytes, content_type: str) -> None:
    """PUT bytes to a pre-signed upload URL with the content type declared when it was created."""
    try:
        response = http.put(url, content=content, headers={"content-type": content_type})
    except httpx.TimeoutException as exc:
        raise Timeout("document upload timed out") from exc
    except httpx.TransportError as exc:
        raise ConnectionFailed(f"document upload failed ({type(exc).__name__})") from exc
    raise_for_status(response, "uploadDocument")


def get_document(http: httpx.Client, url: str, compression_algorithm: str | None) -> bytes:
    """GET a document from its pre-signed URL, gunzipped when Amazon says it is GZIP-compressed."""
    try:
        response = http.get(url)
    except httpx.TimeoutException as exc:
        raise Timeout("document download timed out") from exc
    except httpx.TransportError as exc:
        raise ConnectionFailed(f"document download failed ({type(exc).__name__})") from exc
    raise_for_status(response, "downloadDocument")
    content = response.content
    if (compression_algorithm or "").upper() == "GZIP":
        return gzip.decompress(content)
    return content
