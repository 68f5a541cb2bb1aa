"""Import Amazon's settlements (Finances API financial event groups) into the books.

fetch the groups started since `since` -> an open group is stored with its running total only -> a closed
group not booked yet: fetch its events (all pages), credit its refunds not credited yet (import_refunds.py:
one credit note per refund, whether the refund events or the settlement showed it first), map the events to
amounts, and in one transaction store the amounts and post the settlement and payout entries
(sync/settlement_books.py). A group already booked is
skipped without fetching its events: re-importing never books twice (unique (account, group id), row lock).
A group whose booking is refused is marked failed with the error and retried on the next import.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sellersync.amazon.mappers.settlements import (
    FEE,
    PROMOTION,
    REFUND,
    SHIPMENT,
    TAX_WITHHELD,
    SettlementAmount,
    settlement_amounts,
)
from sellersync.amazon.models import AmazonAccount, AmazonSettlement, AmazonSettlementLine
from sellersync.amazon.models.settlements import SettlementState
from sellersync.amazon.sync.import_refunds import RefundImport, refunds_of_events, store_refunds
from sellersync.amazon.sync.settlement_books import Outcome, book_settlement
from sellersync.amazon.sync.settlement_clearing import clear_awaiting_proceeds
from sellersync.core.errors import DomainError
from sellersync.spapi.client import SpApiClient
from sellersync.spapi.models.finances_v0 import FinancialEventGroup

logger = logging.getLogger(__name__)
DEFAULT_LOOKBACK = timedelta(days=90)
CLOSED = "Closed"


class SettlementRefused(DomainError):
    """A settlement that cannot be booked as it is (e.g. amounts in two currencies)."""


@dataclass
class SettlementImport:
    """What one import did."""

    booked: int = 0
    already_booked: int = 0
    open: int = 0
    failed: int = 0
    cleared: int = 0  # orders whose waiting proceeds went to their invoice, posted since


def import_settlements(
    account: AmazonAccount, client: SpApiClient, *, since: datetime | None = None
) -> SettlementImport:
    """Store every group started since `since` (default: 90 days ago) and book the closed ones."""
    result = SettlementImport()
    started_after = since or timezone.now() - DEFAULT_LOOKBACK
    groups = client.finances_v0.iter_financial_event_groups(
        max_results_per_page=100, started_after=started_after
    )
    for group in groups:
        if not group.financial_event_group_id:
            continue
        settlement = _store_group(account, group)
        if settlement.state == SettlementState.POSTED:
            result.already_booked += 1
        elif group.processing_status != CLOSED:
            result.open += 1
        elif _book(settlement, client):
            result.booked += 1
        else:
            result.failed += 1
    result.cleared = clear_awaiting_proceeds(account.company)  # invoices posted since the proceeds came
    return result


def _store_group(account: AmazonAccount, group: FinancialEventGroup) -> AmazonSettlement:
    assert group.financial_event_group_id is not None
    settlement, _created = AmazonSettlement.objects.get_or_create(
        account=account, group_id=group.financial_event_group_id
    )
    if settlement.state == SettlementState.POSTED:
        return settlement
    total = group.original_total
    settlement.processing_status = group.processing_status or ""
    settlement.fund_transfer_status = group.fund_transfer_status or ""
    settlement.fund_transfer_date = group.fund_transfer_date
    settlement.started_at = group.financial_event_group_start
    settlement.ended_at = group.financial_event_group_end
    settlement.currency_code = (total.currency_code if total else "") or ""
    settlement.original_total = (total.currency_amount if total else None) or Decimal(0)
    settlement.save()
    return settlement


def _book(settlement: AmazonSettlement, client: SpApiClient) -> bool:
    """Fetch the group's events and book them; False (and the error stored) when refused."""
    pages = list(
        client.finances_v0.iter_financial_events_by_group_id(settlement.group_id, max_results_per_page=100)
    )
    refunds = RefundImport()  # the group's refunds, credited first (once, whoever saw them first)
    store_refunds(settlement.account, refunds_of_events(pages, refunds), refunds)
    amounts = settlement_amounts(pages)
    try:
        with transaction.atomic():
            locked = (
                AmazonSettlement.objects.select_for_update()
                .select_related("account__company")
                .get(pk=settlement.pk)
            )
            if locked.state == SettlementState.POSTED:
                return True
            _check_currency(locked, amounts)
            outcomes, difference = book_settlement(locked, amounts)
            _store_lines(locked, amounts, outcomes, difference)
            _set_totals(locked, amounts)
            locked.state = SettlementState.POSTED
            locked.error = ""
            locked.imported_at = timezone.now()
            locked.save()
            return True
    except DomainError as error:
        logger.warning(
            "settlement %s of account %s refused: %s", settlement.group_id, settlement.account_id, error
        )
        AmazonSettlement.objects.filter(pk=settlement.pk).update(
            state=SettlementState.FAILED, error=str(error)[:2000], imported_at=timezone.now()
        )
        return False


def _check_currency(settlement: AmazonSettlement, amounts: list[SettlementAmount]) -> None:
    """One currency per settlement: the company's, or another one booked at its rate (settlement_books)."""
    currencies = {settlement.currency_code} | {amount.currency for amount in amounts if amount.currency}
    currencies.discard("")
    if len(currencies) > 1:
        raise SettlementRefused(
            gettext("Settlement mixing %(found)s: not booked.") % {"found": ", ".join(sorted(currencies))}
        )


def _store_lines(
    settlement: AmazonSettlement,
    amounts: list[SettlementAmount],
    outcomes: list[Outcome],
    difference: Decimal,
) -> None:
    settlement.lines.all().delete()
    lines = [
        AmazonSettlementLine(
            settlement=settlement,
            sequence=index,
            event_type=amount.event_type,
            posted_at=amount.posted_at,
            amazon_order_id=amount.order_id,
            sku=amount.sku,
            kind=amount.kind,
            amount_type=amount.amount_type[:64],
            amount=amount.amount,
            match=outcome.match,
            reason=outcome.reason[:256],
        )
        for index, (amount, outcome) in enumerate(zip(amounts, outcomes, strict=True))
    ]
    if difference:
        lines.append(
            AmazonSettlementLine(
                settlement=settlement,
                sequence=len(amounts),
                event_type="other",
                kind="adjustment",
                amount_type="Difference",
                amount=difference,
                match="unmatched",
                reason=gettext("Amazon's total differs from the sum of its events."),
            )
        )
    AmazonSettlementLine.objects.bulk_create(lines)


def _set_totals(settlement: AmazonSettlement, amounts: list[SettlementAmount]) -> None:
    def total(event_type: str | None, kinds: frozenset[str]) -> Decimal:
        return sum(
            (
                amount.amount
                for amount in amounts
                if amount.kind in kinds and (event_type is None or amount.event_type == event_type)
            ),
            Decimal(0),
        )

    proceeds = frozenset({"charge", PROMOTION})
    settlement.sales_total = total(SHIPMENT, proceeds)
    settlement.refunds_total = total(REFUND, proceeds)
    settlement.fees_total = total(None, frozenset({FEE}))
    settlement.tax_withheld_total = total(None, frozenset({TAX_WITHHELD}))
    accounted = settlement.sales_total + settlement.refunds_total + settlement.fees_total
    # adjustments, other events and any difference with Amazon's total
    settlement.other_total = settlement.original_total - accounted - settlement.tax_withheld_total
