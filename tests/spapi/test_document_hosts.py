"""Document URLs come from API answers: only the S3 buckets of Amazon's document service are trusted.

The hosts below are the ones Amazon's pre-signed feed/report URLs were seen on (one bucket per region, on S3
endpoints of several AWS regions); anything else under amazonaws.com or amazon.com may be anyone's (an S3
bucket, an API Gateway, a CloudFront distribution), so a URL there is refused before a byte is sent.
"""

from __future__ import annotations

import gzip

import httpx
import pytest

from sellersync.spapi.errors import UntrustedHost
from sellersync.spapi.models.reports import ReportDocument
from tests.spapi.helpers import make_client


def _document(url: str) -> ReportDocument:
    return ReportDocument.model_validate(
        {"reportDocumentId": "R-1", "url": url, "compressionAlgorithm": "GZIP"}
    )


@pytest.mark.parametrize(
    ("_case", "host"),
    [
        ("NA on the us-east-1 external endpoint", "tortuga-prod-na.s3-external-1.amazonaws.com"),
        ("NA on the global endpoint", "tortuga-prod-na.s3.amazonaws.com"),
        ("EU, dash-style regional endpoint", "tortuga-prod-eu.s3-eu-west-1.amazonaws.com"),
        ("EU, dot-style regional endpoint", "tortuga-prod-eu.s3.eu-west-1.amazonaws.com"),
        ("FE, bucket in another AWS region", "tortuga-prod-fe.s3-us-west-2.amazonaws.com"),
    ],
)
def test_amazons_document_buckets_are_downloaded(_case: str, host: str) -> None:
    # given
    seen: list[str] = []

    def s3(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200, content=gzip.compress(b"order-id\tsku\n"))

    client = make_client(s3)
    # when
    content = client.reports.download_report_document(_document(f"https://{host}/doc?X-Amz-Signature=x"))
    # then
    assert content == b"order-id\tsku\n"
    assert seen == [host]


@pytest.mark.parametrize(
    ("_case", "url"),
    [
        ("an attacker's own S3 bucket", "https://attacker-bucket.s3.amazonaws.com/report.gz"),
        ("an attacker's bucket on a regional endpoint", "https://evil.s3-eu-west-1.amazonaws.com/r"),
        ("a bucket named like Amazon's", "https://tortuga-prod-xx.s3.amazonaws.com/r"),
        (
            "Amazon's bucket name under another service",
            "https://tortuga-prod-na.execute-api.us-east-1.amazonaws.com/r",
        ),
        ("an API Gateway anyone can create", "https://abc123.execute-api.us-east-1.amazonaws.com/r"),
        ("a host under amazon.com", "https://sellercentral.amazon.com/r"),
        ("a CloudFront distribution", "https://d34o8swod1owfl.cloudfront.net/Report_47700.txt"),
        ("Amazon's bucket on another port", "https://tortuga-prod-na.s3.amazonaws.com:8443/r"),
    ],
)
def test_a_document_on_any_other_host_is_refused_with_a_clear_error(_case: str, url: str) -> None:
    # given
    seen: list[httpx.Request] = []

    def anyone(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=gzip.compress(b"data"))

    client = make_client(anyone)
    # when / then
    with pytest.raises(UntrustedHost) as refused:
        client.reports.download_report_document(_document(url))
    with pytest.raises(UntrustedHost):
        client.feeds.upload_feed_document(url, b"<feed/>", "text/xml")
    assert "not an https bucket of Amazon's document service" in str(refused.value)
    assert httpx.URL(url).host in str(refused.value)
    assert seen == []
