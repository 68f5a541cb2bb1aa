"""Gapless numbering under concurrent posting (PostgreSQL: real row locks between connections)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from sellersync.accounting.choices import AccountRole, JournalKind
from sellersync.accounting.models import JournalEntry
from sellersync.accounting.selectors import account_balance
from sellersync.accounting.services import (
    create_default_chart,
    create_default_journals,
    create_entry,
    post_entry,
)
from sellersync.core.models import Currency
from sellersync.core.services import create_company
from tests.accounting.fixtures import JAN_10, sale_lines

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_distinct_gapless_numbers() -> None:
    # given: drafts in a journal whose yearly counter does not exist yet (first use races too)
    company = create_company("Fabrikam SARL", Currency.objects.get(code="EUR"), "fr")
    chart = create_default_chart(company)
    journal = create_default_journals(company)[JournalKind.SALE]
    drafts = [create_entry(journal, JAN_10, sale_lines(chart, f"{n}.00")) for n in range(1, THREADS + 1)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def post(entry: JournalEntry) -> None:
        try:
            start.wait()
            post_entry(entry)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=post, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then
    assert errors == []
    numbers = sorted(JournalEntry.objects.filter(journal=journal).values_list("number", flat=True))
    assert numbers == [f"INV/2026/{n:05d}" for n in range(1, THREADS + 1)]
    assert account_balance(chart[AccountRole.REVENUE]) == Decimal("-36.00")  # 1 + 2 + ... + 8
