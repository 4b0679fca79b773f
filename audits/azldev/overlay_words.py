"""What an overlay does, in one plain sentence for auditors who are not packagers."""

from __future__ import annotations

import posixpath
from typing import Any


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


def explain_overlay(o: Any) -> str:
    """One plain sentence saying what an overlay does (an Overlay row or anything with its fields)."""
    t = o.type
    if t == "spec-add-tag":
        return f"adds the tag {o.tag}: {o.value} to {_package(o)}"
    if t == "spec-insert-tag":
        return f"inserts the tag {o.tag}: {o.value} into {_package(o)}, after the tags of the same family"
    if t == "spec-set-tag":
        return f"sets the tag {o.tag} of {_package(o)} to {o.value} (adding it if missing)"
    if t == "spec-update-tag":
        return f"changes the existing tag {o.tag} of {_package(o)} to {o.value}"
    if t == "spec-remove-tag":
        value = f" with the value {o.value}" if o.value else ""
        return f"removes the {o.tag} tag{value} from {_package(o)}"
    if t == "spec-prepend-lines":
        return f"adds {_lines(o)} at the start of {_where(o)}"
    if t == "spec-append-lines":
        return f"adds {_lines(o)} at the end of {_where(o)}"
    if t == "spec-search-replace":
        if o.replacement:
            return f"replaces text matching the pattern {o.regex} with {o.replacement} in {_where(o)}"
        return f"deletes text matching the pattern {o.regex} in {_where(o)}"
    if t == "spec-remove-section":
        return f"removes the {o.section} section of {_package(o)}"
    if t == "spec-remove-subpackage":
        return f"removes {_package(o)} and all its sections"
    if t == "patch-add":
        name = o.file or posixpath.basename(o.source)
        return f"adds the patch {name} (from {o.source}) and applies it"
    if t == "patch-remove":
        return f"removes the patch(es) matching {o.file} from the spec and the sources"
    if t == "file-prepend-lines":
        return f"adds {_lines(o)} at the start of {_file(o)}"
    if t == "file-search-replace":
        if o.replacement:
            return f"replaces text matching the pattern {o.regex} with {o.replacement} in {_file(o)}"
        return f"deletes text matching the pattern {o.regex} in {_file(o)}"
    if t == "file-add":
        return f"adds the file {o.file} (from {o.source})"
    if t == "file-remove":
        return f"removes {_file(o)}"
    if t == "file-rename":
        return f"renames the file {o.file} to {o.replacement}"
    return f"applies an overlay of type {t}"
