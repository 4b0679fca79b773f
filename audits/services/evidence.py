"""Evidence bundles: collect a component's or a whole release's evidence, write the ZIP, store it.

The pure parts live in the evidence package (ZIP writer and checker, OSCAL, PDF); this module reads
the database in a fixed number of bulk queries (never one per component), renders the HTML
report with a Django template, and stores an EvidenceBundle row.

A component bundle holds its configuration files exactly as ingested, the rendered spec, the
newest upstream verification and its diffs, its CycloneDX SBOM (sbom.services, stored on first
request), its git history, and an HTML and a PDF report. A release bundle holds every component's
evidence, every configuration file once, the release summary and inconsistencies, the stored
release SBOMs, a single HTML and PDF report, and the OSCAL assessment results with a findings CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import posixpath
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from evidence import GENERATOR_NAME, MANIFEST_NAME, __version__, oscal
from evidence.models import EvidenceBundle
from evidence.pdf import Section, render_pdf
from evidence.zipwriter import (
    BundleFile,
    assign_names,
    verification_steps,
    write_bundle,
)
from jobs.progress import Progress

from ..exports import safe_cell
from ..models import (
    BinaryPackage,
    Component,
    ComponentCommit,
    ComponentReason,
    ConfigFile,
    Inconsistency,
    Overlay,
    Release,
    RenderedSpec,
    SourceFileOverride,
    SourcesEntry,
    UpstreamVerification,
)

PROGRESS_EVERY = 500
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


class EvidenceError(Exception):
    """A user-facing failure (no such release or component, invalid OSCAL); the job fails with it."""


# ----------------------------------------------------------------------------- extension point: signatures

# A signature provider returns the signature bundles and verification results that exist for a
# release (components=None) or for some of its components, as BundleFiles (path under
# "signatures/", kind "signature-bundle" or "signature-verification"). No signature model exists
# in this module's branch; the signing integration registers its provider here, e.g. in its
# AppConfig.ready(): `register_signature_provider(my_provider)`. Without one, bundles say so.
SignatureProvider = Callable[[Release, "list[str] | None"], list[BundleFile]]
_signature_providers: list[SignatureProvider] = []


def register_signature_provider(provider: SignatureProvider) -> None:
    if provider not in _signature_providers:
        _signature_providers.append(provider)


def _signature_files(release: Release, components: list[str] | None) -> list[BundleFile]:
    return [f for provider in _signature_providers for f in provider(release, components)]


# ----------------------------------------------------------------------------- loading (bulk)


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


_COMPONENT_FIELDS = (
    "id", "name", "defined_in", "groups", "headline", "verdict", "spec_origin", "spec_type", "upstream_distro",
    "upstream_version", "upstream_snapshot", "upstream_name", "upstream_commit", "dist_git_branch", "dist_git_url",
    "local_spec_path", "release_calculation", "render_options", "build", "check_skipped", "check_skip_reason",
    "resolved_config", "provenance", "config_files", "overlay_count", "source_file_count", "has_inconsistency",
    "render_failed", "spec_name", "epoch", "version", "release_tag", "version_expanded", "release_expanded",
    "license", "url", "summary",
)
_COMMIT_FIELDS = ("sha", "author_name", "author_email", "authored_at", "committer_name", "committer_email",
                  "committed_at", "subject", "message")
_OVERLAY_FIELDS = ("position", "type", "description", "tag", "value", "section", "package", "regex", "replacement",
                   "lines", "file", "archive", "source", "source_path", "source_sha256", "category", "upstream_status",
                   "commits", "bugs", "defined_in", "layer", "parameters", "presence", "presence_reason")
_UPSTREAM_FIELDS = ("verdict", "reason", "dist_git_url", "upstream_commit", "upstream_spec_sha256", "upstream_spec",
                    "declared_diff", "undeclared_diff", "fetched_at", "verified_at")
_UPSTREAM_TEXTS = ("upstream_spec", "declared_diff", "undeclared_diff")  # files of their own, not JSON fields


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
        *_COMPONENT_FIELDS,
        *(f"config_commit__{f}" for f in _COMMIT_FIELDS), *(f"rendered_commit__{f}" for f in _COMMIT_FIELDS),
    ))
    scope = Q(component__release=release) if names is None else Q(component_id__in=[r["id"] for r in rows])
    reasons = _group(ComponentReason.objects.filter(scope).order_by("id").values("component_id", "code", "text", "source"))
    overlays = _group(Overlay.objects.filter(scope).order_by("component_id", "position").values("component_id", *_OVERLAY_FIELDS))
    entries = _group(SourcesEntry.objects.filter(scope).order_by("id").values("component_id", "algorithm", "filename", "digest"))
    overrides = _group(SourceFileOverride.objects.filter(scope).order_by("id").values(
        "component_id", "filename", "hash", "hash_type", "origin_type", "origin", "replace_upstream", "replace_reason", "layer"))
    binaries = _group(BinaryPackage.objects.filter(scope).order_by("name").values("component_id", "name", "channel", "channel_source"))
    history = _group(ComponentCommit.objects.filter(scope).order_by("component_id", "position").values(
        "component_id", "position", "touched", *(f"commit__{f}" for f in _COMMIT_FIELDS)))
    issues = _group(Inconsistency.objects.filter(scope).order_by("kind", "path").values("component_id", "kind", "path", "detail"))
    specs = {s["component_id"]: s for s in RenderedSpec.objects.filter(scope).values(
        "component_id", "path", "sha256", "size", "text", "sources", "patches", "unexpanded_macros", "autorelease_number")}
    upstream: dict[int, dict] = {}
    for row in UpstreamVerification.objects.filter(scope).order_by("component_id", "-verified_at", "-id").values(
            "component_id", *_UPSTREAM_FIELDS):
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


def _commit(row: dict, prefix: str) -> dict | None:
    if not row.get(f"{prefix}sha"):
        return None
    return {f: row[f"{prefix}{f}"] for f in _COMMIT_FIELDS}


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n").encode()


def _release_info(release: Release) -> dict[str, Any]:
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


# ----------------------------------------------------------------------------- files of one component


def _component_record(release: Release, data: ComponentData, config_digests: dict[str, str]) -> dict[str, Any]:
    row = data.row
    record = {k: row[k] for k in _COMPONENT_FIELDS if k != "id"}
    record.update({
        "release": {"distribution": release.distribution.name, "version": release.version, "commit": release.commit.sha},
        "reasons": data.reasons,
        "overlays": data.overlays,
        "sources_entries": data.sources_entries,
        "source_file_overrides": data.source_file_overrides,
        "binary_packages": data.binary_packages,
        "inconsistencies": data.inconsistencies,
        "config_files": [{"repository_path": p, "sha256": config_digests.get(p, "")} for p in row["config_files"]],
        "config_commit": _commit(row, "config_commit__"),
        "rendered_commit": _commit(row, "rendered_commit__"),
        "rendered_spec": None if data.spec is None else {
            k: data.spec[k] for k in ("path", "sha256", "size", "sources", "patches", "unexpanded_macros", "autorelease_number")},
        "upstream_verification": None if data.upstream is None else {k: data.upstream[k] for k in _UPSTREAM_FIELDS
                                                                     if k not in _UPSTREAM_TEXTS},
    })
    return record


def component_files(release: Release, data: ComponentData, config_digests: dict[str, str], prefix: str) -> list[BundleFile]:
    """The component's record, rendered spec, history and upstream verification (config files are added by the caller)."""
    name = data.name
    files = [BundleFile(f"{prefix}component.json", _json_bytes(_component_record(release, data, config_digests)),
                        "component-record", f"Everything Pedigree recorded about {name}: verdict, reasons, overlays, "
                        "resolved configuration and its provenance, sources and binary packages", JSON)]
    if data.spec is not None:
        spec = data.spec
        payload = spec["text"].encode("utf-8")
        exact = hashlib.sha256(payload).hexdigest() == spec["sha256"]
        files.append(BundleFile(
            f"{prefix}rendered/{posixpath.basename(spec['path']) or name + '.spec'}", payload, "rendered-spec",
            f"The rendered spec of {name} as ingested from {spec['path']}" if exact else
            f"The rendered spec of {name} as stored (text decoded from {spec['path']}, whose SHA-256 is {spec['sha256']})",
            TEXT, spec["path"] if exact else "",
        ))
    history = [{"position": h["position"], "touched": h["touched"], **{f: h[f"commit__{f}"] for f in _COMMIT_FIELDS}}
               for h in data.history]
    files.append(BundleFile(f"{prefix}history.json", _json_bytes(history), "git-history",
                            f"The commits that changed {name}'s configuration or rendered files, newest first", JSON))
    if data.upstream is not None:
        up = data.upstream
        files.append(BundleFile(
            f"{prefix}upstream/verification.json",
            _json_bytes({k: up[k] for k in _UPSTREAM_FIELDS if k not in _UPSTREAM_TEXTS}),
            "upstream-verification", f"The newest comparison of {name}'s rendered spec with its Fedora dist-git spec "
            "plus the declared changes", JSON))
        if up["upstream_spec"]:
            files.append(BundleFile(
                f"{prefix}upstream/fedora.spec", up["upstream_spec"].encode("utf-8"), "upstream-spec",
                f"The Fedora dist-git spec compared against, at {up['upstream_commit'] or 'an unknown commit'} "
                f"(SHA-256 {up['upstream_spec_sha256']} of the bytes fetched)", "text/plain; charset=utf-8"))
        for key, what in (("declared_diff", "Fedora spec → expected spec (the declared changes)"),
                          ("undeclared_diff", "expected spec → rendered spec (changes no overlay declares)")):
            if up[key]:
                files.append(BundleFile(f"{prefix}upstream/{key.replace('_', '-')}.diff", up[key].encode("utf-8"),
                                        "upstream-diff", f"Unified diff, {what}", "text/x-diff; charset=utf-8"))
    return files


