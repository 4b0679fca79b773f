"""Django side of SBOM generation: load a release's facts, build, validate and store documents.

The builders (cyclonedx.py, spdx.py, report.py) are pure; this module reads the database once
per document set and writes SbomDocument rows. Generation is deterministic: a row's content
is replaced only when a re-run produces different bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from cyclonedx.schema import OutputFormat
from django.conf import settings
from django.db import transaction

from audits.models import (
    BinaryPackage,
    Commit,
    Component,
    ComponentReason,
    Overlay,
    Release,
    RenderedSpec,
    SourceFileOverride,
    SourcesEntry,
    UpstreamVerification,
)
from jobs.progress import Progress
from vex.services.statements import ensure_scanned, release_statements

from .. import __version__
from ..choices import SbomFormat
from ..models import SbomDocument
from . import cyclonedx, parts, report, spdx
from .facts import (
    BinaryFacts,
    CommitFacts,
    ComponentFacts,
    ImageFacts,
    OverlayFacts,
    ReleaseFacts,
    SourceFileFacts,
    Unresolved,
    VerificationFacts,
)
from .overlay_diffs import split_declared_diff
from .sanitise import identity_problem, sanitise_release

logger = logging.getLogger(__name__)


class SbomError(Exception):
    """A user-facing failure: the job fails with this message (never retried)."""


def options_from_settings() -> cyclonedx.BomOptions:
    return cyclonedx.BomOptions(
        author_name=getattr(settings, "PEDIGREE_SBOM_AUTHOR_NAME", ""),
        author_email=getattr(settings, "PEDIGREE_SBOM_AUTHOR_EMAIL", ""),
        organization_name=getattr(settings, "PEDIGREE_SBOM_ORGANIZATION_NAME", ""),
        organization_contact=getattr(settings, "PEDIGREE_SBOM_ORGANIZATION_CONTACT", ""),
    )


# ----------------------------------------------------------------------------- loading


def _commit_facts(row: Commit | None) -> CommitFacts | None:
    if row is None:
        return None
    return CommitFacts(
        sha=row.sha, author_name=row.author_name, author_email=row.author_email, authored_at=row.authored_at,
        committer_name=row.committer_name, committer_email=row.committer_email, committed_at=row.committed_at,
        subject=row.subject,
    )


def load_release_facts(release: Release, *, component: str | None = None,
                       names: Collection[str] | None = None) -> ReleaseFacts:
    """Everything the documents say, in a fixed number of queries (not one per component), sanitised:
    what the documents cannot publish is left out and listed in each component's `problems`. `component`
    or `names`: only those components (an image's, a VEX document's), with the rest's binary packages in
    `other_binaries`."""
    components = Component.objects.filter(release=release)
    if component is not None:
        names = [component]
    if names is not None:
        components = components.filter(name__in=list(names))
    rows = list(components.order_by("name").values(
        "id", "name", "headline", "verdict", "spec_origin", "spec_type", "upstream_distro", "upstream_version",
        "upstream_snapshot", "upstream_name", "upstream_commit", "dist_git_url", "dist_git_branch", "defined_in",
        "render_failed", "epoch", "version_expanded", "release_expanded", "identity_complete", "identity_unresolved",
        "identity_notes", "license", "url", "summary", "check_skipped", "check_skip_reason", "config_commit_id", "rendered_commit_id",
    ))
    if component is not None and not rows:
        raise SbomError(f"release {release.pk} has no component {component!r}")
    scope = {"component__release": release} if names is None else {"component_id__in": [r["id"] for r in rows]}
    reasons = defaultdict(list)
    for cid, code in ComponentReason.objects.filter(**scope).order_by("id").values_list("component_id", "code"):
        reasons[cid].append(code)
    overlays = defaultdict(list)
    for o in Overlay.objects.filter(**scope).order_by("component_id", "position").values(
        "component_id", "position", "type", "description", "tag", "category", "upstream_status", "commits", "bugs",
        "defined_in",
    ):
        cid = o.pop("component_id")
        overlays[cid].append(OverlayFacts(**{**o, "commits": tuple(o["commits"]), "bugs": tuple(o["bugs"])}))
    sources = defaultdict(list)
    for cid, alg, filename, digest in SourcesEntry.objects.filter(**scope).order_by("id").values_list(
        "component_id", "algorithm", "filename", "digest"
    ):
        sources[cid].append(SourceFileFacts(filename, alg, digest))
    for cid, filename, hash_, hash_type, origin in SourceFileOverride.objects.filter(**scope).order_by("id").values_list(
        "component_id", "filename", "hash", "hash_type", "origin"
    ):
        if hash_ and hash_type:
            url = origin.get("uri", "") if isinstance(origin, dict) else ""
            sources[cid].append(SourceFileFacts(filename, hash_type, hash_, url=url, origin="source-files"))
    binaries = defaultdict(list)
    for cid, name, channel, where, epoch, version, release_, license_, arches, requires, provides in (
        BinaryPackage.objects.filter(**scope).order_by("name").values_list(
            "component_id", "name", "channel", "channel_source", "epoch", "version", "release", "license", "arches",
            "requires", "provides")
    ):
        binaries[cid].append(BinaryFacts(
            name, channel, where, epoch=epoch, version=version, release=release_, license=license_,
            arches=tuple(arches), requires=tuple(requires), provides=tuple(provides)))
    specs = set(RenderedSpec.objects.filter(**scope).values_list("component_id", flat=True))
    verifications = _newest_verifications(scope)
    commit_ids = {r[k] for r in rows for k in ("config_commit_id", "rendered_commit_id") if r[k]}
    commits = {c.pk: _commit_facts(c) for c in Commit.objects.filter(pk__in=commit_ids)}
    facts = []
    for r in rows:
        cid = r["id"]
        facts.append(ComponentFacts(
            name=r["name"], headline=r["headline"], verdict=r["verdict"], spec_origin=r["spec_origin"],
            spec_type=r["spec_type"], upstream_distro=r["upstream_distro"], upstream_version=r["upstream_version"],
            upstream_snapshot=r["upstream_snapshot"], upstream_name=r["upstream_name"],
            upstream_commit=r["upstream_commit"], dist_git_url=r["dist_git_url"],
            dist_git_branch=r["dist_git_branch"], defined_in=r["defined_in"], has_rendered_spec=cid in specs,
            render_failed=r["render_failed"], epoch=r["epoch"], version=r["version_expanded"],
            release=r["release_expanded"], identity_complete=r["identity_complete"],
            identity_unresolved=_unresolved(r["identity_unresolved"]), identity_notes=tuple(r["identity_notes"]),
            license=r["license"], url=r["url"],
            summary=r["summary"], check_skipped=r["check_skipped"], check_skip_reason=r["check_skip_reason"],
            reasons=tuple(reasons[cid]), overlays=tuple(overlays[cid]), source_files=tuple(sources[cid]),
            binaries=tuple(binaries[cid]), config_commit=commits.get(r["config_commit_id"]),
            rendered_commit=commits.get(r["rendered_commit_id"]), verification=verifications.get(cid),
        ))
    return sanitise_release(ReleaseFacts(
        id=release.pk,
        distribution=release.distribution.name,
        distribution_description=release.distribution.description,
        version=release.version,
        release_ver=release.release_ver,
        upstream_distro=release.upstream_distro,
        upstream_version=release.upstream_version,
        source_url=release.source_url,
        ref=release.ref,
        commit=_commit_facts(release.commit),
        components=tuple(facts),
        other_binaries=_other_binaries(release, rows) if names is not None else (),
        vulnerabilities=tuple(release_statements(release, component)),
    ))


def _unresolved(items) -> tuple[Unresolved, ...]:
    """The ingest's [{"field": ..., "reason": ...}] as facts (a malformed entry still says something)."""
    return tuple(Unresolved(str(item.get("field", "identity")), str(item.get("reason", "unresolved")))
                 if isinstance(item, dict) else Unresolved("identity", str(item)) for item in items or ())


