"""Fixtures of the core tests (defined in fixtures.py, shared with the other apps' tests)."""

from tests.core.fixtures import (  # noqa: F401
    company,
    customer,
    eur,
    lamp,
    mug,
    other_company,
    shipping_product,
    vat_excluded,
    vat_included,
)
