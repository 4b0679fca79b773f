"""Time the release evidence bundle of the full corpus (7,580 components).

    .venv/bin/python bench/evidence.py [--bundle PATH] [--ref tomls/base/main] [--repeat 3] [--with-sbom] [--check]

The corpus is ingested into a throwaway database exactly as bench/ingest.py does (a temporary
SQLite file, or with DATABASE_URL a dedicated PostgreSQL database, dropped at the end). With
--with-sbom the release's three SBOM documents are generated and stored first (not timed, about
two minutes), so that the bundle carries them as it would in production. Then:

  bundle     build_release_bundle end to end, --repeat times (median reported): bulk queries,
             every component's files, OSCAL build + validation against the official schema,
             HTML and PDF reports, the deterministic ZIP; its phases are printed for the last run
  store      create_release_bundle once more, including the EvidenceBundle row write
  check      check_bundle on the stored bytes (what a third party runs offline)
  component  create_component_bundle for the package with the most overlays and the one with the
             largest spec (on-demand generation from the package page, its SBOM included)

Target: the release bundle in under 60 s. A measurement, not a test: the exit code is 0 unless
--check is given and the target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import (  # noqa: E402
    DEFAULT_BUNDLE,
    DEFAULT_REF,
    ingest_corpus,
    rss_mb,
    throwaway_django,
)

TARGET_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--ref", default=DEFAULT_REF)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-sbom", action="store_true", help="store the release SBOMs first (not timed)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/evidence.py: corpus bundle not found at {bundle}; pass --bundle PATH", file=sys.stderr)
        return 2

    with throwaway_django("pedigree-bench-evidence-") as db:
        from audits.models import Component
        from evidence.check import check_bundle
        from evidence.services.bundles import (
            build_release_bundle,
            create_component_bundle,
            create_release_bundle,
        )

        release = ingest_corpus(bundle, args.ref, db.label)
        if args.with_sbom:
            from sbom.services.generate import generate_release_documents

            print("generating the release SBOMs (not timed) ...", flush=True)
            generate_release_documents(release)
        requested_at = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
        rss_before = rss_mb()
        runs, contents = [], []
        for n in range(args.repeat):
            start = time.perf_counter()
            content, manifest, phases = build_release_bundle(release, requested_by="bench", requested_at=requested_at)
            runs.append(time.perf_counter() - start)
            contents.append(content)
            print(f"  run {n + 1}: {runs[-1]:.2f} s", flush=True)
        rss_growth = rss_mb() - rss_before
        start = time.perf_counter()
        stored = create_release_bundle(release, requested_at=requested_at)
        t_store = time.perf_counter() - start
        start = time.perf_counter()
        result = check_bundle(io.BytesIO(bytes(stored.content)))
        t_check = time.perf_counter() - start

        component_runs = []
        for component in (Component.objects.filter(release=release).order_by("-overlay_count", "name").first(),
                          Component.objects.filter(release=release).order_by("-rendered_spec__size", "name").first()):
            start = time.perf_counter()
            create_component_bundle(release, component.name)  # first request: its SBOM is generated too
            component_runs.append((component.name, time.perf_counter() - start))

        median = statistics.median(runs)
        kinds: dict[str, int] = {}
        for entry in manifest["files"]:
            kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
        print(f"\nPedigree evidence bundle benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}")
        print(f"  database  {db.label}")
        print(f"  release   {release.components.count()} components; SBOMs stored: {'yes' if args.with_sbom else 'no'}\n")
        print(f"  release bundle (median of {args.repeat})  {median:7.2f} s   (min {min(runs):.2f}, max {max(runs):.2f})")
        for phase, seconds in phases.items():
            print(f"    · {phase:<22} {seconds:7.2f} s")
        print(f"  create_release_bundle (with row write)   {t_store:7.2f} s")
        print(f"  check_bundle (offline re-verification)   {t_check:7.2f} s   {'OK' if result.ok else result.problems[:3]}")
        for name, seconds in component_runs:
            print(f"  component bundle {name:<23} {seconds:7.2f} s   (on demand, SBOM included)")
        print(f"  ZIP size                                 {len(contents[-1]) / 1e6:7.1f} MB, {len(manifest['files'])} files")
        print(f"  files by kind                            {dict(sorted(kinds.items()))}")
        print(f"  identical bytes across runs              {'yes' if len(set(contents)) == 1 else 'NO'}")
        print(f"  peak RSS growth                          {rss_growth:7.0f} MB")
        ok = median < TARGET_SECONDS and result.ok and len(set(contents)) == 1
        print(f"\n  target: release bundle < {TARGET_SECONDS:g} s   {median:.2f} s  {'PASS' if median < TARGET_SECONDS else 'FAIL'}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
