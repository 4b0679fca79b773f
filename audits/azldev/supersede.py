"""Whether a later overlay may have undone an earlier one's effect.

The presence check (presence.py) looks at the rendered spec, which shows the overlays'
combined result: an effect that is missing there may have been rewritten, removed or
re-added by a later overlay of the same component. Such an absence is reported as not
verifiable rather than absent. The rules are conservative (a regex that is invalid or
too slow counts as "may touch") and are kept here, apart from the per-type checks.
Pure Python, no Django.
"""

from __future__ import annotations

import posixpath

from .engine import OverlayView
from .globs import GlobError, glob_match
from .re2 import Re2Pattern, RegexError, RegexTimeout
from .specedit import reread_lines

__all__ = ["may_undo"]


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def may_undo(view: OverlayView, later: OverlayView) -> bool:
    """Could ``later``'s effect hide ``view``'s (so "absent" would be unfair)?"""
    kind, mine = later.type, view.type
    if mine.startswith(("spec-", "patch-")):
        if kind == "spec-search-replace":
            return _rewrite_may_touch(later, view)
        if kind == "spec-remove-subpackage":
            return bool(view.get("package")) and later.get("package") == view.get("package")
        if kind == "spec-remove-section" and later.get("package") == view.get("package"):
            if mine.endswith("-tag"):
                return later.get("section") == ("%package" if view.get("package") else "")
            return not view.get("section") or later.get("section") == view.get("section")
    if mine.endswith("-tag") and kind.endswith("-tag"):
        if later.get("tag").lower() != view.get("tag").lower() or later.get("package") != view.get("package"):
            return False
        if mine == "spec-remove-tag":  # the tag is back: re-added with that value
            return kind != "spec-remove-tag" and (not view.get("value") or _same(later.get("value"), view.get("value")))
        return kind in ("spec-set-tag", "spec-update-tag") or (
            kind == "spec-remove-tag" and (not later.get("value") or _same(later.get("value"), view.get("value")))
        )
    files_both = mine.startswith(("file-", "patch-")) and kind.startswith(("file-", "patch-"))
    if files_both and view.is_archive == later.is_archive:
        if view.is_archive and later.get("archive") != view.get("archive"):
            return False
        mine_name = view.get("file") or posixpath.basename(view.get("source"))
        later_name = later.get("file") or posixpath.basename(later.get("source"))
        if kind in ("file-add", "patch-add"):
            return _overlaps(mine_name, later_name)
        if kind in ("file-search-replace", "file-prepend-lines"):  # contents change, the file stays
            rewritten = kind == "file-prepend-lines" or _rewrite_may_touch(later, view)
            return _overlaps(mine_name, later_name) and rewritten
        renamed_onto = kind == "file-rename" and _overlaps(mine_name, later.get("replacement"))
        return _overlaps(mine_name, later_name) or renamed_onto
    return False


def _written_text(view: OverlayView) -> list[str]:
    """Lines (or fragments) an overlay writes into the spec."""
    kind = view.type
    if kind in ("spec-add-tag", "spec-insert-tag", "spec-set-tag", "spec-update-tag"):
        return [f"{view.get('tag')}: {view.get('value')}"]
    if kind in ("spec-prepend-lines", "spec-append-lines", "file-prepend-lines"):
        return reread_lines(view.fields.get("lines") or [])
    if kind in ("spec-search-replace", "file-search-replace"):
        return reread_lines([view.get("replacement")]) if view.get("replacement") else []
    if kind == "patch-add":
        return [view.get("file") or posixpath.basename(view.get("source"))]
    return []


def _removed_keys(view: OverlayView) -> list[str]:
    """Words a later replacement would have to contain to bring back what an overlay removed."""
    kind = view.type
    if kind == "spec-remove-tag":
        return [view.get("tag")]
    if kind == "spec-remove-section":
        return [view.get("section")]
    if kind == "spec-remove-subpackage":
        return [view.get("package")]
    if kind == "patch-remove":
        return ["patch"]
    if kind == "spec-search-replace" and not view.get("replacement"):
        return [""]  # a deletion: any later rewrite could bring text back
    return []


def _rewrite_may_touch(later: OverlayView, view: OverlayView) -> bool:
    """Could the later spec-search-replace have rewritten what ``view`` wrote, or recreated
    what it removed? Unknown (bad or slow regex) counts as yes."""
    try:
        pattern = Re2Pattern(later.get("regex"), timeout=0.2)
        if any(pattern.search(text) is not None for text in _written_text(view)):
            return True
    except (RegexError, RegexTimeout):
        return True
    replacement = later.get("replacement").lower()
    return any(key.lower() in replacement for key in _removed_keys(view))


def _overlaps(a: str, b: str) -> bool:
    """Could a name matched by glob ``a`` also be matched by glob ``b`` (cheap, conservative)?"""
    if not a or not b:
        return False
    try:
        return a == b or glob_match(a, b) or glob_match(b, a) or posixpath.basename(a) == posixpath.basename(b)
    except GlobError:
        return True
