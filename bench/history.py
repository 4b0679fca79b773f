"""Measure the history ingest of the real Azure Linux corpus against same-run baselines.

    .venv/bin/python bench/history.py [--bundle PATH] [--ref tomls/base/main] [--check]

Database set-up as bench/ingest.py (a throwaway SQLite file, or with DATABASE_URL a dedicated
PostgreSQL database `pedigree_bench`, created and dropped). Steps, in this order:

  full      `ingest_release` of the head on an empty database (identity cache cold): the time of
            one full single-commit ingest, and the database size after one full release.
  history   everything deleted (identity cache too), then `ingest_history` of the commit before
            the ref's head (given as a commit id): every commit of its first-parent history as a
            snapshot, then that commit materialised as a release, as a run that ended there leaves
            it (the source's mirror kept, the input keys on the newest snapshot). Timed as a whole
            and split at the progress message that starts the materialisation.
  new       `ingest_history` of the ref: one new commit (the head changes 1 of 7,580 components),
            fetched into the kept mirror, resumed from the kept input keys; split as above, and at
            the "fetched" message. Then the parent's release is deleted and the database size taken:
            the whole history, snapshots and the head's release.
  warm      the head's release deleted, then `ingest_release` of the head again: a full single-commit
            ingest with the identity cache as warm as the history ingest's (the fair baseline of "new").

Database sizes are taken after VACUUM (SQLite: pages in use; PostgreSQL: VACUUM FULL, then
pg_database_size), so rows deleted by an earlier step do not count. It is a measurement, not a
test: the exit code is 0 unless --check is given and a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import DEFAULT_BUNDLE, DEFAULT_REF, throwaway_django, verdict  # noqa: E402

TARGET_HISTORY_SECONDS = 600.0  # the whole history
TARGET_SIZE_RATIO = 3.0  # database after the whole history / after one full release
TARGET_NEW_COMMIT_RATIO = 0.15  # one new commit / a full single-commit ingest of it


def database_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return pages * cursor.fetchone()[0]
        cursor.execute("VACUUM FULL")
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def wipe() -> None:
    """Every release, snapshot, commit, distribution and cached identity."""
    from audits.models import Commit, Distribution, IdentityCacheEntry, Release
    from history.models import Snapshot

    Release.objects.all().delete()
    Snapshot.objects.all().delete()
    Distribution.objects.all().delete()
    Commit.objects.all().delete()
    IdentityCacheEntry.objects.all().delete()


@dataclass
class Split:
    total: float  # seconds, end to end
    walk: float  # until the materialisation of the head started (everything when there is none)
    added: int
    fetch: float = 0.0  # until the clone was made (the "fetched" progress message)

    @property
    def materialise(self) -> float:
        return self.total - self.walk


def timed_history(bundle: Path, ref: str) -> Split:
    from history.services.ingest import ingest_history

    marks: dict[str, float] = {}

    def progress(done: int, total: int, stage: str) -> None:
        marks.setdefault(stage.split(" ", 1)[0], time.perf_counter())
        if stage.startswith("commit ") and done % 50 == 0:
            print(f"    {stage}", flush=True)

    start = time.perf_counter()
    outcome = ingest_history(str(bundle), ref, progress=progress)
    end = time.perf_counter()
    return Split(end - start, marks.get("materialising", end) - start, outcome.added, marks["fetched"] - start)


def timed_release(bundle: Path, ref: str) -> tuple[float, float]:
    """(seconds end to end, seconds until the clone was made)."""
    from audits.services.ingest import ingest_release

    marks: dict[str, float] = {}
    start = time.perf_counter()
    outcome = ingest_release(str(bundle), ref, progress=lambda done, total, stage: marks.setdefault(
        stage.split(" ", 1)[0], time.perf_counter()))
    seconds = time.perf_counter() - start
    if not outcome.created:
        raise RuntimeError("the head was already ingested: the measurement would be of a look-up")
    return seconds, marks["fetched"] - start


def delete_head_release() -> None:
    from audits.models import Release
    from history.models import Snapshot

    head = Snapshot.objects.order_by("-seq").first()
    Release.objects.filter(commit=head.commit).delete()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE, help="git bundle (default: %(default)s)")
    parser.add_argument("--ref", default=DEFAULT_REF, help="branch (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/history.py: corpus bundle not found at {bundle}; pass --bundle PATH", file=sys.stderr)
        return 2

    with throwaway_django("pedigree-bench-history-") as db:
        from audits import gitsource
        from audits.models import Release
        from history.models import ComponentState, Snapshot

        print("full: ingest_release of the head, cold ...", flush=True)
        full_cold, _ = timed_release(bundle, args.ref)
        size_release = database_size()

        wipe()
        from history.incremental import first_parent_history

        with gitsource.fetch(str(bundle), args.ref, allow_local=True) as checkout:
            previous = first_parent_history(checkout.git_dir, checkout.commit.sha)[-2]
        print(f"history: ingest_history up to the commit before the head ({previous[:12]}), cold ...", flush=True)
        history = timed_history(bundle, previous)

        print("new: one new commit (the ref's head), from the kept mirror and input keys ...", flush=True)
        new = timed_history(bundle, args.ref)
        Release.objects.filter(commit__sha=previous).delete()  # the whole history: its snapshots and one release
        size_history = database_size()
        snapshots, states = Snapshot.objects.count(), ComponentState.objects.count()

        delete_head_release()
        print("warm: ingest_release of the head, identity cache warm ...", flush=True)
        full_warm, full_fetch = timed_release(bundle, args.ref)

        size_ratio = size_history / size_release
        walk_ratio, total_ratio = new.walk / full_warm, new.total / full_warm
        # The clone of the bundle is the same in both; after it:
        after_fetch = (new.walk - new.fetch) / (full_warm - full_fetch)
        whole = history.total + new.total  # every commit, and the head's release
        history_ok = whole <= TARGET_HISTORY_SECONDS
        size_ok = size_ratio <= TARGET_SIZE_RATIO
        new_ok = walk_ratio <= TARGET_NEW_COMMIT_RATIO

        print(f"\nPedigree history benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}")
        print(f"  database  {db.label}")
        print(f"  corpus    {bundle} @ {args.ref}\n")
        rows = [
            ("full single-commit ingest, cold (s)", f"{full_cold:.1f}", "identity cache empty"),
            ("full single-commit ingest, warm (s)", f"{full_warm:.1f}", "identity cache as the history ingest left it"),
            ("whole history ingest (s)", f"{whole:.1f}", f"{history.added} + {new.added} commits, two heads materialised"),
            ("  the history up to the head's parent (s)", f"{history.total:.1f}", ""),
            ("    of which the snapshots (s)", f"{history.walk:.1f}", f"{history.walk / max(history.added, 1):.2f} s per commit"),
            ("    of which the parent's release (s)", f"{history.materialise:.1f}", ""),
            ("snapshots / state rows", f"{snapshots} / {states}", ""),
            ("database after one full release (MB)", f"{size_release / 1e6:.1f}", "after VACUUM"),
            ("database after the whole history (MB)", f"{size_history / 1e6:.1f}", "snapshots, states, the head's release"),
            ("clone of the bundle in the warm full ingest (s)", f"{full_fetch:.2f}", "the same work in every run"),
            ("one new commit, snapshot only (s)", f"{new.walk:.2f}", f"fetch + 1 commit; ratio to warm full {walk_ratio:.0%}"),
            ("  of which the fetch into the mirror (s)", f"{new.fetch:.2f}", f"after it: ratio to warm full after its "
             f"clone {after_fetch:.0%}"),
            ("one new commit, with the head's release (s)", f"{new.total:.2f}", f"ratio to warm full {total_ratio:.0%}, "
             f"to cold full {new.total / full_cold:.0%}"),
        ]
        width = max(len(r[0]) for r in rows)
        for label, value, note in rows:
            print(f"  {label:<{width}}  {value:>12}  {note}")
        print("\n  targets")
        print(f"    whole history <= {TARGET_HISTORY_SECONDS:g} s          {whole:>7.1f} s  {verdict(history_ok)}")
        print(f"    size ratio <= {TARGET_SIZE_RATIO:g}                {size_ratio:>7.2f}    {verdict(size_ok)}")
        print(f"    new commit <= {TARGET_NEW_COMMIT_RATIO:.0%} of a full ingest   {walk_ratio:>7.0%}    {verdict(new_ok)}"
              f"   (snapshot only; with the head's release: {total_ratio:.0%}; both after the clone: {after_fetch:.0%})")
    return 1 if args.check and not (history_ok and size_ok and new_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
