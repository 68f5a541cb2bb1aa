"""The Amazon back office: accounts (with their buttons), orders, sync runs, outbound messages, offers,
and the sales order screen with the Amazon data beside the local record.

Every button and action calls a service of `sellersync.amazon.services` or a synchronizer of
`sellersync.amazon.sync`: the admin is only the UI layer.
"""

from sellersync.amazon.admin import (
    accounts,
    audits,
    orders,
    pickings,
    refunds,
    returns,
    runs,
    sales,
    settlements,
    stock,
)

__all__ = [
    "accounts",
    "audits",
    "orders",
    "pickings",
    "refunds",
    "returns",
    "runs",
    "sales",
    "settlements",
    "stock",
]