def _config_file(path: str, text: str, sha256: str) -> BundleFile:
    payload = text.encode("utf-8")
    exact = hashlib.sha256(payload).hexdigest() == sha256
    return BundleFile(f"config/{path}", payload, "config-file",
                      "Configuration file as ingested" if exact else f"Configuration file as stored (ingested SHA-256 {sha256})",
                      "application/toml" if path.endswith(".toml") else TEXT, path if exact else "")


# ----------------------------------------------------------------------------- reports


def _upstream_label(data: ComponentData) -> str:
    return data.upstream["verdict"] if data.upstream else "not verified"


def _component_sections(data: ComponentData, config_files: list[dict]) -> list[Section]:
    row = data.row
    sections = [
        Section("Verdict", (f"Classification: {row['headline']}.", row["verdict"],
                            f"Upstream verification: {_upstream_label(data)}.")),
    ]
    if data.reasons:
        sections.append(Section("Reasons", header=("Reason", "Explanation", "Where"),
                                rows=tuple((r["code"], r["text"], r["source"]) for r in data.reasons), widths=(0.2, 0.55, 0.25)))
    if data.overlays:
        sections.append(Section("Overlays", header=("#", "Type", "Description", "In the rendered spec"),
                                rows=tuple((str(o["position"] + 1), o["type"], o["description"],
                                            f"{o['presence'] or 'not checked'} {o['presence_reason']}".strip())
                                           for o in data.overlays), widths=(0.06, 0.2, 0.44, 0.3)))
    sections.append(Section("Configuration files", header=("Repository path", "SHA-256"),
                            rows=tuple((c["path"], c["sha256"]) for c in config_files), widths=(0.45, 0.55)))
    if data.spec:
        sections.append(Section("Rendered spec", (f"{data.spec['path']}, {data.spec['size']} bytes, SHA-256 {data.spec['sha256']}.",)))
    if data.upstream:
        up = data.upstream
        sections.append(Section("Upstream verification", (
            f"Verdict {up['verdict']} on {up['verified_at']:%Y-%m-%d %H:%M} UTC against {up['dist_git_url']} "
            f"at {up['upstream_commit'] or 'unknown commit'}.", up["reason"])))
    if data.history:
        sections.append(Section("Git history", header=("Commit", "Date", "Author", "Subject", "Touched"),
                                rows=tuple((h["commit__sha"][:12], f"{h['commit__committed_at']:%Y-%m-%d}",
                                            h["commit__author_name"], h["commit__subject"], h["touched"]) for h in data.history),
                                widths=(0.14, 0.12, 0.18, 0.44, 0.12)))
    if data.inconsistencies:
        sections.append(Section("Inconsistencies", header=("Kind", "Path", "Detail"),
                                rows=tuple((i["kind"], i["path"], i["detail"]) for i in data.inconsistencies),
                                widths=(0.2, 0.3, 0.5)))
    return sections


