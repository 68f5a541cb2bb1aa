"""The one error a mapper raises: the payload cannot become an `OrderData` without guessing."""

from __future__ import annotations


class MappingError(Exception):
    """An Amazon order that cannot be mapped faithfully; `field` is the payload path that is wrong.

    The synchronizer stores `str(error)` on the order's binding, so the message names the order, the
    field and, for money, the amounts involved (never buyer data).
    """

    def __init__(self, amazon_order_id: str, field: str, message: str) -> None:
        super().__init__(f"{amazon_order_id}: {field}: {message}")
        self.amazon_order_id = amazon_order_id
        self.field = field
        self.message = message
