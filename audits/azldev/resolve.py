"""Resolve each component's effective configuration, remembering where every part came from.

Layers, later winning (azldev's inheritance order): the default distro version's
`default-component-config`, the project's `default-component-config`, the
`default-component-config` of each group the component belongs to (alphabetical),
then the component's own table. Merging mirrors azldev: tables merge key by key,
non-empty scalars override, arrays append, `overlay-files` replaces. Per-file
overlay documents are loaded after resolution and appended to the inline ones.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from . import schema
from .archives import is_archive_name
from .loader import ConfigError, Definition, Project, is_zero, merge_config, parse_toml
from .re2 import Re2Pattern, RegexError
from .tree import RepoTree, TreeError, glob, has_glob, normalize

DISTRO_LAYER = "distro"
PROJECT_LAYER = "project"
COMPONENT_LAYER = "component"
OVERLAY_FILE_LAYER = "overlay-file"


def group_layer(name: str) -> str:
    return f"group:{name}"


@dataclass(frozen=True)
class Layer:
    label: str  # "distro", "project", "group:<name>", "component"
    file: str  # the file that defines this layer's table
    config: dict[str, Any]


@dataclass
class Overlay:
    """One overlay of a component's effective, ordered overlay list."""

    position: int
    type: str
    fields: dict[str, Any]  # every overlay key except metadata, exactly as written
    metadata: dict[str, Any] | None
    defined_in: str  # file holding the overlay table
    layer: str  # which configuration layer contributed it
    source_path: str = ""  # repository path of `source` (patch-add / file-add), resolved

    @property
    def description(self) -> str:
        description: str = self.fields.get("description", "")
        return description


@dataclass
class ResolvedComponent:
    name: str
    defined_in: str
    groups: list[str]
    config: dict[str, Any]  # the merged configuration (overlays listed separately)
    overlays: list[Overlay]
    overlay_files: list[str]
    provenance: dict[str, str]  # dotted key -> layer label that set it last
    files: list[str] = field(default_factory=list)  # every repository file this component's config reads


def _record_provenance(provenance: dict[str, str], config: dict[str, Any], label: str, prefix: str = "") -> None:
    for key, value in config.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and key not in ("defines",):
            _record_provenance(provenance, value, label, path)
        elif isinstance(value, dict):  # macro maps: one entry per macro
            for macro in value:
                provenance[f"{path}.{macro}"] = label
        elif key == "overlay-files":  # replaced, not appended, by a later layer
            provenance[path] = label
        elif isinstance(value, list):
            if value:
                previous = provenance.get(path)
                provenance[path] = label if previous in (None, label) else f"{previous}+{label}"
        elif not is_zero(value):
            provenance[path] = label


def component_layers(project: Project, definition: Definition, groups: list[str]) -> list[Layer]:
    distro_name, version = project.default_distro
    distro_version = project.distro_version(distro_name, version)
    layers = [
        Layer(
            DISTRO_LAYER,
            project.distro_config_files.get((distro_name, version), ""),
            distro_version.get("default-component-config", {}),
        ),
        Layer(PROJECT_LAYER, project.default_component_config_file, project.default_component_config),
    ]
    for name in sorted(groups):
        group = project.component_groups[name]
        layers.append(Layer(group_layer(name), group.file, group.data.get("default-component-config", {})))
    layers.append(Layer(COMPONENT_LAYER, definition.file, definition.data))
    return layers


def group_memberships(project: Project) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for group in project.component_groups.values():
        for component in group.data.get("components", []):
            if component not in project.components:
                project.warnings.append(
                    f"{group.file}: component-groups.{group.name}.components lists {component!r}, which is not defined"
                )
                continue
            members.setdefault(component, []).append(group.name)
    return members


def resolve_components(project: Project, tree: RepoTree) -> list[ResolvedComponent]:
    """Every component of the project, resolved, in name order."""
    for group in project.component_groups.values():
        if group.data.get("metadata"):
            _validate_metadata(group.data["metadata"], group.file, f"component-groups.{group.name}.metadata")
    memberships = group_memberships(project)
    overlay_file_cache: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    return [
        resolve_component(project, tree, project.components[name], memberships.get(name, []), overlay_file_cache)
        for name in sorted(project.components)
    ]


