"""Ingest one commit of an azldev repository as a Release.

Fetch into a temporary bare clone (always removed), analyse in memory, then write
everything inside one transaction: a failure at any point leaves earlier releases
exactly as they were. The same commit ingested twice yields the same release.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from contextlib import contextmanager
from typing import Iterable, Iterator

from django.conf import settings
from django.db import DataError, connection, transaction

from access.egress_settings import current_policy
from jobs.progress import Progress, no_progress
from jobs.registry import JobParamsError

from .. import gitsource
from ..analysis import ComponentRecord, ReleaseAnalysis
from ..summary import summarise
from ..azldev.loader import ConfigError
from ..azldev.tree import TreeError
from ..licenses import analyse_licenses
from ..models import (
    BinaryPackage,
    Commit,
    Component,
    ComponentCommit,
    ComponentReason,
    ConfigFile,
    Distribution,
    Inconsistency,
    LicenseExpression,
    Overlay,
    Release,
    RenderedSpec,
    SourceFileOverride,
    SourcesEntry,
)
from .blobs import store_texts
from .checkout_analysis import StoredIdentities, analysed_checkout
from .images import write_images
from .rows import BATCH, insert_rows
from ..signals import release_written


class IngestError(Exception):
    """An ingest failed for a reason the user can act on; the message says what and where."""


@dataclass
class IngestOutcome:
    release: Release
    created: bool


def clean_ingest_params(params: dict[str, str]) -> dict[str, str]:
    """The ingest job's `source` and `ref`, validated as the ingest form does (JobParamsError otherwise)."""
    cleaned, errors = {}, {}
    for field, validate in (
        ("source", lambda v: gitsource.validate_source(v, allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES)),
        ("ref", gitsource.validate_ref),
    ):
        try:
            cleaned[field] = validate(params[field].strip())
        except gitsource.GitSourceError as exc:
            errors[field] = [str(exc)]
    if errors:
        raise JobParamsError(errors)
    return cleaned


def ingest_release(source: str, ref: str, *, user=None, progress: Progress = no_progress) -> IngestOutcome:
    """Fetch `source` at `ref` and store it as a release (or return the existing one for that commit)."""
    with ingest_errors(), fetched(source, ref) as checkout:
        progress(0, 0, f"fetched {checkout.commit.sha[:12]}")
        return ingest_checkout(checkout, user=user, progress=progress)


def fetched(source: str, ref: str):
    """gitsource.fetch with the configured limits and egress policy (a context manager: the clone is removed)."""
    return gitsource.fetch(source, ref, allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES,
                           timeout=settings.PEDIGREE_GIT_TIMEOUT, egress=current_policy())


@contextmanager
def ingest_errors() -> Iterator[None]:
    """Failures a user can act on, raised inside the block, as IngestError (the history ingest uses it too)."""
    try:
        yield
    except gitsource.GitSourceError as exc:
        raise IngestError(str(exc)) from exc
    except ConfigError as exc:
        raise IngestError(f"invalid configuration: {exc}") from exc
    except TreeError as exc:
        raise IngestError(f"repository file refused: {exc}") from exc
    except DataError as exc:  # a repository value the database refuses (too long, NUL byte): nothing was written
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"the repository holds a value the database cannot store ({detail}); nothing was written") from exc


def ingest_checkout(checkout: gitsource.Checkout, *, user=None, progress: Progress = no_progress) -> IngestOutcome:
    """Store an already fetched commit as a release (or return the existing one for that commit); the
    history ingest materialises its head through here, on its own fetch. Raises what ingest_release
    turns into IngestError."""
    existing = Release.objects.filter(commit__sha=checkout.commit.sha).with_related().first()
    if existing is not None:
        return IngestOutcome(existing, created=False)
    with analysed_checkout(checkout, progress) as analysis:
        total = len(analysis.components)
        progress(0, total, "writing (one transaction)")
        try:
            # the write takes each identity as it comes to it: the helpers expand the next ones meanwhile
            release = write_release(analysis, checkout, user=user)
        finally:
            # also when the write failed: a re-run does not expand the specs again
            StoredIdentities.keep(analysis.identities_computed)
    refresh_statistics()
    progress(total, total, "written")
    return IngestOutcome(release, created=True)


