"""Measure generating and validating the full-corpus SBOM against a same-run baseline.

    .venv/bin/python bench/sbom.py [--bundle PATH] [--ref tomls/base/main] [--check]

The corpus is ingested into a throwaway SQLite database (as bench/ingest.py does; with
DATABASE_URL set, a dedicated PostgreSQL database that is dropped afterwards). Then:

  facts      load_release_facts: the fixed set of queries that feed every document
  cyclonedx  build the CycloneDX model, serialise JSON, validate it against the 1.6 schema
  baseline   the same information as plain dicts (same facts, same fields, same nesting, about
             the same number of bytes) and json.dumps of them: what a hand-written generator
             without the library would cost, under the same garbage-collector setting
  job        the release CycloneDX JSON as the job writes it by default: from per-component parts,
             none cached yet (a release's first generation), validated, the parts stored; its bytes
             are compared with the full generation's
  xml, spdx  the other two documents, built and validated, and the NTIA/BSI reports
  memory     peak RSS (ru_maxrss) growth over the whole generation, and the tracemalloc peak of
             one CycloneDX JSON generation in a separate run

Every phase prints wall-clock and CPU seconds; targets are judged on the wall clock.

Targets, judged on the full generation (what the job does with the parts off, and the reference the parts
are compared with): CycloneDX JSON generated and validated in under 20 s; ratio to the baseline at most 5.
It is a measurement, not a test: the exit code is 0 unless --check is given and a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import DEFAULT_BUNDLE, DEFAULT_REF, ingest_corpus, rss_mb, throwaway_django  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_RATIO = 5.0


def plain_dicts(facts) -> dict:
    """The CycloneDX document's information as plain dicts, built from the same facts.

    What a hand-written generator without the library would write: the same components,
    fields, nesting and strings (purls and URLs by string formatting, licences as given),
    so its JSON is about the size of the real document (both sizes are printed)."""
    from sbom.services.identity import distro_qualifier, evr_of

    supplier = {"name": "Microsoft Corporation", "url": ["https://github.com/microsoft/azurelinux"]}
    distro = distro_qualifier(facts)

    def props(pairs):
        return [{"name": f"pedigree:{k}", "value": v} for k, v in sorted(pairs) if v != ""]

    def action(name, email, at):
        return {"timestamp": at.isoformat() if at else None, "name": name, "email": email}

    components = []
    for c in facts.components:
        evr = evr_of(c)
        version = evr.evr if evr else None
        licenses = [{"expression": c.license}] if c.license else []
        purl_version = f"@{evr.vr}" if evr else ""
        source_refs = [{
            "comment": f"{s.filename} (sources file)", "type": "source-distribution",
            "hashes": [{"alg": s.algorithm, "content": s.digest}],
            "url": f"https://src.fedoraproject.org/repo/pkgs/rpms/{c.name}/{s.filename}/"
                   f"{s.algorithm.lower()}/{s.digest}/{s.filename}",
        } for s in c.source_files]
        vcs = ([{"comment": f"{c.upstream_distro} dist-git, branch {c.dist_git_branch}", "type": "vcs",
                 "url": c.dist_git_url}] if c.dist_git_url else [])
        components.append({
            "bom-ref": f"src/{c.name}",
            "components": [{
                "bom-ref": f"src/{c.name}/bin/{b.name}", "licenses": licenses, "name": b.name,
                "properties": props([("channel", b.channel), ("channel-source", b.channel_source)]),
                "purl": f"pkg:rpm/{facts.distribution}/{b.name}{purl_version}?distro={distro}"
                        f"&upstream={c.name}-{evr.vr if evr else ''}.src.rpm",
                "supplier": supplier, "type": "library", "version": version,
            } for b in c.binaries],
            "description": c.summary,
            "externalReferences": source_refs + vcs + ([{"type": "website", "url": c.url}] if c.url else []),
            "licenses": licenses,
            "name": c.name,
            "pedigree": {
                "ancestors": [] if c.spec_type == "local" else [{
                    "bom-ref": f"src/{c.name}/upstream", "externalReferences": vcs, "name": c.upstream_name or c.name,
                    "properties": props([("upstream-commit", c.upstream_commit),
                                         ("upstream-snapshot", c.upstream_snapshot)]),
                    "purl": f"pkg:rpm/fedora/{c.upstream_name or c.name}@{c.version}?arch=src"
                            f"&distro={c.upstream_distro}-{c.upstream_version}",
                    "supplier": {"name": "Fedora Project", "url": ["https://fedoraproject.org"]},
                    "type": "library", "version": c.version}],
                "commits": [{"author": action(x.author_name, x.author_email, x.authored_at),
                             "committer": action(x.committer_name, x.committer_email, x.committed_at),
                             "message": f"last change of the configuration: {x.subject}", "uid": x.sha}
                            for x in (c.config_commit, c.rendered_commit) if x],
                "patches": [{"type": "backport" if o.category == "upstream-backport" else "unofficial",
                             "resolves": [{"type": "defect", "references": [b]} for b in o.bugs]}
                            for o in c.overlays],
                "notes": c.verdict,
            },
            "properties": props([("classification", c.headline), ("spec-origin", c.spec_origin),
                                 ("check-skipped", str(c.check_skipped).lower()),
                                 ("check-skip-reason", c.check_skip_reason), ("defined-in", c.defined_in)]
                                + [("reason", r) for r in c.reasons]),
            "purl": f"pkg:rpm/{facts.distribution}/{c.name}{purl_version}?arch=src&distro={distro}",
            "supplier": supplier, "type": "library", "version": version,
        })
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components,
            "dependencies": [{"ref": "release", "dependsOn": [f"src/{c.name}" for c in facts.components]}]
            + [{"ref": f"src/{c.name}"} for c in facts.components]}


def parts_cold(facts) -> tuple[str, bytes]:
    """What `generate.build_documents` does for a release's first CycloneDX JSON (parts on, the default):
    every per-component part built (none is cached yet), the document assembled, validated and the
    parts stored. Returns a note on it and its bytes."""
    from cyclonedx.schema import OutputFormat

    from sbom.services import cyclonedx, parts

    document = parts.release_json(facts, cyclonedx.BomOptions())  # the options of the full generation above
    if document is None:
        return "not from parts (the full generation's fallback)", b""
    errors = cyclonedx.validate(document.assembled.content, OutputFormat.JSON)
    stored = parts.store_parts(document)
    return f"{'valid' if not errors else 'INVALID'}, {stored} parts stored", document.assembled.content


class Phase:
    """One timed step: wall-clock and CPU seconds of this process (the machine is shared, so
    CPU time shows the work when other processes slow the wall clock)."""

    def __init__(self, label: str, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        self.value = fn()
        self.wall, self.cpu = time.perf_counter() - wall, time.process_time() - cpu
        self.label = label
        print(f"  {label}: {self.wall:.2f} s ({self.cpu:.2f} s CPU)", flush=True)


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

    with throwaway_django("pedigree-bench-sbom-") as db:
        from cyclonedx.schema import OutputFormat

        from sbom.services import cyclonedx, report, spdx
        from sbom.services.generate import load_release_facts

        release = ingest_corpus(bundle, args.ref, db.label)
        # warm up: schemas and licence tables are loaded once per worker process
        cyclonedx.validate(b'{"bomFormat":"CycloneDX","specVersion":"1.6"}', OutputFormat.JSON)
        cyclonedx.validate(b"<bom/>", OutputFormat.XML)
        gc.collect()
        rss_before = rss_mb()

        print("generating ...", flush=True)
        without_gc = cyclonedx.without_cyclic_gc  # as in the job (generate.build_documents) and the baseline
        facts = Phase("DB load (load_release_facts)", lambda: load_release_facts(release))
        # before the model exists, with the collector paused, as in the job (generate.build_documents)
        from_parts = Phase("job: release JSON from parts, none cached", lambda: without_gc()(parts_cold)(facts.value))
        gc.collect()  # what the collector finds of that phase is not the model's cost
        model = Phase("CycloneDX model (build_bom)", lambda: cyclonedx.build_bom(facts.value))
        compositions = cyclonedx.compositions_of(facts.value)
        content = Phase("CycloneDX JSON serialisation", lambda: cyclonedx.to_json(model.value, compositions))
        errors = Phase("CycloneDX JSON schema validation", lambda: cyclonedx.validate(content.value, OutputFormat.JSON))
        plain = Phase("baseline: plain dicts", lambda: without_gc()(plain_dicts)(facts.value))
        dumped = Phase("baseline: json.dumps", lambda: without_gc()(json.dumps)(plain.value).encode())
        xml = Phase("CycloneDX XML serialisation", lambda: cyclonedx.to_xml(model.value, compositions))
        xml_errors = Phase("CycloneDX XML schema validation", lambda: cyclonedx.validate(xml.value, OutputFormat.XML))
        document = Phase("SPDX build + JSON", lambda: spdx.to_json(spdx.build_document(facts.value)))
        spdx_errors = Phase("SPDX parse + validation (spdx-tools)", lambda: spdx.validate(document.value))
        reports = Phase("NTIA/BSI reports", without_gc()(lambda: (report.cyclonedx_report(json.loads(content.value)),
                                                                  report.spdx_report(json.loads(document.value)))))
        rss_growth = rss_mb() - rss_before

        model.value = None
        gc.collect()
        tracemalloc.start()
        cyclonedx.to_json(cyclonedx.build_bom(facts.value), compositions)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        phases = [facts, model, content, errors, xml, xml_errors, document, spdx_errors, reports]
        generation = [model, content, errors]
        baseline = [plain, dumped]
        gen_wall, gen_cpu = sum(p.wall for p in generation), sum(p.cpu for p in generation)
        base_wall, base_cpu = sum(p.wall for p in baseline), sum(p.cpu for p in baseline)
        ratio, ratio_cpu = gen_wall / base_wall, gen_cpu / base_cpu
        binaries = sum(len(c.binaries) for c in facts.value.components)
        print(f"\nPedigree SBOM benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}  (load average {os.getloadavg()[0]:.1f})")
        print(f"  database  {db.label}")
        print(f"  corpus    {bundle} @ {args.ref}: {len(facts.value.components)} source packages, "
              f"{binaries} binary packages\n")
        notes = {
            content: f"{len(content.value) / 1e6:.1f} MB",
            errors: "valid" if not errors.value else f"INVALID: {errors.value[:1]}",
            dumped: f"{len(dumped.value) / 1e6:.1f} MB",
            xml: f"{len(xml.value) / 1e6:.1f} MB",
            xml_errors: "valid" if not xml_errors.value else "INVALID",
            document: f"{len(document.value) / 1e6:.1f} MB",
            spdx_errors: "valid" if not spdx_errors.value else f"INVALID: {spdx_errors.value[:1]}",
        }
        rows = [(p.label, p.wall, p.cpu, notes.get(p, "")) for p in phases[:4]]
        rows.append(("generation = model + JSON + validation", gen_wall, gen_cpu, ""))
        rows += [(p.label, p.wall, p.cpu, notes.get(p, "")) for p in baseline]
        rows.append(("baseline total", base_wall, base_cpu, ""))
        note, parts_content = from_parts.value
        same = "byte-identical to" if parts_content == content.value else "DIFFERS from"
        rows.append((from_parts.label, from_parts.wall, from_parts.cpu, f"{note}, {same} the full generation"))
        rows += [(p.label, p.wall, p.cpu, notes.get(p, "")) for p in phases[4:]]
        rows.append(("all three documents (every phase above but the baseline)",
                     sum(p.wall for p in phases), sum(p.cpu for p in phases), ""))
        width = max(len(r[0]) for r in rows)
        print(f"  {'':<{width}}     wall       CPU")
        for label, wall, cpu, note in rows:
            print(f"  {label:<{width}}  {wall:7.2f} s {cpu:7.2f} s  {note}")
        print(f"  {'ratio generation / baseline':<{width}}  {ratio:7.1f}   {ratio_cpu:7.1f}    "
              f"(without validation: {(model.wall + content.wall) / base_wall:.1f} wall, "
              f"{(model.cpu + content.cpu) / base_cpu:.1f} CPU)")
        print(f"  {'peak RSS growth, all documents (MB)':<{width}}  {rss_growth:7.0f}")
        print(f"  {'tracemalloc peak, CycloneDX model + JSON (MB)':<{width}}  {traced_peak / 1e6:7.0f}")
        time_ok, ratio_ok = gen_wall < TARGET_SECONDS, ratio <= TARGET_RATIO
        print("\n  targets (wall clock)")
        print(f"    generation < {TARGET_SECONDS:g} s   {gen_wall:7.2f} s  {'PASS' if time_ok else 'FAIL'}")
        print(f"    ratio <= {TARGET_RATIO:g}          {ratio:7.1f}    {'PASS' if ratio_ok else 'FAIL'}")
        ok = time_ok and ratio_ok and not errors.value and not xml_errors.value and not spdx_errors.value
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