def _subtitle(release: Release, requested_by: str, requested_at: dt.datetime) -> str:
    return (f"{release.distribution.name} {release.version}, commit {release.commit.sha} "
            f"({release.commit.committed_at:%Y-%m-%d %H:%M} UTC). Requested by {requested_by or 'the system'} "
            f"on {requested_at.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC. {GENERATOR_NAME} {__version__}.")


def _report_files(html: str, pdf: bytes, what: str) -> list[BundleFile]:
    return [
        BundleFile("report.html", html.encode("utf-8"), "report-html", f"Human-readable report of {what}", "text/html; charset=utf-8"),
        BundleFile("report.pdf", pdf, "report-pdf", "The same report as PDF, for auditors", "application/pdf"),
    ]


# ----------------------------------------------------------------------------- building bundles


def _requester(user) -> str:
    return user.get_username() if user is not None else ""


def _metadata(release: Release, scope: str, component: str | None, requested_by: str, requested_at: dt.datetime,
              notes: list[str]) -> dict[str, Any]:
    return {
        "scope": scope,
        "component": component,
        "release": _release_info(release),
        "requested_by": requested_by,
        "requested_at": requested_at.astimezone(dt.timezone.utc).isoformat(),
        "notes": notes,
        "verification": verification_steps(release.commit.sha, release.source_url),
    }


