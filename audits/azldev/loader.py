"""Load an azldev project from a repository tree.

Follows the azldev configuration reference: depth-first `includes` resolved
relative to the including file, strict-union maps for components, component
groups and images, field-level merge for distros/project/tools, and
schema validation of every file. Errors name the file and the key.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
import posixpath
import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator

from . import schema
from .tree import RepoTree, TreeError, glob, has_glob, normalize, read_text, resolve

ROOT_FILE = "azldev.toml"
MAX_INCLUDE_DEPTH = 32
MAX_CONFIG_FILES = 20_000
MAX_CONFIG_BYTES = 4 * 1024 * 1024

STRICT_UNION_SECTIONS = ("components", "component-groups", "images", "package-groups", "test-suites")
FIELD_MERGE_SECTIONS = ("project", "tools", "default-component-config", "default-package-config", "resources")


class ConfigError(ValueError):
    """A configuration problem, reported with the file (and key) it comes from."""

    def __init__(self, file: str, message: str, key: str = ""):
        self.file = file
        self.key = key
        self.message = message
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {message}")


@dataclass
class Definition:
    """One named table (component, group, image...) and the file that defines it."""

    name: str
    data: dict[str, Any]
    file: str

    @property
    def base_dir(self) -> str:
        return posixpath.dirname(self.file)


@dataclass
class Project:
    files: list[str] = field(default_factory=list)
    file_texts: dict[str, str] = field(default_factory=dict)
    project: dict[str, Any] = field(default_factory=dict)
    project_file: str = ROOT_FILE  # the file that set rendered-specs-dir (paths are relative to it)
    distros: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_component_config: dict[str, Any] = field(default_factory=dict)
    default_component_config_file: str = ""
    # (distro, version) -> the file that last set that version's default-component-config
    distro_config_files: dict[tuple[str, str], str] = field(default_factory=dict)
    default_package_config: dict[str, Any] = field(default_factory=dict)
    components: dict[str, Definition] = field(default_factory=dict)
    component_groups: dict[str, Definition] = field(default_factory=dict)
    images: dict[str, Definition] = field(default_factory=dict)
    package_groups: dict[str, Definition] = field(default_factory=dict)
    test_suites: dict[str, Definition] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def default_distro(self) -> tuple[str, str]:
        ref = self.project.get("default-distro") or {}
        name = ref.get("name", "")
        if not name:
            raise ConfigError(self.project_file, "no default distro is configured", "project.default-distro")
        distro = self.distros.get(name)
        if distro is None:
            raise ConfigError(self.project_file, f"default distro {name!r} is not defined", "project.default-distro.name")
        version = ref.get("version") or distro.get("default-version", "")
        if version not in distro.get("versions", {}):
            raise ConfigError(
                self.project_file, f"default distro {name!r} has no version {version!r}", "project.default-distro.version"
            )
        return name, version

    def distro_version(self, name: str, version: str) -> dict[str, Any]:
        distro = self.distros.get(name, {})
        versions: dict[str, dict[str, Any]] = distro.get("versions", {})
        return versions.get(version or distro.get("default-version", ""), {})

    @property
    def rendered_specs_dir(self) -> str:
        value = self.project.get("rendered-specs-dir", "")
        if not value:
            return ""
        return normalize(value, base=posixpath.dirname(self.project_file))

    def rendered_spec_dir(self, component: str) -> str:
        root = self.rendered_specs_dir
        return posixpath.join(root, component[:1].lower(), component) if root else ""


_PARSED: ContextVar[dict[bytes, bytes] | None] = ContextVar("pedigree_parsed_toml", default=None)


@contextmanager
def cached_parses(cache: dict[bytes, bytes]) -> Iterator[None]:
    """Within the block, config files whose text was parsed before (into `cache`) are not parsed again:
    the history ingest loads nearly the same files at every commit. Parses are kept pickled, so every
    caller gets its own copy (the loader may build on what it is given)."""
    token = _PARSED.set(cache)
    try:
        yield
    finally:
        _PARSED.reset(token)


def _loads(text: str) -> dict[str, Any]:
    cache = _PARSED.get()
    if cache is None:
        return tomllib.loads(text)
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    kept = cache.get(key)
    if kept is not None:
        data: dict[str, Any] = pickle.loads(kept)
        return data
    parsed = tomllib.loads(text)
    cache[key] = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    return parsed


def parse_toml(tree: RepoTree, path: str, *, max_bytes: int = MAX_CONFIG_BYTES) -> tuple[dict[str, Any], str]:
    """Parse one config file, turning every failure into a ConfigError naming it."""
    try:
        entry = tree.entries().get(resolve(tree, path))
    except TreeError as exc:
        raise ConfigError(path, str(exc)) from None
    if entry is not None and entry.size > max_bytes:
        raise ConfigError(path, f"file is too large ({entry.size} bytes; the limit is {max_bytes})")
    try:
        text = read_text(tree, path)
    except TreeError as exc:
        raise ConfigError(path, str(exc)) from None
    try:
        data = _loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"malformed TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(path, "malformed TOML: nesting is too deep") from None
    return data, text


def load_project(tree: RepoTree, root: str = ROOT_FILE) -> Project:
    """Load `root` and everything it includes into one validated Project."""
    project = Project()
    if root not in tree.entries():
        raise ConfigError(root, "the repository has no azldev root config file")
    _load_file(tree, root, project, stack=(), included_by={root: "(root)"})
    _check_merged_distros(project)
    _discover_spec_components(tree, project)
    return project


def _check_merged_distros(project: Project) -> None:
    for name, distro in project.distros.items():
        for version, body in distro.get("versions", {}).items():
            if not body.get("release-ver"):
                raise ConfigError(
                    project.files[0], "missing required key 'release-ver' after merging all files", f"distros.{name}.versions.{version}"
                )


def _load_file(tree: RepoTree, path: str, project: Project, stack: tuple[str, ...], included_by: dict[str, str]) -> None:
    if len(stack) >= MAX_INCLUDE_DEPTH:
        raise ConfigError(path, f"includes are nested deeper than {MAX_INCLUDE_DEPTH} levels")
    if len(project.files) >= MAX_CONFIG_FILES:
        raise ConfigError(path, f"more than {MAX_CONFIG_FILES} config files are included")
    data, text = parse_toml(tree, path)
    errors = list(schema.validate(data))
    if errors:
        raise ConfigError(path, str(errors[0]) + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    project.files.append(path)
    project.file_texts[path] = text
    _merge_file(path, data, project)
    base = posixpath.dirname(path)
    for pattern in data.get("includes", []):
        for child in _expand_include(tree, path, base, pattern):
            if child in stack or child == path:
                raise ConfigError(path, f"include cycle: {' -> '.join(stack + (path, child))}", "includes")
            if child in included_by:
                raise ConfigError(
                    path, f"{child} is already included by {included_by[child]}; a file may be included once", "includes"
                )
            included_by[child] = path
            _load_file(tree, child, project, stack + (path,), included_by)


def _expand_include(tree: RepoTree, path: str, base: str, pattern: str) -> list[str]:
    try:
        target = normalize(pattern, base=base)
    except TreeError as exc:
        raise ConfigError(path, str(exc), "includes") from None
    entries = tree.entries()
    if not has_glob(pattern):
        if target not in entries:
            raise ConfigError(path, f"included file {pattern!r} does not exist ({target})", "includes")
        return [target]
    try:
        return [p for p in glob(entries, pattern, base=base) if p.endswith(".toml")]
    except TreeError as exc:
        raise ConfigError(path, str(exc), "includes") from None


def _merge_file(path: str, data: dict[str, Any], project: Project) -> None:
    for section, attr in (
        ("components", project.components),
        ("component-groups", project.component_groups),
        ("images", project.images),
        ("package-groups", project.package_groups),
        ("test-suites", project.test_suites),
    ):
        for name, body in data.get(section, {}).items():
            if name in attr:
                raise ConfigError(
                    path, f"{section[:-1]} {name!r} is already defined in {attr[name].file}", f"{section}.{name}"
                )
            attr[name] = Definition(name, body, path)
    for name, body in data.get("distros", {}).items():
        merged = project.distros.setdefault(name, {})
        _merge_distro(merged, body)
        for version, vbody in body.get("versions", {}).items():
            if "default-component-config" in vbody:
                project.distro_config_files[(name, version)] = path
    if "project" in data:
        project.project = override_fields(project.project, data["project"])
        if "rendered-specs-dir" in data["project"]:
            project.project_file = path
    if "default-component-config" in data:
        project.default_component_config = merge_config(project.default_component_config, data["default-component-config"])
        project.default_component_config_file = project.default_component_config_file or path
    if "default-package-config" in data:
        project.default_package_config = override_fields(project.default_package_config, data["default-package-config"])


def _merge_distro(merged: dict[str, Any], body: dict[str, Any]) -> None:
    # Later non-empty fields override; `repos` is replaced; versions merge per version.
    for key, value in body.items():
        if key == "versions":
            versions = merged.setdefault("versions", {})
            for version, vbody in value.items():
                versions[version] = override_fields(versions.get(version, {}), vbody)
        elif not is_zero(value):
            merged[key] = value


def override_fields(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Field-level override for plain structs: non-empty values win, tables recurse."""
    result = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = override_fields(result[key], value)
        elif not is_zero(value):
            result[key] = value
    return result


