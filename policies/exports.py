"""The findings table as rows for CSV and XLSX (audits.exports writes them, neutralising formulas)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

FINDING_COLUMNS = ("component", "rule", "severity", "subject", "message", "status", "policy_version")


def finding_rows(findings: Iterable) -> Iterator[list[str]]:
    """Rows for FINDING_COLUMNS; expects findings annotated with_waiver, with component selected."""
    for f in findings:
        yield [f.component.name, f.rule, f.severity, f.subject, f.message, "waived" if f.waived else "open",
               str(f.policy_version.number)]
