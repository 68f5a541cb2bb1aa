"""Feed/report documents are untrusted: https Amazon hosts only (or the sandbox), a size cap, bounded gzip."""

from __future__ import annotations

import gzip
import tempfile
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from sellersync.spapi import PayloadError, Region, SpApiClient
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.errors import DocumentTooLarge, UntrustedHost
from sellersync.spapi.models.reports import ReportDocument
from tests.spapi.helpers import CREDENTIALS, make_client, with_lwa

S3 = "https://tortuga-prod-na.s3-external-1.amazonaws.com"
MIB = 1024 * 1024


def _bomb(decompressed_mib: int) -> bytes:
    """A gzip document of `decompressed_mib` MiB of zeros (about a thousandth of that compressed)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    return b"".join(compressor.compress(zeros) for _ in range(decompressed_mib)) + compressor.flush()


class DocumentServer:
    """A real HTTP server (the local sandbox's role) sending one body in chunks, without Content-Length."""

    def __init__(self, body: bytes) -> None:
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests += 1
                self.send_response(200)
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), 64 * 1024):
                    chunk = body[start : start + 64 * 1024]
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"


@pytest.fixture
def bomb_server() -> Iterator[DocumentServer]:
    server = DocumentServer(_bomb(64))
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()


def _document(url: str, compression: str | None = "GZIP") -> ReportDocument:
    return ReportDocument.model_validate(
        {"reportDocumentId": "R-1", "url": url, "compressionAlgorithm": compression}
    )


def test_a_decompression_bomb_is_refused_with_bounded_memory(bomb_server: DocumentServer) -> None:
    # given a 64 MiB gzip bomb (64 KiB on the wire) behind a client capped at 1 MiB
    client = SpApiClient(
        CREDENTIALS,
        region=Region.NA,
        endpoints=Endpoints.local_sandbox(bomb_server.url),
        max_document_bytes=MIB,
    )
    # when
    tracemalloc.start()
    try:
        with pytest.raises(DocumentTooLarge) as refused:
            client.reports.download_report_document(_document(f"{bomb_server.url}/_s3/report-documents/R-1"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then
    assert str(refused.value) == "document refused: it decompresses to more than the 1048576 bytes allowed"
    assert bomb_server.requests == 1
    assert peak < 4 * MIB


def test_a_document_downloaded_into_a_file_is_written_as_it_arrives(bomb_server: DocumentServer) -> None:
    # given the same 64 MiB of gzip behind a client allowing 128 MiB
    client = SpApiClient(
        CREDENTIALS,
        region=Region.NA,
        endpoints=Endpoints.local_sandbox(bomb_server.url),
        max_document_bytes=128 * MIB,
    )
    # when it is downloaded into a file
    with tempfile.TemporaryFile() as file:
        tracemalloc.start()
        try:
            written = client.reports.download_report_document_into(
                _document(f"{bomb_server.url}/_s3/report-documents/R-1"), file
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        size = file.seek(0, 2)
        file.seek(0)
        all_zeros = all(not any(chunk) for chunk in iter(lambda: file.read(MIB), b""))
    # then the whole document is in the file, and never more than a few pieces of it were in memory
    assert written == size == 64 * MIB and all_zeros
    assert peak < 4 * MIB


def test_a_body_larger_than_the_cap_is_cut_off_while_it_streams(bomb_server: DocumentServer) -> None:
    # given the same ~64 KiB body, read as it is (no compression announced), capped at 16 KiB
    client = SpApiClient(
        CREDENTIALS,
        region=Region.NA,
        endpoints=Endpoints.local_sandbox(bomb_server.url),
        max_document_bytes=16 * 1024,
    )
    # when / then
    with pytest.raises(DocumentTooLarge, match="more than the 16384 bytes allowed were sent"):
        client.reports.download_report_document(_document(f"{bomb_server.url}/doc", compression=None))


def test_an_announced_size_above_the_cap_is_refused_before_reading() -> None:
    # given
    def amazon(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(300 * MIB)}, content=b"")

    client = make_client(with_lwa(amazon), max_document_bytes=MIB)
    # when / then
    with pytest.raises(DocumentTooLarge, match="314572800 bytes announced"):
        client.reports.download_report_document(_document(f"{S3}/big", compression=None))


@pytest.mark.parametrize(
    ("_case", "url"),
    [
        ("a foreign host", "https://evil.example/report.gz"),
        ("plain http to S3", "http://tortuga-prod-na.s3-external-1.amazonaws.com/r"),
        ("a look-alike suffix", "https://tortuga-prod-na.s3.amazonaws.com.evil.example/r"),
        ("the local network", "http://169.254.169.254/latest/meta-data/"),
    ],
)
def test_a_document_on_a_foreign_host_is_refused_and_nothing_is_fetched(_case: str, url: str) -> None:
    # given
    seen: list[httpx.Request] = []

    def anyone(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=gzip.compress(b"data"))

    client = make_client(anyone)
    # when / then
    with pytest.raises(UntrustedHost, match="refusing a document transfer"):
        client.reports.download_report_document(_document(url))
    with pytest.raises(UntrustedHost):
        client.feeds.upload_feed_document(url, b"<feed/>", "text/xml")
    assert seen == []


def test_a_sandbox_client_takes_documents_from_the_sandbox_only() -> None:
    # given
    seen: list[str] = []

    def sandbox(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=b"a\tb\n")

    client = SpApiClient(
        CREDENTIALS,
        region=Region.NA,
        endpoints=Endpoints.local_sandbox("http://127.0.0.1:8241"),
        transport=httpx.MockTransport(sandbox),
    )
    # when
    content = client.reports.download_report_document(_document("http://127.0.0.1:8241/_s3/r/1", None))
    # then
    assert content == b"a\tb\n"
    with pytest.raises(UntrustedHost):
        client.reports.download_report_document(_document(f"{S3}/r/1", None))
    assert seen == ["http://127.0.0.1:8241/_s3/r/1"]


def test_several_gzip_members_and_a_truncated_one() -> None:
    # given
    two_members = gzip.compress(b"first\n") + gzip.compress(b"second\n")
    truncated = gzip.compress(b"x" * 1000)[:-6]
    bodies = iter([two_members, truncated])
    client = make_client(lambda request: httpx.Response(200, content=next(bodies)))
    # when
    content = client.reports.download_report_document(_document(f"{S3}/two"))
    # then
    assert content == b"first\nsecond\n"
    with pytest.raises(PayloadError, match="not valid gzip"):
        client.reports.download_report_document(_document(f"{S3}/truncated"))
