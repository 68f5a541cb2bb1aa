"""Non-idempotent writes are never sent twice blindly; GETs keep their retries. Over HTTP, on the sandbox.

The sandbox's faults make Amazon take a request and lose (or delay) its answer; the sandbox's own state
(`/_sandbox/feeds`, `/_sandbox/orders`) says how many feeds, packages and reports Amazon really holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sellersync.sandbox.app import create_app
from sellersync.sandbox.server import serve_in_thread
from sellersync.spapi import FeedOutcomeUnknown, LwaCredentials, OutcomeUnknown, Region, SpApiClient
from sellersync.spapi.endpoints import Endpoints
from sellersync.spapi.models.orders_v0 import ConfirmShipmentOrderItem, PackageDetail

TIME_SCALE = 3600.0
US = "ATVPDKIKX0DER"
FEED_TYPE = "POST_ORDER_FULFILLMENT_DATA"
REPORT_TYPE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
CLIENT_TIMEOUT = 0.5


@dataclass
class Amazon:
    """The sandbox (control API) and an SP-API client of its NA seller."""

    control: httpx.Client
    client: SpApiClient
    seller_id: str

    def arm(self, operation: str, kind: str, **options: Any) -> None:
        body = {"operation": operation, "kind": kind, **options}
        self.control.post("/_sandbox/faults", json=body).raise_for_status()

    def feeds(self) -> list[dict[str, Any]]:
        return list(self.control.get("/_sandbox/feeds", params={"seller_id": self.seller_id}).json())

    def calls(self, operation: str) -> int:
        rows = self.control.get("/_sandbox/stats").json()
        return sum(int(row["calls"]) for row in rows if row["operation"] == operation)

    def truth(self, order_id: str) -> dict[str, Any]:
        orders = self.control.get("/_sandbox/orders", params={"seller_id": self.seller_id}).json()
        return next(order for order in orders if order["order_id"] == order_id)


@pytest.fixture
def amazon() -> Iterator[Amazon]:
    app = create_app(None, seed=7, time_scale=TIME_SCALE, start_time=datetime(2026, 3, 2, 12, tzinfo=UTC))
    with serve_in_thread(app) as base, httpx.Client(base_url=base, timeout=10) as control:
        seller = next(s for s in control.get("/_sandbox/sellers").json() if s["region"] == "NA")
        credentials = LwaCredentials(
            client_id=seller["client_id"],
            client_secret=seller["client_secret"],
            refresh_token=seller["refresh_token"],
            selling_partner_id=seller["seller_id"],
        )
        client = SpApiClient(
            credentials,
            region=Region.NA,
            endpoints=Endpoints.local_sandbox(base),
            timeout=CLIENT_TIMEOUT,
            time_scale=TIME_SCALE,
        )
        with client:
            yield Amazon(control, client, seller["seller_id"])


def _submit(amazon: Amazon) -> str:
    return amazon.client.feeds.submit_feed(FEED_TYPE, [US], b"<AmazonEnvelope/>", "text/xml").feed_id


def test_a_lost_create_feed_answer_is_not_resent_by_the_client(amazon: Amazon) -> None:
    # given a document uploaded and "accepted, answer lost" armed on createFeed
    document = amazon.client.feeds.create_feed_document("text/xml")
    amazon.client.feeds.upload_feed_document(document.url, b"<AmazonEnvelope/>", "text/xml")
    amazon.arm("createFeed", "answer_lost")
    # when createFeed is called once
    with pytest.raises(OutcomeUnknown) as lost:
        amazon.client.feeds.create_feed(FEED_TYPE, [US], document.feed_document_id)
    # then the client says the outcome is unknown, sent it once, and Amazon holds exactly one feed
    assert lost.value.operation == "feeds.createFeed"
    assert amazon.calls("createFeed") == 1
    assert len(amazon.feeds()) == 1
    assert amazon.client.stats["feeds.createFeed"].unknown == 1


@pytest.mark.parametrize(
    ("_case", "fault"),
    [
        ("answer lost after the commit", {"kind": "answer_lost"}),
        ("answer slower than the client", {"kind": "slow", "timeout_seconds": 1.5}),
    ],
)
def test_submit_feed_finds_the_feed_amazon_took_and_sends_no_second_one(
    amazon: Amazon, _case: str, fault: dict[str, Any]
) -> None:
    # given an older feed of the same type, then a fault on the next createFeed
    older = _submit(amazon)
    amazon.arm("createFeed", **fault)
    # when a feed is submitted
    feed_id = _submit(amazon)
    # then Amazon holds two feeds, not three: the older and the one taken, whose id submit_feed returns
    feeds = amazon.feeds()
    assert len(feeds) == 2
    assert feed_id == feeds[-1]["feedId"] != older
    assert amazon.calls("createFeed") == 2


def test_submit_feed_sends_again_when_amazon_did_not_take_it(amazon: Amazon) -> None:
    # given a 500 on createFeed: the sandbox answers it before committing anything
    amazon.arm("createFeed", "http_500")
    # when a feed is submitted
    feed_id = _submit(amazon)
    # then getFeeds found nothing, createFeed went out a second time, and Amazon holds one feed: this one
    assert [feed["feedId"] for feed in amazon.feeds()] == [feed_id]
    assert amazon.calls("createFeed") == 2
    assert amazon.calls("getFeeds") == 1


def test_a_throttle_storm_on_create_feed_is_retried_safely(amazon: Amazon) -> None:
    # given three 429s in a row on createFeed (Amazon took nothing)
    amazon.arm("createFeed", "throttle", times=3)
    # when a feed is submitted
    feed_id = _submit(amazon)
    # then the client retried, asked nothing, and Amazon holds one feed
    assert [feed["feedId"] for feed in amazon.feeds()] == [feed_id]
    stats = amazon.client.stats["feeds.createFeed"]
    assert (stats.calls, stats.retries, stats.throttled, stats.unknown) == (4, 3, 3, 0)
    assert amazon.calls("getFeeds") == 0


def test_a_get_keeps_its_retries_after_a_slow_answer(amazon: Amazon) -> None:
    # given a feed and a slow getFeed
    feed_id = _submit(amazon)
    amazon.arm("getFeed", "slow", timeout_seconds=1.5)
    # when it is read
    feed = amazon.client.feeds.get_feed(feed_id)
    # then the client timed out once and read it again
    assert feed.feed_id == feed_id
    stats = amazon.client.stats["feeds.getFeed"]
    assert (stats.calls, stats.retries, stats.unknown) == (2, 1, 0)


def test_a_lost_confirm_shipment_answer_is_not_resent(amazon: Amazon) -> None:
    # given an unshipped FBM order with one unit of each item still to ship
    body = {"seller_id": amazon.seller_id, "count": 1, "marketplace_id": US}
    [order_id] = amazon.control.post(
        "/_sandbox/orders", json={**body, "fulfillment_channel": "MFN", "status": "Unshipped"}
    ).json()["order_ids"]
    amazon.control.post("/_sandbox/advance", json={"seconds": 600}).raise_for_status()
    items = amazon.truth(order_id)["items"]
    package = PackageDetail(
        package_reference_id="7001",
        carrier_code="UPS",
        tracking_number="1Z999",
        ship_date="2026-03-02T15:00:00Z",
        order_items=[
            ConfirmShipmentOrderItem(order_item_id=item["order_item_id"], quantity=item["quantity"])
            for item in items
        ],
    )
    amazon.arm("confirmShipment", "answer_lost")
    # when the shipment is confirmed
    with pytest.raises(OutcomeUnknown):
        amazon.client.orders_v0.confirm_shipment(order_id, US, package)
    # then it went out once, and Amazon shipped the order with our one package
    assert amazon.calls("confirmShipment") == 1
    truth = amazon.truth(order_id)
    assert (truth["status"], truth["packages"]) == ("Shipped", ["7001"])
    found = amazon.client.orders.get_order(order_id, included_data=["PACKAGES"])
    assert [p.package_reference_id for p in found.packages] == ["7001"]


def test_create_report_once_finds_the_report_amazon_took(amazon: Amazon) -> None:
    # given "accepted, answer lost" on createReport
    start = datetime(2026, 3, 1, tzinfo=UTC)
    amazon.arm("createReport", "answer_lost")
    # when a report is requested for a period
    report_id = amazon.client.reports.create_report_once(REPORT_TYPE, [US], data_start_time=start)
    # then one request went out, and getReports lists one report of that period: the one returned
    reports = list(amazon.client.reports.iter_reports(report_types=[REPORT_TYPE]))
    assert [report.report_id for report in reports] == [report_id.report_id]
    assert amazon.calls("createReport") == 1


def test_create_feed_once_resends_nothing_when_amazon_lists_several_candidates(amazon: Amazon) -> None:
    # given another feed of the same type created since the bound we give, then a lost answer
    since = datetime.fromisoformat(amazon.control.get("/_sandbox/clock").json()["now"].replace("Z", "+00:00"))
    other = _submit(amazon)
    document = amazon.client.feeds.create_feed_document("text/xml")
    amazon.client.feeds.upload_feed_document(document.url, b"<AmazonEnvelope/>", "text/xml")
    amazon.arm("createFeed", "answer_lost")
    # when createFeed is sent once for the document
    with pytest.raises(FeedOutcomeUnknown) as unknown:
        amazon.client.feeds.create_feed_once(FEED_TYPE, [US], document.feed_document_id, created_since=since)
    # then Amazon holds the other feed and ours, nothing more; the error says where to look later
    assert len(amazon.feeds()) == 2 and other in {feed["feedId"] for feed in amazon.feeds()}
    assert (unknown.value.feed_type, unknown.value.marketplace_ids) == (FEED_TYPE, (US,))
    assert unknown.value.created_since == since
    assert "2 candidates" in str(unknown.value)
    assert amazon.calls("createFeed") == 2
