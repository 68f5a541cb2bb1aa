"""Reading a finished feed's processing report into message states, without Amazon: which message a Result
names, warnings, unnamed errors."""

from __future__ import annotations

import pytest

from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.amazon.sync.feed_results import FeedOutcome, apply_report
from sellersync.core.models import Company
from sellersync.spapi.order_feeds import ProcessingReport, ProcessingResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(company: Company) -> AmazonAccount:
    return AmazonAccount.objects.create(name="Unit", company=company, seller_id="A1")


def _sent(account: AmazonAccount, *order_ids: str) -> list[OutboundMessage]:
    return [
        OutboundMessage.objects.create(
            account=account,
            kind=OutboundKind.SHIPMENT,
            reference=f"picking:{index}",
            amazon_order_id=order_id,
            state=OutboundState.SENT,
            feed_id="F1",
        )
        for index, order_id in enumerate(order_ids)
    ]


def _report(errors: int, *results: ProcessingResult) -> ProcessingReport:
    warnings = sum(1 for result in results if result.code == "Warning")
    return ProcessingReport("Complete", 3, 3 - errors, errors, warnings, results)


def _states(messages: list[OutboundMessage]) -> list[str]:
    return [OutboundMessage.objects.get(pk=m.pk).state for m in messages]


def test_error_named_by_message_id_fails_only_that_message(account: AmazonAccount) -> None:
    # given
    messages = _sent(account, "111", "222", "333")
    report = _report(1, ProcessingResult(messages[1].pk, "Error", 18036, "Bad tracking.", "222"))
    outcome = FeedOutcome("F1", "DONE")
    # when
    apply_report(report, messages, outcome)
    # then
    assert _states(messages) == [OutboundState.SYNCED, OutboundState.FAILED, OutboundState.SYNCED]
    assert OutboundMessage.objects.get(pk=messages[1].pk).amazon_error == "18036: Bad tracking."
    assert (len(outcome.synced), len(outcome.failed)) == (2, 1)


def test_error_named_only_by_order_id_fails_the_message_of_that_order(account: AmazonAccount) -> None:
    # given
    messages = _sent(account, "111", "222", "333")
    report = _report(1, ProcessingResult(None, "Error", 18030, "Order not found.", "333"))
    # when
    apply_report(report, messages, FeedOutcome("F1", "DONE"))
    # then
    assert _states(messages) == [OutboundState.SYNCED, OutboundState.SYNCED, OutboundState.FAILED]


def test_a_warning_does_not_fail_its_message(account: AmazonAccount) -> None:
    # given
    messages = _sent(account, "111", "222", "333")
    report = _report(0, ProcessingResult(messages[0].pk, "Warning", 18099, "Ship date in the future.", "111"))
    # when
    apply_report(report, messages, FeedOutcome("F1", "DONE"))
    # then
    assert _states(messages) == [OutboundState.SYNCED] * 3


def test_more_errors_than_named_fail_every_message_still_unknown(account: AmazonAccount) -> None:
    # given two errors counted, one named
    messages = _sent(account, "111", "222", "333")
    report = _report(
        2,
        ProcessingResult(messages[0].pk, "Error", 18036, "Bad tracking.", "111"),
        ProcessingResult(None, "Error", 18034, "Quantity too high.", None),
    )
    # when
    apply_report(report, messages, FeedOutcome("F1", "DONE"))
    # then
    stored = [OutboundMessage.objects.get(pk=m.pk) for m in messages]
    assert [m.state for m in stored] == [OutboundState.FAILED] * 3
    assert stored[0].amazon_error == "18036: Bad tracking."
    assert "without saying which" in stored[1].amazon_error and "Quantity too high." in stored[2].amazon_error