def _commit_rows(analysis: ReleaseAnalysis, head: gitsource.CommitInfo) -> dict[str, Commit]:
    infos: dict[str, gitsource.CommitInfo] = {head.sha: head}
    for record in analysis.components:
        for info, _ in record.history:
            infos[info.sha] = info
    for config in analysis.config_files:
        if config.last_commit:
            infos[config.last_commit.sha] = config.last_commit
    return store_commits(infos.values())


def store_commits(infos: Iterable[gitsource.CommitInfo]) -> dict[str, Commit]:
    """A Commit row for each commit (existing rows are kept), by sha."""
    by_sha = {i.sha: i for i in infos}
    Commit.objects.bulk_create(
        [
            Commit(
                sha=i.sha,
                author_name=i.author_name[:300],
                author_email=i.author_email[:300],
                authored_at=i.authored_at,
                committer_name=i.committer_name[:300],
                committer_email=i.committer_email[:300],
                committed_at=i.committed_at,
                subject=i.subject[:1000],
                message=i.message,
            )
            for i in by_sha.values()
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    return {c.sha: c for c in Commit.objects.filter(sha__in=list(by_sha))}


def _parse_snapshot(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@transaction.atomic
def write_release(analysis: ReleaseAnalysis, checkout: gitsource.Checkout, *, user=None) -> Release:
    """Everything in one transaction. No progress is written from inside it: nobody
    could see it before the commit, and on PostgreSQL it would lock the job row."""
    commits = _commit_rows(analysis, checkout.commit)
    distribution, _ = Distribution.objects.get_or_create(
        name=analysis.distribution, defaults={"description": analysis.distribution_description}
    )
    release = Release.objects.create(
        distribution=distribution,
        version=analysis.version,
        release_ver=analysis.release_ver,
        upstream_distro=analysis.upstream_distro,
        upstream_version=analysis.upstream_version,
        snapshot=_parse_snapshot(analysis.snapshot),
        source_url=checkout.source,
        ref=checkout.ref,
        commit=commits[checkout.commit.sha],
        ingested_by=user if user is not None and user.is_authenticated else None,
        dist_git_base_uri=analysis.dist_git_base_uri,
        rendered_specs_dir=analysis.rendered_specs_dir,
        summary={},  # written last: it counts the identities, which the components' rows take first
        warnings=analysis.warnings,
    )

    def commit_of(info):
        return commits[info.sha] if info else None

    store_texts(_texts_of(analysis))
    ConfigFile.objects.bulk_create(
        [
            ConfigFile(release=release, path=c.path, sha256=c.sha256, size=c.size, blob_id=c.sha256,
                       last_commit=commit_of(c.last_commit))
            for c in analysis.config_files
        ],
        batch_size=BATCH,
    )
    licenses: dict[str, LicenseExpression] = {}
    total = len(analysis.components)
    by_name: dict[str, Component] = {}
    for start in range(0, total, BATCH):
        chunk = analysis.components[start : start + BATCH]
        licenses.update(_write_licenses(release, chunk, licenses))
        rows = Component.objects.bulk_create([_component_row(release, r, commit_of, licenses) for r in chunk])
        by_name.update((row.name, row) for row in rows)
        _write_children(list(zip(rows, chunk)), commits, licenses)
    write_images(release, analysis.images, by_name)
    Inconsistency.objects.bulk_create(
        [
            Inconsistency(release=release, component=by_name.get(f.component) if f.component else None, kind=f.kind, path=f.path[:1000], detail=f.detail)
            for f in analysis.findings
        ],
        batch_size=BATCH,
    )
    flagged = {f.component for f in analysis.findings if f.component}
    Component.objects.filter(release=release, name__in=flagged).update(has_inconsistency=True)
    release.summary = summarise(analysis)
    release.save(update_fields=["summary"])
    release_written.send(sender=Release, release=release)
    return release


def _texts_of(analysis: ReleaseAnalysis) -> dict[str, str]:
    """{sha256: text} of the release's configuration files and rendered specs (stored once, audits.models.Blob)."""
    found = {c.sha256: c.text for c in analysis.config_files}
    found.update((r.rendered.sha256, r.rendered.text) for r in analysis.components if r.rendered)
    return found


# Tables a release adds thousands of rows to (their filters join or EXISTS on them).
_ANALYSED = (Component, ComponentReason, Overlay, BinaryPackage, SourcesEntry, SourceFileOverride, ComponentCommit,
             Inconsistency)


def refresh_statistics() -> None:
    """PostgreSQL plans from table statistics that autovacuum refreshes only a while after a big write,
    and a release is one: analyse its tables now. Before, the first filtered lists of a new release
    (channel EXISTS, sorted) took 1.5 s instead of 25 ms on the corpus. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _ANALYSED))


def _write_licenses(release: Release, records: list[ComponentRecord],
                    known: dict[str, LicenseExpression]) -> dict[str, LicenseExpression]:
    """One LicenseExpression per distinct non-blank License value of the records not `known` yet, parsed
    (audits.licenses): written chunk by chunk, each one before its components' rows."""
    texts = {r.license_text for r in records}
    texts.update(text for r in records for text in r.binary_license_texts)
    texts -= {"", *known}
    rows = LicenseExpression.objects.bulk_create([
        LicenseExpression(release=release, text=text, normalized=facts.normalized, valid=facts.valid,
                          error=facts.error, keys=list(facts.keys), family=facts.family)
        for text, facts in analyse_licenses(texts).items()
    ], batch_size=BATCH)
    return {row.text: row for row in rows}


def _component_row(release: Release, record: ComponentRecord, commit_of,
                   licenses: dict[str, LicenseExpression]) -> Component:
    resolved = record.resolved
    config = resolved.config
    spec = config.get("spec", {})
    ref = spec.get("upstream-distro", {})
    build = config.get("build", {})
    check = build.get("check", {})
    parsed = record.rendered.parsed if record.rendered else None
    return Component(
        release=release,
        name=resolved.name,
        defined_in=resolved.defined_in,
        groups=resolved.groups,
        headline=record.classification.headline,
        verdict=record.verdict,
        spec_origin=record.spec_origin,
        spec_type=spec.get("type", ""),
        upstream_distro=ref.get("name", ""),
        upstream_version=ref.get("version", ""),
        upstream_snapshot=str(ref.get("snapshot", "")),
        upstream_name=record.upstream_name,
        upstream_commit=spec.get("upstream-commit", ""),
        dist_git_branch=record.dist_git_branch,
        dist_git_url=record.dist_git_url,
        local_spec_path=spec.get("path", "") if spec.get("type") == "local" else "",
        release_calculation=config.get("release", {}).get("calculation") or "auto",
        render_options=config.get("render", {}),
        build=build,
        check_skipped=bool(check.get("skip")),
        check_skip_reason=check.get("skip_reason", "") if check.get("skip") else "",
        resolved_config=_jsonable(config),
        provenance=resolved.provenance,
        config_files=resolved.files,
        overlay_count=len(resolved.overlays),
        source_file_count=len(config.get("source-files", [])),
        render_failed=record.render_failed,
        spec_name=(parsed.name_expanded or parsed.name or "") if parsed else "",
        epoch=record.identity.epoch,
        version=(parsed.version or "") if parsed else "",
        release_tag=(parsed.release or "") if parsed else "",
        version_expanded=record.identity.version,
        release_expanded=record.identity.release,
        identity_complete=record.identity.complete,
        identity_unresolved=record.identity.unresolved_json(),
        metadata_unresolved=record.identity.left_out_json(),
        identity_notes=list(record.identity.notes),
        license=record.license_text,
        license_expression=licenses.get(record.license_text),
        url=(parsed.url_expanded or parsed.url or "")[:2048] if parsed else "",
        summary=(parsed.summary_expanded or parsed.summary or "") if parsed else "",
        config_commit=commit_of(record.config_commit),
        rendered_commit=commit_of(record.rendered_commit),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


def _write_children(pairs: list[tuple[Component, ComponentRecord]], commits: dict[str, Commit],
                    licenses: dict[str, LicenseExpression]) -> None:
    reasons, overlays, overrides, specs, sources, packages, history = [], [], [], [], [], [], []
    for row, record in pairs:
        for position, (info, touched) in enumerate(record.history):
            history.append({"component_id": row.pk, "commit_id": commits[info.sha].pk, "position": position, "touched": touched})
        verdicts = {v.position: v for v in record.presence}
        for reason in record.classification.reasons:
            reasons.append({"component_id": row.pk, "code": reason.code, "text": reason.text, "source": reason.source})
        for o in record.resolved.overlays:
            f = o.fields
            meta = o.metadata or {}
            overlays.append({
                "component_id": row.pk,
                "position": o.position,
                "type": o.type,
                "description": f.get("description", ""),
                "tag": f.get("tag", ""),
                "value": f.get("value", ""),
                "section": f.get("section", ""),
                "package": f.get("package", ""),
                "regex": f.get("regex", ""),
                "replacement": f.get("replacement", ""),
                "lines": f.get("lines"),
                "file": f.get("file", ""),
                "archive": f.get("archive", ""),
                "source": f.get("source", ""),
                "source_path": o.source_path,
                "source_sha256": record.overlay_source_sha256.get(o.source_path, ""),
                "category": meta.get("category", ""),
                "upstream_status": meta.get("upstream-status", ""),
                "commits": [c.get("url", "") for c in meta.get("commits", [])],
                "bugs": [b.get("url", "") for b in meta.get("bugs", [])],
                "defined_in": o.defined_in,
                "layer": o.layer,
                "parameters": _jsonable(f),
                "presence": verdicts[o.position].verdict if o.position in verdicts else "",
                "presence_reason": verdicts[o.position].reason if o.position in verdicts else "",
            })
        for s in record.resolved.config.get("source-files", []):
            origin = s.get("origin", {})
            overrides.append({
                "component_id": row.pk,
                "filename": s.get("filename", ""),
                "hash": s.get("hash", ""),
                "hash_type": s.get("hash-type", ""),
                "origin_type": origin.get("type", ""),
                "origin": origin,
                "replace_upstream": bool(s.get("replace-upstream")),
                "replace_reason": s.get("replace-reason", ""),
                "layer": record.resolved.provenance.get("source-files", "component"),
            })
        if record.rendered:
            p = record.rendered.parsed
            specs.append({
                "component_id": row.pk,
                "path": record.rendered.path,
                "sha256": record.rendered.sha256,
                "size": record.rendered.size,
                "blob_id": record.rendered.sha256,
                "sources": [{"tag": t.name, "value": t.value} for t in p.sources],
                "patches": [{"tag": t.name, "value": t.value} for t in p.patches],
                "binary_packages": list(p.binary_packages),
                "unexpanded_macros": list(p.unexpanded_macros),
                "autorelease_number": p.autorelease_number,
            })
        for e in record.sources_entries:
            sources.append({"component_id": row.pk, "algorithm": e.algorithm, "filename": e.filename, "digest": e.digest})
        for binary, (name, channel, where), applies in zip(
                record.identity.binaries, record.binary_packages, record.binary_license_texts):
            b = binary.identity
            expression = licenses.get(applies)
            packages.append({
                "component_id": row.pk, "name": name, "channel": channel, "channel_source": where,
                "epoch": b.epoch, "version": b.version, "release": b.release, "license": b.license,
                "license_expression_id": expression.pk if expression else None,
                "arches": list(binary.arches), "requires": list(b.requires), "provides": list(b.provides),
            })
    for model, rows in (
        (ComponentReason, reasons),
        (Overlay, overlays),
        (SourceFileOverride, overrides),
        (RenderedSpec, specs),
        (SourcesEntry, sources),
        (BinaryPackage, packages),
        (ComponentCommit, history),
    ):
        insert_rows(model, rows)


def summary_of(outcome: IngestOutcome) -> dict:
    """The JSON summary printed by `manage.py ingest --json` and stored on the job."""
    release = outcome.release
    return {
        "release_id": release.pk,
        "created": outcome.created,
        "distribution": release.distribution.name,
        "version": release.version,
        "commit": release.commit.sha,
        "source": release.source_url,
        "ref": release.ref,
        **release.summary,
    }