def _other_binaries(release: Release, rows: list[dict]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The binary packages of the release's other components, for resolving one component's Requires."""
    return tuple(
        (component, name, tuple(provides))
        for component, name, provides in BinaryPackage.objects.filter(component__release=release)
        .exclude(component_id__in=[r["id"] for r in rows]).order_by("component__name", "name")
        .values_list("component__name", "name", "provides")
        if not identity_problem(name)
    )


def publication_problems(facts: ReleaseFacts) -> dict[str, list[str]]:
    """What the documents of these facts left out and why: component name -> problems, the release's
    own under "" (stored with each document: SbomDocument.problems)."""
    problems = {c.name: list(c.problems) for c in facts.components if c.problems}
    if facts.problems:
        problems[""] = list(facts.problems)
    return problems


def _newest_verifications(scope: dict) -> dict[int, VerificationFacts]:
    """The newest upstream verification of each component with overlays, where it has a declared
    diff, with that diff cut per overlay where that can be done with certainty (overlay_diffs)."""
    with_overlays = Overlay.objects.filter(**scope).values("component_id")
    newest = Component.objects.filter(pk__in=with_overlays).with_newest_upstream("id").values("upstream_id")
    rows = list(UpstreamVerification.objects.filter(pk__in=newest).exclude(declared_diff="").values_list(
        "component_id", "verdict", "upstream_commit", "verified_at", "declared_diff"
    ))
    if not rows:
        return {}
    cids = [row[0] for row in rows]
    components = {c["id"]: c for c in Component.objects.filter(pk__in=cids).values(
        "id", "name", "build", "release_calculation")}
    texts = dict(RenderedSpec.objects.filter(component_id__in=cids).values_list("component_id", "blob__text"))
    parameters = defaultdict(list)
    for cid, params in Overlay.objects.filter(component_id__in=cids).order_by("component_id", "position").values_list(
        "component_id", "parameters"
    ):
        parameters[cid].append(params)
    facts = {}
    for cid, verdict, commit, at, diff in rows:
        component = components[cid]
        split = split_declared_diff(
            verdict=verdict, declared_diff=diff, rendered_spec=texts.get(cid, ""), overlays=parameters[cid],
            build=component["build"], component_name=component["name"],
            release_calculation=component["release_calculation"],
        ) if cid in texts else None
        facts[cid] = VerificationFacts(verdict, commit, at, diff, split)
    return facts


# ----------------------------------------------------------------------------- building


_PART_FORMATS = {SbomFormat.CYCLONEDX_JSON: "json", SbomFormat.CYCLONEDX_XML: "xml"}  # cyclonedx_parts.PART_FORMATS


@dataclass
class Built:
    format: str
    spec_version: str
    serial_number: str
    content: bytes
    seconds: float
    validation: dict
    report: dict
    problems: dict[str, list[str]]


@cyclonedx.without_cyclic_gc()  # the reports parse the large documents again while the model is alive
def build_documents(facts: ReleaseFacts, formats: list[str], *, component: str | None = None,
                    image: ImageFacts | None = None, options: cyclonedx.BomOptions | None = None,
                    progress: Progress | None = None) -> list[Built]:
    """Build, validate and report on each requested format. Raises SbomError when a document is invalid."""
    options = options or options_from_settings()
    step = _Steps(progress, 2 * len(formats) + 1)
    built: list[Built] = []
    problems = publication_problems(facts)
    cyclonedx_report = None
    if SbomFormat.CYCLONEDX_JSON in formats or SbomFormat.CYCLONEDX_XML in formats:
        start = time.perf_counter()
        # the release documents from per-component parts where the cache is on (parts.py); the model for the rest
        from_parts: dict[str, parts.PartsDocument] = {}
        if component is None and image is None and SbomFormat.CYCLONEDX_JSON in formats and parts.parts_enabled():
            step("assembling the CycloneDX documents from per-component parts")
            from_parts = parts.release_documents(facts, options, tuple(
                short for fmt, short in _PART_FORMATS.items() if fmt in formats))
        bom = compositions = None
        if any(fmt in formats and short not in from_parts for fmt, short in _PART_FORMATS.items()):
            step("building the CycloneDX model")
            bom = cyclonedx.build_bom(facts, component=component, image=image, options=options)
            compositions = cyclonedx.compositions_of(facts, component, image)
        model_seconds = time.perf_counter() - start
        serial = bom.serial_number.urn if bom is not None else next(iter(from_parts.values())).assembled.serial_number
        for fmt, output, schema_format, to_bytes in (
            (SbomFormat.CYCLONEDX_JSON, "JSON", OutputFormat.JSON, cyclonedx.to_json),
            (SbomFormat.CYCLONEDX_XML, "XML", OutputFormat.XML, cyclonedx.to_xml),
        ):
            if fmt not in formats:
                continue
            start = time.perf_counter()
            step(f"serialising CycloneDX {output}")
            assembled = from_parts.get(_PART_FORMATS[fmt])
            content = assembled.assembled.content if assembled else to_bytes(bom, compositions)
            step(f"validating CycloneDX {output} against the 1.6 schema")
            errors = cyclonedx.validate(content, schema_format)
            _fail_if_invalid(errors, f"CycloneDX {output}")
            if assembled:
                parts.store_parts(assembled)  # valid: the next generation may reuse what this one built
            if cyclonedx_report is None:
                cyclonedx_report = report.cyclonedx_report(_json_for_report(bom, compositions, fmt, content))
            built.append(Built(
                fmt, cyclonedx.SPEC_VERSION, serial, content, model_seconds + time.perf_counter() - start,
                {"valid": True, "validator": cyclonedx.validator_description(schema_format), "errors": []},
                cyclonedx_report, problems,
            ))
        del bom, from_parts  # the model (about 1 GB for the corpus) is not needed for SPDX
    if SbomFormat.SPDX_JSON in formats:
        start = time.perf_counter()
        step("building the SPDX document")
        document = spdx.build_document(facts, component=component, options=options)
        content = spdx.to_json(document)
        step("validating SPDX with spdx-tools")
        errors = spdx.validate(content)
        _fail_if_invalid(errors, "SPDX JSON")
        built.append(Built(
            SbomFormat.SPDX_JSON, spdx.SPEC_VERSION, document.creation_info.document_namespace, content,
            time.perf_counter() - start,
            {"valid": True, "validator": f"spdx-tools {_version('spdx-tools')} (parse + validate_full_spdx_document)",
             "errors": []},
            report.spdx_report(json.loads(content)), problems,
        ))
    step("done")
    return built


def _json_for_report(bom, compositions, fmt: str, content: bytes) -> dict:
    # the XML document holds the same BOM as the JSON one; the report is read from JSON either way
    return json.loads(content if fmt == SbomFormat.CYCLONEDX_JSON else cyclonedx.to_json(bom, compositions))


def _fail_if_invalid(errors: list[str], what: str) -> None:
    if errors:
        raise SbomError(f"the generated {what} document is not valid: " + "; ".join(errors[:5]))


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


class _Steps:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, stage: str) -> None:
        if self.progress:
            self.progress(min(self.done, self.total), self.total, stage)
        self.done += 1


# ----------------------------------------------------------------------------- storing


@dataclass
class Stored:
    document: SbomDocument
    changed: bool  # False: the stored bytes were already identical


def store(release: Release, built: Built, *, component: str = "", image: str = "", job=None) -> Stored:
    """Write the row once; later runs replace the content only when the bytes differ."""
    sha256 = hashlib.sha256(built.content).hexdigest()
    values = dict(
        spec_version=built.spec_version, serial_number=built.serial_number, generator_version=__version__,
        content=built.content, size=len(built.content), sha256=sha256,
        sha512=hashlib.sha512(built.content).hexdigest(), generated_at=release.commit.committed_at,
        generation_seconds=round(built.seconds, 3), validation=built.validation, report=built.report, job=job,
        problems=built.problems,
    )
    with transaction.atomic():
        # select_for_update: two jobs for one release must not both insert or overwrite half-way
        existing = (SbomDocument.objects.select_for_update()
                    .filter(release=release, component_name=component, image_name=image, format=built.format).first())
        if existing is None:
            return Stored(SbomDocument.objects.create(release=release, component_name=component, image_name=image,
                                                      format=built.format, **values), True)
        if existing.sha256 == sha256:  # the problems are in the bytes too: the same bytes, the same problems
            return Stored(existing, False)
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        return Stored(existing, True)


def generate_release_documents(release: Release, *, job=None, progress: Progress | None = None) -> dict:
    """The job's work: CycloneDX JSON + XML and SPDX JSON of the whole release."""
    start = time.perf_counter()
    if progress:
        progress(0, 1, "scanning the overlays for CVEs")
    ensure_scanned(release)
    if progress:
        progress(0, 1, "loading components")
    facts = load_release_facts(release)
    formats = [SbomFormat.CYCLONEDX_JSON, SbomFormat.CYCLONEDX_XML, SbomFormat.SPDX_JSON]
    built = build_documents(facts, formats, progress=progress)
    result = {"release_id": release.pk, "components": len(facts.components), "documents": {}}
    problems = publication_problems(facts)
    result["publication_problems"] = {
        "components": sum(1 for name in problems if name), "by_component": {k: v for k, v in problems.items() if k},
        **({"release": problems[""]} if "" in problems else {}),
    }
    for item in built:
        stored = store(release, item, job=job)
        doc = stored.document
        result["documents"][item.format] = {
            "id": doc.pk, "size": doc.size, "sha256": doc.sha256, "changed": stored.changed,
            "seconds": item.seconds,
        }
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


def component_document(release: Release, name: str, fmt: str) -> SbomDocument:
    """The stored BOM of one component, generated on first request."""
    existing = SbomDocument.objects.not_images().filter(release=release, component_name=name, format=fmt).first()
    if existing is not None and existing.generator_version == __version__:
        return existing
    facts = load_release_facts(release, component=name)
    try:
        (built,) = build_documents(facts, [fmt], component=name)
    except SbomError as exc:  # the caller answers with the reason; it is a fault to look into all the same
        logger.error("the %s document of component %s of release %s is not valid: %s", fmt, name, release.pk, exc)
        raise
    return store(release, built, component=name).document
