"""PURE PYTHON: the geometry of the distribution history's server-drawn SVG line charts.

One chart draws one or more series over the snapshots of a distribution, in history order (equal steps,
not dates: several commits can land within a minute). Each snapshot has a column, the full height of the
plot, that the template draws as a link to the snapshot page with the values as its title; the lines
are one polyline per series, and each point is also drawn as a dot while there are few enough.
"""

from __future__ import annotations

import math
import re
from html import escape
from dataclasses import dataclass
from typing import Sequence

WIDTH = 640
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 12, 28  # margins of the plot inside the view box
_UNSAFE = re.compile(r"[<>&\"']")
DOTS_UP_TO = 120  # points: above this many, the lines are drawn without a dot per point


@dataclass(frozen=True)
class Point:
    key: str  # what the column links to (the snapshot's commit sha)
    label: str  # the snapshot, for the column's title: "#12 1a2b3c4d5e6f 2026-03-01 12:00"
    tick: str  # the short label under the axis (a date)
    values: dict[str, float]  # series key -> value (a missing key counts as 0)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    points: str  # the polyline's "x,y x,y ..."
    dots: tuple[tuple[float, float], ...]
    last: float  # the newest value, for the legend


@dataclass(frozen=True)
class Column:
    key: str
    x: float
    width: float
    title: str


@dataclass(frozen=True)
class LineChart:
    lines: list[Line]
    columns: list[Column]
    y_ticks: list[tuple[float, str]]  # (y, label)
    x_ticks: list[tuple[float, str]]
    unit: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _format(value: float, unit: str) -> str:
    return (str(int(value)) if value == int(value) else f"{value:g}") + unit


def line_chart(points: Sequence[Point], series: Sequence[tuple[str, str]], *, ceiling: float | None = None,
               unit: str = "") -> LineChart:
    """A chart of `series` ((key, label), drawn in that order) over `points`, oldest first. The y axis runs
    from 0 to `ceiling`, or to a round number at or above the largest value."""
    n = len(points)
    values = {key: [p.values.get(key, 0) for p in points] for key, _ in series}
    top = ceiling if ceiling is not None else nice_ceiling(max((max(v, default=0) for v in values.values()), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / (n - 1) if n > 1 else 0.0
    xs = [round(LEFT + i * step, 2) for i in range(n)] if n > 1 else [round(LEFT + plot_width / 2, 2)] * n
    scale = plot_height / top

    def y_of(value: float) -> float:
        return round(TOP + plot_height - min(value, top) * scale, 2)

    lines = []
    x_texts = [f"{x:g}," for x in xs]
    for key, label in series:
        ys = list(map(y_of, values[key]))
        lines.append(Line(key, label, " ".join(x + f"{y:g}" for x, y in zip(x_texts, ys)),
                          tuple(zip(xs, ys)) if n <= DOTS_UP_TO else (), values[key][-1] if points else 0))
    column_width = round(step if n > 1 else float(plot_width), 2)
    half = column_width / 2
    texts = [[f"{label} {_format(v, unit)}" for v in values[key]] for key, label in series]
    columns = [
        Column(p.key, round(xs[i] - half, 2), column_width, p.label + ": " + "; ".join(t[i] for t in texts))
        for i, p in enumerate(points)
    ]
    y_ticks = [(y_of(top * f), _format(round(top * f, 2), unit)) for f in (0, 0.5, 1)]
    tick_indexes = sorted({0, n // 2, n - 1}) if n else []
    x_ticks = [(xs[i], points[i].tick) for i in tick_indexes]
    return LineChart(lines, columns, y_ticks, x_ticks, unit)


def column_links(chart: LineChart, base: str) -> str:
    """The SVG of the chart's columns, each a link to `base` + its key + "/" titled with its values, and of the
    dots, every value escaped. Built here rather than in a template loop: a history of 492 commits has
    four charts of 492 columns each, and this is about a hundred times faster to render."""
    dots = "".join(
        f'<circle cx="{x:g}" cy="{y:g}" r="3" class="dot series-{i}"></circle>'
        for i, line in enumerate(chart.lines, start=1) for x, y in line.dots
    )
    tail = f'" y="0" width="{chart.columns[0].width:g}" height="{chart.plot_bottom}" class="hit"></rect></a>' if chart.columns else ""
    columns = "".join(
        f'<a href="{_escaped(base + c.key)}/" class="point"><title>{_escaped(c.title)}</title><rect x="{c.x:g}{tail}'
        for c in chart.columns
    )
    return dots + columns


def _escaped(text: str) -> str:
    return escape(text, quote=True) if _UNSAFE.search(text) else text
