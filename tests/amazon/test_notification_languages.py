"""The failed-shipments e-mail reaches each responsible user in the language they chose in the back office."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from sellersync.amazon.choices import OutboundKind, OutboundState
from sellersync.amazon.models import AmazonAccount, OutboundMessage
from sellersync.amazon.notifications import notify_failed_shipments
from sellersync.core.models import Company, Currency, UserPreference
from sellersync.core.services import create_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def account() -> AmazonAccount:
    company: Company = create_company("Mail Store", Currency.objects.get(code="EUR"), "ES")
    return AmazonAccount.objects.create(name="Amazon EU", company=company, seller_id="A1MAIL")


def responsible(account: AmazonAccount, username: str, language: str | None) -> None:
    user = get_user_model().objects.create_user(username, email=f"{username}@example.com")
    if language is not None:
        UserPreference.objects.create(user=user, language=language)
    account.responsible_users.add(user)


def test_each_responsible_user_gets_the_summary_in_their_language(account: AmazonAccount) -> None:
    # given three responsible users: one chose Chinese, one Spanish, one never chose
    responsible(account, "li", "zh-hans")
    responsible(account, "lucia", "es")
    responsible(account, "sam", None)
    refused = OutboundMessage.objects.create(
        account=account,
        kind=OutboundKind.SHIPMENT,
        reference="picking:7",
        amazon_order_id="402-1234567-1234567",
        state=OutboundState.FAILED,
        amazon_error="18036: The tracking number '0000' is not valid",
    )

    # when Amazon refuses a shipment
    sent = notify_failed_shipments(account, [refused], feed_id="50001")

    # then one e-mail per language, each in its reader's language, with Amazon's own text
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert sent == 3 and len(mail.outbox) == 3
    chinese = by_recipient[("li@example.com",)]
    spanish = by_recipient[("lucia@example.com",)]
    english = by_recipient[("sam@example.com",)]
    assert chinese.subject == "亚马逊：1 条消息同步失败（Amazon EU）"
    assert "请更正这些错误，然后在每张调拨单上点击“重试亚马逊同步”。" in chinese.body
    assert spanish.subject == "Amazon: 1 mensaje no se pudo sincronizar (Amazon EU)"
    assert "pedido de Amazon 402-1234567-1234567" in spanish.body
    assert english.subject == "Amazon: 1 message failed to synchronize (Amazon EU)"
    assert all("18036: The tracking number '0000' is not valid" in m.body for m in mail.outbox)
