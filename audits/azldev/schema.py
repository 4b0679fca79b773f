"""The azldev configuration format as Pedigree understands it.

A compact declaration of every table, key and value type of an azldev config
file, written from the azldev configuration reference. Validation walks parsed
TOML against it and reports errors by file and dotted key path, so an auditor
sees `base/comps/x.comp.toml: components.x.overlays[2].tyep: unknown key`.

A test compares this declaration with the reference JSON schema, key by key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterator


@dataclass(frozen=True)
class Scalar:
    kind: type | tuple[type, ...]
    label: str
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Array:
    item: Any


@dataclass(frozen=True)
class MapOf:
    value: Any


@dataclass(frozen=True)
class Table:
    fields: dict[str, Any]
    required: tuple[str, ...] = ()
    name: str = ""


STRING = Scalar(str, "a string")
BOOL = Scalar(bool, "true or false")
DATETIME = Scalar((str, dt.datetime), "an RFC 3339 date-time")
STRINGS = Array(STRING)
HTTP_URL = Scalar(str, "an http(s) URL", pattern=r"^https?://\S+$")


def enum(*values: str) -> Scalar:
    return Scalar(str, "one of " + ", ".join(repr(v) for v in values), enum=values)


OVERLAY_TYPES = (
    "spec-add-tag", "spec-insert-tag", "spec-set-tag", "spec-update-tag", "spec-remove-tag",
    "spec-prepend-lines", "spec-append-lines", "spec-search-replace", "spec-remove-section",
    "spec-remove-subpackage", "patch-add", "patch-remove", "file-prepend-lines",
    "file-search-replace", "file-add", "file-remove", "file-rename",
)
OVERLAY_CATEGORIES = (
    "upstream-backport", "azl-pruning", "azl-compatibility", "azl-temp-workaround",
    "azl-branding-policy", "azl-disable-flaky-tests", "azl-disable-unsupported-tests",
    "azl-security-compliance", "azl-release-management", "azl-platform-adaptation",
)
UPSTREAM_STATUSES = ("upstreamed", "upstreamable", "needs-upstream-hook", "inapplicable", "unknown")
RELEASE_CALCULATIONS = ("auto", "autorelease", "static", "manual")

URL_REF = Table({"url": HTTP_URL}, required=("url",), name="URLRef")
OVERLAY_METADATA = Table(
    {
        "category": enum(*OVERLAY_CATEGORIES),
        "commits": Array(URL_REF),
        "bugs": Array(URL_REF),
        "upstream-status": enum(*UPSTREAM_STATUSES),
    },
    required=("category", "upstream-status"),
    name="OverlayMetadata",
)
OVERLAY_FIELDS = {
    "type": enum(*OVERLAY_TYPES),
    "description": STRING,
    "file": STRING,
    "archive": STRING,
    "section": STRING,
    "package": STRING,
    "tag": STRING,
    "value": STRING,
    "regex": STRING,
    "replacement": STRING,
    "lines": STRINGS,
    "source": STRING,
}
OVERLAY = Table({**OVERLAY_FIELDS, "metadata": OVERLAY_METADATA}, required=("type",), name="ComponentOverlay")
DISTRO_REFERENCE = Table(
    {"name": STRING, "version": STRING, "snapshot": DATETIME}, required=("name",), name="DistroReference"
)
SPEC_SOURCE = Table(
    {
        "type": enum("local", "upstream", ""),
        "path": STRING,
        "upstream-distro": DISTRO_REFERENCE,
        "upstream-name": STRING,
        "upstream-commit": Scalar(
            str, "a 7-40 character hex commit id", pattern=r"^[0-9a-fA-F]+$", min_length=7, max_length=40
        ),
    },
    required=("type",),
    name="SpecSource",
)
ORIGIN = Table(
    {
        "type": enum("download", "custom", "overlay"),
        "uri": STRING,
        "script": STRING,
        "mock-packages": STRINGS,
        "inputs": STRINGS,
    },
    required=("type",),
    name="Origin",
)
SOURCE_FILE = Table(
    {
        "filename": STRING,
        "hash": STRING,
        "hash-type": enum("SHA256", "SHA512"),
        "origin": ORIGIN,
        "replace-upstream": BOOL,
        "replace-reason": STRING,
    },
    required=("filename",),
    name="SourceFileReference",
)
BUILD = Table(
    {
        "with": STRINGS,
        "without": STRINGS,
        "defines": MapOf(STRING),
        "undefines": STRINGS,
        "emit-upstream-provenance": BOOL,
        "check": Table({"skip": BOOL, "skip_reason": STRING}, name="CheckConfig"),
        "failure": Table({"expected": BOOL, "expected-reason": STRING}, name="ComponentBuildFailureConfig"),
        "hints": Table({"expensive": BOOL}, name="ComponentBuildHints"),
    },
    name="ComponentBuildConfig",
)
PACKAGE_CONFIG = Table(
    {"publish": Table({"rpm-channel": STRING, "debuginfo-channel": STRING, "channel": STRING}, name="PackagePublishConfig")},
    name="PackageConfig",
)
COMPONENT = Table(
    {
        "spec": SPEC_SOURCE,
        "release": Table({"calculation": enum(*RELEASE_CALCULATIONS)}, name="ReleaseConfig"),
        "overlays": Array(OVERLAY),
        "overlay-files": STRINGS,
        "build": BUILD,
        "render": Table({"skip-file-filter": BOOL}, name="ComponentRenderConfig"),
        "source-files": Array(SOURCE_FILE),
        "packages": MapOf(PACKAGE_CONFIG),
        "publish": Table(
            {"rpm-channel": STRING, "srpm-channel": STRING, "debuginfo-channel": STRING}, name="ComponentPublishConfig"
        ),
    },
    name="ComponentConfig",
)
DISTRO_VERSION_INPUT = Table({"repo": STRING, "set": STRING}, name="DistroVersionInput")
DISTRO = Table(
    {
        "description": STRING,
        "default-version": STRING,
        "dist-git-base-uri": STRING,
        "lookaside-base-uri": STRING,
        "repos": Array(Table({"base-uri": STRING}, required=("base-uri",), name="PackageRepository")),
        "disable-origins": BOOL,
        "versions": MapOf(
            Table(
                {
                    "description": STRING,
                    "release-ver": STRING,
                    "dist-git-branch": STRING,
                    "default-component-config": COMPONENT,
                    "mock-config": STRING,
                    "mock-config-x86_64": STRING,
                    "mock-config-aarch64": STRING,
                    "inputs": Table(
                        {"rpm-build": Array(DISTRO_VERSION_INPUT), "image-build": Array(DISTRO_VERSION_INPUT)},
                        name="DistroVersionInputs",
                    ),
                },
                required=("release-ver",),
                name="DistroVersionDefinition",
            )
        ),
    },
    name="DistroDefinition",
)
COMPONENT_GROUP = Table(
    {
        "description": STRING,
        "metadata": OVERLAY_METADATA,
        "components": STRINGS,
        "specs": STRINGS,
        "excluded-paths": STRINGS,
        "default-component-config": COMPONENT,
    },
    name="ComponentGroupConfig",
)
REPO_URL = Scalar(str, "an http(s) URL", pattern=r"^https?://[^\s]+$")
RESOURCES = Table(
    {
        "rpm-repos": MapOf(
            Table(
                {
                    "description": STRING,
                    "type": enum("rpm-md"),
                    "base-uri": REPO_URL,
                    "metalink": REPO_URL,
                    "disable-gpg-check": BOOL,
                    "gpg-key": Scalar(str, "a URL or path", pattern=r"^((https?|file)://\S+|[^\s:]\S*)$"),
                    "arches": STRINGS,
                },
                name="RpmRepoResource",
            )
        ),
        "rpm-repo-set-templates": MapOf(
            Table(
                {
                    "description": STRING,
                    "subrepos": Array(
                        Table(
                            {"name": STRING, "subpath": STRING, "kind": enum("binary", "debug", "source")},
                            required=("name", "subpath"),
                            name="SubrepoSpec",
                        )
                    ),
                },
                required=("subrepos",),
                name="RpmRepoSetTemplate",
            )
        ),
        "rpm-repo-sets": MapOf(
            Table(
                {
                    "description": STRING,
                    "template": STRING,
                    "base-uri": REPO_URL,
                    "name-prefix": STRING,
                    "gpg-key": Scalar(str, "a path or URL without spaces", pattern=r"^\S+$"),
                    "disable-gpg-check": BOOL,
                    "arches": STRINGS,
                    "subrepos": STRINGS,
                },
                required=("template", "base-uri"),
                name="RpmRepoSet",
            )
        ),
    },
    name="ResourcesConfig",
)
IMAGE = Table(
    {
        "description": STRING,
        "definition": Table({"type": STRING, "path": STRING, "profile": STRING}, name="ImageDefinition"),
        "capabilities": Table(
            {"machine-bootable": BOOL, "container": BOOL, "systemd": BOOL, "runtime-package-management": BOOL},
            name="ImageCapabilities",
        ),
        "tests": Table(
            {"test-suites": Array(Table({"name": STRING}, required=("name",), name="TestSuiteRef"))},
            name="ImageTestsConfig",
        ),
        "publish": Table({"channels": STRINGS}, name="ImagePublishConfig"),
    },
    name="ImageConfig",
)
TEST_SUITE = Table(
    {
        "description": STRING,
        "type": enum("pytest", "lisa"),
        "pytest": Table(
            {
                "working-dir": STRING,
                "test-paths": STRINGS,
                "extra-args": STRINGS,
                "install": enum("pyproject", "requirements", "none"),
            },
            name="PytestConfig",
        ),
        "lisa": Table(
            {
                "framework": Table({"git-url": STRING, "ref": STRING}, required=("git-url", "ref"), name="GitSourceConfig"),
                "test-cases": STRINGS,
                "pip-pre-install": STRINGS,
                "pip-extras": STRINGS,
                "extra-args": STRINGS,
            },
            required=("framework", "test-cases"),
            name="LisaConfig",
        ),
    },
    required=("type",),
    name="TestSuiteConfig",
)
CONFIG_FILE = Table(
    {
        "$schema": STRING,
        "project": Table(
            {
                "description": STRING,
                "log-dir": STRING,
                "work-dir": STRING,
                "output-dir": STRING,
                "rendered-specs-dir": STRING,
                "lock-dir": STRING,
                "default-distro": DISTRO_REFERENCE,
                "default-author-email": STRING,
            },
            name="ProjectInfo",
        ),
        "includes": STRINGS,
        "distros": MapOf(DISTRO),
        "resources": RESOURCES,
        "component-groups": MapOf(COMPONENT_GROUP),
        "components": MapOf(COMPONENT),
        "images": MapOf(IMAGE),
        "tools": Table({"imageCustomizer": Table({"containerTag": STRING}, name="ImageCustomizerConfig")}, name="ToolsConfig"),
        "default-component-config": COMPONENT,
        "default-package-config": PACKAGE_CONFIG,
        "package-groups": MapOf(
            Table(
                {"description": STRING, "packages": STRINGS, "default-package-config": PACKAGE_CONFIG},
                name="PackageGroupConfig",
            )
        ),
        "test-suites": MapOf(TEST_SUITE),
    },
    name="ConfigFile",
)
# A per-file overlay document: one file-level [metadata] and its [[overlays]];
# per-overlay metadata is not allowed there.
OVERLAY_FILE = Table(
    {"metadata": OVERLAY_METADATA, "overlays": Array(Table(OVERLAY_FIELDS, required=("type",), name="ComponentOverlay"))},
    required=("metadata", "overlays"),
    name="OverlayFile",
)


@dataclass(frozen=True)
class SchemaError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(top level)'}: {self.message}"


def _key_path(base: str, key: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_-]+", key):
        return f"{base}.{key}" if base else key
    return f'{base}."{key}"' if base else f'"{key}"'


# Distro versions may be split across files and merged, so their required keys
# are checked on the merged result (see loader), not per file.
MERGED_ACROSS_FILES = frozenset({"DistroVersionDefinition"})


def validate(data: Any, spec: Any = CONFIG_FILE, path: str = "") -> Iterator[SchemaError]:
    """Yield every mismatch between parsed TOML and the declared format."""
    if isinstance(spec, Table):
        if not isinstance(data, dict):
            yield SchemaError(path, f"expected a table, found {_describe(data)}")
            return
        for key, value in data.items():
            sub = _key_path(path, key)
            if key not in spec.fields:
                known = ", ".join(sorted(spec.fields))
                yield SchemaError(sub, f"unknown key {key!r} (allowed here: {known})")
                continue
            yield from validate(value, spec.fields[key], sub)
        for key in () if spec.name in MERGED_ACROSS_FILES else spec.required:
            if key not in data:
                yield SchemaError(path, f"missing required key {key!r}")
    elif isinstance(spec, MapOf):
        if not isinstance(data, dict):
            yield SchemaError(path, f"expected a table, found {_describe(data)}")
            return
        for key, value in data.items():
            yield from validate(value, spec.value, _key_path(path, key))
    elif isinstance(spec, Array):
        if not isinstance(data, list):
            yield SchemaError(path, f"expected an array, found {_describe(data)}")
            return
        for i, item in enumerate(data):
            yield from validate(item, spec.item, f"{path}[{i}]")
    elif isinstance(spec, Scalar):
        yield from _validate_scalar(data, spec, path)
    else:  # pragma: no cover - declaration bug
        raise TypeError(f"unknown schema node {spec!r}")


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _validate_scalar(data: Any, spec: Scalar, path: str) -> Iterator[SchemaError]:
    # bool is a subclass of int in Python; keep them apart like TOML does.
    if not isinstance(data, spec.kind) or (spec.kind is not bool and isinstance(data, bool)):
        yield SchemaError(path, f"expected {spec.label}, found {_describe(data)}")
        return
    if isinstance(data, dt.datetime) and spec is DATETIME and data.tzinfo is None:
        yield SchemaError(path, f"{data.isoformat()} has no UTC offset; {spec.label} needs one")
    if not isinstance(data, str):
        return
    if spec.enum and data not in spec.enum:
        yield SchemaError(path, f"{data!r} is not {spec.label}")
    if spec.pattern and not re.search(spec.pattern, data):
        yield SchemaError(path, f"{data!r} is not {spec.label}")
    if spec.min_length is not None and len(data) < spec.min_length:
        yield SchemaError(path, f"{data!r} is shorter than {spec.min_length} characters")
    if spec.max_length is not None and len(data) > spec.max_length:
        yield SchemaError(path, f"{data!r} is longer than {spec.max_length} characters")
    if spec is DATETIME and not RFC3339.match(data):
        yield SchemaError(path, f"{data!r} is not {spec.label}")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"the string {value[:60]!r}"
    return f"{type(value).__name__} {value!r}"[:80]
