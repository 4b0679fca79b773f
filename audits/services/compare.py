"""Compare two releases component by component, and image by image (read-only; a handful of queries whatever
the size)."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..images import IN_IMAGE
from ..models import BinaryPackage, Component, ImagePackage, Overlay, Release

COMPARISON_COLUMNS = ("change", "component", "detail", "before", "after")


@dataclass(frozen=True)
class ComponentRef:
    name: str
    headline: str
    version: str


@dataclass(frozen=True)
class FieldChange:
    component: str
    before: str
    after: str
    detail: str = ""  # the overlay position, the provenance key, ...


@dataclass(frozen=True)
class PackageLicenseChange:
    """A binary package whose applicable License changed other than by its component's main License change."""

    component: str
    package: str
    before: str
    after: str
    detail: str = ""  # a side that is not valid SPDX


@dataclass(frozen=True)
class OverlayChange:
    component: str
    kind: str  # "added", "removed", "changed"
    position: int  # 1-based position in the release the overlay belongs to (new, or old for removed)
    type: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ImageChange:
    image: str
    kind: str  # "image added", "image removed", "package added", "package removed", "classification"
    package: str = ""  # the package name as the image holds it
    component: str = ""  # its source component, "" when unresolved
    before: str = ""  # the classification of its component, before and after
    after: str = ""


@dataclass
class Comparison:
    old: Release
    new: Release
    added: list[ComponentRef] = field(default_factory=list)
    removed: list[ComponentRef] = field(default_factory=list)
    classification_changes: list[FieldChange] = field(default_factory=list)
    version_changes: list[FieldChange] = field(default_factory=list)
    overlay_changes: list[OverlayChange] = field(default_factory=list)
    provenance_changes: list[FieldChange] = field(default_factory=list)
    license_changes: list[FieldChange] = field(default_factory=list)  # the main package's License
    package_license_changes: list[PackageLicenseChange] = field(default_factory=list)
    image_changes: list[ImageChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.classification_changes or self.version_changes
                    or self.overlay_changes or self.provenance_changes or self.license_changes
                    or self.package_license_changes or self.image_changes)

    def rows(self) -> Iterator[list[str]]:
        """Flat rows for COMPARISON_COLUMNS (CSV export)."""
        for c in self.added:
            yield ["component added", c.name, c.headline, "", c.version]
        for c in self.removed:
            yield ["component removed", c.name, c.headline, c.version, ""]
        for ch in self.classification_changes:
            yield ["classification", ch.component, "", ch.before, ch.after]
        for ch in self.version_changes:
            yield ["version", ch.component, "", ch.before, ch.after]
        for o in self.overlay_changes:
            yield [f"overlay {o.kind}", o.component, f"#{o.position} {o.type}", _dump(o.before), _dump(o.after)]
        for ch in self.provenance_changes:
            yield ["provenance", ch.component, ch.detail, ch.before, ch.after]
        for ch in self.license_changes:
            yield ["license", ch.component, ch.detail, ch.before, ch.after]
        for ch in self.package_license_changes:
            yield ["package license", ch.component, f"{ch.package}: {ch.detail}" if ch.detail else ch.package,
                   ch.before, ch.after]
        for im in self.image_changes:
            yield [f"image {im.kind}" if not im.kind.startswith("image") else im.kind, im.component,
                   f"{im.image}: {im.package}" if im.package else im.image, im.before, im.after]


def _dump(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _evr(row: dict[str, Any]) -> str:
    """The published epoch-version-release; an unresolved one shows as written, marked."""
    if row["identity_complete"]:
        vr = f"{row['version_expanded']}-{row['release_expanded']}"
        return f"{row['epoch']}:{vr}" if row["epoch"] else vr
    if not row["version"]:
        return ""
    return f"unresolved ({row['version']}-{row['release_tag']})"


_FIELDS = ("id", "name", "headline", "epoch", "version", "version_expanded", "release_tag", "release_expanded",
           "identity_complete", "provenance", "license", "license_expression__normalized")


def _license_change(name: str, a: tuple[str | None, str], b: tuple[str | None, str]) -> FieldChange | None:
    """A License change between two (normal form or ""/None when not valid, value as stated) pairs, compared in
    normal form when both are valid, else as stated with blank space collapsed; None when they are the same."""
    before, after = (normalized or " ".join(text.split()) for normalized, text in (a, b))
    if before == after:
        return None
    valid = (bool(a[0]), bool(b[0]))
    detail = "" if all(valid) else "as stated (not a valid SPDX expression)" if not any(valid) else \
        "before: not valid SPDX" if not valid[0] else "after: not valid SPDX"
    return FieldChange(name, before, after, detail)


def _main_license(row: dict[str, Any]) -> tuple[str | None, str]:
    return row["license_expression__normalized"], row["license"]


def _components(release: Release) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in Component.objects.filter(release=release).order_by().values(*_FIELDS)}


def _package_licenses(release: Release) -> dict[tuple[str, str], tuple[str | None, str]]:
    """(component, binary package) -> the License that applies to the package (normal form, as stated); one query."""
    rows = BinaryPackage.objects.filter(component__release=release).order_by().values_list(
        "component__name", "name", "license_expression__normalized", "license_expression__text")
    return {(component, name): (normalized, text or "") for component, name, normalized, text in rows}


