"""PURE PYTHON: what each image of images.toml installs, from its KIWI description and the release's specs.

For every image (one images.toml entry: a KIWI file and, optionally, a profile):

- the **direct** packages: what the selected `<packages>` sections list (audits.kiwi), each resolved to
  the binary package, and so the source component, of the release that has that name or provides it;
- the **closure**: the direct packages plus, transitively, what their runtime `Requires:` resolve to
  through the release's own binary packages and explicit Provides (audits.requires). This is spec
  metadata, not a dependency solver: automatic dependencies (sonames, interpreters) are made at build
  time and are not in the specs, versions are not compared, rich dependencies are not evaluated, so the
  requirements that do not resolve are listed with the reason instead of being guessed;
- the packages the description removes (`delete`, `uninstall`) or ignores (`<ignore>`: never pulled in),
  the collections and archives it names (listed, not expanded).

A description that cannot be read (missing, outside the repository, a symlink, too large, hostile XML,
an unknown profile) gives an image with that error and no packages; the ingest goes on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .azldev.tree import RepoTree, TreeError, check_readable, normalize
from .kiwi import KiwiError, KiwiItem, Selection, parse_kiwi
from .requires import PackageKey, ProviderIndex
from .rpmspec.identity import BinaryIdentity

DIRECT = "direct"  # listed by an install section of the description
CLOSURE = "closure"  # pulled in by a runtime Requires of a package already in the image
REMOVED = "removed"  # listed by a delete or uninstall section
IGNORED = "ignored"  # listed by <ignore>: never installed
LISTED = "listed"  # a namedCollection, archive, collectionModule or product: named, not expanded
ROLES = (DIRECT, CLOSURE, REMOVED, IGNORED, LISTED)
IN_IMAGE = (DIRECT, CLOSURE)


@dataclass(frozen=True, slots=True)
class ReleaseBinary:
    component: str
    identity: BinaryIdentity
    channel: str


@dataclass(slots=True)
class ImagePackageRecord:
    name: str  # as the description lists it, or the binary package a requirement resolved to
    role: str  # one of ROLES
    kind: str  # the KIWI element (package, namedCollection, archive, ...); "package" for the closure
    binary: str = ""  # the release's binary package it resolved to; "" when unresolved
    component: str = ""  # its source component
    channel: str = ""  # its publish channel (package configuration)
    sections: list[str] = field(default_factory=list)  # image, bootstrap, delete, ... (direct, removed)
    profiles: list[str] = field(default_factory=list)  # the profiles of those sections; empty: every profile
    arches: list[str] = field(default_factory=list)  # empty: every architecture
    required_by: str = ""  # closure: the binary package whose requirement pulled it in
    requirement: str = ""  # closure: that requirement as written
    unresolved: str = ""  # why the name resolves to no binary package of the release


@dataclass(slots=True)
class ImageRecord:
    name: str
    description: str
    definition: dict[str, Any]
    defined_in: str
    kiwi_path: str = ""
    profile: str = ""
    profiles: list[str] = field(default_factory=list)  # the profile and those it requires
    build_types: list[str] = field(default_factory=list)
    error: str = ""
    notes: list[str] = field(default_factory=list)
    packages: list[ImagePackageRecord] = field(default_factory=list)
    unresolved_requires: list[dict[str, str]] = field(default_factory=list)  # {package, requirement, reason}

    def count(self, *roles: str) -> int:
        return sum(1 for p in self.packages if p.role in roles)


ImageSelection = tuple[ImageRecord, Selection | None]  # None: the record's error says why there is none


def image_selections(tree: RepoTree, definitions: Iterable[tuple[str, Mapping[str, Any], str]]) -> list[ImageSelection]:
    """One record per (name, images.toml table, file it is defined in), in the given order, with what the tree says
    of it (its KIWI description), before the release's packages are known: fill_images completes them."""
    descriptions: dict[str, bytes | str] = {}  # KIWI path -> bytes, or the error reading it
    found: list[ImageSelection] = []
    for name, data, defined_in in definitions:
        definition = dict(data.get("definition", {}))
        record = ImageRecord(name, str(data.get("description", "")), definition, defined_in)
        try:
            found.append((record, _selection(tree, record, descriptions)))
        except (KiwiError, TreeError) as exc:
            record.error = str(exc)
            found.append((record, None))
    return found


def fill_images(selections: list[ImageSelection], binaries: Iterable[ReleaseBinary],
                package_groups: Mapping[str, tuple[str, str]] | None = None,
                unresolved_components: Mapping[str, str] | None = None) -> list[ImageRecord]:
    """The records of image_selections, each with its packages and their Requires closure over the release's
    binary packages. `package_groups`: binary name -> (package group, channel) of the package configuration;
    `unresolved_components`: source components without binary packages -> why (their identity)."""
    by_key = {(b.component, b.identity.name): b for b in binaries}
    index = ProviderIndex((c, n, (*b.identity.provides, *_isa_provides(b.identity))) for (c, n), b in by_key.items())
    for record, selection in selections:
        if selection is not None:
            _Closure(record, index, by_key, package_groups or {}, unresolved_components or {}).fill(selection)
    return [record for record, _ in selections]


# rpm's `%{_isa}` suffix per architecture: rpmbuild gives every arch-specific package `Provides: name(isa)`,
# which specs require as `%{name}-libs%{?_isa} = %{version}-%{release}`.
ISA = {"x86_64": "x86-64", "aarch64": "aarch-64"}


def _isa_provides(binary: BinaryIdentity) -> tuple[str, ...]:
    """The provides rpmbuild adds from the name and architecture alone: `name(x86-64)` for an x86_64 package."""
    isa = ISA.get(binary.arch)
    return (f"{binary.name}({isa})",) if isa else ()


