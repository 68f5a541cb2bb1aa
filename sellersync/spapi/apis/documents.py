"""Transfer of feed/report documents through Amazon's pre-signed URLs (no LWA header, no rate limit).

A document URL arrives in an API response, so it is treated as untrusted: it must point at an https Amazon
host (or the local sandbox, see ``Endpoints.check_document_url``), the body is read as a stream and cut off
past ``max_bytes``, and GZIP is decompressed chunk by chunk with the same cap on what comes out, so a
decompression bomb costs at most ``max_bytes`` of memory before it is refused.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import httpx

from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.errors import ConnectionFailed, DocumentTooLarge, PayloadError, Timeout
from sellersync.spapi.transport import raise_for_status

DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_IDENTITY = ("", "identity")
#: Largest piece of decompressed output held at once (the rest waits as compressed input).
OUTPUT_PIECE = 1024 * 1024


class DocumentTransfer:
    """Uploads and downloads of one client's documents, on trusted hosts only and with a size cap."""

    def __init__(self, http: httpx.Client, endpoints: Endpoints, max_bytes: int) -> None:
        self._http = http
        self._endpoints = endpoints
        self.max_bytes = max_bytes

    def put(self, url: str, content: bytes, content_type: str) -> None:
        """PUT bytes to a pre-signed upload URL with the content type declared when it was created."""
        self._endpoints.check_document_url(url)
        try:
            response = self._http.put(url, content=content, headers={"content-type": content_type})
        except httpx.TimeoutException as exc:
            raise Timeout("document upload timed out") from exc
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"document upload failed ({type(exc).__name__})") from exc
        raise_for_status(response, "uploadDocument")

    def get(self, url: str, compression_algorithm: str | None) -> bytes:
        """GET a document from its pre-signed URL, gunzipped when Amazon says it is GZIP-compressed."""
        return b"".join(self.iter_chunks(url, compression_algorithm))

    def get_into(self, url: str, compression_algorithm: str | None, sink: BinaryIO) -> int:
        """Like `get`, but the document is written to `sink` as it arrives (a file: the memory used does
        not grow with the document); the number of bytes written."""
        written = 0
        for chunk in self.iter_chunks(url, compression_algorithm):
            sink.write(chunk)
            written += len(chunk)
        return written

    def iter_chunks(self, url: str, compression_algorithm: str | None) -> Iterator[bytes]:
        """The document's bytes in pieces as they arrive (gunzipped when GZIP), refused past the cap."""
        self._endpoints.check_document_url(url)
        gzipped = (compression_algorithm or "").upper() == "GZIP"
        try:
            with self._http.stream("GET", url, headers={"accept-encoding": "identity"}) as response:
                if not response.is_success:
                    response.read()
                    raise_for_status(response, "downloadDocument")
                self._refuse_announced_size(response)
                chunks = self._received_chunks(response)
                yield from iter_gunzip_bounded(chunks, self.max_bytes) if gzipped else chunks
        except httpx.TimeoutException as exc:
            raise Timeout("document download timed out") from exc
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"document download failed ({type(exc).__name__})") from exc

    def _refuse_announced_size(self, response: httpx.Response) -> None:
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > self.max_bytes:
            raise DocumentTooLarge(
                f"document refused: {int(announced)} bytes announced, more than the {self.max_bytes} allowed",
                operation="downloadDocument",
            )

    def _received_chunks(self, response: httpx.Response) -> Iterator[bytes]:
        """The body as it arrives, refused past the cap; a transport compression (Content-Encoding) is
        undone under the same cap (identity is asked for, but a stored S3 object may carry one)."""
        if response.is_stream_consumed:  # an in-memory response (MockTransport): read and decoded already
            return self._capped(iter([response.content]))
        encoding = response.headers.get("content-encoding", "").lower()
        if encoding in _IDENTITY:
            return self._capped(response.iter_raw())
        return iter_gunzip_bounded(self._capped(response.iter_raw()), self.max_bytes, encoding)

    def _capped(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        received = 0
        for chunk in chunks:
            received += len(chunk)
            if received > self.max_bytes:
                raise DocumentTooLarge(
                    f"document refused: more than the {self.max_bytes} bytes allowed were sent",
                    operation="downloadDocument",
                )
            yield chunk


def gunzip_bounded(chunks: Iterable[bytes], max_bytes: int, encoding: str = "gzip") -> bytes:
    """Decompress gzip members from ``chunks``; ``DocumentTooLarge`` as soon as the output passes
    ``max_bytes`` (never holding more than that), ``PayloadError`` for data that is not complete gzip."""
    return b"".join(iter_gunzip_bounded(chunks, max_bytes, encoding))


def iter_gunzip_bounded(chunks: Iterable[bytes], max_bytes: int, encoding: str = "gzip") -> Iterator[bytes]:
    """`gunzip_bounded` in pieces of at most OUTPUT_PIECE bytes, as the compressed chunks arrive."""
    if encoding.lower() not in ("gzip", "x-gzip"):
        raise PayloadError(f"document refused: unsupported content-encoding {encoding[:40]!r}")
    produced = 0
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    member_complete = True  # no input yet, or the last gzip member seen ended
    try:
        for chunk in chunks:
            data = chunk
            while data:
                piece = decompressor.decompress(data, min(OUTPUT_PIECE, max_bytes - produced + 1))
                produced += len(piece)
                if produced > max_bytes:
                    raise DocumentTooLarge(
                        f"document refused: it decompresses to more than the {max_bytes} bytes allowed",
                        operation="downloadDocument",
                    )
                if piece:
                    yield piece
                member_complete = decompressor.eof
                if decompressor.eof:  # several gzip members may follow each other
                    data, decompressor = decompressor.unused_data, zlib.decompressobj(_GZIP_WBITS)
                else:
                    data = decompressor.unconsumed_tail
    except zlib.error as exc:
        raise PayloadError(f"document is not valid gzip ({exc})", operation="downloadDocument") from exc
    if not member_complete:
        raise PayloadError("document is not valid gzip (truncated)", operation="downloadDocument")
