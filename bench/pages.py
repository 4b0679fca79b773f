"""Server time of the auditor pages on the real corpus (7,580 components).

    .venv/bin/python bench/pages.py [--bundle PATH] [--ref tomls/base/main] [--runs 30] [--check]
                                    [--history | --synthetic-history]

Ingests the bundle into a throwaway database exactly like bench/ingest.py (a temporary
SQLite file, or a dedicated PostgreSQL database `pedigree_bench` when DATABASE_URL is set;
both removed at the end), then requests each page through Django's test client as a
signed-in auditor: two warm-up requests, then --runs timed ones. The time is the whole
server side of a request (middleware, session, queries, template, access-log write),
without the network. Prints p50/p95 and the number of SQL queries per page.

When the database holds history of the release's distribution, the history pages are measured too
(distribution history, snapshot table, component timeline, changes since). --history ingests the real one
first (history.services.ingest: every commit of --ref, about 3-4 minutes; the release is the head it links);
--synthetic-history writes one of corpus size (bench/synthetic_history.py: 492 snapshots over the release's
components, a few thousand random changes).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT / ".." / "shared" / "corpus" / "azurelinux-tomls-base.bundle"
TARGET_P95_MS = 100.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--ref", default="tomls/base/main")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses the p95 target")
    history = parser.add_mutually_exclusive_group()
    history.add_argument("--history", action="store_true", help="ingest the real history of --ref before measuring")
    history.add_argument("--synthetic-history", action="store_true",
                         help="write a synthetic history of corpus size (492 snapshots) before measuring")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/pages.py: corpus bundle not found at {bundle}; pass --bundle PATH", file=sys.stderr)
        return 2

    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import ingest as ingest_bench  # bench/ingest.py: the same throwaway-database set-up

    with ingest_bench.throwaway_django("pedigree-bench-pages-") as db:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from audits.models import Component, Overlay
        from reviews.models import Review

        release = ingest_bench.ingest_corpus(bundle, args.ref, db.label)
        user = get_user_model().objects.create_user("bench-auditor", password="unused-bench-password")
        user.groups.set(Group.objects.filter(name="auditor"))
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)

        most_overlays = Component.objects.filter(release=release).order_by("-overlay_count").first()
        biggest_spec = Component.objects.filter(release=release).order_by("-rendered_spec__size").first()
        category = Overlay.objects.filter(component__release=release).exclude(type="").values_list("type", flat=True).first()
        base = f"/releases/{release.pk}/"
        review = Review.objects.get(component=most_overlays)
        pages = [
            ("release list", "/"),
            ("dashboard + table page 1", base),
            ("table filtered (channel, reason, sort)", f"{base}?channel=rpm-base&reason=overlays&sort=-overlays"),
            ("table filtered (name search, page 3)", f"{base}?q=python&page=3"),
            ("table filtered (overlay type)", f"{base}?overlay_type={category}&has_inconsistency=false"),
            ("table last page, sorted by change date", f"{base}?sort=-changed&page=76"),
            (f"package page {most_overlays.name} ({most_overlays.overlay_count} overlays, review panel)", f"{base}components/{most_overlays.name}/"),
            (f"package page {biggest_spec.name} (largest spec)", f"{base}components/{biggest_spec.name}/"),
            ("review queue (every review, pending first)", f"{base}reviews/"),
            ("review queue filtered (reason overlays)", f"{base}reviews/?reason=overlays&state=pending"),
            (f"review page {most_overlays.name} (history, forms)", f"{base}reviews/{review.pk}/"),
            ("CSV export, unfiltered (not targeted)", f"/releases/{release.pk}/components.csv"),
        ]
        if args.history:
            from history.services.ingest import ingest_history

            started = time.perf_counter()
            outcome = ingest_history(str(bundle), args.ref)
            print(f"  history ingested: {outcome.added} snapshots in {time.perf_counter() - started:.1f} s")
        if args.synthetic_history:
            import synthetic_history

            started = time.perf_counter()
            synthetic_history.load(release)
            print(f"  synthetic history written in {time.perf_counter() - started:.1f} s")
        pages += history_pages(release)
        # As the web process does once it has loaded the application (portal/wsgi.py): what exists before the first
        # request is moved out of the garbage collector's sight, so a full collection scans only what requests
        # allocate. Without it, the objects this process's own ingests left behind (not a web process's) made the
        # occasional full collection a 340-660 ms pause in the busiest pages.
        gc.collect()
        gc.freeze()
        print(f"\nPedigree page benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}")
        print(f"  database  {db.label}")
        print(f"  release   {Component.objects.filter(release=release).count()} components; {args.runs} timed runs per page")
        print(f"  history   {history_figures(release)}\n")
        width = max(len(label) for label, _ in pages)
        print(f"  {'page':<{width}}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  {'queries':>7}  {'KiB':>6}")
        ok = True
        for label, url in pages:
            for _ in range(2):
                assert client.get(url).status_code in (200, 302), url
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p95 = percentile(times, 0.95)
            targeted = "not targeted" not in label
            ok = ok and (p95 < TARGET_P95_MS or not targeted)
            verdict = ("PASS" if p95 < TARGET_P95_MS else "FAIL") if targeted else ""
            print(f"  {label:<{width}}  {statistics.median(times):7.1f}  {p95:7.1f}  {max(times):7.1f}  "
                  f"{len(queries):7d}  {len(response.content) / 1024:6.0f}  {verdict}")
        print(f"\n  target: p95 < {TARGET_P95_MS:g} ms per page  {'PASS' if ok else 'FAIL'}")
    return 1 if args.check and not ok else 0


def history_figures(release) -> str:
    from history.models import ComponentState, Snapshot

    snapshots = Snapshot.objects.filter(distribution=release.distribution).count()
    states = ComponentState.objects.filter(distribution=release.distribution).count()
    return f"{snapshots} snapshots, {states} component state rows" if snapshots else "none"


def history_pages(release) -> list[tuple[str, str]]:
    """The history pages of the release's distribution, when it has history."""
    from django.db.models import Count

    from history.models import ComponentState, Snapshot

    dist = release.distribution
    snapshots = list(Snapshot.objects.filter(distribution=dist).select_related("commit").order_by("seq"))
    if not snapshots:
        return []
    busiest = (ComponentState.objects.filter(distribution=dist).values("name").annotate(n=Count("id"))
               .order_by("-n", "name").first())
    first, middle, newest = snapshots[0], snapshots[len(snapshots) // 2], snapshots[-1]
    base = f"/history/{dist.name}/"
    return [
        (f"history: distribution page ({len(snapshots)} snapshots, 4 charts)", base),
        ("history: as-of selector (date, redirect)", f"{base}?at={middle.commit.committed_at:%Y-%m-%d}"),
        ("history: newest snapshot, table page 1", f"{base}commits/{newest.commit.sha}/"),
        ("history: middle snapshot, altered, page 2", f"{base}commits/{middle.commit.sha}/?headline=altered&page=2"),
        (f"history: component timeline {busiest['name']} ({busiest['n']} states)", f"{base}components/{busiest['name']}/"),
        ("history: changes since the first snapshot", f"{base}changes/?from={first.commit.sha}"),
        ("history: changes since the middle, overlays", f"{base}changes/?from={middle.commit.sha}&kind=overlays"),
        ("history: changes since the first snapshot, version", f"{base}changes/?from={first.commit.sha}&kind=version"),
        ("history: changes API since the first snapshot", f"/api/v1/history/{dist.name}/changes/?from={first.commit.sha}"),
        ("history: changes API since the middle, overlays",
         f"/api/v1/history/{dist.name}/changes/?from={middle.commit.sha}&kind=overlays"),
        ("history: changes CSV since the first (not targeted)", f"{base}changes.csv?from={first.commit.sha}"),
    ]


if __name__ == "__main__":
    sys.exit(main())
