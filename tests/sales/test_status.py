"""Pure derivations of amounts and delivery status: exact examples and properties (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellersync.sales.choices import DeliveryStatus
from sellersync.sales.status import (
    LineAmounts,
    compute_line_amounts,
    compute_totals,
    determine_delivery_status,
    determine_order_delivery_status,
)

D = Decimal
quantities = st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False)
money = st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False, allow_infinity=False)
prices = st.decimals(min_value=0, max_value=10000, places=4, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("_case", "quantity", "unit_price", "discount", "tax", "price_include", "expected"),
    [
        ("tax excluded", D(3), D("9.90"), D(0), D("5.94"), False, (D("29.70"), D("5.94"), D("35.64"))),
        ("tax included", D(2), D("12.00"), D(0), D("4.00"), True, (D("20.00"), D("4.00"), D("24.00"))),
        ("third of a total", D(3), D("3.3333"), D(0), D(0), False, (D("10.00"), D("0.00"), D("10.00"))),
        (
            "discount, incl.",
            D(1),
            D("50.00"),
            D("5.00"),
            D("7.50"),
            True,
            (D("37.50"), D("7.50"), D("45.00")),
        ),
        ("half cent up", D(1), D("0.005"), D(0), D(0), False, (D("0.01"), D("0.00"), D("0.01"))),
    ],
)
def test_line_amounts_are_exact_to_the_cent(
    _case: str,
    quantity: Decimal,
    unit_price: Decimal,
    discount: Decimal,
    tax: Decimal,
    price_include: bool,
    expected: tuple[Decimal, Decimal, Decimal],
) -> None:
    # when the line amounts are computed
    amounts = compute_line_amounts(quantity, unit_price, discount, tax, price_include)
    # then they are the expected cents
    assert (amounts.subtotal, amounts.tax_amount, amounts.total) == expected


def test_yen_amounts_have_no_decimals() -> None:
    # when a yen line is computed with 0 decimal places
    amounts = compute_line_amounts(D(3), D("333.5"), D(0), D(100), False, decimal_places=0)
    # then amounts are whole yen
    assert (amounts.subtotal, amounts.total) == (D(1001), D(1101))


def test_order_totals_sum_lines() -> None:
    # given a product, a shipping and a promotion line
    lines = [
        LineAmounts(D("29.70"), D("5.94"), D("35.64")),
        LineAmounts(D("4.17"), D("0.83"), D("5.00")),
        LineAmounts(D("-2.50"), D("-0.50"), D("-3.00")),
    ]
    # when totals are computed
    totals = compute_totals(lines)
    # then they are the exact sums
    assert (totals.untaxed, totals.tax, totals.total) == (D("31.37"), D("6.27"), D("37.64"))


@given(quantity=quantities, unit_price=prices, discount=money, tax=money, price_include=st.booleans())
def test_total_is_subtotal_plus_source_tax(
    quantity: Decimal, unit_price: Decimal, discount: Decimal, tax: Decimal, price_include: bool
) -> None:
    amounts = compute_line_amounts(quantity, unit_price, discount, tax, price_include)
    # the tax is the source's, untouched, and the amounts add up to the cent
    assert amounts.tax_amount == tax
    assert amounts.subtotal + amounts.tax_amount == amounts.total
    assert amounts.total.as_tuple().exponent == -2


@given(quantity=quantities, unit_price=prices, tax=money)
def test_included_tax_does_not_change_the_total(quantity: Decimal, unit_price: Decimal, tax: Decimal) -> None:
    included = compute_line_amounts(quantity, unit_price, D(0), tax, True)
    untaxed = compute_line_amounts(quantity, unit_price, D(0), D(0), False)
    # a tax-included price is what the customer pays, whatever the tax
    assert included.total == untaxed.total


@given(ordered=quantities, delivered=quantities)
def test_delivery_status_of_a_line(ordered: Decimal, delivered: Decimal) -> None:
    status = determine_delivery_status(ordered, delivered)
    if delivered == 0:
        assert status == DeliveryStatus.NOTHING
    elif delivered >= ordered:
        assert status == DeliveryStatus.FULL
    else:
        assert status == DeliveryStatus.PARTIAL


@given(st.lists(st.tuples(quantities, quantities), max_size=6))
def test_order_is_full_only_when_every_line_is(lines: list[tuple[Decimal, Decimal]]) -> None:
    status = determine_order_delivery_status(lines)
    every_line_full = bool(lines) and all(d > 0 and d >= o for o, d in lines)
    nothing_delivered = all(d == 0 for _o, d in lines)
    assert (status == DeliveryStatus.FULL) == every_line_full
    assert (status == DeliveryStatus.NOTHING) == nothing_delivered


def test_over_delivered_line_does_not_hide_a_waiting_one() -> None:
    # given one line delivered twice over and one not delivered
    lines = [(D(2), D(4)), (D(2), D(0))]
    # then the order is partially delivered, not full
    assert determine_order_delivery_status(lines) == DeliveryStatus.PARTIAL
