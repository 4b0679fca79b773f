"""PURE PYTHON: the geometry of the distribution history's server-drawn SVG line charts.

The history page draws its charts (components, Fedora-intact share, headlines, overlays by type) as panels
stacked in one SVG, over the snapshots of a distribution in history order (equal steps, not dates:
several commits can land within a minute). Each snapshot has one column, the full height of every panel,
drawn as a link to the snapshot page and titled with all its values: one link per snapshot rather than
one per snapshot and panel. The lines are one polyline per series; each point is also drawn as a dot
while there are few enough.
"""

from __future__ import annotations

import math
import re
from html import escape
from dataclasses import dataclass
from typing import Sequence

WIDTH = 640
HEIGHT = 220  # of one panel
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 30, 28  # margins of a panel's plot (its title is drawn in TOP)
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
    """One panel: its lines, ticks and the columns of its points (titled with its own series only)."""

    lines: list[Line]
    columns: list[Column]
    y_ticks: list[tuple[float, str]]  # (y, label)
    x_ticks: list[tuple[float, str]]
    unit: str = ""
    top: int = 0  # where the panel begins in the view box
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT

    @property
    def plot_bottom(self) -> int:
        return self.top + HEIGHT - BOTTOM

    @property
    def title_y(self) -> int:
        return self.top + 18


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    chart: LineChart


@dataclass(frozen=True)
class Stack:
    panels: list[Panel]
    columns: list[Column]  # one per point, the full height, titled with every panel's values
    width: int
    height: int


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
               unit: str = "", top: int = 0, columns: bool = True) -> LineChart:
    """A panel of `series` ((key, label), drawn in that order) over `points`, oldest first, beginning at `top`
    in the view box. The y axis runs from 0 to `ceiling`, or to a round number at or above the largest value."""
    n = len(points)
    values = {key: [p.values.get(key, 0) for p in points] for key, _ in series}
    peak = ceiling if ceiling is not None else nice_ceiling(max((max(v, default=0) for v in values.values()), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / (n - 1) if n > 1 else 0.0
    xs = [round(LEFT + i * step, 2) for i in range(n)] if n > 1 else [round(LEFT + plot_width / 2, 2)] * n
    scale = plot_height / peak
    bottom = top + TOP + plot_height

    def y_of(value: float) -> float:
        return round(bottom - min(value, peak) * scale, 2)

    lines = []
    x_texts = [f"{x:g}," for x in xs]
    for key, label in series:
        ys = list(map(y_of, values[key]))
        lines.append(Line(key, label, " ".join(x + f"{y:g}" for x, y in zip(x_texts, ys)),
                          tuple(zip(xs, ys)) if n <= DOTS_UP_TO else (), values[key][-1] if points else 0))
    column_width = round(step if n > 1 else float(plot_width), 2)
    half = column_width / 2
    texts = list(zip(*value_texts(points, series, unit))) if columns else []
    found = [Column(p.key, round(xs[i] - half, 2), column_width, p.label + ": " + "; ".join(texts[i]))
             for i, p in enumerate(points)] if columns else []
    y_ticks = [(y_of(peak * f), _format(round(peak * f, 2), unit)) for f in (0, 0.5, 1)]
    tick_indexes = sorted({0, n // 2, n - 1}) if n else []
    x_ticks = [(xs[i], points[i].tick) for i in tick_indexes]
    return LineChart(lines, found, y_ticks, x_ticks, unit, top)


@dataclass(frozen=True)
class PanelSpec:
    key: str
    title: str
    series: Sequence[tuple[str, str]]
    ceiling: float | None = None
    unit: str = ""


def stacked(points: Sequence[Point], specs: Sequence[PanelSpec]) -> Stack:
    """The panels of `specs` one below the other, and one column per point spanning them all, titled with the
    point's values in every panel."""
    panels = [Panel(spec.key, spec.title, line_chart(points, spec.series, ceiling=spec.ceiling, unit=spec.unit,
                                                     top=i * HEIGHT, columns=False)) for i, spec in enumerate(specs)]
    texts = [t for spec in specs for t in value_texts(points, spec.series, spec.unit)]
    n = len(points)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / (n - 1) if n > 1 else 0.0
    width = round(step if n > 1 else float(plot_width), 2)
    xs = [round(LEFT + i * step, 2) for i in range(n)] if n > 1 else [round(LEFT + plot_width / 2, 2)] * n
    columns = [Column(p.key, round(xs[i] - width / 2, 2), width, p.label + ": " + "; ".join(row))
               for i, (p, row) in enumerate(zip(points, zip(*texts)))] if texts else []
    return Stack(panels, columns, WIDTH, HEIGHT * len(panels))


def value_texts(points: Sequence[Point], series: Sequence[tuple[str, str]], unit: str) -> list[list[str]]:
    """Per series, "label value" at each point (the columns' titles)."""
    return [[f"{label} {_format(p.values.get(key, 0), unit)}" for p in points] for key, label in series]


def dots(chart: LineChart) -> str:
    """The SVG of a panel's dots (numbers only)."""
    return "".join(f'<circle cx="{x:g}" cy="{y:g}" r="3" class="dot series-{i}"></circle>'
                   for i, line in enumerate(chart.lines, start=1) for x, y in line.dots)


def column_links(stack: Stack, base: str) -> str:
    """The SVG of the stack's columns, each a link to `base` + its key + "/" titled with its values, every value
    escaped. Built here rather than in a template loop: a history of 492 commits has 492 columns, which a
    template renders far slower."""
    tail = f'" y="0" width="{stack.columns[0].width:g}" height="{stack.height}" class="hit"></rect></a>' if stack.columns else ""
    columns = "".join(
        f'<a href="{_escaped(base + c.key)}/" class="point"><title>{_escaped(c.title)}</title><rect x="{c.x:g}{tail}'
        for c in stack.columns
    )
    return columns


def _escaped(text: str) -> str:
    return escape(text, quote=True) if _UNSAFE.search(text) else text
