"""Tabular exports shared by the CLI, the web UI and the API."""

from __future__ import annotations

import csv
import io
import re
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
    "license",
    "license_normalized",
    "license_family",
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters other than tab, newline and carriage return are not allowed in XLSX cells.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: repository text is untrusted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def component_rows(components: Iterable) -> Iterable[list[str]]:
    """Rows for COMPONENT_COLUMNS; expects reasons, rendered_spec and license_expression prefetched/selected."""
    for c in components:
        spec = getattr(c, "rendered_spec", None)
        expression = c.license_expression
        yield [
            c.name,
            c.headline,
            ";".join(r.code for r in c.reasons.all()),
            str(c.overlay_count),
            c.spec_origin,
            c.upstream_commit,
            "yes" if c.check_skipped else "no",
            spec.sha256 if spec else "",
            c.license,
            expression.normalized if expression else "",
            expression.family if expression else "unknown",
        ]


def write_csv(out: IO[str], header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(out)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def write_xlsx(out: IO[bytes], header: Iterable[str], rows: Iterable[Iterable[object]], *, title: str = "Components") -> None:
    """One worksheet, every cell a neutralised string (openpyxl would store "=..." as a formula)."""
    from openpyxl import Workbook  # only exports need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_XLSX_ILLEGAL.sub("", title)[:31] or "Sheet")
    sheet.append(list(header))
    for row in rows:
        sheet.append([_XLSX_ILLEGAL.sub("\uFFFD", safe_cell(v)) for v in row])
    book.save(out)


def export_bytes(fmt: str, header: Iterable[str], rows: Iterable[Iterable[object]], *, title: str = "Components") -> tuple[bytes, str]:
    """The file of an export and its content type: XLSX for "xlsx", else UTF-8 CSV."""
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, header, rows, title=title)
        return out.getvalue(), XLSX_CONTENT_TYPE
    text = io.StringIO()
    write_csv(text, header, rows)
    return text.getvalue().encode("utf-8"), "text/csv; charset=utf-8"


IMAGE_PACKAGE_COLUMNS = ("name", "role", "binary", "component", "headline", "reasons", "channel", "sections", "profiles",
                         "arches", "required_by", "requirement", "unresolved")


def image_package_rows(packages: Iterable) -> Iterable[list[str]]:
    """Rows for IMAGE_PACKAGE_COLUMNS; expects ImagePackageQuerySet.for_table()."""
    for p in packages:
        c = p.component
        yield [
            p.name, p.role, p.binary, c.name if c else "", c.headline if c else "",
            ";".join(r.code for r in c.reasons.all()) if c else "", p.channel, ",".join(p.sections),
            ",".join(p.profiles), ",".join(p.arches), p.required_by, p.requirement, p.unresolved,
        ]
