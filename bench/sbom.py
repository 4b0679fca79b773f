"""Measure generating and validating the full-corpus SBOM against a same-run baseline.

    .venv/bin/python bench/sbom.py [--bundle PATH] [--ref tomls/base/main] [--check]

The corpus is ingested into a throwaway SQLite database (as bench/ingest.py does; with
DATABASE_URL set, a dedicated PostgreSQL database that is dropped afterwards). Then:

  facts      load_release_facts: the fixed set of queries that feed every document
  cyclonedx  build the CycloneDX model, serialise JSON, validate it against the 1.6 schema
  baseline   the same information as plain dicts (same facts, same fields, same nesting)
             and json.dumps of them: what a hand-written generator without the library would cost
  xml, spdx  the other two documents, built and validated, timed separately
  memory     peak RSS (ru_maxrss) growth over the whole generation, and the tracemalloc peak of
             one CycloneDX JSON generation in a separate run

Targets: CycloneDX JSON generated and validated in under 20 s; ratio to the baseline at most 5.
It is a measurement, not a test: the exit code is 0 unless --check is given and a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import DEFAULT_BUNDLE, DEFAULT_REF, configure_django, rss_mb  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_RATIO = 5.0


def plain_dicts(facts) -> dict:
    """The CycloneDX document's information as plain dicts, built from the same facts."""
    from sbom.services.cyclonedx import distro_qualifier, evr_of

    components = []
    for c in facts.components:
        evr = evr_of(facts, c)
        version = evr.evr if evr else None
        components.append({
            "bom-ref": f"src/{c.name}", "type": "library", "name": c.name, "version": version,
            "purl": f"pkg:rpm/{facts.distribution}/{c.name}@{evr.vr if evr else ''}?arch=src&distro={distro_qualifier(facts)}",
            "supplier": {"name": "Microsoft Corporation", "url": ["https://github.com/microsoft/azurelinux"]},
            "description": c.summary, "licenses": [{"expression": c.license}] if c.license else [],
            "externalReferences": [
                {"type": "source-distribution", "url": s.filename, "comment": s.filename,
                 "hashes": [{"alg": s.algorithm, "content": s.digest}]} for s in c.source_files
            ] + ([{"type": "vcs", "url": c.dist_git_url}] if c.dist_git_url else []),
            "properties": [{"name": "pedigree:classification", "value": c.headline},
                           {"name": "pedigree:check-skipped", "value": str(c.check_skipped).lower()},
                           *({"name": "pedigree:reason", "value": r} for r in c.reasons)],
            "pedigree": {
                "ancestors": [] if c.spec_type == "local" else [{
                    "bom-ref": f"src/{c.name}/upstream", "name": c.upstream_name or c.name, "version": c.version,
                    "purl": f"pkg:rpm/fedora/{c.upstream_name or c.name}@{c.version}?arch=src&distro=fedora-43"}],
                "commits": [{"uid": x.sha, "message": x.subject,
                             "author": {"name": x.author_name, "email": x.author_email,
                                        "timestamp": x.authored_at.isoformat()}}
                            for x in (c.config_commit, c.rendered_commit) if x],
                "patches": [{"type": "backport" if o.category == "upstream-backport" else "unofficial",
                             "resolves": [{"type": "defect", "references": [b]} for b in o.bugs]} for o in c.overlays],
                "notes": c.verdict,
            },
            "components": [{"bom-ref": f"src/{c.name}/bin/{b.name}", "type": "library", "name": b.name,
                            "version": version, "properties": [{"name": "pedigree:channel", "value": b.channel}]}
                           for b in c.binaries],
        })
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components,
            "dependencies": [{"ref": "release", "dependsOn": [f"src/{c.name}" for c in facts.components]}]}


