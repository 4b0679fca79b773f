"""Offline presence check: does a rendered spec (and its directory) show each overlay's effect?

A rendered spec is the output of every overlay plus what rendering adds (header,
``exit 0`` for check.skip, Release bump, rpmautospec). Re-applying overlays to it
proves little, so each overlay type gets a direct test of its effect, and the
verdict says what could honestly be decided:

- ``present``: the effect is there (tag with the value, lines in the section, the
  replacement text where the regex no longer matches, section gone, patch
  registered, file there or gone).
- ``absent``: the effect is missing, with the evidence (e.g. "regex still matches at
  line 12"). Typical real cause: configuration committed without re-rendering.
- ``not-verifiable``: the rendered output cannot decide, with why: a deletion
  (empty replacement) leaves no trace; a later overlay may have rewritten the text;
  file contents or archives are not available; azldev's post-render file filter
  drops files the spec does not reference.
- ``tree-unverifiable``: a file overlay in a rendered directory that holds nothing but
  the spec and its ``sources`` file. Newer azldev commits only those two, so a missing
  patch or file there is no evidence of anything; where the directory does carry other
  files, a missing one stays ``absent``.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from .archives import archive_members
from .engine import OverlayView, overlay_views
from .globs import GlobError, glob_files, glob_match
from .re2 import Re2Pattern, RegexError, RegexTimeout
from .specedit import Section, SpecDoc, patch_number, reread_lines
from .supersede import may_undo

__all__ = [
    "ABSENT", "NOT_VERIFIABLE", "PRESENT", "TREE_UNVERIFIABLE", "PresenceVerdict", "check_presence", "find_block",
    "summarise", "spec_and_sources_only",
]  # fmt: skip

PRESENT, ABSENT, NOT_VERIFIABLE = "present", "absent", "not-verifiable"
TREE_UNVERIFIABLE = "tree-unverifiable"
SOURCES_FILE = "sources"


@dataclass(frozen=True)
class PresenceVerdict:
    position: int  # index in the overlay list; -1 for effects of the build configuration
    type: str
    description: str
    verdict: str
    reason: str  # human sentence with the evidence
    code: str  # short reason key for grouping in summaries
    lines: tuple[int, ...] = ()  # 1-based lines of the rendered spec that show the evidence


Files = Mapping[str, bytes] | Iterable[str] | None


class _Finding(NamedTuple):
    verdict: str
    reason: str
    code: str
    lines: Sequence[int] = ()


def _yes(reason: str, code: str, lines: Sequence[int] = ()) -> _Finding:
    return _Finding(PRESENT, reason, code, lines)


def _no(reason: str, code: str, lines: Sequence[int] = ()) -> _Finding:
    return _Finding(ABSENT, reason, code, lines)


def _unknown(reason: str, code: str) -> _Finding:
    return _Finding(NOT_VERIFIABLE, reason, code)


def spec_and_sources_only(names: Iterable[str]) -> bool:
    """Does a rendered directory hold nothing but its spec and `sources` (newer azldev's render commits)?"""
    return all(name == SOURCES_FILE or ("/" not in name and name.endswith(".spec")) for name in names)


def check_presence(
    rendered_spec_text: str, overlays: Iterable[Any], *, files: Files = None, regex_timeout: float = 1.0
) -> list[PresenceVerdict]:
    """One verdict per overlay, in order. ``files`` are the names of the rendered
    directory's files, or a mapping name -> bytes when contents are available (then
    file and archive overlays can be checked too)."""
    doc = SpecDoc.from_text(rendered_spec_text)
    contents = dict(files) if isinstance(files, Mapping) else None
    names = None if files is None else set(contents if contents is not None else files)
    views = overlay_views(overlays)
    checker = _Checker(doc, views, names, contents, regex_timeout)
    return [checker.verdict(view) for view in views]


def summarise(verdicts: Iterable[PresenceVerdict]) -> dict[str, Any]:
    """Counts per verdict, per type and per reason code, and a one-line sentence."""
    verdicts = list(verdicts)
    counts = Counter(v.verdict for v in verdicts)
    by_type: dict[str, Counter[str]] = {}
    reasons: dict[str, Counter[str]] = {ABSENT: Counter(), NOT_VERIFIABLE: Counter(), TREE_UNVERIFIABLE: Counter()}
    for v in verdicts:
        by_type.setdefault(v.type, Counter())[v.verdict] += 1
        if v.verdict in reasons:
            reasons[v.verdict][v.code] += 1
    parts = [f"{counts[PRESENT]} present"]
    labels = ((ABSENT, "absent"), (NOT_VERIFIABLE, "not verifiable"),
              (TREE_UNVERIFIABLE, "not verifiable in a rendered tree of only the spec and sources"))
    for verdict, label in labels:
        if counts[verdict]:
            because = ", ".join(f"{code} ({n})" for code, n in reasons[verdict].most_common())
            parts.append(f"{counts[verdict]} {label} because {because}")
    return {
        "total": len(verdicts),
        PRESENT: counts[PRESENT],
        ABSENT: counts[ABSENT],
        NOT_VERIFIABLE: counts[NOT_VERIFIABLE],
        TREE_UNVERIFIABLE: counts[TREE_UNVERIFIABLE],
        "by_type": {t: dict(c) for t, c in sorted(by_type.items())},
        "reasons": {k: dict(c) for k, c in reasons.items()},
        "text": f"{len(verdicts)} overlay{'s' if len(verdicts) != 1 else ''}: " + "; ".join(parts),
    }


def find_block(lines: list[str], block: list[str], scope: range) -> int | None:
    """Index of the first occurrence of ``block`` as consecutive lines inside ``scope``."""
    if not block:
        return None
    first, size = block[0], len(block)
    for i in scope:
        if i + size <= scope.stop and lines[i] == first and lines[i : i + size] == block:
            return i
    return None


class _Checker:
    def __init__(
        self,
        doc: SpecDoc,
        views: list[OverlayView],
        names: set[str] | None,
        contents: dict[str, bytes] | None,
        timeout: float,
    ):
        self.doc, self.views, self.names, self.contents, self.timeout = doc, views, names, contents, timeout
        self.sections = doc.sections()
        self.bare_tree = names is not None and spec_and_sources_only(names)

    def verdict(self, view: OverlayView) -> PresenceVerdict:
        method = getattr(self, "_" + view.type.replace("-", "_"), None)
        if method is None:
            return self._make(view, _unknown(f"unknown overlay type {view.type!r}", "unknown-type"))
        try:
            finding = method(view)
        except (RegexError, GlobError) as exc:
            finding = _unknown(str(exc), "invalid-pattern")
        except RegexTimeout as exc:
            finding = _unknown(str(exc), "regex-timeout")
        if finding.verdict == ABSENT and (later := self._later_rewriter(view)) is not None:
            since = f"overlay {(later.position or 0) + 1} ({later.type})"
            reason = f"{finding.reason}; but {since} may have changed it since"
            finding = _unknown(reason, "superseded")
        return self._make(view, finding)

    def _make(self, view: OverlayView, finding: _Finding) -> PresenceVerdict:
        verdict, reason, code, lines = finding
        return PresenceVerdict(view.position or 0, view.type, view.description, verdict, reason, code, tuple(lines))

    def _later_rewriter(self, view: OverlayView) -> OverlayView | None:
        """A later overlay whose own effect could explain this one's absence."""
        return next((later for later in self.views[(view.position or 0) + 1 :] if may_undo(view, later)), None)

    # ----------------------------------------------------------------- tags

    def _package_tags(self, view: OverlayView) -> list[tuple[int, str]]:
        wanted = view.get("tag").lower()
        return [(i, t.value) for i, t, _ in self.doc.tags(view.get("package")) if t.name.lower() == wanted]

    def _tag_with_value(self, view: OverlayView) -> _Finding:
        tag, value, package = view.get("tag"), view.get("value").strip(), view.get("package")
        found = self._package_tags(view)
        where = f"package {package!r}" if package else "the main package"
        exact = [i + 1 for i, v in found if v == value]
        if exact:
            others = len(found) - len(exact)
            rewrites_all = view.type in ("spec-set-tag", "spec-update-tag")
            note = f"; {others} other {tag} line(s) differ" if others and rewrites_all else ""
            return _yes(f"{tag}: {value} in {where} at line {exact[0]}{note}", "tag-value", exact)
        if tag.lower() == "release":
            bumped = [(i + 1, v) for i, v in found if _release_bumped(value, v)]
            if bumped:
                line, actual = bumped[0]
                reason = f"Release {actual!r} at line {line}: {value!r} plus azldev's release bump"
                return _yes(reason, "release-bumped", [line])
        if not found:
            return _no(f"no {tag} tag in {where}", "tag-missing")
        values = ", ".join(repr(v) for _, v in found[:3])
        return _no(f"{tag} in {where} has {values}, not {value!r}", "tag-value-differs", [i + 1 for i, _ in found])

    _spec_add_tag = _spec_insert_tag = _spec_set_tag = _spec_update_tag = _tag_with_value

    def _spec_remove_tag(self, view: OverlayView) -> _Finding:
        tag, value = view.get("tag"), view.get("value")
        left = [(i, v) for i, v in self._package_tags(view) if not value or v.lower() == value.lower()]
        label = f"{tag}: {value}" if value else f"every {tag} tag"
        if left:
            return _no(f"{label} still at line {left[0][0] + 1}", "tag-still-there", [i + 1 for i, _ in left])
        return _yes(f"{label} gone", "tag-gone")

    # ----------------------------------------------------------------- lines and sections

    def _targets(self, view: OverlayView) -> list[Section]:
        section, package = view.get("section"), view.get("package")
        return [s for s in self.sections if s.name == section and s.package == package and s.header >= 0]

    def _lines_in_section(self, view: OverlayView) -> _Finding:
        block = reread_lines(view.fields.get("lines") or [])
        if not any(line.strip() for line in block):
            return _unknown("the lines are all blank, so they cannot be told apart from the spec's own", "blank-lines")
        section = view.get("section")
        if not section:
            hit = find_block(self.doc.lines, block, range(len(self.doc.lines)))
            if hit is None:
                return _no("lines not found anywhere in the spec", "lines-missing")
            return _yes(f"lines at {hit + 1}-{hit + len(block)}", "lines-found", [hit + 1])
        targets = self._targets(view)
        label = f"{section} (package {view.get('package')!r})" if view.get("package") else section
        if not targets:
            return _no(f"section {label} is not in the rendered spec", "section-missing")
        hits = [h for s in targets if (h := find_block(self.doc.lines, block, s.body)) is not None]
        if not hits:
            return _no(f"lines not found in {label} (lines {targets[0].header + 1}-{targets[0].end})", "lines-missing")
        note = f" ({len(hits)} of {len(targets)} {label} sections)" if len(hits) < len(targets) else ""
        where = f"{hits[0] + 1}-{hits[0] + len(block)}{note}"
        return _yes(f"lines in {label} at {where}", "lines-found", [h + 1 for h in hits])

    _spec_prepend_lines = _spec_append_lines = _lines_in_section

    def _spec_remove_section(self, view: OverlayView) -> _Finding:
        left = self._targets(view)
        label = f"{view.get('section')} (package {view.get('package')!r})"
        if left:
            lines = [s.header + 1 for s in left]
            return _no(f"section {label} still at line {lines[0]}", "section-still-there", lines)
        return _yes(f"section {label} gone", "section-gone")

    def _spec_remove_subpackage(self, view: OverlayView) -> _Finding:
        package = view.get("package")
        left = [s for s in self.sections if s.package == package and s.header >= 0]
        if left:
            lines = [s.header + 1 for s in left]
            return _no(f"{left[0].name} {package} still at line {lines[0]}", "subpackage-still-there", lines)
        return _yes(f"no section of sub-package {package!r} left", "subpackage-gone")

    # ----------------------------------------------------------------- search and replace

    def _scope(self, view: OverlayView) -> list[Section]:
        section, package = view.get("section"), view.get("package")
        return [
            s for s in self.sections if (not section or s.name == section) and (not package or s.package == package)
        ]  # fmt: skip

    def _spec_search_replace(self, view: OverlayView) -> _Finding:
        pattern = Re2Pattern(view.get("regex"), timeout=self.timeout)
        scope = self._scope(view)
        if not scope:
            label = f"{view.get('section')} (package {view.get('package')!r})"
            return _no(f"section {label} is not in the rendered spec", "section-missing")
        lines = self.doc.lines
        hit = next((i for s in scope for i in s.body if pattern.search(lines[i]) is not None), None)
        still = None if hit is None else _Match(f" at line {hit + 1}", [hit + 1])
        texts = ["\n".join(lines[i] for i in s.body) for s in scope]
        locate = lambda found: _line_of(scope, texts, found)  # noqa: E731
        return _replacement_verdict(pattern, view.get("replacement"), texts, still, locate)

    # ----------------------------------------------------------------- patches

    def _patch_entries(self) -> list[tuple[int, str]]:
        entries = [
            (i, t.value) for i, t, _ in self.doc.tags() if patch_number(t.name) is not None or t.name.lower() == "patch"
        ]  # fmt: skip
        for s in self.sections:
            if s.name == "%patchlist":
                entries += [(i, self.doc.lines[i].strip()) for i in s.body if self.doc.lines[i].strip()]
        return entries

    def _patch_add(self, view: OverlayView) -> _Finding:
        name = view.get("file") or posixpath.basename(view.get("source"))
        hits = [i + 1 for i, value in self._patch_entries() if value == name]
        if not hits:
            return _no(f"no PatchN tag or %patchlist entry names {name!r}", "patch-not-registered")
        if self.bare_tree:
            return _bare_tree(f"{name!r} is registered at line {hits[0]}, but", hits)
        if self.names is not None and name not in self.names:
            reason = f"{name!r} is registered at line {hits[0]} but not in the rendered directory"
            return _no(reason, "patch-file-missing", hits)
        where = "" if self.names is not None else " (file list not given)"
        return _yes(f"{name!r} registered at line {hits[0]}{where}", "patch-registered", hits)

    def _patch_remove(self, view: OverlayView) -> _Finding:
        pattern = view.get("file")
        left = [i + 1 for i, value in self._patch_entries() if glob_match(pattern, value)]
        if left:
            return _no(f"a patch matching {pattern!r} is still registered at line {left[0]}", "patch-still-there", left)
        if self.names is not None:
            files = glob_files(pattern, self.names)
            if files:
                reason = f"{files[0]!r} (matches {pattern!r}) is still in the rendered directory"
                return _no(reason, "patch-file-still-there")
        return _yes(f"no patch matching {pattern!r} registered", "patch-gone")

    # ----------------------------------------------------------------- files

    def _referenced(self, name: str) -> bool:
        """Does the spec name this file (Source/Patch tags, %sourcelist, %patchlist)?
        azldev's render drops files spectool does not list."""
        base = posixpath.basename(name)
        for _, tag, _ in self.doc.tags():
            lower = tag.name.lower()
            if lower.startswith(("source", "patch")) and posixpath.basename(tag.value.split("#/")[-1]) == base:
                return True
        return any(
            self.doc.lines[i].strip() == base
            for s in self.sections
            if s.name in ("%sourcelist", "%patchlist")
            for i in s.body
        )

    def _no_files(self, view: OverlayView) -> _Finding | None:
        if view.is_archive:
            archive = view.get("archive")
            if self.contents is None or archive not in self.contents:
                reason = f"archive {archive!r} is not in the rendered directory (archives live in the lookaside cache)"
                return _unknown(reason, "archive-not-available")
            return None
        if self.names is None:
            return _unknown("no file list of the rendered directory given", "no-file-list")
        if self.bare_tree:
            return _bare_tree(f"{view.get('file')!r}:")
        return None

    def _listed(self) -> set[str]:
        """The rendered directory's file names, for a loose-file overlay that `_no_files` passed."""
        if self.names is None:
            raise ValueError("no file list of the rendered directory given (check _no_files first)")
        return self.names

    def _archive(self, view: OverlayView) -> dict[str, bytes]:
        assert self.contents is not None
        return archive_members(view.get("archive"), self.contents[view.get("archive")])

    def _file_add(self, view: OverlayView) -> _Finding:
        if (missing := self._no_files(view)) is not None:
            return missing
        name = view.get("file")
        if name in self._listed():
            return _yes(f"{name!r} is in the rendered directory", "file-present")
        if self._referenced(name):
            return _no(f"{name!r} is referenced by the spec but not in the rendered directory", "file-missing")
        return _unknown(f"{name!r} is not in the rendered directory; {_UNREFERENCED}", "file-unreferenced")

    def _file_remove(self, view: OverlayView) -> _Finding:
        if (missing := self._no_files(view)) is not None:
            return missing
        pattern = view.get("file")
        if view.is_archive:
            left = glob_files(pattern, self._archive(view))
        else:
            left = glob_files(pattern, self._listed())
        if left:
            return _no(f"{left[0]!r} (matches {pattern!r}) is still there", "file-still-there")
        return _yes(f"nothing matches {pattern!r}", "file-gone")

    def _file_rename(self, view: OverlayView) -> _Finding:
        if (missing := self._no_files(view)) is not None:
            return missing
        pattern, replacement = view.get("file"), view.get("replacement")
        old = glob_files(pattern, self._listed())
        directory = posixpath.dirname(pattern) if "/" in pattern else ""
        new = posixpath.join(directory, replacement)
        if old:
            return _no(f"{old[0]!r} is still there", "file-still-there")
        if new in self._listed():
            return _yes(f"{new!r} is there and nothing matches {pattern!r}", "file-renamed")
        if self._referenced(new):
            return _no(f"{new!r} is referenced by the spec but not in the rendered directory", "file-missing")
        return _unknown(f"{new!r} is not in the rendered directory; {_UNREFERENCED}", "file-unreferenced")

    def _file_prepend_lines(self, view: OverlayView) -> _Finding:
        if (missing := self._no_files(view)) is not None:
            return missing
        targets = glob_files(view.get("file"), self._listed())
        if not targets:
            return _unknown(f"no file matching {view.get('file')!r} in the rendered directory", "file-not-in-dir")
        if self.contents is None:
            return _unknown("file contents not given", "no-file-contents")
        block = ("\n".join(str(x) for x in view.fields.get("lines") or []) + "\n").encode()
        wrong = [t for t in targets if not self.contents[t].startswith(block)]
        if wrong:
            return _no(f"{wrong[0]!r} does not start with the lines", "lines-missing")
        return _yes(f"{len(targets)} file(s) start with the lines", "lines-found")

    def _file_search_replace(self, view: OverlayView) -> _Finding:
        if (missing := self._no_files(view)) is not None:
            return missing
        pattern_text = view.get("file")
        if view.is_archive:
            available = self._archive(view)
        elif self.contents is not None:
            available = self.contents
        else:
            targets = glob_files(pattern_text, self._listed())
            if not targets:
                return _unknown(f"no file matching {pattern_text!r} in the rendered directory", "file-not-in-dir")
            return _unknown("file contents not given", "no-file-contents")
        targets = glob_files(pattern_text, available)
        if not targets:
            return _unknown(f"no file matching {pattern_text!r} in the rendered directory", "file-not-in-rendered-dir")
        pattern = Re2Pattern(view.get("regex"), timeout=self.timeout)
        texts = [available[t].decode("utf-8", "surrogateescape") for t in targets]
        hit = next((k for k, text in enumerate(texts) if pattern.search(text) is not None), None)
        still = None if hit is None else _Match(f" in {targets[hit]!r}", [])
        return _replacement_verdict(pattern, view.get("replacement"), texts, still, lambda found: None)


def _bare_tree(subject: str, lines: Sequence[int] = ()) -> _Finding:
    reason = (f"{subject} the rendered directory holds only the spec and its sources file (newer azldev commits "
              "no other file), so whether the file is there cannot be checked")
    return _Finding(TREE_UNVERIFIABLE, reason, "spec-and-sources-only", lines)


_UNREFERENCED = "the spec does not reference it, and azldev's render drops files the spec does not reference"


def _release_bumped(configured: str, rendered: str) -> bool:
    """Is ``rendered`` the overlay's Release value after azldev's bump (leading integer raised)?"""
    import re

    a, b = re.match(r"([0-9]+)(.*)\Z", configured, re.S), re.match(r"([0-9]+)(.*)\Z", rendered, re.S)
    return bool(a and b and a.group(2) == b.group(2) and int(b.group(1)) > int(a.group(1)))


@dataclass(frozen=True)
class _Match:
    """Where a search-replace regex still matches: a phrase for the reason, spec lines."""

    where: str
    lines: list[int]


def _line_of(scope: list[Section], texts: list[str], found: tuple[int, int]) -> int | None:
    section, offset = found
    return scope[section].header + 2 + texts[section].count("\n", 0, offset)


def _replacement_verdict(
    pattern: Re2Pattern,
    replacement: str,
    texts: list[str],
    still: _Match | None,
    line_of: Callable[[tuple[int, int]], int | None],
) -> _Finding:
    """The search-replace rule over the texts in scope. Present: the replacement text is
    there and the regex no longer matches, or the regex also matches the replacement
    itself (then only the replacement is evidence). An empty replacement leaves nothing
    to find, so a regex that no longer matches is not verifiable."""
    if not replacement:
        if still is not None:
            return _no(f"regex still matches{still.where}", "regex-still-matches", still.lines)
        reason = "deletion: the regex no longer matches, but a spec that never had the text looks the same"
        return _unknown(reason, "empty-replacement")
    pieces = reread_lines([replacement])
    needle = "\n".join(pieces)
    found = next(((k, text.find(needle)) for k, text in enumerate(texts) if needle in text), None)
    if found is None:
        if still is not None:
            reason = f"replacement text not found and the regex still matches{still.where}"
            return _no(reason, "regex-still-matches", still.lines)
        return _no("replacement text not found", "replacement-missing")
    line = line_of(found)
    at = f" at line {line}" if line else ""
    if still is None:
        return _yes(f"replacement present{at} and the regex no longer matches", "replaced", [line] if line else [])
    if any(pattern.search(piece) is not None for piece in pieces):
        reason = f"replacement present{at} (the regex also matches the replacement, so only that is evidence)"
        return _yes(reason, "replaced", [line] if line else [])
    return _no(f"replacement present{at}, but the regex still matches{still.where}", "regex-still-matches", still.lines)