def _selection(tree: RepoTree, record: ImageRecord, descriptions: dict[str, bytes | str]) -> Selection:
    definition = record.definition
    if definition.get("type") != "kiwi":
        raise KiwiError(f"image {record.name}: definition type {definition.get('type')!r} is not read (only kiwi)")
    raw_path, profile = definition.get("path"), definition.get("profile", "")
    if not isinstance(raw_path, str) or not raw_path or not isinstance(profile, str):
        raise KiwiError(f"image {record.name}: the definition needs a path (and a profile, if any) as strings")
    path = normalize(raw_path, base=posixpath.dirname(record.defined_in))
    record.kiwi_path, record.profile = path, profile
    if path not in descriptions:
        try:
            descriptions[path] = tree.read_bytes(check_readable(tree.entries(), path, tree.max_file_bytes).path)
        except TreeError as exc:
            descriptions[path] = f"{exc}"
    data = descriptions[path]
    if isinstance(data, str):
        raise KiwiError(f"image {record.name}: {data}")
    description = parse_kiwi(data, path)
    selection = description.select(profile)
    record.profiles, record.build_types = list(selection.profiles), list(selection.build_types)
    record.notes = list(description.notes)
    return selection


class _Closure:
    """Fills one record: the direct packages, then their requirements breadth first."""

    def __init__(self, record: ImageRecord, index: ProviderIndex, by_key: dict[PackageKey, ReleaseBinary],
                 package_groups: Mapping[str, tuple[str, str]], unresolved_components: Mapping[str, str]) -> None:
        self.record, self.index, self.by_key, self.package_groups = record, index, by_key, package_groups
        self.unresolved_components = unresolved_components
        self.rows: dict[tuple[str, str], ImagePackageRecord] = {}  # (role group, name) -> row
        self.in_image: dict[PackageKey, ImagePackageRecord] = {}

    def fill(self, selection: Selection) -> None:
        for item in selection.installed():
            self._listed(item, DIRECT if item.kind == "package" else LISTED)
        ignored = {item.name for item in selection.ignored()}
        for item in selection.ignored():
            self._listed(item, IGNORED)
        queue = list(self.in_image)
        unresolved: dict[tuple[str, str], str] = {}
        while queue:
            key = queue.pop(0)
            for text in self.by_key[key].identity.requires:
                found = self.index.resolve(text)
                if found.target is None:
                    unresolved.setdefault((key[1], text), found.reason)
                elif found.target[1] in ignored:
                    unresolved.setdefault((key[1], text), f"resolves to {found.target[1]}, which the description ignores")
                elif found.target not in self.in_image:
                    row = self._resolved_row(found.target, CLOSURE, "package", found.target[1])
                    row.required_by, row.requirement = key[1], text
                    self.in_image[found.target] = row
                    self.rows[(CLOSURE, found.target[1])] = row
                    queue.append(found.target)
        for item in selection.removed():
            self._removed(item)
        rows = {id(row): row for row in self.rows.values()}  # a package listed under two names is one row
        self.record.packages = sorted(rows.values(), key=lambda r: (ROLES.index(r.role), r.name))
        self.record.unresolved_requires = [
            {"package": package, "requirement": text, "reason": reason} for (package, text), reason in sorted(unresolved.items())
        ]

    def _resolved_row(self, key: PackageKey, role: str, kind: str, name: str) -> ImagePackageRecord:
        binary = self.by_key[key]
        return ImagePackageRecord(name, role, kind, binary=key[1], component=key[0], channel=binary.channel)

    def _listed(self, item: KiwiItem, role: str) -> None:
        row = self.rows.get((role, item.name))
        if row is None:
            row = self._new_row(item, role)
            self.rows[(role, item.name)] = row
        if not row.sections:
            row.arches = list(item.arches)
        elif row.arches and item.arches:
            row.arches = _union(row.arches, item.arches)
        else:
            row.arches = []  # one of its listings applies to every architecture
        _merge(row.sections, [item.section])
        _merge(row.profiles, list(item.profiles))

    def _new_row(self, item: KiwiItem, role: str) -> ImagePackageRecord:
        if item.kind not in ("package", "ignore"):
            return ImagePackageRecord(item.name, role, item.kind,
                                      unresolved=f"a KIWI {item.kind}: named by the description, its contents are not listed")
        found = self.index.resolve(item.name)
        if found.target is None:
            return ImagePackageRecord(item.name, role, item.kind, unresolved=self._why_not(item.name, found.reason))
        if role == DIRECT and found.target in self.in_image:
            return self.in_image[found.target]  # listed twice under two names (a name and a Provides)
        row = self._resolved_row(found.target, role, item.kind, item.name)
        if role == DIRECT:
            self.in_image[found.target] = row
        return row

    def _removed(self, item: KiwiItem) -> None:
        self._listed(item, REMOVED)
        found = self.index.resolve(item.name)
        if found.target is not None and found.target in self.in_image:
            row = self.in_image.pop(found.target)
            self.rows.pop((row.role, row.name), None)

    def _why_not(self, name: str, reason: str) -> str:
        if name in self.unresolved_components:
            return f"component {name} has no resolved binary packages ({self.unresolved_components[name]})"
        if name in self.package_groups:
            group = self.package_groups[name][0]
            return f"listed in package group {group}, but no expanded spec of the release builds it ({reason})"
        return reason


def _merge(values: list[str], more: list[str]) -> None:
    values.extend(v for v in more if v not in values)


def _union(values: list[str], more: tuple[str, ...]) -> list[str]:
    return [*values, *(v for v in more if v not in values)]
