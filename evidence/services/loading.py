"""Everything a bundle says about components, read in a fixed number of bulk queries (never one per
component), plus the JSON encoding and release header every bundle file shares."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce

from audits.models import (
    BinaryPackage,
    Component,
    ComponentCommit,
    ComponentReason,
    Inconsistency,
    Overlay,
    Release,
    RenderedSpec,
    SourceFileOverride,
    SourcesEntry,
    UpstreamVerification,
)


@dataclass
class ComponentData:
    row: dict[str, Any]
    reasons: list[dict] = field(default_factory=list)
    overlays: list[dict] = field(default_factory=list)
    sources_entries: list[dict] = field(default_factory=list)
    source_file_overrides: list[dict] = field(default_factory=list)
    binary_packages: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    inconsistencies: list[dict] = field(default_factory=list)
    spec: dict | None = None
    upstream: dict | None = None

    @property
    def name(self) -> str:
        return self.row["name"]


COMPONENT_FIELDS = (
    "id", "name", "defined_in", "groups", "headline", "verdict", "spec_origin", "spec_type", "upstream_distro",
    "upstream_version", "upstream_snapshot", "upstream_name", "upstream_commit", "dist_git_branch", "dist_git_url",
    "local_spec_path", "release_calculation", "render_options", "build", "check_skipped", "check_skip_reason",
    "resolved_config", "provenance", "config_files", "overlay_count", "source_file_count", "has_inconsistency",
    "render_failed", "spec_name", "epoch", "version", "release_tag", "version_expanded", "release_expanded",
    "license", "url", "summary",
)
COMMIT_FIELDS = ("sha", "author_name", "author_email", "authored_at", "committer_name", "committer_email",
                  "committed_at", "subject", "message")
_OVERLAY_FIELDS = ("position", "type", "description", "tag", "value", "section", "package", "regex", "replacement",
                   "lines", "file", "archive", "source", "source_path", "source_sha256", "category", "upstream_status",
                   "commits", "bugs", "defined_in", "layer", "parameters", "presence", "presence_reason")
UPSTREAM_FIELDS = ("verdict", "reason", "dist_git_url", "upstream_commit", "upstream_spec_sha256", "upstream_spec",
                    "declared_diff", "undeclared_diff", "fetched_at", "verified_at")
UPSTREAM_TEXTS = ("upstream_spec", "declared_diff", "undeclared_diff")  # files of their own, not JSON fields


def _group(rows: Iterable[dict], key: str = "component_id") -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row.pop(key)].append(row)
    return grouped


def load_components(release: Release, names: list[str] | None = None) -> list[ComponentData]:
    """Every fact of the chosen components (all when `names` is None), in a fixed number of queries."""
    components = Component.objects.filter(release=release)
    if names is not None:
        components = components.filter(name__in=names)
    rows = list(components.order_by("name").values(
        *COMPONENT_FIELDS,
        *(f"config_commit__{f}" for f in COMMIT_FIELDS), *(f"rendered_commit__{f}" for f in COMMIT_FIELDS),
    ))
    scope = Q(component__release=release) if names is None else Q(component_id__in=[r["id"] for r in rows])
    reasons = _group(ComponentReason.objects.filter(scope).order_by("id").values("component_id", "code", "text", "source"))
    overlays = _group(Overlay.objects.filter(scope).order_by("component_id", "position").values("component_id", *_OVERLAY_FIELDS))
    entries = _group(SourcesEntry.objects.filter(scope).order_by("id").values("component_id", "algorithm", "filename", "digest"))
    overrides = _group(SourceFileOverride.objects.filter(scope).order_by("id").values(
        "component_id", "filename", "hash", "hash_type", "origin_type", "origin", "replace_upstream", "replace_reason", "layer"))
    binaries = _group(BinaryPackage.objects.filter(scope).order_by("name").values("component_id", "name", "channel", "channel_source"))
    history = _group(ComponentCommit.objects.filter(scope).order_by("component_id", "position").values(
        "component_id", "position", "touched", *(f"commit__{f}" for f in COMMIT_FIELDS)))
    issues = _group(Inconsistency.objects.filter(scope).order_by("kind", "path").values("component_id", "kind", "path", "detail"))
    specs = {s["component_id"]: s for s in RenderedSpec.objects.filter(scope).values(
        "component_id", "path", "sha256", "size", "sources", "patches", "unexpanded_macros", "autorelease_number",
        text=F("blob__text"))}
    upstream: dict[int, dict] = {}
    for row in UpstreamVerification.objects.filter(scope).order_by("component_id", "-verified_at", "-id").values(
            "component_id", *(f for f in UPSTREAM_FIELDS if f != "upstream_spec"),
            upstream_spec=Coalesce("upstream_spec_blob__text", Value(""), output_field=TextField())):
        upstream.setdefault(row["component_id"], row)
    result = []
    for row in rows:
        cid = row["id"]
        result.append(ComponentData(
            row=row, reasons=reasons.get(cid, []), overlays=overlays.get(cid, []), sources_entries=entries.get(cid, []),
            source_file_overrides=overrides.get(cid, []), binary_packages=binaries.get(cid, []),
            history=history.get(cid, []), inconsistencies=issues.get(cid, []), spec=specs.get(cid),
            upstream=upstream.get(cid),
        ))
    return result


def commit_record(row: dict, prefix: str) -> dict | None:
    if not row.get(f"{prefix}sha"):
        return None
    return {f: row[f"{prefix}{f}"] for f in COMMIT_FIELDS}


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n").encode()


def release_info(release: Release) -> dict[str, Any]:
    return {
        "id": release.pk,
        "distribution": release.distribution.name,
        "version": release.version,
        "release_ver": release.release_ver,
        "upstream": f"{release.upstream_distro} {release.upstream_version}".strip(),
        "source_url": release.source_url,
        "ref": release.ref,
        "commit": release.commit.sha,
        "committed_at": release.commit.committed_at.isoformat(),
        "ingested_at": release.ingested_at.isoformat(),
    }
