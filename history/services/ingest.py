"""Ingest the first-parent history of a ref: a Snapshot per commit, component states when they change.

One fetch (a full bare clone: `audits.gitsource.fetch` clones every commit). The commits not yet
snapshotted are analysed oldest first (`history.incremental`) and each is written in a transaction of
its own, so a failure leaves every earlier snapshot intact and a re-run continues after the newest
one. History only grows forwards: when a distribution already has snapshots, the run continues after
the newest (`since`/`from_commit` choose where a distribution's history starts, on its first run).
The head is then materialised as a full release through the single-commit ingest's write path on the
same clone (`audits.services.ingest.ingest_checkout`); an existing release of that commit is linked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from access.egress_settings import current_policy
from audits import gitmirror, gitsource
from audits.azldev.loader import Project
from audits.models import Commit, Distribution, Release
from audits.services.checkout_analysis import StoredIdentities
from audits.services.ingest import (
    clean_ingest_params,
    fetched,
    ingest_checkout,
    ingest_errors,
    store_commits,
)
from feeds.services.releases import component_events_told_elsewhere
from jobs.progress import Progress, no_progress
from jobs.registry import JobParamsError

from ..incremental import INPUT_KEYS_VERSION, CommitAnalysis, IncrementalAnalysis, States, first_parent_history
from ..models import ComponentState, Snapshot, aspect_columns
from ..signals import snapshot_written
from ..states import ComponentState as State

COMMIT_ID = re.compile(r"[0-9a-fA-F]{7,40}")
BATCH = 500  # names per UPDATE ... IN (...): SQLite's variable limit


class HistoryError(Exception):
    """A history ingest cannot go on for a reason the user can act on; the message says what."""


@dataclass
class HistoryOutcome:
    distribution: Distribution
    added: int  # snapshots written by this run
    total: int  # snapshots of the distribution now
    release: Release | None  # the head, materialised (None when asked not to)
    skipped: int  # commits of the requested range that had a snapshot before this run
    head: str = ""
    failed: int = 0  # snapshots of this run whose configuration could not be loaded (Snapshot.error)


def clean_history_params(params: dict[str, str]) -> dict[str, str]:
    """The history job's `source` and `ref` (as the ingest's), `since` (an ISO date or date-time) and
    `from` (a commit id); JobParamsError otherwise."""
    errors: dict[str, list[str]] = {}
    try:
        cleaned = clean_ingest_params(params)
    except JobParamsError as exc:
        cleaned, errors = {}, dict(exc.errors)
    since, start = (params.get("since") or "").strip(), (params.get("from") or "").strip()
    if since and start:
        errors["since"] = ["Give a date (since) or a commit (from), not both."]
    elif since:
        try:
            cleaned["since"] = parse_since(since).isoformat()
        except ValueError:
            errors["since"] = ["Not a date: use YYYY-MM-DD or an ISO 8601 date and time."]
    elif start:
        if not COMMIT_ID.fullmatch(start):
            errors["from"] = ["Not a commit id: 7 to 40 hexadecimal digits."]
        else:
            cleaned["from"] = start.lower()
    if errors:
        raise JobParamsError(errors)
    return cleaned


def parse_since(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A date (midnight UTC) or date-time (UTC when it names no zone) as an aware date-time."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value.strip() else dt.date.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.timezone.utc)


def ingest_history(source: str, ref: str, *, since=None, from_commit: str | None = None, user=None,
                   progress: Progress = no_progress, materialise: bool = True) -> HistoryOutcome:
    """Snapshot every commit of `ref`'s first-parent history not snapshotted yet (from `since` or
    `from_commit` on a first run), then materialise the head as a release (unless `materialise` is false).
    Raises IngestError (fetch, configuration of the head) or HistoryError (the range)."""
    with ingest_errors(), _fetched(source, ref) as checkout:
        progress(0, 0, f"fetched {checkout.commit.sha[:12]}")
        return _ingest(checkout, since, from_commit, user, progress, materialise)


def _fetched(source: str, ref: str):
    """The source's mirror (PEDIGREE_GIT_MIRROR_DIR: a new commit is a fetch, not a clone), else a temporary clone."""
    if not settings.PEDIGREE_GIT_MIRROR_DIR:
        return fetched(source, ref)
    return gitmirror.mirrored(source, ref, root=Path(settings.PEDIGREE_GIT_MIRROR_DIR),
                              allow_local=settings.PEDIGREE_ALLOW_LOCAL_SOURCES,
                              timeout=settings.PEDIGREE_GIT_TIMEOUT, egress=current_policy())


