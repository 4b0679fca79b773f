"""Upstream verification of a release: fetch every component's Fedora spec from dist-git, render it
with the declared overlays and build options, compare with the ingested rendered spec, store a verdict.

One bare clone per dist-git repository (components sharing an upstream package share it).
The commit compared is the pinned ``upstream-commit`` when there is one, else the last
commit of the distro version's branch before the snapshot (``git rev-list -1 --before``,
committer dates, as azldev does), else the branch tip when no snapshot is configured.
A package that cannot be fetched or read is ``upstream-unavailable`` with the reason; it does not
stop the job, unless PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES fetches in a row failed on the network:
then dist-git (or the network) is down, and the job fails saying so instead of trying every package.
Local components (spec in the repository) have no upstream and are skipped.

Addresses from repository content (the distro's ``dist-git-base-uri``, stored with each component
at ingest) are trusted less than the operator's PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI: they must be
https:// or ssh:// URLs on a host in PEDIGREE_DIST_GIT_HOSTS, never a local path or file:// URL
(whatever PEDIGREE_ALLOW_LOCAL_SOURCES says). A refused address makes its components
``upstream-unavailable`` with the reason, and nothing is fetched. Every fetch, the operator's
included, goes through the egress policy (access.egress).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access import egress
from access.egress_settings import current_policy
from jobs.choices import JobKind
from jobs.models import Job
from jobs.progress import Progress
from jobs.services import enqueue_job

from .. import gitsource, gittree
from ..azldev.specfile import SourcesFileError, parse_sources_file
from ..azldev.tree import TreeError
from ..azldev.verify import UNAVAILABLE, verify_component
from ..models import Blob, Component, Overlay, Release, RenderedSpec, UpstreamVerification
from .blobs import store_texts

logger = logging.getLogger(__name__)

STAGE = "Comparing rendered specs with Fedora dist-git"

class UpstreamError(Exception):
    """The job cannot start (no such release); the message says why."""


class DistGitUnreachable(UpstreamError):
    """Too many fetches in a row failed on the network: the job stops, the message says how far it got."""


class NetworkFailures:
    """Consecutive network failures of dist-git fetches; a successful fetch resets the count."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count, self.last, self.host = limit, 0, "", ""

    def reached(self) -> None:
        self.count = 0

    def failed(self, url: str, error: str) -> None:
        parts = urlsplit(url)
        self.count, self.last = self.count + 1, error
        self.host = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or url)

    @property
    def too_many(self) -> bool:
        return self.count >= self.limit

    def sentence(self, not_verified: int, total: int) -> str:
        return (f"dist-git at {self.host} could not be reached: {self.count} consecutive failures (last: {self.last}); "
                f"{not_verified} of {total} components were not verified")


class _Unavailable(Exception):
    """This component's Fedora spec cannot be had; the message is the stored reason."""


def queue_scheduled_reverification() -> list[Job]:
    """Celery beat's re-verification: an upstream verification job for each distribution's newest
    release (by commit date), unless one is already queued or running for it."""
    newest: dict[int, Release] = {}
    for release in Release.objects.order_by("distribution_id", "-commit__committed_at", "-id"):
        newest.setdefault(release.distribution_id, release)
    busy = set(Job.objects.filter(kind=JobKind.UPSTREAM).active().values_list("release_id", flat=True))
    return [enqueue_job(JobKind.UPSTREAM, {"release_id": r.pk}, release=r) for r in newest.values() if r.pk not in busy]


def dist_git_url(component: Component) -> str:
    """The component's dist-git repository: PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI when set, else the
    address computed at ingest from the upstream distro's ``dist-git-base-uri``."""
    template = settings.PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI
    if template and component.upstream_name:
        return template.replace("$pkg", component.upstream_name)
    return component.dist_git_url


def dist_git_refusal(url: str, policy: egress.EgressPolicy) -> str:
    """Why ``url`` is not fetched ("" when it may be): the operator's template is trusted (the egress
    policy still applies when connecting), repository content is held to PEDIGREE_DIST_GIT_HOSTS."""
    if settings.PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI:
        return ""
    problem = egress.dist_git_problem(url, policy)
    if not problem:
        return ""
    return (f"the dist-git address {url} comes from the repository's dist-git-base-uri and was refused: {problem}; "
            "nothing was fetched")


