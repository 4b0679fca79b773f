"""What an overlay does, in one plain sentence for auditors who are not packagers."""

from __future__ import annotations

import posixpath
from typing import Any, Callable


def _package(o: Any) -> str:
    package = o.package
    if not package:
        return "the main package"
    return f"sub-package {package if package.startswith('-') else '-' + package}"


def _where(o: Any) -> str:
    parts = []
    if o.section:
        parts.append(f"section {o.section}")
    if o.package:
        parts.append(_package(o))
    return " of ".join(parts) if parts else "the spec"


def _lines(o: Any) -> str:
    n = len(o.lines or [])
    return f"{n} line{'s' if n != 1 else ''}"


def _file(o: Any) -> str:
    target = f"file {o.file}" if o.file else "the files"
    return f"{target} inside archive {o.archive}" if o.archive else target


def _search_replace(o: Any, place: str) -> str:
    if o.replacement:
        return f"replaces text matching the pattern {o.regex} with {o.replacement} in {place}"
    return f"deletes text matching the pattern {o.regex} in {place}"


# One sentence per overlay type (audits/azldev/schema.py lists the types).
_SENTENCES: dict[str, Callable[[Any], str]] = {
    "spec-add-tag": lambda o: f"adds the tag {o.tag}: {o.value} to {_package(o)}",
    "spec-insert-tag": lambda o: f"inserts the tag {o.tag}: {o.value} into {_package(o)}, after the tags of the same family",
    "spec-set-tag": lambda o: f"sets the tag {o.tag} of {_package(o)} to {o.value} (adding it if missing)",
    "spec-update-tag": lambda o: f"changes the existing tag {o.tag} of {_package(o)} to {o.value}",
    "spec-remove-tag": lambda o: f"removes the {o.tag} tag{' with the value ' + o.value if o.value else ''} from {_package(o)}",
    "spec-prepend-lines": lambda o: f"adds {_lines(o)} at the start of {_where(o)}",
    "spec-append-lines": lambda o: f"adds {_lines(o)} at the end of {_where(o)}",
    "spec-search-replace": lambda o: _search_replace(o, _where(o)),
    "spec-remove-section": lambda o: f"removes the {o.section} section of {_package(o)}",
    "spec-remove-subpackage": lambda o: f"removes {_package(o)} and all its sections",
    "patch-add": lambda o: f"adds the patch {o.file or posixpath.basename(o.source)} (from {o.source}) and applies it",
    "patch-remove": lambda o: f"removes the patch(es) matching {o.file} from the spec and the sources",
    "file-prepend-lines": lambda o: f"adds {_lines(o)} at the start of {_file(o)}",
    "file-search-replace": lambda o: _search_replace(o, _file(o)),
    "file-add": lambda o: f"adds the file {o.file} (from {o.source})",
    "file-remove": lambda o: f"removes {_file(o)}",
    "file-rename": lambda o: f"renames the file {o.file} to {o.replacement}",
}


def explain_overlay(o: Any) -> str:
    """One plain sentence saying what an overlay does (an Overlay row or anything with its fields)."""
    sentence = _SENTENCES.get(o.type)
    return sentence(o) if sentence else f"applies an overlay of type {o.type}"