def _ingest(checkout: gitsource.Checkout, since, from_commit, user, progress: Progress, materialise: bool) -> HistoryOutcome:
    git_dir, head = checkout.git_dir, checkout.commit.sha
    shas = first_parent_history(git_dir, head)
    analysis = IncrementalAnalysis(git_dir, identity_cache=StoredIdentities(),
                                   max_file_bytes=settings.PEDIGREE_MAX_FILE_BYTES,
                                   expansion_processes=settings.PEDIGREE_EXPANSION_PROCESSES)
    distribution = _distribution(analysis.project_at(head))
    requested = _start(git_dir, shas, since, from_commit)
    newest = Snapshot.objects.filter(distribution=distribution).select_related("commit").order_by("-seq").first()
    start = requested
    skipped = Snapshot.objects.filter(distribution=distribution, seq__gte=requested).count()
    if newest is not None:
        if newest.seq >= len(shas) or shas[newest.seq] != newest.commit.sha:
            raise HistoryError(
                f"the newest snapshot of {distribution.name} (commit {newest.commit.sha[:12]}, #{newest.seq}) is not in "
                f"the first-parent history of {checkout.ref} at {head[:12]}: that history was rewritten, or it is "
                "another branch; ingest that ref as a release instead, or forget the snapshots after the last commit "
                "both histories share (history.services.ingest.forget_after)")
        start = newest.seq + 1
    todo = list(range(start, len(shas)))
    if newest is not None and todo:
        _resume(analysis, distribution)
    commits = store_commits(gitsource.read_commits(git_dir, [shas[seq] for seq in todo]).values())
    failed = 0
    for k, seq in enumerate(todo, 1):
        progress(k - 1, len(todo), f"commit {k} of {len(todo)}: {shas[seq][:12]}")
        result = analysis.analyse(shas[seq], seq)
        failed += bool(result.error)
        last = write_snapshot(distribution, commits[shas[seq]], checkout, result)
    if todo:
        _keep_input_keys(distribution, last, analysis.keys)
    release = None
    if materialise:
        progress(len(todo), len(todo), f"materialising {head[:12]} as a release")
        with component_events_told_elsewhere():  # told commit by commit (services.events)
            release = ingest_checkout(checkout, user=user, progress=progress).release
        Snapshot.objects.filter(distribution=distribution, commit=release.commit).update(release=release)
    return HistoryOutcome(
        distribution=distribution, added=len(todo), total=Snapshot.objects.filter(distribution=distribution).count(),
        release=release, skipped=skipped, head=head, failed=failed,
    )


def _distribution(project: Project) -> Distribution:
    """The distribution of the head's configuration."""
    name, _ = project.default_distro
    distribution, _ = Distribution.objects.get_or_create(
        name=name, defaults={"description": project.distros[name].get("description", "")})
    return distribution


def _start(git_dir, shas: list[str], since, from_commit: str | None) -> int:
    """Where the requested range starts in `shas` (the root: 0)."""
    if from_commit:
        try:
            sha = gitsource.run_git(git_dir, ["rev-parse", "--verify", "--quiet", f"{gitsource.check_rev(from_commit)}^{{commit}}"])
        except (gitsource.GitSourceError, ValueError):
            raise HistoryError(f"commit {from_commit!r} was not found in the repository") from None
        sha_text = sha.decode().strip()
        if sha_text not in shas:
            raise HistoryError(f"commit {from_commit} is not in the first-parent history of the ref")
        return shas.index(sha_text)
    if since:
        moment = parse_since(since)
        infos = gitsource.read_commits(git_dir, shas)
        return next((seq for seq, sha in enumerate(shas) if infos[sha].committed_at >= moment), len(shas))
    return 0