def _signature_note(files: list[BundleFile]) -> list[str]:
    if files:
        return []
    return ["No signature bundles are included: no signature of these documents is recorded in the portal."]


def build_component_bundle(release: Release, name: str, *, requested_by: str, requested_at: dt.datetime,
                           sbom_file: BundleFile | None = None) -> tuple[bytes, dict]:
    """The ZIP bytes and manifest of one component's bundle; deterministic for the same inputs."""
    (data,) = load_components(release, [name]) or [None]
    if data is None:
        raise EvidenceError(f"release {release.pk} has no component {name!r}")
    configs = list(ConfigFile.objects.filter(release=release, path__in=data.row["config_files"]).values("path", "text", "sha256"))
    digests = {c["path"]: c["sha256"] for c in configs}
    files = [_config_file(c["path"], c["text"], c["sha256"]) for c in configs]
    files += component_files(release, data, digests, "")
    notes = []
    if sbom_file is not None:
        files.append(sbom_file)
    signatures = _signature_files(release, [name])
    files += signatures
    notes += _signature_note(signatures)
    missing = sorted(set(data.row["config_files"]) - set(digests))
    if missing:
        notes.append("Configuration files read by the component but not stored at ingest: " + ", ".join(missing))
    html = render_to_string("audits/evidence/component_report.html", {
        "release": release, "c": data, "config_files": configs, "subtitle": _subtitle(release, requested_by, requested_at),
        "sbom": sbom_file, "notes": notes,
    })
    pdf = render_pdf(f"Evidence: {name}", _subtitle(release, requested_by, requested_at), _component_sections(data, configs))
    files += _report_files(html, pdf, f"component {name}")
    return write_bundle(files, _metadata(release, "component", name, requested_by, requested_at, notes),
                        timestamp=release.commit.committed_at)


