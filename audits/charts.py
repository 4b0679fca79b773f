"""PURE PYTHON: the geometry of the dashboard's server-drawn SVG bar charts."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 28  # pixels from one bar's top to the next one's


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    percent: float  # of the largest bar, for the width
    share: float  # of the total
    y: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int


def bars(counts: dict[str, int], labels: dict[str, str] | None = None, order: tuple[str, ...] = ()) -> Chart:
    """Bars for a server-drawn SVG chart, in `order` first, then alphabetically."""
    labels = labels or {}
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    peak = max(counts.values(), default=0) or 1
    total = sum(counts.values()) or 1
    chart = [
        Bar(k, labels.get(k, k), counts[k], round(100 * counts[k] / peak, 2), round(100 * counts[k] / total, 1), BAR_HEIGHT * i)
        for i, k in enumerate(keys)
    ]
    return Chart(chart, BAR_HEIGHT * len(chart) + 4)
