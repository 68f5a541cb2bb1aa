"""Two workers syncing the same account at once on PostgreSQL: exactly one sales order per Amazon order."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sellersync.amazon.models import AmazonAccount, AmazonOrder
from sellersync.amazon.sync.import_orders import sync_orders
from sellersync.sales.models import SalesOrder


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_create_exactly_one_sales_order_per_amazon_order(
    na_account: AmazonAccount,
) -> None:
    # given two workers, each with its own connection, starting together
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            account = AmazonAccount.objects.get(pk=na_account.pk)
            barrier.wait()
            run = sync_orders(account)
            assert run.status == "succeeded", run.error
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then
    bindings = AmazonOrder.objects.filter(account=na_account, sales_order__isnull=False)
    refs = list(SalesOrder.objects.values_list("client_order_ref", flat=True))
    assert errors == []
    assert bindings.count() > 20
    assert len(refs) == len(set(refs)) == bindings.count()