def _sbom_file_of_component(release: Release, name: str) -> BundleFile:
    from sbom.choices import (
        SbomFormat,  # sbom depends on audits, not the other way round at import time
    )
    from sbom.services.generate import SbomError, component_document

    try:
        document = component_document(release, name, SbomFormat.CYCLONEDX_JSON)
    except SbomError as exc:
        raise EvidenceError(str(exc)) from None
    return BundleFile(f"sbom/{document.file_name}", bytes(document.content), "sbom",
                      f"CycloneDX {document.spec_version} SBOM of {name} ({document.validation.get('validator', '')})", JSON)


def _release_sbom_files(release: Release) -> list[BundleFile]:
    from sbom.models import SbomDocument

    documents = SbomDocument.objects.select_related("release__distribution", "release__commit").filter(
        release=release, component_name="").order_by("format")
    return [BundleFile(f"release/sbom/{d.file_name}", bytes(d.content), "sbom",
                       f"{d.get_format_display()} {d.spec_version} SBOM of the whole release; each component's entry "
                       f"is also in components/<name>/sbom-fragment.cdx.json (validated: {d.validation.get('valid')})",
                       JSON if d.format.endswith("json") else "application/xml") for d in documents]


def _sbom_fragments(sboms: list[BundleFile]) -> dict[str, tuple[bytes, str]]:
    """Each component's entry (`src/<name>`, with its binary packages) of the stored release CycloneDX JSON."""
    document = next((f for f in sboms if f.path.endswith(".cdx.json")), None)
    if document is None:
        return {}
    origin = f"{posixpath.basename(document.path)} (SHA-256 {hashlib.sha256(document.data).hexdigest()})"
    return {c["bom-ref"][4:]: (_json_bytes(c), origin) for c in json.loads(document.data).get("components", [])
            if str(c.get("bom-ref", "")).startswith("src/")}


def _evidence_of(files: list[BundleFile]) -> tuple[oscal.EvidenceFile, ...]:
    return tuple(oscal.EvidenceFile(f.path, hashlib.sha256(f.data).hexdigest(), f.media_type.split(";")[0]) for f in files)