def _resume(analysis: IncrementalAnalysis, distribution: Distribution) -> None:
    """Hand the analysis the current states (decoded when read), the newest summary and input keys: those the
    last run kept, or computed again at the newest snapshot that loaded."""
    current = ComponentState.objects.filter(distribution=distribution, end_seq__isnull=True)
    digests = dict(current.values_list("name", "digest"))

    def load(names) -> dict[str, State]:
        found: dict[str, State] = {}
        names = list(names)
        for start in range(0, len(names), BATCH):
            rows = current.filter(name__in=names[start : start + BATCH]).values_list("name", "data")
            found.update((name, State.from_json(data)) for name, data in rows)
        return found

    states = States(stored=digests, load=load)
    newest = Snapshot.objects.filter(distribution=distribution).select_related("commit").order_by("-seq").first()
    assert newest is not None
    kept = newest.input_keys or {}
    if kept.get("version") == INPUT_KEYS_VERSION:
        analysis.resume(newest.commit.sha, states, digests, keys=kept["keys"], summary=newest.summary)
        return
    good = Snapshot.objects.filter(distribution=distribution, error="").select_related("commit").order_by("-seq").first()
    analysis.resume(good.commit.sha if good else None, states, digests, summary=newest.summary)


def _keep_input_keys(distribution: Distribution, newest: Snapshot, keys: dict[str, str]) -> None:
    """The analysis's input keys on the newest snapshot, for the next run (`_resume`); none on the others."""
    with transaction.atomic():
        Snapshot.objects.filter(distribution=distribution, input_keys__isnull=False).update(input_keys=None)
        Snapshot.objects.filter(pk=newest.pk).update(input_keys={"version": INPUT_KEYS_VERSION, "keys": keys})


@transaction.atomic
def write_snapshot(distribution: Distribution, commit: Commit, checkout: gitsource.Checkout,
                   result: CommitAnalysis) -> Snapshot:
    """One snapshot and its state rows, in one transaction; then `snapshot_written` (inside it)."""
    StoredIdentities.add(result.identities_computed)
    snapshot = Snapshot.objects.create(
        distribution=distribution, commit=commit, seq=result.seq, source_url=checkout.source, ref=checkout.ref,
        summary=result.summary, changed=len(result.changes), error=result.error,
    )
    ended = [name for name, before, _ in result.changes if before is not None]
    for start in range(0, len(ended), BATCH):
        ComponentState.objects.filter(distribution=distribution, end_seq__isnull=True,
                                      name__in=ended[start : start + BATCH]).update(end_seq=result.seq)
    ComponentState.objects.bulk_create(
        [state_row(distribution, result.seq, after) for _, _, after in result.changes if after is not None],
        batch_size=BATCH,
    )
    snapshot_written.send(sender=Snapshot, snapshot=snapshot, changes=result.changes)
    return snapshot


def state_row(distribution: Distribution, seq: int, state: State) -> ComponentState:
    return ComponentState(
        distribution=distribution, name=state.name, first_seq=seq, digest=state.digest(), headline=state.headline,
        spec_origin=state.spec_origin, evr=state.evr, license=state.license, overlay_count=len(state.overlays),
        data=state.to_json(), **aspect_columns(state.aspects()),
    )


def summary_of(outcome: HistoryOutcome) -> dict:
    """The JSON summary printed by `manage.py ingest --history --json` and stored on the job."""
    release = outcome.release
    newest = Snapshot.objects.filter(distribution=outcome.distribution).order_by("-seq").first()
    return {
        "distribution": outcome.distribution.name,
        "head": outcome.head,
        "added": outcome.added,
        "skipped": outcome.skipped,
        "failed": outcome.failed,
        "snapshots": outcome.total,
        "release_id": release.pk if release else None,
        "summary": newest.summary if newest else {},
    }


@transaction.atomic
def forget_after(distribution: Distribution, seq: int) -> int:
    """Delete the distribution's snapshots after `seq` and the states they began, and reopen the states they
    ended, as if the history had been ingested up to `seq` only (after a rewritten history, or to ingest
    again). The releases of those snapshots are kept. Returns how many snapshots were deleted."""
    ComponentState.objects.filter(distribution=distribution, first_seq__gt=seq).delete()
    ComponentState.objects.filter(distribution=distribution, end_seq__gt=seq).update(end_seq=None)
    deleted, _ = Snapshot.objects.filter(distribution=distribution, seq__gt=seq).delete()
    return deleted
