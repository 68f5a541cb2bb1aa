"""Pre-signed document URLs on this server (`/_s3/...`), standing in for Amazon's S3 buckets.

A URL carries its simulated issue time and a signature; it is valid for 5 simulated minutes, for one method.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sellersync.sandbox.clock import iso, parse_iso
from sellersync.sandbox.service import Sandbox

URL_LIFETIME = timedelta(minutes=5)
BUCKETS = ("feed-documents", "feed-results", "report-documents")


def _secret(sandbox: Sandbox) -> bytes:
    secret = sandbox.state.get_meta("s3_secret")
    if secret is None:
        secret = secrets.token_hex(32)
        sandbox.state.set_meta("s3_secret", secret)
    return secret.encode()


def _signature(sandbox: Sandbox, method: str, bucket: str, document_id: str, issued: str) -> str:
    message = f"{method}\n{bucket}\n{document_id}\n{issued}".encode()
    return hmac.new(_secret(sandbox), message, hashlib.sha256).hexdigest()


def presigned_url(
    sandbox: Sandbox, base_url: str, method: str, bucket: str, document_id: str, *, expired: bool = False
) -> str:
    """A URL valid URL_LIFETIME from now; `expired` (a fault) dates it so that it has expired already."""
    issued = iso(sandbox.now() - (2 * URL_LIFETIME if expired else timedelta(0)))
    query = urlencode(
        {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": issued,
            "X-Amz-Expires": str(int(URL_LIFETIME.total_seconds())),
            "X-Amz-SignedHeaders": "host",
            "X-Amz-Signature": _signature(sandbox, method, bucket, document_id, issued),
        }
    )
    return f"{base_url}/_s3/{bucket}/{document_id}?{query}"


def store_gzipped(sandbox: Sandbox, document_id: str, content: bytes) -> None:
    sandbox.state.put_blob(document_id, gzip.compress(content, mtime=0))


def _s3_error(status: int, code: str, message: str) -> Response:
    body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return Response(body, status_code=status, media_type="application/xml")


def _url_valid(sandbox: Sandbox, request: Request, bucket: str, document_id: str, now: datetime) -> bool:
    issued = request.query_params.get("X-Amz-Date", "")
    signature = request.query_params.get("X-Amz-Signature", "")
    expected = _signature(sandbox, request.method, bucket, document_id, issued)
    if not issued or not hmac.compare_digest(signature, expected):
        return False
    return parse_iso(issued) + URL_LIFETIME >= now


def routes(sandbox: Sandbox) -> list[Route]:
    async def s3_object(request: Request) -> Response:
        bucket, document_id = request.path_params["bucket"], request.path_params["document_id"]
        if bucket not in BUCKETS:
            return _s3_error(404, "NoSuchBucket", "The specified bucket does not exist")
        if not _url_valid(sandbox, request, bucket, document_id, sandbox.now()):
            return _s3_error(403, "AccessDenied", "Request has expired or the signature does not match")
        if request.method == "PUT":
            record = sandbox.state.get("document", document_id)
            if bucket != "feed-documents" or record is None:
                return _s3_error(403, "AccessDenied", "Access Denied")
            sandbox.state.put_blob(document_id, await request.body())
            sandbox.state.put("document", document_id, record["seller_id"], {**record, "uploaded": True})
            return Response(status_code=200, headers={"ETag": '"' + secrets.token_hex(16) + '"'})
        content = sandbox.state.get_blob(document_id)
        if content is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return Response(content, media_type="application/octet-stream")

    return [Route("/_s3/{bucket}/{document_id}", s3_object, methods=["GET", "PUT"])]
