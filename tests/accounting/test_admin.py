"""Admin screens of the ledger: lists load, posted entries are read-only, actions call the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sellersync.accounting.choices import AccountRole, EntryState
from sellersync.accounting.models import Account, Journal, JournalEntry
from sellersync.accounting.services import create_entry, record_entry
from tests.accounting.fixtures import JAN_10, sale_lines

Chart = dict[AccountRole, Account]


@pytest.mark.parametrize("model", ["account", "journal", "journalentry", "journalline", "reconciliation"])
@pytest.mark.django_db
def test_every_ledger_list_loads_with_its_filters(
    admin_client: Client, chart: Chart, sales_journal: Journal, model: str
) -> None:
    # given
    record_entry(sales_journal, JAN_10, sale_lines(chart, "12.34"))

    # when
    response = admin_client.get(reverse(f"admin:accounting_{model}_changelist"), {"q": "1"})

    # then
    assert response.status_code == 200
    assert b'id="changelist-filter"' in response.content or model == "reconciliation"


@pytest.mark.django_db
def test_a_posted_entry_shows_no_editable_field_and_cannot_be_deleted(
    admin_client: Client, chart: Chart, sales_journal: Journal
) -> None:
    # given
    entry = record_entry(sales_journal, JAN_10, sale_lines(chart, "12.34"))

    # when
    change_page = admin_client.get(reverse("admin:accounting_journalentry_change", args=[entry.pk]))
    delete_page = admin_client.get(reverse("admin:accounting_journalentry_delete", args=[entry.pk]))

    # then
    assert change_page.status_code == 200
    assert b'name="ref"' not in change_page.content
    assert b'name="lines-0-debit"' not in change_page.content
    assert b"INV/2026/00001" in change_page.content
    assert delete_page.status_code == 403


@pytest.mark.django_db
def test_a_draft_entry_is_editable(admin_client: Client, chart: Chart, sales_journal: Journal) -> None:
    # given
    draft = create_entry(sales_journal, JAN_10, sale_lines(chart, "12.34"))

    # when
    page = admin_client.get(reverse("admin:accounting_journalentry_change", args=[draft.pk]))

    # then
    assert b'name="ref"' in page.content
    assert b'name="lines-0-debit"' in page.content


@pytest.mark.django_db
def test_the_post_action_posts_balanced_drafts_and_reports_the_refused_ones(
    admin_client: Client, chart: Chart, sales_journal: Journal
) -> None:
    # given
    balanced = create_entry(sales_journal, JAN_10, sale_lines(chart, "12.34"))
    unbalanced = create_entry(sales_journal, JAN_10, sale_lines(chart, "1.00")[:1])

    # when
    response = admin_client.post(
        reverse("admin:accounting_journalentry_changelist"),
        {"action": "post_selected", "_selected_action": [balanced.pk, unbalanced.pk]},
        follow=True,
    )

    # then
    assert response.status_code == 200
    states = dict(JournalEntry.objects.values_list("pk", "state"))
    assert states == {balanced.pk: EntryState.POSTED, unbalanced.pk: EntryState.DRAFT}
    assert b"is not balanced" in response.content
