"""Finances API v0: payout groups and financial events (charges, fees, refunds, adjustments)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from sellersync.spapi.apis._base import ApiSection, Timestamp, unwrap_payload
from sellersync.spapi.models.base import parse
from sellersync.spapi.models.finances_v0 import (
    FinancialEventGroup,
    FinancialEvents,
    ListFinancialEventGroupsPayload,
    ListFinancialEventsPayload,
)


class FinancesV0(ApiSection):
    """Finances API, version v0 (responses wrapped in ``{"payload": ...}``)."""

    def list_financial_event_groups(
        self,
        *,
        max_results_per_page: int | None = None,
        started_before: Timestamp | None = None,
        started_after: Timestamp | None = None,
        next_token: str | None = None,
    ) -> ListFinancialEventGroupsPayload:
        """listFinancialEventGroups: one page of payout groups."""
        query = {
            "MaxResultsPerPage": max_results_per_page,
            "FinancialEventGroupStartedBefore": started_before,
            "FinancialEventGroupStartedAfter": started_after,
            "NextToken": next_token,
        }
        operation = "finances_v0.listFinancialEventGroups"
        data = self._client.call_json(operation, query=query)
        return parse(ListFinancialEventGroupsPayload, unwrap_payload(data, operation), operation=operation)

    def iter_financial_event_groups(
        self,
        *,
        max_results_per_page: int | None = None,
        started_before: Timestamp | None = None,
        started_after: Timestamp | None = None,
    ) -> Iterator[FinancialEventGroup]:
        """Every payout group, following NextToken lazily."""
        token: str | None = None
        while True:
            page = self.list_financial_event_groups(
                max_results_per_page=max_results_per_page,
                started_before=started_before,
                started_after=started_after,
                next_token=token,
            )
            yield from page.financial_event_group_list
            token = page.next_token
            if not token:
                return

    def list_financial_events(
        self,
        *,
        max_results_per_page: int | None = None,
        posted_after: Timestamp | None = None,
        posted_before: Timestamp | None = None,
        next_token: str | None = None,
    ) -> ListFinancialEventsPayload:
        """listFinancialEvents: one page of events posted in a window (may be empty)."""
        query = {
            "MaxResultsPerPage": max_results_per_page,
            "PostedAfter": posted_after,
            "PostedBefore": posted_before,
            "NextToken": next_token,
        }
        return self._events("finances_v0.listFinancialEvents", query=query)

    def iter_financial_events(
        self,
        *,
        max_results_per_page: int | None = None,
        posted_after: Timestamp | None = None,
        posted_before: Timestamp | None = None,
    ) -> Iterator[FinancialEvents]:
        """Every page's events in a window, lazily."""
        return _follow(
            lambda token: self.list_financial_events(
                max_results_per_page=max_results_per_page,
                posted_after=posted_after,
                posted_before=posted_before,
                next_token=token,
            )
        )

    def list_financial_events_by_group_id(
        self,
        event_group_id: str,
        *,
        max_results_per_page: int | None = None,
        posted_after: Timestamp | None = None,
        posted_before: Timestamp | None = None,
        next_token: str | None = None,
    ) -> ListFinancialEventsPayload:
        """listFinancialEventsByGroupId: one page of the events of a payout group."""
        query = {
            "MaxResultsPerPage": max_results_per_page,
            "PostedAfter": posted_after,
            "PostedBefore": posted_before,
            "NextToken": next_token,
        }
        return self._events(
            "finances_v0.listFinancialEventsByGroupId",
            path_params={"eventGroupId": event_group_id},
            query=query,
        )

    def iter_financial_events_by_group_id(
        self, event_group_id: str, *, max_results_per_page: int | None = None
    ) -> Iterator[FinancialEvents]:
        """Every page's events of a payout group, lazily."""
        return _follow(
            lambda token: self.list_financial_events_by_group_id(
                event_group_id, max_results_per_page=max_results_per_page, next_token=token
            )
        )

    def list_financial_events_by_order_id(
        self, order_id: str, *, max_results_per_page: int | None = None, next_token: str | None = None
    ) -> ListFinancialEventsPayload:
        """listFinancialEventsByOrderId: the events of one order."""
        query = {"MaxResultsPerPage": max_results_per_page, "NextToken": next_token}
        return self._events(
            "finances_v0.listFinancialEventsByOrderId", path_params={"orderId": order_id}, query=query
        )

    def _events(
        self,
        operation: str,
        *,
        query: Mapping[str, Timestamp | int | None],
        path_params: dict[str, str] | None = None,
    ) -> ListFinancialEventsPayload:
        data = self._client.call_json(operation, path_params=path_params, query=query)
        return parse(ListFinancialEventsPayload, unwrap_payload(data, operation), operation=operation)


def _follow(fetch: Callable[[str | None], ListFinancialEventsPayload]) -> Iterator[FinancialEvents]:
    token: str | None = None
    while True:
        page = fetch(token)
        yield page.financial_events
        token = page.next_token
        if not token:
            return