def resolve_component(
    project: Project,
    tree: RepoTree,
    definition: Definition,
    groups: list[str],
    overlay_file_cache: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] | None = None,
) -> ResolvedComponent:
    layers = component_layers(project, definition, groups)
    merged: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    overlays: list[Overlay] = []
    files = [definition.file]
    for layer in layers:
        if layer.file and layer.file not in files and layer.label != DISTRO_LAYER:
            files.append(layer.file)
        for raw in layer.config.get("overlays", []):
            overlays.append(_make_overlay(len(overlays), raw, raw.get("metadata"), layer.file, layer.label, definition))
        body = {k: v for k, v in layer.config.items() if k != "overlays"}
        merged = merge_config(merged, body)
        _record_provenance(provenance, body, layer.label)
    where = f"components.{definition.name}"
    patterns = merged.pop("overlay-files", [])
    matched = _match_overlay_files(tree, definition, patterns) if patterns else []
    cache = overlay_file_cache if overlay_file_cache is not None else {}
    for path in matched:
        if path not in cache:
            cache[path] = _load_overlay_file(tree, path)
        files.append(path)
        for raw, metadata in cache[path]:
            overlays.append(_make_overlay(len(overlays), raw, metadata, path, OVERLAY_FILE_LAYER, definition))
    for overlay in overlays:
        if overlay.source_path and overlay.source_path not in files:
            files.append(overlay.source_path)
    _validate_resolved(merged, overlays, definition, where)
    spec = merged.get("spec", {})
    if spec.get("type") == "local" and spec.get("path"):
        spec_path = _repo_path(definition, spec["path"], f"{where}.spec.path")
        merged["spec"] = {**spec, "path": spec_path}
        files.append(spec_path)
    return ResolvedComponent(
        name=definition.name,
        defined_in=definition.file,
        groups=sorted(groups),
        config=merged,
        overlays=overlays,
        overlay_files=matched,
        provenance=provenance,
        files=files,
    )


def _repo_path(definition: Definition, value: str, key: str) -> str:
    try:
        return normalize(value, base=definition.base_dir)
    except TreeError as exc:
        raise ConfigError(definition.file, str(exc), key) from None


def _make_overlay(
    position: int, raw: dict[str, Any], metadata: dict[str, Any] | None, file: str, layer: str, definition: Definition
) -> Overlay:
    fields = {k: v for k, v in raw.items() if k != "metadata"}
    source_path = ""
    if fields.get("source"):
        try:
            source_path = normalize(fields["source"], base=posixpath.dirname(file))
        except TreeError as exc:
            raise ConfigError(file, f"overlay {position + 1} of {definition.name}: {exc}", "source") from None
    return Overlay(position, fields["type"], fields, metadata, file, layer, source_path)


def _match_overlay_files(tree: RepoTree, definition: Definition, patterns: list[str]) -> list[str]:
    ordered: list[str] = []
    entries = tree.entries()
    for pattern in patterns:
        try:
            if not has_glob(pattern):
                target = normalize(pattern, base=definition.base_dir)
                if target not in entries:
                    raise ConfigError(definition.file, f"overlay file {pattern!r} does not exist", "overlay-files")
                matches = [target]
            else:
                matches = glob(entries, pattern, base=definition.base_dir)
        except TreeError as exc:
            raise ConfigError(definition.file, str(exc), f"components.{definition.name}.overlay-files") from None
        # azldev order: by file name, then full path; first occurrence wins.
        for path in sorted(matches, key=lambda p: (posixpath.basename(p), p)):
            if path not in ordered:
                ordered.append(path)
    return ordered


