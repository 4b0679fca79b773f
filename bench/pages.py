"""Server time of the auditor pages on the real corpus (7,580 components).

    .venv/bin/python bench/pages.py [--bundle PATH] [--ref tomls/base/main] [--runs 30] [--check]

Ingests the bundle into a throwaway database exactly like bench/ingest.py (a temporary
SQLite file, or a dedicated PostgreSQL database `pedigree_bench` when DATABASE_URL is set;
both removed at the end), then requests each page through Django's test client as a
signed-in auditor: two warm-up requests, then --runs timed ones. The time is the whole
server side of a request (middleware, session, queries, template, access-log write),
without the network. Prints p50/p95 and the number of SQL queries per page.
"""

from __future__ import annotations

import argparse
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
        print(f"\nPedigree page benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}")
        print(f"  database  {db.label}")
        print(f"  release   {Component.objects.filter(release=release).count()} components; {args.runs} timed runs per page\n")
        width = max(len(label) for label, _ in pages)
        print(f"  {'page':<{width}}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  {'queries':>7}  {'KiB':>6}")
        ok = True
        for label, url in pages:
            for _ in range(2):
                assert client.get(url).status_code == 200, url
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


if __name__ == "__main__":
    sys.exit(main())
