"""Chart geometry for inline SVG, computed on the server: no JavaScript, nothing to download.

Pure functions: values in, coordinates out; the templates `dashboard/_bar_chart.html` and
`dashboard/_line_chart.html` draw them. One chart holds one currency only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

WIDTH = 640
HEIGHT = 260
LEFT = 70  # room for the value axis labels
RIGHT = 70  # room for the last category label, drawn slanted to the right
TOP = 10
BOTTOM = 70  # room for the category labels
GRID_STEPS = 4
MAX_BAR_WIDTH = 90


@dataclass(frozen=True)
class ChartPoint:
    """A value to draw, with its category label."""

    label: str
    value: Decimal


@dataclass(frozen=True)
class Bar:
    """One bar: its rectangle, its label's anchor, and the value as text (the tooltip)."""

    label: str
    value: str
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class GridLine:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A bar or line chart of one currency; `points` is the polyline of a line chart."""

    title: str
    currency: str
    width: int
    height: int
    baseline_y: float
    bars: list[Bar]
    grid: list[GridLine]
    points: str

    @property
    def label_y(self) -> float:
        return self.baseline_y + 14

    @property
    def plot_right(self) -> float:
        return float(self.width - RIGHT)


def bar_chart(title: str, currency: str, values: Sequence[ChartPoint]) -> Chart:
    """Bars of equal width across the plot, heights proportional to the values (negatives drawn as 0)."""
    top_value = _axis_top(values)
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(values), 1)
    bar_width = min(slot * 0.7, MAX_BAR_WIDTH)
    bars = []
    for index, point in enumerate(values):
        height = _height(point.value, top_value)
        x = LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            Bar(
                label=point.label,
                value=_money(point.value),
                x=round(x, 1),
                y=round(_baseline() - height, 1),
                width=round(bar_width, 1),
                height=round(height, 1),
                label_x=round(x + bar_width / 2, 1),
            )
        )
    return Chart(title, currency, WIDTH, HEIGHT, _baseline(), bars, _grid(top_value), points="")


def line_chart(title: str, currency: str, values: Sequence[ChartPoint]) -> Chart:
    """A polyline through the values in order; each point also gets a (zero-width) bar for its label."""
    top_value = _axis_top(values)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(values) - 1, 1)
    bars = []
    coordinates = []
    for index, point in enumerate(values):
        x = round(LEFT + index * step, 1)
        y = round(_baseline() - _height(point.value, top_value), 1)
        coordinates.append(f"{x},{y}")
        bars.append(Bar(point.label, _money(point.value), x, y, 0, 0, x))
    return Chart(title, currency, WIDTH, HEIGHT, _baseline(), bars, _grid(top_value), " ".join(coordinates))


def _baseline() -> float:
    return float(HEIGHT - BOTTOM)


def _plot_height() -> float:
    return float(HEIGHT - BOTTOM - TOP)


def _height(value: Decimal, top_value: Decimal) -> float:
    if value <= 0 or top_value <= 0:
        return 0.0
    return float(value / top_value) * _plot_height()


def _axis_top(values: Sequence[ChartPoint]) -> Decimal:
    """The value at the top of the axis: the largest value rounded up to a readable number."""
    largest = max((point.value for point in values), default=Decimal(0))
    if largest <= 0:
        return Decimal(0)
    magnitude = Decimal(10) ** (len(str(int(largest))) - 1)
    for factor in (1, 2, 5, 10):
        if largest <= magnitude * factor:
            return magnitude * factor
    return magnitude * 10


def _grid(top_value: Decimal) -> list[GridLine]:
    if top_value <= 0:
        return [GridLine(_baseline(), "0")]
    lines = []
    for step in range(GRID_STEPS + 1):
        value = top_value * step / GRID_STEPS
        y = _baseline() - _plot_height() * step / GRID_STEPS
        lines.append(GridLine(round(y, 1), _compact(value)))
    return lines


def _money(value: Decimal) -> str:
    """In the active language's number format (1,234.50; 1 234,50 in Spanish)."""
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def _compact(value: Decimal) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"
