"""Measure the release CycloneDX JSON of the next commit after a generated one, from per-component parts.

    .venv/bin/python bench/sbom_increment.py [--bundle PATH] [--older 0e2a0b11] [--ref tomls/base/main] [--check]

Ingests two commits of the corpus into a throwaway database (as bench/ingest.py; with DATABASE_URL set, a
dedicated PostgreSQL database that is dropped afterwards), by default 0e2a0b11 and the cut 44 commits later,
and scans both for CVEs as the SBOM job does. Then, all in the same run:

  older, from parts   the older commit's document with an empty cache: every part built and stored
  full                the cut's document with the parts off: build_bom + to_json (what the job did before)
  increment           the cut's document from the parts: plan (keys, Requires resolution), the parts read
                      from the database, the missing ones built, the document assembled, the new parts stored
  validation          the JSON schema validation the job runs on either
  XML                 the cut's CycloneDX XML in full (build_bom + to_xml) and from the parts
  json.dumps          json.dumps of the same content (the document parsed back, not timed), and the
                      bench/sbom.py baseline (plain dicts from the same facts + json.dumps)

The increment, json.dumps and baseline are the median of three runs (the increment's parts are stored only
after the third). The ratio increment / json.dumps is the target (at most 5), on the wall clock; the
document from parts must be byte-identical to the full generation. Loading the facts from the database
(load_release_facts) is printed on its own, as in bench/sbom.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import DEFAULT_BUNDLE, DEFAULT_REF, ingest_corpus, throwaway_django  # noqa: E402
from bench.sbom import Phase, plain_dicts  # noqa: E402

TARGET_RATIO = 5.0
OLDER_COMMIT = "0e2a0b11"


def median_phase(label: str, fn, runs: int = 3) -> Phase:
    """The run with the median wall clock of `runs` (each printed)."""
    phases = sorted((Phase(f"{label} (run {i + 1})", fn) for i in range(runs)), key=lambda p: p.wall)
    chosen = phases[len(phases) // 2]
    chosen.label = f"{label} (median of {runs})"
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--older", default=OLDER_COMMIT, help="the commit generated first (default %(default)s)")
    parser.add_argument("--ref", default=DEFAULT_REF, help="the next commit (default %(default)s: the cut)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed or the bytes differ")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/sbom_increment.py: corpus bundle not found at {bundle}; pass --bundle PATH", file=sys.stderr)
        return 2

    with throwaway_django("pedigree-bench-sbom-increment-") as db:
        from cyclonedx.schema import OutputFormat

        from sbom.models import SbomPart
        from sbom.services import cyclonedx, parts
        from sbom.services.generate import load_release_facts, options_from_settings
        from vex.services.statements import ensure_scanned

        older = ingest_corpus(bundle, args.older, db.label)
        newer = ingest_corpus(bundle, args.ref, db.label)
        for release in (older, newer):
            ensure_scanned(release)
        cyclonedx.validate(b'{"bomFormat":"CycloneDX","specVersion":"1.6"}', OutputFormat.JSON)  # warm up
        options = options_from_settings()
        without_gc = cyclonedx.without_cyclic_gc

        print("generating ...", flush=True)
        older_facts = load_release_facts(older)
        first = Phase("older commit JSON + XML from parts, empty cache (all built, stored)",
                      lambda: _stored(parts, parts.release_documents(older_facts, options)))
        facts = Phase("next commit: DB load (load_release_facts)", lambda: load_release_facts(newer))
        full = Phase("next commit: full generation (build_bom + to_json)", lambda: cyclonedx.to_json(
            cyclonedx.build_bom(facts.value, options=options), cyclonedx.compositions_of(facts.value)))
        increment = median_phase("next commit from parts (plan + read + build missing + assemble)",
                                 lambda: parts.release_json(facts.value, options))
        store = Phase("next commit: store the new parts", lambda: parts.store_parts(increment.value))
        full_xml = Phase("next commit: full XML generation (build_bom + to_xml)", lambda: cyclonedx.to_xml(
            cyclonedx.build_bom(facts.value, options=options), cyclonedx.compositions_of(facts.value)))
        xml = median_phase("next commit XML from parts", lambda: parts.release_documents(facts.value, options, ("xml",)))
        content = increment.value.assembled.content
        errors = Phase("JSON schema validation", lambda: cyclonedx.validate(content, OutputFormat.JSON))
        data = json.loads(content)
        dumped = median_phase("json.dumps of the same content", lambda: without_gc()(json.dumps)(data))
        baseline = median_phase("bench/sbom.py baseline (plain dicts + json.dumps)",
                                lambda: without_gc()(lambda: json.dumps(plain_dicts(facts.value)))())

        identical = content == full.value
        assembled = increment.value.assembled
        generation = increment.wall + store.wall
        ratio, ratio_validated = generation / dumped.wall, (generation + errors.wall) / dumped.wall
        print(f"\nPedigree SBOM increment benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}  "
              f"(load average {os.getloadavg()[0]:.1f})")
        print(f"  database  {db.label}")
        print(f"  corpus    {bundle}: {args.older} then {args.ref} ({newer.commit.sha[:12]}), "
              f"{len(facts.value.components)} source packages")
        print(f"  parts     reused {assembled.reused}, built {assembled.built}, stored {store.value} "
              f"({SbomPart.objects.count()} rows)\n")
        rows = [first, facts, full, increment, store, errors, dumped, baseline, full_xml, xml]
        width = max(len(p.label) for p in rows)
        print(f"  {'':<{width}}     wall       CPU")
        for p in rows:
            print(f"  {p.label:<{width}}  {p.wall:7.2f} s {p.cpu:7.2f} s")
        print(f"  {'document':<{width}}  {len(content) / 1e6:7.1f} MB, "
              f"{'byte-identical to the full generation' if identical else 'DIFFERS from the full generation'}")
        print(f"  {'ratio increment (+ store) / json.dumps':<{width}}  {ratio:7.1f}   "
              f"{(increment.cpu + store.cpu) / dumped.cpu:7.1f}")
        print(f"  {'  the same with validation':<{width}}  {ratio_validated:7.1f}   "
              f"{(increment.cpu + store.cpu + errors.cpu) / dumped.cpu:7.1f}")
        print(f"  {'  full generation / json.dumps':<{width}}  {full.wall / dumped.wall:7.1f}   "
              f"{full.cpu / dumped.cpu:7.1f}")
        xml_identical = xml.value["xml"].assembled.content == full_xml.value
        print(f"  {'XML document':<{width}}  {len(full_xml.value) / 1e6:7.1f} MB, "
              f"{'byte-identical to the full generation' if xml_identical else 'DIFFERS from the full generation'}")
        ok = identical and xml_identical and ratio <= TARGET_RATIO and not errors.value
        print("\n  target (wall clock)")
        print(f"    increment <= {TARGET_RATIO:g} x json.dumps, byte-identical, valid   "
              f"{'PASS' if ok else 'FAIL'}")
    return 1 if args.check and not ok else 0


def _stored(parts, documents):
    for document in documents.values():
        parts.store_parts(document)
    return documents


if __name__ == "__main__":
    sys.exit(main())