def build_release_bundle(release: Release, *, requested_by: str, requested_at: dt.datetime,
                         progress: Progress | None = None) -> tuple[bytes, dict, dict[str, float]]:
    """The ZIP bytes, manifest and phase timings of the whole release's bundle."""
    report = progress or (lambda done, total, stage: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[phase] = round(now - clock, 3)
        clock = now

    report(0, 1, "loading the release's evidence")
    components = load_components(release)
    configs = list(ConfigFile.objects.filter(release=release).order_by("path").values("path", "text", "sha256"))
    inconsistencies = list(Inconsistency.objects.filter(release=release).order_by("kind", "path").values(
        "kind", "path", "detail", "component__name"))
    lap("load")
    digests = {c["path"]: c["sha256"] for c in configs}
    files = [_config_file(c["path"], c["text"], c["sha256"]) for c in configs]
    sboms = _release_sbom_files(release)
    fragments = _sbom_fragments(sboms)
    by_component: dict[str, list[BundleFile]] = {}
    total = len(components)
    for done, data in enumerate(components, 1):
        own = component_files(release, data, digests, f"components/{data.name}/")
        if data.name in fragments:
            fragment, origin = fragments[data.name]
            own.append(BundleFile(f"components/{data.name}/sbom-fragment.cdx.json", fragment, "sbom-fragment",
                                  f"{data.name}'s component entry, with its binary packages, in the release CycloneDX "
                                  f"document {origin}; a fragment, not a standalone BOM", JSON))
        by_component[data.name] = own
        files += own
        if done % PROGRESS_EVERY == 0 or done == total:
            report(done, total, "collecting component evidence")
    lap("components")
    signatures = _signature_files(release, None)
    notes = _signature_note(signatures)
    if not sboms:
        notes.append("No SBOM of this release is stored yet: run the SBOM job, then generate the bundle again.")
    summary = {
        "release": _release_info(release), "summary": release.summary, "warnings": release.warnings,
        "by_upstream_verdict": dict(sorted(Counter(_upstream_label(c) for c in components).items())),
    }
    files += [
        BundleFile("release/summary.json", _json_bytes(summary), "release-summary",
                   "The release's origin and its counts by classification, reason, overlay and upstream verdict", JSON),
        BundleFile("release/inconsistencies.json", _json_bytes(inconsistencies), "inconsistencies",
                   "Every inconsistency found at ingest (missing or stale rendered specs, missing overlay sources, ...)", JSON),
        *sboms, *signatures,
    ]
    # Names are final from here on: OSCAL and the findings CSV point at them.
    names = assign_names(f.path for f in files)
    files = [BundleFile(names[f.path], f.data, f.kind, f.description, f.media_type, f.repository_path) for f in files]
    final = {f.path: f for f in files}
    release_evidence = oscal.ReleaseEvidence(
        distribution=release.distribution.name, version=release.version, commit=release.commit.sha,
        committed_at=release.commit.committed_at, source_url=release.source_url, ref=release.ref,
        ingested_at=release.ingested_at, requested_at=requested_at,
        components=tuple(_oscal_component(data, [final[names[f.path]] for f in by_component[data.name]])
                         for data in components),
    )
    release_level = [f for f in files if f.path.startswith("release/")]
    report(total, total, "writing and validating the OSCAL assessment results")
    document = oscal.assessment_results(release_evidence, bundle_resource_files=_evidence_of(release_level))
    lap("oscal build")
    errors = oscal.validate(document)
    if errors:
        raise EvidenceError("the OSCAL assessment results are not valid against the official schema: " + "; ".join(errors[:5]))
    lap("oscal validate")
    files.append(BundleFile("oscal/assessment-results.json", oscal.to_json(document), "oscal-assessment-results",
                            f"OSCAL assessment results, valid against the {oscal.schema_description()}",
                            "application/oscal.ar+json"))
    files.append(BundleFile("oscal/findings.csv", findings_csv(document), "findings-csv",
                            "One row per finding and control, with evidence paths and SHA-256 digests, for GRC importers",
                            "text/csv; charset=utf-8"))
    report(total, total, "writing the reports")
    subtitle = _subtitle(release, requested_by, requested_at)
    findings = oscal.findings_rows(document)
    html = render_to_string("audits/evidence/release_report.html", {
        "release": release, "components": components, "summary": summary, "inconsistencies": inconsistencies,
        "findings": findings, "subtitle": subtitle, "notes": notes, "sboms": sboms,
    })
    lap("report html")
    pdf = render_pdf(f"Evidence: {release.distribution.name} {release.version}", subtitle,
                     _release_sections(release, components, summary, findings, inconsistencies))
    lap("report pdf")
    files += _report_files(html, pdf, "the release")
    report(total, total, "writing the ZIP")
    content, manifest = write_bundle(files, _metadata(release, "release", None, requested_by, requested_at, notes),
                                     timestamp=release.commit.committed_at)
    lap("zip")
    return content, manifest, timings


def _oscal_component(data: ComponentData, files: list[BundleFile]) -> oscal.ComponentEvidence:
    upstream = None
    if data.upstream is not None:
        upstream = oscal.UpstreamCheck(
            verdict=data.upstream["verdict"], reason=data.upstream["reason"], verified_at=data.upstream["verified_at"],
            files=_evidence_of([f for f in files if "/upstream/" in f.path]),
        )
    return oscal.ComponentEvidence(
        name=data.name, headline=data.row["headline"], verdict=data.row["verdict"],
        reasons=tuple(r["code"] for r in data.reasons), overlay_presence=tuple(o["presence"] for o in data.overlays),
        files=_evidence_of([f for f in files if "/upstream/" not in f.path]), upstream=upstream,
    )


def findings_csv(document: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(oscal.CSV_COLUMNS)
    for row in oscal.findings_rows(document):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _release_sections(release: Release, components: list[ComponentData], summary: dict, findings: list[list[str]],
                      inconsistencies: list[dict]) -> list[Section]:
    counts = release.summary.get("by_headline", {})
    not_intact = [c for c in components if c.row["headline"] != "intact"]
    return [
        Section("Summary", (
            f"{len(components)} components: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) + ".",
            "Upstream verification: " + ", ".join(f"{n} {k}" for k, n in summary["by_upstream_verdict"].items()) + ".",
            "Every component's evidence is in components/<name>/ of this bundle; intact components are listed "
            "in report.html and release/summary.json.",
        )),
        Section("Findings (NIST SP 800-53 Rev. 5)", ("From oscal/assessment-results.json.",),
                ("Control", "Status", "Component", "Finding"),
                tuple((r[1], r[3], r[4], r[7]) for r in findings), (0.1, 0.14, 0.2, 0.56)),
        Section("Components that are not Fedora-intact", (), ("Component", "Classification", "Upstream", "Verdict"),
                tuple((c.name, c.row["headline"], _upstream_label(c), c.row["verdict"]) for c in not_intact),
                (0.2, 0.14, 0.14, 0.52)),
        Section("Inconsistencies", (), ("Kind", "Component", "Detail"),
                tuple((i["kind"], i["component__name"] or "", i["detail"]) for i in inconsistencies), (0.2, 0.2, 0.6)),
    ]


# ----------------------------------------------------------------------------- storing


def _store(release: Release, component: str, content: bytes, manifest: dict, *, user, requested_at: dt.datetime,
           job=None, seconds: float) -> EvidenceBundle:
    return EvidenceBundle.objects.create(
        release=release, component_name=component, content=content, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), sha512=hashlib.sha512(content).hexdigest(), manifest=manifest,
        generator_version=__version__, requested_by=user, requested_at=requested_at, job=job,
        generation_seconds=round(seconds, 3),
    )


def create_component_bundle(release: Release, name: str, *, user=None) -> EvidenceBundle:
    """Generate and store one component's bundle (on demand from the package page)."""
    start = time.perf_counter()
    if not Component.objects.filter(release=release, name=name).exists():
        raise EvidenceError(f"release {release.pk} has no component {name!r}")
    requested_at = timezone.now()
    content, manifest = build_component_bundle(release, name, requested_by=_requester(user), requested_at=requested_at,
                                               sbom_file=_sbom_file_of_component(release, name))
    return _store(release, name, content, manifest, user=user, requested_at=requested_at,
                  seconds=time.perf_counter() - start)


def create_release_bundle(release: Release, *, user=None, requested_at: dt.datetime | None = None, job=None,
                          progress: Progress | None = None) -> EvidenceBundle:
    start = time.perf_counter()
    requested_at = requested_at or timezone.now()
    content, manifest, _ = build_release_bundle(release, requested_by=_requester(user), requested_at=requested_at,
                                                progress=progress)
    return _store(release, "", content, manifest, user=user, requested_at=requested_at, job=job,
                  seconds=time.perf_counter() - start)


def run_release_bundle_job(context) -> dict[str, Any]:
    """The evidence job's work (a jobs.services.JobContext): the release bundle, requested by whoever
    queued the job, at that time."""
    job = context.job
    bundle = create_release_bundle(context.release, user=job.created_by, requested_at=job.created_at, job=job,
                                   progress=context.progress)
    return {"release_id": bundle.release_id, "bundle_id": bundle.pk, "size": bundle.size, "sha256": bundle.sha256,
            "files": len(bundle.manifest["files"]), "seconds": bundle.generation_seconds}


def member(bundle: EvidenceBundle, path: str) -> bytes:
    """One file of a stored bundle (e.g. its OSCAL document), read from the ZIP in memory."""
    if path == MANIFEST_NAME or path not in {f["path"] for f in bundle.manifest.get("files", [])}:
        raise KeyError(path)
    with zipfile.ZipFile(io.BytesIO(bytes(bundle.content))) as archive:
        return archive.read(path)
