"""Presence of what rendering adds from the build configuration rather than from overlays.

azldev's render (sourceprep.go) writes the azldev header, ``exit 0`` at the start of
%check for ``check.skip``, and the macros load when the build options define macros.
These have no overlay position (their verdicts have position -1), so they are checked
here, apart from the per-overlay checks of presence.py. Pure Python, no Django.
"""

from __future__ import annotations

from typing import Any, Mapping

from .overlays import CHECK_SKIP_PREFIX, HEADER_LINES, MACROS_LOAD_COMMENT, build_macros
from .presence import ABSENT, PRESENT, PresenceVerdict, find_block
from .specedit import SpecDoc

__all__ = ["check_build_presence"]


def check_build_presence(
    rendered_spec_text: str, build: Mapping[str, Any] | None, *, component_name: str | None = None
) -> list[PresenceVerdict]:
    """Verdicts for what rendering adds from the build configuration: the azldev
    header, ``exit 0`` in %check for check.skip, and the macros load when macros exist."""
    doc = SpecDoc.from_text(rendered_spec_text)
    verdicts = []
    found = find_block(doc.lines, list(HEADER_LINES[:2]), range(len(doc.lines)))
    verdicts.append(_build_verdict("azldev header", found, "header comment"))
    check = (build or {}).get("check") or {}
    if check.get("skip"):
        block = [CHECK_SKIP_PREFIX + str(check.get("skip_reason", "")), "exit 0"]
        sections = doc.matching("%check", "")
        if not sections:
            missing = "no %check section in the rendered spec"
            verdicts.append(PresenceVerdict(-1, "build.check.skip", "", ABSENT, missing, "section-missing"))
        else:
            hit = next((h for s in sections if (h := find_block(doc.lines, block, s.body)) is not None), None)
            what = "'exit 0' with the skip reason at the start of %check"
            verdicts.append(_build_verdict("build.check.skip", hit, what))
    if build_macros(build or {}) and component_name:
        load = f"%{{load:%{{_sourcedir}}/{component_name}.azl.macros}}"
        hit = find_block(doc.lines, [MACROS_LOAD_COMMENT, load], range(len(doc.lines)))
        verdicts.append(_build_verdict("macros load", hit, f"{load} line"))
    return verdicts


def _build_verdict(kind: str, hit: int | None, what: str) -> PresenceVerdict:
    if hit is None:
        return PresenceVerdict(-1, kind, "", ABSENT, f"{what} not found", "missing")
    return PresenceVerdict(-1, kind, "", PRESENT, f"{what} at line {hit + 1}", "found", (hit + 1,))
