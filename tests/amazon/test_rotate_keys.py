"""`rotate_keys`: every secret re-encrypted under the newest key, so that the old key can be removed."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from sellersync.amazon.models import AmazonAccount, AmazonOrder, AmazonOrderEvent
from sellersync.core.models import Company

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRET = "amzn1.oa2-cs.v1.rotate-me"
TOKEN = "Atzr|refresh-rotate-me"
BUYER = '{"name": "Jane Rotate"}'


def _stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - our own names
        return str(cursor.fetchone()[0])


@pytest.fixture
def secrets_under_the_old_key(settings: Any, company: Company) -> tuple[AmazonAccount, AmazonOrderEvent]:
    settings.FERNET_KEYS = [OLD_KEY]
    account = AmazonAccount.objects.create(
        name="Rotated", company=company, seller_id="A1", lwa_client_secret=SECRET, refresh_token=TOKEN
    )
    order = AmazonOrder.objects.create(
        account=account, amazon_id="111-0000000-0000001", purchase_date=datetime(2026, 1, 1, tzinfo=UTC)
    )
    event = AmazonOrderEvent.objects.create(
        order=order,
        amazon_status="Unshipped",
        amazon_updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        api_version="v0",
        payload={},
        buyer_data=BUYER,
    )
    return account, event


def test_after_rotating_the_old_key_can_be_removed(
    settings: Any, secrets_under_the_old_key: tuple[AmazonAccount, AmazonOrderEvent]
) -> None:
    # given a new key put first
    account, event = secrets_under_the_old_key
    settings.FERNET_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    # when
    call_command("rotate_keys", stdout=out)
    settings.FERNET_KEYS = [NEW_KEY]  # the old key removed
    # then every secret opens with the new key alone, and no longer with the old one
    reloaded = AmazonAccount.objects.get(pk=account.pk)
    assert (reloaded.lwa_client_secret, reloaded.refresh_token) == (SECRET, TOKEN)
    assert AmazonOrderEvent.objects.get(pk=event.pk).buyer_data == BUYER
    stored = _stored("amazon_amazonaccount", "refresh_token", account.pk)
    assert Fernet(NEW_KEY.encode()).decrypt(stored.encode()).decode() == TOKEN
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY.encode()).decrypt(stored.encode())
    assert "3 secrets re-encrypted under the newest key." in out.getvalue()


def test_without_rotating_removing_the_old_key_loses_the_secrets(
    settings: Any, secrets_under_the_old_key: tuple[AmazonAccount, AmazonOrderEvent]
) -> None:
    # given
    account, _event = secrets_under_the_old_key
    # when
    settings.FERNET_KEYS = [NEW_KEY]
    # then
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        AmazonAccount.objects.get(pk=account.pk)


def test_a_secret_no_key_opens_stops_the_command_and_changes_nothing(
    settings: Any, secrets_under_the_old_key: tuple[AmazonAccount, AmazonOrderEvent]
) -> None:
    # given the old key already gone
    account, _event = secrets_under_the_old_key
    before = _stored("amazon_amazonaccount", "refresh_token", account.pk)
    settings.FERNET_KEYS = [NEW_KEY]
    # when / then
    with pytest.raises(CommandError, match="nothing of amazon.AmazonAccount was changed"):
        call_command("rotate_keys", stdout=StringIO())
    assert _stored("amazon_amazonaccount", "refresh_token", account.pk) == before


def test_dry_run_counts_and_changes_nothing(
    settings: Any, secrets_under_the_old_key: tuple[AmazonAccount, AmazonOrderEvent]
) -> None:
    # given
    account, _event = secrets_under_the_old_key
    before = _stored("amazon_amazonaccount", "refresh_token", account.pk)
    settings.FERNET_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    # when
    call_command("rotate_keys", "--dry-run", stdout=out)
    # then
    assert "3 secrets would be re-encrypted." in out.getvalue()
    assert _stored("amazon_amazonaccount", "refresh_token", account.pk) == before
