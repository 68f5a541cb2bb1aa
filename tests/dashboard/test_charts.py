"""SVG chart geometry (pure): bar heights proportional to the values on a readable axis."""

from __future__ import annotations

from decimal import Decimal

from sellersync.dashboard.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    ChartPoint,
    bar_chart,
    line_chart,
)

PLOT_HEIGHT = HEIGHT - BOTTOM - TOP
BASELINE = HEIGHT - BOTTOM


def test_bars_are_proportional_to_the_values_on_an_axis_rounded_up() -> None:
    # given values whose largest (180) rounds up to an axis of 200
    points = [
        ChartPoint("US", Decimal("180.00")),
        ChartPoint("CA", Decimal("50.00")),
        ChartPoint("MX", Decimal(0)),
    ]

    # when
    chart = bar_chart("Marketplace", "USD", points)

    # then
    assert [bar.height for bar in chart.bars] == [PLOT_HEIGHT * 0.9, PLOT_HEIGHT * 0.25, 0.0]
    assert [bar.y + bar.height for bar in chart.bars] == [BASELINE] * 3
    assert [line.text for line in chart.grid] == ["0", "50", "100", "150", "200"]
    assert [bar.value for bar in chart.bars] == ["180.00", "50.00", "0.00"]
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x


def test_negative_values_draw_no_bar_and_an_empty_chart_has_a_zero_axis() -> None:
    # when
    negative = bar_chart("Channel", "EUR", [ChartPoint("promotion", Decimal("-5.00"))])
    empty = bar_chart("Channel", "EUR", [])

    # then
    assert negative.bars[0].height == 0.0 and negative.bars[0].value == "-5.00"
    assert [line.text for line in empty.grid] == ["0"] and empty.bars == []


def test_line_chart_runs_through_each_point_left_to_right() -> None:
    # when
    chart = line_chart(
        "Day", "USD", [ChartPoint("2026-03-01", Decimal(10)), ChartPoint("2026-03-02", Decimal(5))]
    )

    # then
    first, second = chart.points.split(" ")
    assert first == f"{float(LEFT)},{float(BASELINE - PLOT_HEIGHT)}"
    assert second == f"{float(WIDTH - RIGHT)},{float(BASELINE - PLOT_HEIGHT / 2)}"
