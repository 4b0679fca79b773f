"""PURE PYTHON: the upstream verification's declared diff cut into the change of each overlay.

The verification job (audits/services/upstream.py) stores one diff per component: the Fedora
spec -> the Fedora spec rendered with every overlay and build option (`declared_diff`). The
Fedora spec itself is not stored. When the verdict is `verified-declared-only`, the rendered
spec (normalised) is exactly that rendering, so the Fedora spec is the rendered spec with the
declared diff taken back. From it, rendering the overlays one more at a time gives the change
of each overlay. The cut is used only when rendering all overlays on the rebuilt Fedora spec
gives the rendered spec again; otherwise (drift, a diff cut at its size limit, a diff that
does not apply) the caller keeps the whole diff on a patch of its own.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from audits.azldev.overlays import OverlayError, render_spec
from audits.azldev.verify import (
    DECLARED_ONLY,
    accept_release_bump,
    normalise_rendered,
    unified_diff,
)

_HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_NEWLINE = "\\ No newline at end of file\n"


def unapply(new_text: str, diff: str) -> str | None:
    """The old text of a unified diff (as `verify.unified_diff` writes it), given the new text;
    None when the diff does not fit the text."""
    new_lines = new_text.splitlines(keepends=True)
    lines = diff.splitlines(keepends=True)
    old: list[str] = []
    position = 0  # next unread line of new_lines
    i = 2 if len(lines) >= 2 and lines[0].startswith("--- ") and lines[1].startswith("+++ ") else 0
    while i < len(lines):
        match = _HUNK_RE.match(lines[i])
        if match is None:
            return None
        start = int(match.group(3)) - (0 if match.group(4) == "0" else 1)
        if start < position or start > len(new_lines):
            return None
        old += new_lines[position:start]
        position = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            line = lines[i]
            kind, body = line[:1], line[1:]
            if i + 1 < len(lines) and lines[i + 1] == _NO_NEWLINE:
                body = body[:-1]  # the line had no newline at the end of its file
                i += 1
            if kind in (" ", "+"):
                if position >= len(new_lines) or new_lines[position] != body:
                    return None
                position += 1
            if kind in (" ", "-"):
                old.append(body)
            elif kind != "+":
                return None
            i += 1
    return "".join(old + new_lines[position:])


def split_declared_diff(
    *,
    verdict: str,
    declared_diff: str,
    rendered_spec: str,
    overlays: Sequence[Mapping[str, Any]],
    build: Mapping[str, Any] | None,
    component_name: str,
    release_calculation: str | None,
) -> tuple[str, ...] | None:
    """One diff per overlay (empty for an overlay that does not change the spec text), or None
    when the declared diff cannot be cut with certainty (see the module docstring)."""
    if verdict != DECLARED_ONLY or not declared_diff or not overlays or "[diff cut at " in declared_diff:
        return None
    expected = normalise_rendered(rendered_spec)
    fedora = unapply(expected, declared_diff)
    if fedora is None:
        return None
    calculation = release_calculation or "auto"

    def render(count: int) -> str:
        return render_spec(fedora, overlays[:count], component_name=component_name, build=build or {},
                           release_calculation=calculation, files=None).spec_text

    try:
        steps = [render(count) for count in range(len(overlays) + 1)]
    except (OverlayError, ValueError):
        return None
    if accept_release_bump(steps[-1], expected, calculation) != expected:
        return None  # the overlays do not give the rendered spec again: do not attribute changes
    name = f"{component_name}.spec"
    return tuple(
        unified_diff(before, after, f"before-overlay-{n}/{name}", f"after-overlay-{n}/{name}")
        for n, (before, after) in enumerate(zip(steps, steps[1:]))
    )
