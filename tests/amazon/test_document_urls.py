"""Pre-signed document URLs live 5 minutes: one that expired is asked for again, once (sandbox)."""

from __future__ import annotations

import pytest

from sellersync.amazon.models import AmazonAccount
from sellersync.amazon.services import client_for_account
from sellersync.spapi import AuthError
from tests.amazon.fixtures import Sandbox

XML = "text/xml; charset=UTF-8"


@pytest.mark.django_db
def test_an_upload_url_expired_before_the_upload_gets_a_new_document(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given the next createFeedDocument answers a URL that has expired already
    sandbox.fault("createFeedDocument", "expired_url")

    # when
    with client_for_account(na_account) as client:
        created = client.feeds.submit_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", ["ATVPDKIKX0DER"], b"<x/>", XML)
        feed = client.feeds.get_feed(created.feed_id)

    # then
    assert sandbox.calls("createFeedDocument") == 2
    assert sandbox.calls("createFeed") == 1
    assert feed.feed_id == created.feed_id


@pytest.mark.django_db
def test_a_download_url_expired_before_the_download_is_asked_for_again(
    sandbox: Sandbox, na_account: AmazonAccount
) -> None:
    # given an uploaded document, and the next getFeedDocument answering a URL that has expired already
    with client_for_account(na_account) as client:
        document = client.feeds.create_feed_document(XML)
        client.feeds.upload_feed_document(document.url, b"<feed>content</feed>", XML)
        sandbox.fault("getFeedDocument", "expired_url")

        # when
        content = client.feeds.feed_document_content(document.feed_document_id)

    # then
    assert content == b"<feed>content</feed>"
    assert sandbox.calls("getFeedDocument") == 2


@pytest.mark.django_db
def test_an_expired_url_twice_in_a_row_is_an_auth_error(sandbox: Sandbox, na_account: AmazonAccount) -> None:
    # given both answers of getFeedDocument expired
    with client_for_account(na_account) as client:
        document = client.feeds.create_feed_document(XML)
        client.feeds.upload_feed_document(document.url, b"<feed/>", XML)
        sandbox.fault("getFeedDocument", "expired_url", times=2)

        # when / then
        with pytest.raises(AuthError, match="403"):
            client.feeds.feed_document_content(document.feed_document_id)