def timed(fn, label=""):
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    if label:
        print(f"  {label}: {seconds:.2f} s", flush=True)
    return value, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--ref", default=DEFAULT_REF)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/sbom.py: corpus bundle not found at {bundle}; pass --bundle PATH", file=sys.stderr)
        return 2

    var_dir = Path(tempfile.mkdtemp(prefix="pedigree-bench-sbom-"))
    db = None
    try:
        db = configure_django(var_dir)
        import django

        django.setup()
        from cyclonedx.schema import OutputFormat
        from django.conf import settings
        from django.core.management import call_command

        from audits.services.ingest import ingest_release
        from sbom.services import cyclonedx, spdx
        from sbom.services.generate import load_release_facts

        settings.DEBUG = False
        settings.PEDIGREE_ALLOW_LOCAL_SOURCES = True
        call_command("migrate", verbosity=0)
        print("ingesting the corpus (not timed) ...", flush=True)
        release = ingest_release(str(bundle), args.ref).release
        # warm up: schema loading and license tables are one-off costs of a worker process
        cyclonedx.validate(b'{"bomFormat":"CycloneDX","specVersion":"1.6"}', OutputFormat.JSON)
        gc.collect()
        rss_before = rss_mb()

        print("generating ...", flush=True)
        facts, t_facts = timed(lambda: load_release_facts(release), "facts")
        bom, t_model = timed(lambda: cyclonedx.build_bom(facts), "model")
        content, t_json = timed(lambda: cyclonedx.to_json(bom), "json")
        errors, t_validate = timed(lambda: cyclonedx.validate(content, OutputFormat.JSON), "json validation")
        plain, t_plain = timed(lambda: plain_dicts(facts), "plain dicts")
        dumped, t_dumps = timed(lambda: json.dumps(plain).encode(), "json.dumps")
        xml, t_xml = timed(lambda: cyclonedx.to_xml(bom), "xml")
        xml_errors, t_xml_validate = timed(lambda: cyclonedx.validate(xml, OutputFormat.XML), "xml validation")
        document, t_spdx = timed(lambda: spdx.to_json(spdx.build_document(facts)), "spdx")
        spdx_errors, t_spdx_validate = timed(lambda: spdx.validate(document), "spdx validation")
        rss_growth = rss_mb() - rss_before

        del bom
        gc.collect()
        tracemalloc.start()
        cyclonedx.to_json(cyclonedx.build_bom(facts))
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        generation = t_model + t_json + t_validate
        baseline = t_plain + t_dumps
        ratio = generation / baseline
        binaries = sum(len(c.binaries) for c in facts.components)
        print(f"\nPedigree SBOM benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}")
        print(f"  database  {db.label}")
        print(f"  corpus    {bundle} @ {args.ref}: {len(facts.components)} source packages, {binaries} binary packages\n")
        rows = [
            ("load_release_facts (queries)", t_facts, ""),
            ("CycloneDX model (build_bom)", t_model, ""),
            ("CycloneDX JSON serialisation", t_json, f"{len(content) / 1e6:.1f} MB"),
            ("CycloneDX JSON schema validation", t_validate, "valid" if not errors else f"INVALID: {errors[:1]}"),
            ("generation = model + JSON + validation", generation, ""),
            ("baseline: plain dicts", t_plain, ""),
            ("baseline: json.dumps", t_dumps, f"{len(dumped) / 1e6:.1f} MB"),
            ("baseline total", baseline, ""),
            ("CycloneDX XML serialisation", t_xml, f"{len(xml) / 1e6:.1f} MB"),
            ("CycloneDX XML schema validation", t_xml_validate, "valid" if not xml_errors else "INVALID"),
            ("SPDX build + JSON", t_spdx, f"{len(document) / 1e6:.1f} MB"),
            ("SPDX parse + validation (spdx-tools)", t_spdx_validate, "valid" if not spdx_errors else f"INVALID: {spdx_errors[:1]}"),
        ]
        width = max(len(r[0]) for r in rows)
        for label, seconds, note in rows:
            print(f"  {label:<{width}}  {seconds:7.2f} s  {note}")
        print(f"  {'ratio generation / baseline':<{width}}  {ratio:7.1f}    "
              f"(without validation: {(t_model + t_json) / baseline:.1f}; vs json.dumps alone: {generation / t_dumps:.1f})")
        print(f"  {'peak RSS growth, all documents (MB)':<{width}}  {rss_growth:7.0f}")
        print(f"  {'tracemalloc peak, CycloneDX JSON (MB)':<{width}}  {traced_peak / 1e6:7.0f}")
        time_ok, ratio_ok = generation < TARGET_SECONDS, ratio <= TARGET_RATIO
        print("\n  targets")
        print(f"    generation < {TARGET_SECONDS:g} s   {generation:7.2f} s  {'PASS' if time_ok else 'FAIL'}")
        print(f"    ratio <= {TARGET_RATIO:g}          {ratio:7.1f}    {'PASS' if ratio_ok else 'FAIL'}")
        ok = time_ok and ratio_ok and not errors and not xml_errors and not spdx_errors
    finally:
        if db is not None:
            db.drop()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