def verify_release(release: Release, *, progress: Progress | None = None, job: Job | None = None) -> dict[str, Any]:
    """Verify every component of ``release`` that has an upstream spec; returns the job result."""
    report = progress or (lambda done, total, stage: None)
    policy = current_policy()
    fields = ("name", "spec_type", "upstream_distro", "upstream_version", "upstream_name", "upstream_commit",
              "upstream_snapshot", "dist_git_branch", "dist_git_url", "release_calculation", "build", "release_id")
    candidates = list(release.components.only(*fields).order_by("name"))
    local = {c.pk for c in candidates if c.spec_type == "local" or not c.upstream_name}
    with_spec = set(RenderedSpec.objects.filter(component__release=release).values_list("component_id", flat=True))
    components = [c for c in candidates if c.pk not in local and c.pk in with_spec]
    total = len(components)
    groups: dict[str, list[Component]] = {}
    for component in components:
        groups.setdefault(dist_git_url(component), []).append(component)

    counts: Counter[str] = Counter()
    failures = NetworkFailures(settings.PEDIGREE_UPSTREAM_MAX_NETWORK_FAILURES)
    done = 0
    report(0, total, STAGE)
    for url, group in groups.items():
        rows = _verify_group(release, url, group, job, policy, failures)
        _write(rows)
        counts.update(row.verdict for row in rows)
        if failures.too_many:
            raise DistGitUnreachable(failures.sentence(total - (sum(counts.values()) - counts[UNAVAILABLE]), total))
        done += len(group)
        # After every repository: a clone takes far longer than this update, and a report is where
        # the job notices that it was cancelled.
        report(done, total, STAGE)
    return {
        "release_id": release.pk,
        "components": total,
        "by_verdict": dict(sorted(counts.items())),
        "skipped_local": len(local),
        "skipped_without_rendered_spec": len(candidates) - len(local) - total,
    }


# ----------------------------------------------------------------------------- one repository


def _verify_group(release: Release, url: str, group: list[Component], job: Job | None,
                  policy: egress.EgressPolicy, failures: NetworkFailures) -> list[UpstreamVerification]:
    def unavailable_all(reason: str) -> list[UpstreamVerification]:
        return [_row(c, job, UNAVAILABLE, reason, url) for c in group]

    if not url:
        distro = group[0].upstream_distro or "the upstream distro"
        return unavailable_all(
            f"no dist-git address: {distro} has no dist-git-base-uri and PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI is not set"
        )
    refusal = dist_git_refusal(url, policy)
    if refusal:
        return unavailable_all(refusal)
    # Local repositories only ever come from the operator's template (repository content was refused above).
    allow_local = settings.PEDIGREE_ALLOW_LOCAL_SOURCES and bool(settings.PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI)
    unpinned = [c.dist_git_branch for c in group if not c.upstream_commit and c.dist_git_branch]
    pinned = [c.upstream_commit for c in group if c.upstream_commit]
    ref = (unpinned or pinned or ["HEAD"])[0]
    try:
        with gitsource.fetch(url, ref, allow_local=allow_local, timeout=settings.PEDIGREE_GIT_TIMEOUT,
                             egress=policy) as checkout:
            failures.reached()
            fetched_at = timezone.now()
            return [_verify_one(release, checkout.git_dir, url, c, job, fetched_at) for c in group]
    except gitsource.GitTransientError as exc:
        failures.failed(url, str(exc))
        return unavailable_all(f"temporary network error: {exc}")
    except gitsource.GitSourceError as exc:
        return unavailable_all(str(exc))  # not the network (no such repository, refused address): not counted


def _verify_one(release: Release, git_dir: Path, url: str, component: Component, job: Job | None,
                fetched_at: dt.datetime) -> UpstreamVerification:
    spec_path = f"{component.upstream_name}.spec"
    sha = ""
    try:
        sha = _pick_commit(git_dir, url, component, release)
        with gittree.GitTree(git_dir, sha, max_file_bytes=settings.PEDIGREE_MAX_FILE_BYTES) as tree:
            try:
                data = tree.read_bytes(spec_path)
            except TreeError as exc:
                raise _Unavailable(f"{spec_path} cannot be read from {url} at {sha[:12]}: {exc}") from None
            names = set(tree.entries())
            names |= _lookaside_names(tree) if "sources" in names else set()
    except _Unavailable as exc:
        return _row(component, job, UNAVAILABLE, str(exc), url, sha, fetched_at=fetched_at)
    except (gitsource.GitTransientError, subprocess.TimeoutExpired) as exc:
        return _row(component, job, UNAVAILABLE, f"temporary network error: {exc}", url, sha, fetched_at=fetched_at)
    except (gitsource.GitSourceError, TreeError) as exc:
        return _row(component, job, UNAVAILABLE, str(exc), url, sha, fetched_at=fetched_at)
    overlays = [o.parameters for o in Overlay.objects.filter(component=component).only("parameters", "position")]
    rendered = RenderedSpec.objects.filter(component=component).values_list("blob__text", flat=True).get()
    result = verify_component(
        data.decode("utf-8", errors="replace"), rendered, overlays, component.build,
        component_name=component.name, release_calculation=component.release_calculation, fedora_files=names,
    )  # fmt: skip
    return _row(
        component, job, result.verdict, result.reason, url, sha, hashlib.sha256(data).hexdigest(),
        spec=data.decode("utf-8", errors="replace"), declared=result.declared_diff, undeclared=result.undeclared_diff,
        fetched_at=fetched_at,
    )  # fmt: skip


