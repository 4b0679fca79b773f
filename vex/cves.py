"""PURE PYTHON: CVE identifiers tied to a component's divergence, and what the overlays did about them.

Sources of a finding (`origin`): the overlay's `description`, its `bugs` URLs, the name of the patch
file it adds or removes, the header of a patch file it adds (the text before the first diff line;
the caller reads the file), text it writes into the spec (`%changelog` lines are origin
`changelog`, any other written or matched text `spec-text`).

What the overlay did (`action`), decided by its type only, never by the words around the CVE:

- `adds-fix`: `patch-add`, or a `spec-add-tag` / `spec-insert-tag` / `spec-set-tag` of a `Patch` tag.
- `removes-patch`: `patch-remove`, `spec-remove-tag` of a `Patch` tag, or a `spec-search-replace`
  whose pattern names a patch (`%patch`, `Patch`) and whose replacement is empty.
- `mentions`: anything else (a changelog line, a comment in a description of another change).

The statement about a (component, CVE) pair (`statements`), conservative, unknown is not asserted:

- an overlay adds the fix and none removes a patch: `resolved_with_pedigree`;
- an overlay removes a patch, none adds one, and a removing overlay states why the vulnerable code
  is not built (`NOT_BUILT_RE` on its description, or its category is `azl-pruning`):
  `not_affected`, justification `code_not_present`;
- an overlay removes a patch without such a reason, or overlays both add and remove: `in_triage`;
- only mentions: no statement (the findings are still listed).
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

CVE_RE = re.compile(r"(?<![A-Za-z0-9])CVE[-_]?(\d{4})[-_](\d{4,7})(?![0-9])", re.I)
NOT_BUILT_RE = re.compile(
    r"not (?:built|compiled|shipped|present|used)|(?:deleted|removed) (?:in|during) %prep"
    r"|(?:is|are) deleted|unbundl|uses? (?:the )?system ",
    re.I,
)
_PATCH_TAG_RE = re.compile(r"^patch\d*$", re.I)
_PATCH_PATTERN_RE = re.compile(r"%\{?patch|(?:^|\W)patch\d*\s*:", re.I)
_DIFF_START_RE = re.compile(r"^(?:diff |--- |\+\+\+ |Index: |@@ )")
PATCH_SUFFIXES = (".patch", ".diff")
MAX_HEADER_LINES = 400

ADDS_FIX = "adds-fix"
REMOVES_PATCH = "removes-patch"
MENTIONS = "mentions"

RESOLVED = "resolved_with_pedigree"
NOT_AFFECTED = "not_affected"
IN_TRIAGE = "in_triage"
CODE_NOT_PRESENT = "code_not_present"


@dataclass(frozen=True, slots=True)
class OverlayInput:
    """The fields of one stored overlay that can carry or explain a CVE."""

    position: int
    type: str
    description: str = ""
    category: str = ""
    bugs: tuple[str, ...] = ()
    tag: str = ""
    value: str = ""
    section: str = ""
    regex: str = ""
    replacement: str = ""
    lines: tuple[str, ...] = ()
    file: str = ""
    source: str = ""
    source_path: str = ""  # repository path of `source`: the key of its text in `patch_texts`
    defined_in: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    cve: str  # normalised: CVE-YYYY-NNNN
    component: str
    overlay_position: int  # 0-based, as stored
    overlay_type: str
    origin: str  # description, bugs, file-name, patch-header, changelog, spec-text
    action: str  # adds-fix, removes-patch, mentions
    file: str  # where the text is: the configuration file, or the patch file for a header
    line: int | None  # 1-based line in `file` when known
    text: str  # the text the identifier was found in (one line, cut at 300 characters)
    not_built_reason: bool = False  # the overlay states that the vulnerable code is not built


@dataclass(frozen=True, slots=True)
class Statement:
    """What the release says about one CVE in one component, with the overlays behind it."""

    cve: str
    component: str
    state: str  # RESOLVED, NOT_AFFECTED, IN_TRIAGE
    justification: str  # CODE_NOT_PRESENT for NOT_AFFECTED, else ""
    detail: str
    overlays: tuple[int, ...]  # 0-based positions
    findings: tuple[Finding, ...]


def normalise(match: re.Match[str]) -> str:
    return f"CVE-{match.group(1)}-{match.group(2)}"


def cves_in(text: str) -> list[str]:
    """Every CVE identifier in `text`, normalised, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in CVE_RE.finditer(text):
        seen.setdefault(normalise(match), None)
    return list(seen)


def action_of(overlay: OverlayInput) -> str:
    kind = overlay.type
    if kind == "patch-add":
        return ADDS_FIX
    if kind == "patch-remove":
        return REMOVES_PATCH
    if kind in ("spec-add-tag", "spec-insert-tag", "spec-set-tag") and _PATCH_TAG_RE.match(overlay.tag):
        return ADDS_FIX
    if kind == "spec-remove-tag" and _PATCH_TAG_RE.match(overlay.tag):
        return REMOVES_PATCH
    if kind == "spec-search-replace" and not overlay.replacement.strip() and _PATCH_PATTERN_RE.search(overlay.regex):
        return REMOVES_PATCH
    return MENTIONS