def _package_license_changes(old: Release, new: Release, main: dict[str, FieldChange]) -> Iterator[PackageLicenseChange]:
    """Binary packages of both releases whose applicable License changed, unless the change is their component's
    main License change (`main`, by component) that they inherit or repeat."""
    before, after = _package_licenses(old), _package_licenses(new)
    for component, package in sorted(before.keys() & after.keys()):
        change = _license_change(component, before[component, package], after[component, package])
        inherited = main.get(component)
        if change is not None and (inherited is None or (inherited.before, inherited.after) != (change.before, change.after)):
            yield PackageLicenseChange(component, package, change.before, change.after, change.detail)


def _overlays(release: Release) -> dict[int, list[dict[str, Any]]]:
    by_component: dict[int, list[dict[str, Any]]] = {}
    rows = Overlay.objects.filter(component__release=release).order_by("component_id", "position")
    for component_id, kind, parameters in rows.values_list("component_id", "type", "parameters"):
        by_component.setdefault(component_id, []).append({"type": kind, "parameters": parameters})
    return by_component


def _key(overlay: dict[str, Any]) -> str:
    return json.dumps(overlay["parameters"], sort_keys=True)


def _overlay_changes(name: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterator[OverlayChange]:
    """Align the two overlay lists (order matters) and report what differs."""
    matcher = difflib.SequenceMatcher(a=[_key(o) for o in old], b=[_key(o) for o in new], autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(a1 - a0, b1 - b0) if op == "replace" else 0
        for i in range(pairs):
            before, after = old[a0 + i], new[b0 + i]
            if before["type"] == after["type"]:
                yield OverlayChange(name, "changed", b0 + i + 1, after["type"], before["parameters"], after["parameters"])
            else:
                yield OverlayChange(name, "removed", a0 + i + 1, before["type"], before["parameters"], None)
                yield OverlayChange(name, "added", b0 + i + 1, after["type"], None, after["parameters"])
        for i in range(a0 + pairs, a1):
            yield OverlayChange(name, "removed", i + 1, old[i]["type"], old[i]["parameters"], None)
        for i in range(b0 + pairs, b1):
            yield OverlayChange(name, "added", i + 1, new[i]["type"], None, new[i]["parameters"])


def _image_packages(release: Release) -> dict[str, dict[str, tuple[str, str]]]:
    """Image name -> its packages (listed and closure) -> (source component, its classification); one query."""
    images: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in release.images.values_list("name", flat=True)}
    rows = ImagePackage.objects.filter(image__release=release, role__in=IN_IMAGE).order_by()
    for image, name, component, headline in rows.values_list("image__name", "name", "component__name", "component__headline"):
        images[image][name] = (component or "", headline or "")
    return images


def _image_changes(old: Release, new: Release) -> Iterator[ImageChange]:
    """Images added or removed; in an image of both, packages added or removed and classification changes."""
    before, after = _image_packages(old), _image_packages(new)
    for image in sorted(after.keys() - before.keys()):
        yield ImageChange(image, "image added")
    for image in sorted(before.keys() - after.keys()):
        yield ImageChange(image, "image removed")
    for image in sorted(before.keys() & after.keys()):
        a, b = before[image], after[image]
        for name in sorted(b.keys() - a.keys()):
            yield ImageChange(image, "package added", name, b[name][0], "", b[name][1])
        for name in sorted(a.keys() - b.keys()):
            yield ImageChange(image, "package removed", name, a[name][0], a[name][1], "")
        for name in sorted(a.keys() & b.keys()):
            if a[name][1] != b[name][1]:
                yield ImageChange(image, "classification", name, b[name][0] or a[name][0], a[name][1], b[name][1])


def compare_releases(old: Release, new: Release) -> Comparison:
    """What changed from `old` to `new`: components, classifications, versions, overlays, provenance, License of
    the main package and of the binary packages (compared in SPDX normal form, so "GPL-2.0+" → "GPL-2.0-or-later"
    is no change)."""
    result = Comparison(old, new)
    before, after = _components(old), _components(new)
    old_overlays, new_overlays = _overlays(old), _overlays(new)
    for name in sorted(after.keys() - before.keys()):
        row = after[name]
        result.added.append(ComponentRef(name, row["headline"], _evr(row)))
    for name in sorted(before.keys() - after.keys()):
        row = before[name]
        result.removed.append(ComponentRef(name, row["headline"], _evr(row)))
    for name in sorted(before.keys() & after.keys()):
        a, b = before[name], after[name]
        if a["headline"] != b["headline"]:
            result.classification_changes.append(FieldChange(name, a["headline"], b["headline"]))
        if _evr(a) != _evr(b):
            result.version_changes.append(FieldChange(name, _evr(a), _evr(b)))
        result.overlay_changes.extend(_overlay_changes(name, old_overlays.get(a["id"], []), new_overlays.get(b["id"], [])))
        license_change = _license_change(name, _main_license(a), _main_license(b))
        if license_change is not None:
            result.license_changes.append(license_change)
        pa, pb = a["provenance"] or {}, b["provenance"] or {}
        if pa != pb:
            for key in sorted(pa.keys() | pb.keys()):
                if pa.get(key) != pb.get(key):
                    result.provenance_changes.append(FieldChange(name, pa.get(key, ""), pb.get(key, ""), key))
    main_changes = {change.component: change for change in result.license_changes}
    result.package_license_changes = list(_package_license_changes(old, new, main_changes))
    result.image_changes = list(_image_changes(old, new))
    return result