def _row(component: Component, job: Job | None, verdict: str, reason: str, url: str, sha: str = "",
         spec_sha256: str = "", *, spec: str = "", declared: str = "", undeclared: str = "",
         fetched_at: dt.datetime | None = None) -> UpstreamVerification:
    return UpstreamVerification(
        component=component, job=job, verdict=verdict, reason=reason, dist_git_url=url, upstream_commit=sha,
        upstream_spec_sha256=spec_sha256, upstream_spec_blob=_blob(spec_sha256, spec), declared_diff=declared,
        undeclared_diff=undeclared, fetched_at=fetched_at, verified_at=timezone.now(),
    )  # fmt: skip


def _blob(sha256: str, spec: str) -> Blob | None:
    """The Fedora spec as a Blob keyed by the digest of its bytes (stored with its row: _write), None without one."""
    return Blob(sha256=sha256, size=len(spec.encode("utf-8")), text=spec) if sha256 else None


@transaction.atomic
def _write(rows: list[UpstreamVerification]) -> None:
    """The rows of one repository and the Fedora specs they compared against, stored once, together."""
    store_texts({r.upstream_spec_blob.sha256: r.upstream_spec_blob.text for r in rows if r.upstream_spec_blob_id})
    UpstreamVerification.objects.bulk_create(rows)


def _lookaside_names(tree: gittree.GitTree) -> set[str]:
    """File names listed in the dist-git ``sources`` file (azldev downloads them before the overlays)."""
    try:
        return {entry.filename for entry in parse_sources_file(tree.read_bytes("sources").decode("utf-8", "replace"))}
    except (SourcesFileError, TreeError):
        return set()


# ----------------------------------------------------------------------------- choosing the commit


def _git(git_dir: Path, *args: str) -> str:
    """Run a read-only git command on the fetched bare repository; "" when it fails.

    An argument list, never a shell; no GIT_* variable of ours leaks in and the user's and
    system's config are ignored, as in gitsource."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    result = subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], env=env, capture_output=True,
        timeout=gitsource.LOCAL_COMMAND_TIMEOUT, check=False,
    )  # fmt: skip
    return result.stdout.decode("utf-8", "replace").strip() if result.returncode == 0 else ""


def _commit_of(git_dir: Path, rev: str) -> str:
    return _git(git_dir, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")


def _snapshot(component: Component, release: Release) -> dt.datetime | None:
    if not component.upstream_snapshot:
        return release.snapshot
    try:
        value = dt.datetime.fromisoformat(component.upstream_snapshot)
    except ValueError:
        raise _Unavailable(f"the upstream snapshot {component.upstream_snapshot!r} is not a date and time") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _pick_commit(git_dir: Path, url: str, component: Component, release: Release) -> str:
    """The pinned commit, else the last commit on the branch before the snapshot, else the branch tip."""
    if component.upstream_commit:
        pinned = gitsource.validate_ref(component.upstream_commit)
        sha = _commit_of(git_dir, pinned)
        if not sha:
            raise _Unavailable(f"the pinned upstream commit {pinned} is not in {url}")
        return sha
    branch = component.dist_git_branch
    if not branch:
        raise _Unavailable(
            f"no dist-git branch is configured for {component.upstream_distro} {component.upstream_version}"
        )
    head = f"refs/heads/{gitsource.validate_ref(branch)}"
    if not _commit_of(git_dir, head):
        raise _Unavailable(f"branch {branch} is not in {url}")
    snapshot = _snapshot(component, release)
    if snapshot is None:
        return _commit_of(git_dir, head)
    when = snapshot.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    sha = _git(git_dir, "rev-list", "-1", f"--before={when}", head, "--")
    if not sha:
        raise _Unavailable(f"branch {branch} of {url} has no commit before the snapshot {when}")
    return sha