def merge_config(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """azldev's component merge: tables recurse, arrays append, non-empty scalars override.

    `overlay-files` is the exception: a later layer's list replaces the inherited one
    (an explicit empty list disables inherited patterns).
    """
    result = dict(base)
    for key, value in update.items():
        current = result.get(key)
        if key == "overlay-files":
            result[key] = list(value)
        elif isinstance(value, dict) and isinstance(current, dict):
            result[key] = merge_config(current, value)
        elif isinstance(value, list) and isinstance(current, list):
            result[key] = current + list(value)
        elif not is_zero(value) or key not in result:
            result[key] = copy.deepcopy(value)
    return result


def is_zero(value: Any) -> bool:
    """Go's zero values: empty strings, false, 0 and empty containers never override."""
    return value in ("", False, 0, None) or (isinstance(value, (list, dict)) and not value)


def _discover_spec_components(tree: RepoTree, project: Project) -> None:
    """Component groups may create components from local spec files (`specs` globs)."""
    entries = tree.entries()
    for group in project.component_groups.values():
        patterns = group.data.get("specs", [])
        if not patterns:
            continue
        excluded = group.data.get("excluded-paths", [])
        try:
            excluded_paths = {p for pat in excluded for p in glob(entries, pat, base=group.base_dir)}
            matches = [p for pat in patterns for p in glob(entries, pat, base=group.base_dir)]
        except TreeError as exc:
            raise ConfigError(group.file, str(exc), f"component-groups.{group.name}.specs") from None
        members = list(group.data.get("components", []))
        for spec_path in matches:
            if spec_path in excluded_paths or not spec_path.endswith(".spec"):
                continue
            name = posixpath.basename(spec_path)[: -len(".spec")]
            if name in project.components:
                existing = project.components[name]
                raise ConfigError(
                    group.file,
                    f"spec {spec_path} defines component {name!r}, already defined in {existing.file}",
                    f"component-groups.{group.name}.specs",
                )
            # Paths in discovered components are relative to the spec's own directory.
            project.components[name] = Definition(
                name, {"spec": {"type": "local", "path": posixpath.basename(spec_path)}}, spec_path
            )
            members.append(name)
        group.data = {**group.data, "components": members}