def states_not_built(overlay: OverlayInput) -> bool:
    return overlay.category == "azl-pruning" or bool(NOT_BUILT_RE.search(overlay.description))


def patch_header(text: str) -> list[tuple[int, str]]:
    """The (line number, line) pairs of a patch before its first diff line (at most MAX_HEADER_LINES)."""
    header = []
    for number, line in enumerate(text.splitlines()[:MAX_HEADER_LINES], start=1):
        if _DIFF_START_RE.match(line):
            break
        header.append((number, line))
    return header


def line_of(text: str, needle: str) -> int | None:
    """The 1-based line of `text` holding `needle` (its first line when it spans lines), or None."""
    first = needle.strip().splitlines()[0] if needle.strip() else ""
    if not first:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if first in line:
            return number
    return None


_NOT_XML_CHAR_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _cut(text: str) -> str:
    """One line of at most 300 characters, without characters XML cannot hold (the text goes into documents)."""
    one_line = " ".join(_NOT_XML_CHAR_RE.sub("", text).split())
    return one_line if len(one_line) <= 300 else one_line[:299] + "…"


def _texts(overlay: OverlayInput) -> Iterable[tuple[str, str]]:
    """(origin, text) of every field written into the configuration that may name a CVE."""
    if overlay.description:
        yield "description", overlay.description
    for url in overlay.bugs:
        yield "bugs", url
    for name in (overlay.file, overlay.source):
        if name and (overlay.type in ("patch-add", "patch-remove") or name.lower().endswith(PATCH_SUFFIXES)):
            yield "file-name", posixpath.basename(name)
    origin = "changelog" if overlay.section.strip().lower() == "%changelog" else "spec-text"
    for line in overlay.lines:
        yield origin, line
    for text in (overlay.value, overlay.regex, overlay.replacement):
        if text:
            yield origin, text


def discover(component: str, overlays: Iterable[OverlayInput], *, config_texts: Mapping[str, str] | None = None,
             patch_texts: Mapping[str, str] | None = None) -> list[Finding]:
    """Every CVE finding of one component's overlays.

    `config_texts` maps configuration paths to their text (for line numbers); `patch_texts` maps the
    repository path of an added patch (`source_path`) to its text (for the header).
    """
    config_texts = config_texts or {}
    patch_texts = patch_texts or {}
    findings: list[Finding] = []
    for overlay in overlays:
        action = action_of(overlay)
        reason = action == REMOVES_PATCH and states_not_built(overlay)
        config = config_texts.get(overlay.defined_in, "")
        for origin, text in dict.fromkeys(_texts(overlay)):
            for cve in cves_in(text):
                findings.append(Finding(cve, component, overlay.position, overlay.type, origin, action,
                                        overlay.defined_in, line_of(config, text), _cut(text), reason))
        patch = patch_texts.get(overlay.source_path) if overlay.source_path else None
        if patch is not None:
            for number, line in patch_header(patch):
                for cve in cves_in(line):
                    findings.append(Finding(cve, component, overlay.position, overlay.type, "patch-header", action,
                                            overlay.source_path, number, _cut(line), reason))
    return findings


def statements(findings: Iterable[Finding]) -> list[Statement]:
    """One statement per (component, CVE) with an overlay that adds or removes a patch, sorted."""
    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[(finding.component, finding.cve)].append(finding)
    result = []
    for (component, cve), group in sorted(grouped.items()):
        adds = sorted({f.overlay_position for f in group if f.action == ADDS_FIX})
        removes = sorted({f.overlay_position for f in group if f.action == REMOVES_PATCH})
        if not adds and not removes:
            continue
        overlays = tuple(sorted({*adds, *removes}))
        named = ", ".join(str(p + 1) for p in overlays)
        if adds and removes:
            state, justification = IN_TRIAGE, ""
            detail = f"overlays {named} of {component} both add and remove patches naming {cve}; no verdict is asserted"
        elif adds:
            state, justification = RESOLVED, ""
            detail = f"overlay {', '.join(str(p + 1) for p in adds)} of {component} adds a patch for {cve}"
        elif any(f.not_built_reason for f in group if f.action == REMOVES_PATCH):
            state, justification = NOT_AFFECTED, CODE_NOT_PRESENT
            why = next(f for f in group if f.not_built_reason)
            detail = (f"overlay {named} of {component} removes the {cve} patch because the vulnerable code is not "
                      f"built: {why.text}")
        else:
            state, justification = IN_TRIAGE, ""
            detail = f"overlay {named} of {component} removes a patch for {cve} without stating why; no verdict is asserted"
        result.append(Statement(cve, component, state, justification, detail, overlays, tuple(group)))
    return result
