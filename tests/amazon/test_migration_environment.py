"""Migrations 0007/0008: accounts lose their URLs; one pointing away from Amazon becomes a Sandbox account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sellersync.amazon.models import AmazonAccount
from sellersync.core.models import Currency
from sellersync.core.services import create_company

BEFORE = [("amazon", "0006_order_audit")]


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    migrations = MigrationExecutor(connection)
    latest = migrations.loader.graph.leaf_nodes()
    try:
        yield migrations
    finally:
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_accounts_pointing_away_from_amazon_become_sandbox_accounts(executor: MigrationExecutor) -> None:
    # given four accounts as they were stored before the migration
    company = create_company("Migrated Store", Currency.objects.get(code="USD"), "US")
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldAccount = old_apps.get_model("amazon", "AmazonAccount")  # noqa: N806 - a model class
    urls = {
        "default": ("", ""),
        "amazon": ("https://sellingpartnerapi-eu.amazon.com", "https://api.amazon.com/auth/o2/token"),
        "listener": ("", "http://127.0.0.1:9999/token"),
        "sandbox": ("http://127.0.0.1:8100", "http://127.0.0.1:8100/auth/o2/token"),
        "look-alike": ("https://sellingpartnerapi-na.amazon.com.evil.example", ""),
    }
    for name, (api_base_url, lwa_token_url) in urls.items():
        OldAccount.objects.create(
            name=name,
            company_id=company.pk,
            seller_id=f"S-{name}",
            api_base_url=api_base_url,
            lwa_token_url=lwa_token_url,
        )
    # when
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    # then
    environments = dict(AmazonAccount.objects.values_list("name", "environment"))
    assert environments == {
        "default": "production",
        "amazon": "production",
        "listener": "sandbox",
        "sandbox": "sandbox",
        "look-alike": "sandbox",
    }
    columns = {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "amazon_amazonaccount"
        )
    }
    assert "api_base_url" not in columns and "lwa_token_url" not in columns
