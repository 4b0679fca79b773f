"""The overlay engine: applies a list of overlay views, in azldev's order, to a spec and
its source files in memory, and records what each overlay did.

overlays.py is the public face (apply_overlays, render_spec); this module holds the
overlay view and result types and the engine behind them, so that the rendering steps
azldev adds and the engine's per-type edits stay two modules of readable size. See
overlays.py for the semantics followed and the differences from azldev that remain.
Pure Python, no Django.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .archives import ArchiveError, ArchiveTree
from .globs import GlobError, check_relative, glob_files, glob_match
from .re2 import Re2Pattern, RegexError, RegexTimeout
from .specedit import SpecDoc, SpecEditError

SPEC_TYPES = frozenset(
    "spec-add-tag spec-insert-tag spec-set-tag spec-update-tag spec-remove-tag spec-prepend-lines"
    " spec-append-lines spec-search-replace spec-remove-section spec-remove-subpackage".split()
)
PATCH_TYPES = frozenset({"patch-add", "patch-remove"})
FILE_TYPES = frozenset({"file-prepend-lines", "file-search-replace", "file-add", "file-remove", "file-rename"})
ARCHIVE_TYPES = frozenset({"file-remove", "file-search-replace"})
_MULTI_FILE_TYPES = frozenset({"file-prepend-lines", "file-search-replace", "file-remove", "patch-remove"})


# --------------------------------------------------------------------------- results and errors


@dataclass(frozen=True)
class OverlayRecord:
    """What one overlay did. ``lines`` are 1-based inclusive ranges of the final spec that
    this overlay wrote and no later overlay rewrote; removals cannot be located there."""

    position: int
    type: str
    description: str
    status: str  # "applied", or "skipped" (file effects when no files were given)
    lines: tuple[tuple[int, int], ...] = ()
    removed_lines: int = 0
    files: tuple[str, ...] = ()  # loose files / archives it created, changed or removed
    detail: str = ""


@dataclass
class ApplyResult:
    spec_text: str
    files: dict[str, bytes] | None
    records: list[OverlayRecord] = field(default_factory=list)


class OverlayError(Exception):
    """An overlay azldev would fail on. ``partial`` holds the state after the overlays
    before it (azldev applies overlays non-atomically)."""

    def __init__(self, position: int | None, type_: str, description: str, reason: str):
        where = f"overlay {position + 1}" if position is not None else "synthesized overlay"
        label = f" {description!r}" if description else ""
        super().__init__(f"{where} ({type_}{label}): {reason}")
        self.position, self.type, self.description, self.reason = position, type_, description, reason
        self.partial: ApplyResult | None = None


@dataclass(frozen=True)
class OverlayView:
    """An overlay reduced to what the engine reads: resolve.Overlay or a plain TOML table."""

    position: int | None
    type: str
    fields: Mapping[str, Any]
    source_path: str

    @property
    def description(self) -> str:
        return str(self.fields.get("description", "") or "")

    def get(self, key: str) -> str:
        value = self.fields.get(key, "")
        return value if isinstance(value, str) else ""

    def error(self, reason: str) -> OverlayError:
        return OverlayError(self.position, self.type, self.description, reason)

    @property
    def is_archive(self) -> bool:
        return self.type in ARCHIVE_TYPES and bool(self.get("archive")) and bool(self.get("file"))

    @classmethod
    def of(cls, overlay: Any, index: int | None) -> OverlayView:
        if isinstance(overlay, Mapping):
            fields = {k: v for k, v in overlay.items() if k != "metadata"}
            return cls(index, str(fields.get("type", "")), fields, str(fields.get("source", "") or ""))
        source = getattr(overlay, "source_path", "") or overlay.fields.get("source", "")
        return cls(index, overlay.type, overlay.fields, source)


def overlay_views(overlays: Iterable[Any]) -> list[OverlayView]:
    """Normalised views of overlays (for presence checks)."""
    return [OverlayView.of(o, i) for i, o in enumerate(overlays)]


# --------------------------------------------------------------------------- the engine


class Engine:
    def __init__(
        self,
        spec_text: str,
        files: dict[str, bytes] | None,
        read_source: Callable[[str], bytes] | None,
        regex_timeout: float,
        strict: bool,
    ):
        self.doc = SpecDoc.from_text(spec_text)
        self.files = None if files is None else _checked_files(files)
        self.read_source = read_source
        self.timeout = regex_timeout
        self.strict = strict
        self.records: dict[int, dict[str, Any]] = {}

    def result(self) -> ApplyResult:
        ranges: dict[int, list[list[int]]] = {}
        for number, mark in enumerate(self.doc.marks, start=1):
            if mark is None:
                continue
            spans = ranges.setdefault(mark, [])
            if spans and spans[-1][1] == number - 1:
                spans[-1][1] = number
            else:
                spans.append([number, number])
        records = [
            OverlayRecord(**{**info, "lines": tuple((a, b) for a, b in ranges.get(position, []))})
            for position, info in sorted(self.records.items())
        ]
        return ApplyResult(self.doc.text(), None if self.files is None else dict(self.files), records)

    def run(self, views: list[OverlayView]) -> None:
        too_long = self.doc.too_long_line()
        if too_long is not None:
            raise OverlayError(None, "spec", "", f"line {too_long} exceeds 64 KiB; azldev cannot read this spec")
        try:
            self._check_archive_scopes(views)
            self._run_archives([v for v in views if v.is_archive])
            for view in views:
                if not view.is_archive:
                    self._apply(view)
        except OverlayError as exc:
            exc.partial = self.result()
            raise

    def _record(self, view: OverlayView, status: str = "applied", **info: Any) -> None:
        if view.position is not None:
            entry = {"position": view.position, "type": view.type, "description": view.description, "status": status}
            entry.update(info)
            self.records[view.position] = entry

    def _apply(self, view: OverlayView) -> None:
        try:
            if view.type in SPEC_TYPES:
                removed, detail = self._apply_spec(view)
                self._record(view, removed_lines=removed, detail=detail)
            elif view.type in PATCH_TYPES:
                removed, detail = self._apply_spec(view)
                if self.files is None:
                    detail += "; patch file not handled (no files given)"
                    self._record(view, removed_lines=removed, detail=detail)
                else:
                    touched = self._apply_file(view)
                    self._record(view, removed_lines=removed, detail=detail, files=touched)
            elif view.type in FILE_TYPES:
                if self.files is None:
                    self._record(view, "skipped", detail="no files given")
                else:
                    self._record(view, files=self._apply_file(view))
            else:
                raise view.error(f"unknown overlay type {view.type!r}")
        except (SpecEditError, GlobError, RegexError) as exc:
            raise view.error(str(exc)) from None
        except RegexTimeout as exc:
            raise view.error(f"{exc} (pattern {view.get('regex')!r})") from None

    # ----------------------------------------------------------------- spec overlays

    def _apply_spec(self, view: OverlayView) -> tuple[int, str]:
        doc, kind, mark = self.doc, view.type, view.position
        package, section = view.get("package"), view.get("section")
        before = len(doc.lines)
        detail = ""
        if kind.endswith("-tag"):
            tag, value = _required(view, "tag"), view.get("value")
            if kind != "spec-remove-tag":
                value = _required(view, "value")
            if kind == "spec-add-tag":
                if self.strict:
                    for i, existing, _ in doc.tags(package):
                        if existing.name.lower() == tag.lower() and existing.value == value.strip():
                            raise SpecEditError(f"tag {tag!r} with value {value!r} already exists (line {i + 1})")
                doc.add_tag(package, tag, value, mark)
            elif kind == "spec-insert-tag":
                doc.insert_tag(package, tag, value, mark)
            elif kind == "spec-set-tag":
                if not doc.update_tags(package, tag, value, mark):
                    doc.add_tag(package, tag, value, mark)
            elif kind == "spec-update-tag":
                if not doc.update_tags(package, tag, value, mark):
                    raise SpecEditError(f"tag {tag!r} not found in spec (package={package!r})")
            else:
                wanted = tag.lower()
                count = doc.remove_tags(
                    package, lambda t: t.name.lower() == wanted and (not value or t.value.lower() == value.lower())
                )
                if not count:
                    raise SpecEditError(f"tag {tag!r} with value {value!r} not found in spec (package={package!r})")
        elif kind in ("spec-prepend-lines", "spec-append-lines"):
            lines = _lines(view)
            if not section:
                if package:
                    raise SpecEditError("'package' needs a 'section'")
                if kind == "spec-prepend-lines":
                    doc.insert(0, lines, mark)
                else:
                    doc.insert(len(doc.lines), lines, mark)
            elif kind == "spec-prepend-lines":
                doc.prepend_to_section(section, package, lines, mark)
            else:
                doc.append_to_section(section, package, lines, mark)
        elif kind == "spec-search-replace":
            if package and not section:
                raise SpecEditError("'package' needs a 'section'")
            pattern = Re2Pattern(_required(view, "regex"), timeout=self.timeout)
            changed = doc.search_replace(section, package, pattern, view.get("replacement"), mark)
            if not changed:
                raise SpecEditError(f"pattern {pattern.source!r} not found (section={section!r}, package={package!r})")
            detail = f"{changed} line(s) changed"
        elif kind == "spec-remove-section":
            name = _required(view, "section")
            label = f"section {name!r} (package={package!r})"
            doc.remove_sections(lambda s: s.name == name and s.package == package, label)
        elif kind == "spec-remove-subpackage":
            name = _required(view, "package")
            doc.remove_sections(lambda s: s.package == name, f"sub-package {name!r}")
        elif kind == "patch-add":
            source = _required(view, "source")
            filename = view.get("file") or posixpath.basename(source)
            detail = "registered as " + doc.add_patch_entry(package, filename, mark)
        elif kind == "patch-remove":
            detail = f"{doc.remove_patch_entries(_required(view, 'file'))} spec reference(s) removed"
        doc.reopen()
        return max(0, before - len(doc.lines)) if kind in _REMOVING else 0, detail

    # ----------------------------------------------------------------- loose files

    def _apply_file(self, view: OverlayView) -> tuple[str, ...]:
        files = self.files
        assert files is not None
        kind = view.type
        if kind in ("file-add", "patch-add"):
            dest = view.get("file") or posixpath.basename(_required(view, "source"))
            check_relative(dest, "file")
            if kind == "file-add" and dest.endswith(".spec"):
                raise SpecEditError(f"non-spec overlay not supported on .spec file {dest!r}")
            if dest in files:
                raise SpecEditError(f"cannot add overlay file {dest!r} because it already exists")
            files[dest] = self._read_source(view)
            return (dest,)
        pattern = _required(view, "file")
        targets = glob_files(pattern, files)
        if not targets:
            raise SpecEditError(f"non-spec overlay filename pattern {pattern!r} did not match any files")
        if len(targets) > 1 and kind not in _MULTI_FILE_TYPES:
            raise SpecEditError(
                f"overlay type {kind} does not support multiple files, but {pattern!r} matched {len(targets)}"
            )
        touched = _file_edit(view, files, targets, self.timeout)
        if not touched:
            raise SpecEditError(f"non-spec overlay for filename {pattern!r} did not apply to any targets")
        return touched

    def _read_source(self, view: OverlayView) -> bytes:
        path = view.source_path or view.get("source")
        if self.read_source is None:
            raise SpecEditError(f"cannot read source {path!r}: no read_source given")
        try:
            return self.read_source(path)
        except (OSError, KeyError, ValueError) as exc:
            raise SpecEditError(f"cannot read source {path!r}: {exc}") from None

    # ----------------------------------------------------------------- archives

    def _check_archive_scopes(self, views: list[OverlayView]) -> None:
        """component.go ValidateArchiveOverlays: no loose-file overlay may touch an archive
        that an archive-scoped overlay modifies."""
        archives = {v.get("archive") for v in views if v.is_archive}
        for archive in sorted(archives):
            for view in views:
                if not view.is_archive and _targets_loose_file(view, archive):
                    raise view.error(
                        f"loose-file overlay targets archive {archive!r}, which is also modified by an "
                        "archive-scoped overlay"
                    )

    def _run_archives(self, views: list[OverlayView]) -> None:
        groups: dict[str, list[OverlayView]] = {}
        for view in views:
            groups.setdefault(view.get("archive"), []).append(view)
        for name, group in groups.items():
            if self.files is None:
                for view in group:
                    self._record(view, "skipped", detail="no files given")
                continue
            try:
                check_relative(name, "archive")
                if "/" in name:
                    raise SpecEditError(f"archive {name!r} must be a file name")
                if name not in self.files:
                    raise SpecEditError(f"archive {name!r} is not among the component's source files")
                tree = ArchiveTree.load(name, self.files[name])
            except (SpecEditError, GlobError, ArchiveError) as exc:
                raise group[0].error(str(exc)) from None
            for view in group:
                try:
                    pattern = _required(view, "file")
                    targets = glob_files(pattern, tree.file_names())
                    if not targets:
                        raise SpecEditError(f"pattern {pattern!r} did not match any file in archive {name!r}")
                    touched = _file_edit(view, tree, targets, self.timeout)
                    if not touched:
                        raise SpecEditError(f"pattern {pattern!r} did not apply to any file in archive {name!r}")
                except (SpecEditError, GlobError, RegexError, ArchiveError) as exc:
                    raise view.error(str(exc)) from None
                except RegexTimeout as exc:
                    raise view.error(f"{exc} (pattern {view.get('regex')!r})") from None
                detail = f"{len(touched)} member(s) of {name} changed: {', '.join(touched)}"
                self._record(view, files=(name,), detail=detail)
            try:
                self.files[name] = tree.pack()
            except ArchiveError as exc:
                raise group[-1].error(str(exc)) from None


_REMOVING = frozenset({"spec-remove-tag", "spec-remove-section", "spec-remove-subpackage", "patch-remove"})


def _required(view: OverlayView, key: str) -> str:
    value = view.get(key)
    if not value:
        raise SpecEditError(f"overlay type {view.type!r} requires the {key!r} field")
    return value


def _lines(view: OverlayView) -> list[str]:
    lines = view.fields.get("lines") or []
    if not lines:
        raise SpecEditError(f"overlay type {view.type!r} requires the 'lines' field")
    return [str(line) for line in lines]


def _checked_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    for name in files:
        try:
            check_relative(name, "source file name")
        except GlobError as exc:
            raise ValueError(str(exc)) from None
    return dict(files)


def _targets_loose_file(view: OverlayView, filename: str) -> bool:
    """overlay.go TargetsLooseFile."""
    if view.type not in FILE_TYPES | PATCH_TYPES:
        return False
    if view.type in ("file-add", "patch-add"):
        source = view.get("source")
        return bool(source) and (view.get("file") or posixpath.basename(source)) == filename
    if view.type == "file-rename" and view.get("replacement") == filename:
        return True
    pattern = view.get("file")
    return bool(pattern) and glob_match(pattern, filename)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _file_edit(view: OverlayView, store: Any, targets: list[str], timeout: float) -> tuple[str, ...]:
    """Apply a glob-targeted file overlay to ``store`` (a dict or an ArchiveTree); returns
    the names it changed. A search-replace that changes nothing in a file skips it."""
    kind = view.type
    touched: list[str] = []
    if kind == "file-search-replace":
        pattern = Re2Pattern(_required(view, "regex"), timeout=timeout)
        replacement = view.get("replacement")
        for name in targets:
            text = _decode(store[name])
            new = pattern.replace_all_literal(text, replacement)
            if new != text:
                store[name] = _encode(new)
                touched.append(name)
    elif kind == "file-prepend-lines":
        block = _encode("\n".join(_lines(view)) + "\n")
        for name in targets:
            store[name] = block + store[name]
            touched.append(name)
    elif kind in ("file-remove", "patch-remove"):
        for name in targets:
            del store[name]
            touched.append(name)
    elif kind == "file-rename":
        replacement = _required(view, "replacement")
        if "/" in replacement or replacement in (".", ".."):
            raise SpecEditError(f"'replacement' of file-rename must be a file name, found {replacement!r}")
        old = targets[0]
        new = posixpath.join(posixpath.dirname(old), replacement)
        store[new] = store.pop(old)  # os.Root.Rename replaces an existing destination
        touched += [old, new]
    else:
        raise SpecEditError(f"overlay type {kind!r} cannot target files by pattern")
    return tuple(touched)
