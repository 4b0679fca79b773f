"""Tabular exports shared by the CLI, the web UI and the API."""

from __future__ import annotations

import csv
from typing import IO, Iterable

COMPONENT_COLUMNS = (
    "name",
    "headline",
    "reasons",
    "overlay_count",
    "spec_origin",
    "upstream_commit",
    "check_skipped",
    "rendered_spec_sha256",
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: repository text is untrusted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def component_rows(components: Iterable) -> Iterable[list[str]]:
    """Rows for COMPONENT_COLUMNS; expects reasons and rendered_spec prefetched/selected."""
    for c in components:
        spec = getattr(c, "rendered_spec", None)
        yield [
            c.name,
            c.headline,
            ";".join(r.code for r in c.reasons.all()),
            str(c.overlay_count),
            c.spec_origin,
            c.upstream_commit,
            "yes" if c.check_skipped else "no",
            spec.sha256 if spec else "",
        ]


def write_csv(out: IO[str], header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(out)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