def _load_overlay_file(tree: RepoTree, path: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    data, _ = parse_toml(tree, path)
    for overlay in data.get("overlays", []) if isinstance(data.get("overlays"), list) else []:
        if isinstance(overlay, dict) and "metadata" in overlay:
            raise ConfigError(
                path, "per-overlay metadata is not allowed in an overlay file; use the file-level [metadata]", "overlays"
            )
    errors = list(schema.validate(data, schema.OVERLAY_FILE))
    if errors:
        raise ConfigError(path, str(errors[0]))
    if not data["overlays"]:
        raise ConfigError(path, "overlay file declares no overlays", "overlays")
    _validate_metadata(data["metadata"], path, "metadata")
    return [(overlay, data["metadata"]) for overlay in data["overlays"]]


_SPEC_TAG_TYPES = {"spec-add-tag", "spec-insert-tag", "spec-set-tag", "spec-update-tag", "spec-remove-tag"}
_WHOLE_FILE_TYPES = {"spec-prepend-lines", "spec-append-lines", "spec-search-replace"}
_FILE_TYPES = {"file-prepend-lines", "file-search-replace", "file-add", "file-remove", "file-rename"}
_ARCHIVE_TYPES = {"file-remove", "file-search-replace"}


def validate_overlay(overlay: Overlay) -> str | None:
    """azldev's load-time rules for one overlay; returns the problem or None."""
    f = overlay.fields
    kind = overlay.type

    def need(key: str) -> str | None:
        value = f.get(key)
        return None if value not in (None, "", []) else f"overlay type {kind!r} requires the {key!r} field"

    if f.get("archive"):
        if kind not in _ARCHIVE_TYPES:
            return f"overlay type {kind!r} cannot target an archive"
        if "/" in f["archive"] or f["archive"] in (".", "..") or not is_archive_name(f["archive"]):
            return f"'archive' must be a source archive file name, found {f['archive']!r}"
    problem: str | None = None
    if kind in _SPEC_TAG_TYPES:
        problem = need("tag") or (None if kind == "spec-remove-tag" else need("value"))
    elif kind in ("spec-prepend-lines", "spec-append-lines"):
        problem = need("lines")
    elif kind == "spec-search-replace":
        problem = need("regex")
    elif kind == "spec-remove-section":
        problem = need("section")
    elif kind == "spec-remove-subpackage":
        problem = need("package") or ("overlay type 'spec-remove-subpackage' does not accept 'section'" if f.get("section") else None)
    elif kind == "patch-add":
        problem = need("source")
    elif kind == "patch-remove":
        problem = need("file")
    elif kind in _FILE_TYPES:
        problem = need("file")
        if not problem and kind == "file-prepend-lines":
            problem = need("lines")
        elif not problem and kind == "file-search-replace":
            problem = need("regex")
        elif not problem and kind == "file-add":
            problem = need("source")
        elif not problem and kind == "file-rename":
            problem = need("replacement")
            if not problem and "/" in f["replacement"]:
                problem = f"'replacement' of file-rename must be a file name, found {f['replacement']!r}"
    if problem:
        return problem
    if kind in _WHOLE_FILE_TYPES and f.get("package") and not f.get("section"):
        return f"overlay type {kind!r} requires 'section' when 'package' is set"
    file = f.get("file", "")
    if file.startswith("/") or file == ".." or file.startswith("../") or "/../" in file:
        return f"'file' must be a relative path inside the component, found {file!r}"
    if f.get("regex"):
        try:
            Re2Pattern(f["regex"])  # azldev's dialect is Go's RE2
        except RegexError as exc:
            return str(exc)
    return None


def _validate_metadata(metadata: dict[str, Any], file: str, key: str) -> None:
    if metadata.get("category") == "upstream-backport":
        if metadata.get("upstream-status") not in ("upstreamed", "upstreamable"):
            raise ConfigError(file, "upstream-backport overlays must be 'upstreamed' or 'upstreamable'", f"{key}.upstream-status")
        if not metadata.get("commits"):
            raise ConfigError(file, "upstream-backport overlays must list the upstream commits", f"{key}.commits")


def _validate_resolved(merged: dict[str, Any], overlays: list[Overlay], definition: Definition, where: str) -> None:
    for overlay in overlays:
        label = overlay.description or "(no description)"
        problem = validate_overlay(overlay)
        if problem:
            raise ConfigError(overlay.defined_in, f"{problem} — overlay {overlay.position + 1} of {definition.name}: {label}")
        if overlay.metadata is not None and overlay.layer != OVERLAY_FILE_LAYER:
            _validate_metadata(overlay.metadata, overlay.defined_in, f"{where}.overlays[{overlay.position}].metadata")
    build = merged.get("build", {})
    check = build.get("check", {})
    if check.get("skip") and not check.get("skip_reason"):
        raise ConfigError(definition.file, "a skipped %check needs a skip_reason", f"{where}.build.check.skip_reason")
    failure = build.get("failure", {})
    if failure.get("expected") and not failure.get("expected-reason"):
        raise ConfigError(definition.file, "an expected failure needs an expected-reason", f"{where}.build.failure")
    for i, source in enumerate(merged.get("source-files", [])):
        key = f"{where}.source-files[{i}]"
        filename = source.get("filename", "")
        if "/" in filename or filename in (".", ".."):
            raise ConfigError(definition.file, f"'filename' must be a file name, found {filename!r}", key)
        if source.get("hash") and not source.get("hash-type"):
            raise ConfigError(definition.file, "'hash' needs a 'hash-type'", key)
        if source.get("replace-upstream") and not source.get("replace-reason"):
            raise ConfigError(definition.file, "'replace-upstream' needs a 'replace-reason'", key)
        origin = source.get("origin", {})
        if origin.get("type") == "download" and not origin.get("uri"):
            raise ConfigError(definition.file, "a download origin needs a 'uri'", key)
    spec = merged.get("spec", {})
    if spec.get("type") == "local" and not spec.get("path"):
        raise ConfigError(definition.file, "a local spec needs a 'path'", f"{where}.spec.path")
