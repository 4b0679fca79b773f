"""Evidence bundles: collect a component's or a whole release's evidence, write the ZIP, store it.

A component bundle holds its configuration files exactly as ingested, the rendered spec, the
newest upstream verification and its diffs, its CycloneDX SBOM (sbom.services, stored on first
request), its git history, and an HTML and a PDF report. A release bundle holds every component's
evidence, every configuration file once, the release summary and inconsistencies, the stored
release SBOMs, a single HTML and PDF report, and the OSCAL assessment results with a findings CSV.
The facts come from loading.py (bulk queries), the reports from report.py, the signatures from
the registered providers (providers.py); the ZIP, OSCAL and PDF are the app's pure modules.
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
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from audits.exports import safe_cell
from audits.models import Component, ConfigFile, Inconsistency, Release
from jobs.progress import Progress
from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services.generate import SbomError, component_document

from .. import MANIFEST_NAME, __version__, oscal
from ..models import EvidenceBundle
from ..zipwriter import BundleFile, assign_names, verification_steps, write_bundle
from .decisions import decision_files, decisions_section, load_decisions, oscal_decisions
from .loading import (
    COMMIT_FIELDS,
    COMPONENT_FIELDS,
    UPSTREAM_FIELDS,
    UPSTREAM_TEXTS,
    ComponentData,
    commit_record,
    json_bytes,
    load_components,
    release_info,
)
from .providers import signature_files
from .report import (
    component_html,
    component_pdf,
    release_html,
    release_pdf,
    report_files,
    report_subtitle,
    upstream_label,
)

PROGRESS_EVERY = 500
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


class EvidenceError(Exception):
    """A user-facing failure (no such release or component, invalid OSCAL); the job fails with it."""


# ----------------------------------------------------------------------------- files of one component


def _component_record(release: Release, data: ComponentData, config_digests: dict[str, str]) -> dict[str, Any]:
    row = data.row
    record = {k: row[k] for k in COMPONENT_FIELDS if k != "id"}
    record.update({
        "release": {"distribution": release.distribution.name, "version": release.version, "commit": release.commit.sha},
        "reasons": data.reasons,
        "overlays": data.overlays,
        "sources_entries": data.sources_entries,
        "source_file_overrides": data.source_file_overrides,
        "binary_packages": data.binary_packages,
        "inconsistencies": data.inconsistencies,
        "config_files": [{"repository_path": p, "sha256": config_digests.get(p, "")} for p in row["config_files"]],
        "config_commit": commit_record(row, "config_commit__"),
        "rendered_commit": commit_record(row, "rendered_commit__"),
        "rendered_spec": None if data.spec is None else {
            k: data.spec[k] for k in ("path", "sha256", "size", "sources", "patches", "unexpanded_macros", "autorelease_number")},
        "upstream_verification": None if data.upstream is None else {k: data.upstream[k] for k in UPSTREAM_FIELDS
                                                                     if k not in UPSTREAM_TEXTS},
    })
    return record


def component_files(release: Release, data: ComponentData, config_digests: dict[str, str], prefix: str) -> list[BundleFile]:
    """The component's record, rendered spec, history and upstream verification (config files are added by the caller)."""
    name = data.name
    files = [BundleFile(f"{prefix}component.json", json_bytes(_component_record(release, data, config_digests)),
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
    history = [{"position": h["position"], "touched": h["touched"], **{f: h[f"commit__{f}"] for f in COMMIT_FIELDS}}
               for h in data.history]
    files.append(BundleFile(f"{prefix}history.json", json_bytes(history), "git-history",
                            f"The commits that changed {name}'s configuration or rendered files, newest first", JSON))
    if data.upstream is not None:
        up = data.upstream
        files.append(BundleFile(
            f"{prefix}upstream/verification.json",
            json_bytes({k: up[k] for k in UPSTREAM_FIELDS if k not in UPSTREAM_TEXTS}),
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


# ----------------------------------------------------------------------------- building bundles


def _requester(user) -> str:
    return user.get_username() if user is not None else ""


def _metadata(release: Release, scope: str, component: str | None, requested_by: str, requested_at: dt.datetime,
              notes: list[str]) -> dict[str, Any]:
    return {
        "scope": scope,
        "component": component,
        "release": release_info(release),
        "requested_by": requested_by,
        "requested_at": requested_at.astimezone(dt.timezone.utc).isoformat(),
        "notes": notes,
        "verification": verification_steps(release.commit.sha, release.source_url),
    }


def _signature_note(files: list[BundleFile]) -> list[str]:
    if any(f.kind == "signature-bundle" for f in files):
        return []
    return ["No signature bundles are included: no signature of these documents is recorded in the portal."]


def build_component_bundle(release: Release, name: str, *, requested_by: str, requested_at: dt.datetime,
                           sbom_file: BundleFile | None = None, sbom_note: str = "") -> tuple[bytes, dict]:
    """The ZIP bytes and manifest of one component's bundle; deterministic for the same inputs. Without
    `sbom_file`, `sbom_note` says why the bundle has no SBOM."""
    (data,) = load_components(release, [name]) or [None]
    if data is None:
        raise EvidenceError(f"release {release.pk} has no component {name!r}")
    configs = list(ConfigFile.objects.filter(release=release, path__in=data.row["config_files"]).values("path", "sha256", text=F("blob__text")))
    digests = {c["path"]: c["sha256"] for c in configs}
    files = [_config_file(c["path"], c["text"], c["sha256"]) for c in configs]
    files += component_files(release, data, digests, "")
    notes = [sbom_note] if sbom_file is None and sbom_note else []
    if sbom_file is not None:
        files.append(sbom_file)
    signatures = signature_files(release, [name])
    files += signatures
    notes += _signature_note(signatures)
    missing = sorted(set(data.row["config_files"]) - set(digests))
    if missing:
        notes.append("Configuration files read by the component but not stored at ingest: " + ", ".join(missing))
    subtitle = report_subtitle(release, requested_by, requested_at)
    html = component_html(release, data, configs, subtitle=subtitle, sbom=sbom_file, notes=notes)
    files += report_files(html, component_pdf(data, configs, subtitle=subtitle), f"component {name}")
    return write_bundle(files, _metadata(release, "component", name, requested_by, requested_at, notes),
                        timestamp=release.commit.committed_at)


def _sbom_file_of_component(release: Release, name: str) -> tuple[BundleFile | None, str]:
    """The component's CycloneDX document as a bundle file; or None and why, when it cannot be generated:
    the rest of the evidence does not depend on it, so the bundle is built without it."""
    try:
        document = component_document(release, name, SbomFormat.CYCLONEDX_JSON)
    except SbomError as exc:
        return None, f"No SBOM is included: the CycloneDX document of {name} could not be generated ({exc})."
    return BundleFile(f"sbom/{document.file_name}", bytes(document.content), "sbom",
                      f"CycloneDX {document.spec_version} SBOM of {name} ({document.validation.get('validator', '')})",
                      JSON), ""


def _release_sbom_files(release: Release) -> list[BundleFile]:
    documents = SbomDocument.objects.release_wide().select_related("release__distribution", "release__commit").filter(
        release=release).order_by("format")
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
    return {c["bom-ref"][4:]: (json_bytes(c), origin) for c in json.loads(document.data).get("components", [])
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
    configs = list(ConfigFile.objects.filter(release=release).order_by("path").values("path", "sha256", text=F("blob__text")))
    inconsistencies = list(Inconsistency.objects.filter(release=release).order_by("kind", "path").values(
        "kind", "path", "detail", "component__name"))
    decided = load_decisions(release, requested_at)
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
    signatures = signature_files(release, None)
    notes = _signature_note(signatures)
    if not sboms:
        notes.append("No SBOM of this release is stored yet: run the SBOM job, then generate the bundle again.")
    summary = {
        "release": release_info(release), "summary": release.summary, "warnings": release.warnings,
        "by_upstream_verdict": dict(sorted(Counter(upstream_label(c) for c in components).items())),
    }
    files += [
        BundleFile("release/summary.json", json_bytes(summary), "release-summary",
                   "The release's origin and its counts by classification, reason, overlay and upstream verdict", JSON),
        BundleFile("release/inconsistencies.json", json_bytes(inconsistencies), "inconsistencies",
                   "Every inconsistency found at ingest (missing or stale rendered specs, missing overlay sources, ...)", JSON),
        *sboms, *signatures, *decision_files(decided),
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
        **oscal_decisions(decided, requested_at),
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
    subtitle = report_subtitle(release, requested_by, requested_at)
    findings = oscal.findings_rows(document)
    html = release_html(release, components, summary=summary, inconsistencies=inconsistencies, findings=findings,
                        subtitle=subtitle, notes=notes, sboms=sboms)
    lap("report html")
    pdf = release_pdf(release, components, summary=summary, findings=findings, inconsistencies=inconsistencies,
                      subtitle=subtitle, extra=(decisions_section(decided),))
    lap("report pdf")
    files += report_files(html, pdf, "the release")
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
    """Generate and store one component's bundle (request_component_bundle decides whether one is needed)."""
    start = time.perf_counter()
    if not Component.objects.filter(release=release, name=name).exists():
        raise EvidenceError(f"release {release.pk} has no component {name!r}")
    requested_at = timezone.now()
    sbom_file, sbom_note = _sbom_file_of_component(release, name)
    content, manifest = build_component_bundle(release, name, requested_by=_requester(user), requested_at=requested_at,
                                               sbom_file=sbom_file, sbom_note=sbom_note)
    return _store(release, name, content, manifest, user=user, requested_at=requested_at,
                  seconds=time.perf_counter() - start)


class TooManyBundles(Exception):
    """A user has stored as many component bundles as the last 24 hours allow; `retry_after` is in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


DAY = dt.timedelta(hours=24)


def request_component_bundle(release: Release, name: str, *, user) -> tuple[EvidenceBundle, bool]:
    """A component's bundle for `user` from the package page: (bundle, created).

    What counts as the same bundle: a bundle's manifest and reports name who requested it and when, so
    two requests never give the same bytes and comparing digests of stored bundles tells nothing.
    Instead, the user's newest bundle of this release, component and generator version from the last
    24 hours is built again with its own requester and time; generation is deterministic, so the same
    SHA-256 proves that the evidence in it (configuration, specs, upstream verification, SBOM,
    signatures, expected signer) is unchanged, and that bundle is returned instead of storing a copy.
    When the evidence changed, or a newer generator makes bundles differently, a new bundle is stored.
    Another user's bundle is never handed out: it names its requester, and each user's bundle records
    what they were given.

    Each user may store PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY component bundles in any 24 hours (0: no
    limit); past that, nothing is built at all (TooManyBundles), not even to compare.
    """
    if not Component.objects.filter(release=release, name=name).exists():
        raise EvidenceError(f"release {release.pk} has no component {name!r}")
    now = timezone.now()
    mine = EvidenceBundle.objects.filter(requested_by=user, requested_at__gt=now - DAY).exclude(component_name="")
    limit = settings.PEDIGREE_MAX_COMPONENT_BUNDLES_PER_DAY
    if limit > 0:
        times = list(mine.order_by("-requested_at").values_list("requested_at", flat=True)[:limit])
        if len(times) >= limit:
            retry_after = max(1, int((times[-1] + DAY - now).total_seconds()) + 1)
            raise TooManyBundles(f"You have generated {limit} component evidence bundles in the last 24 hours, the "
                                 "most allowed; the ones you have are on the release's evidence page.", retry_after)
    previous = (mine.filter(release=release, component_name=name, generator_version=__version__)
                .defer("content", "manifest").order_by("-requested_at", "-id").first())
    if previous is not None:
        sbom_file, sbom_note = _sbom_file_of_component(release, name)
        content, _ = build_component_bundle(release, name, requested_by=_requester(user),
                                            requested_at=previous.requested_at, sbom_file=sbom_file, sbom_note=sbom_note)
        if hashlib.sha256(content).hexdigest() == previous.sha256:
            return previous, False
    return create_component_bundle(release, name, user=user), True


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
