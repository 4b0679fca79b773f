"""Overlay engine and presence check over the full Azure Linux corpus.

    .venv/bin/python bench/overlays.py [--bundle PATH] [--ref tomls/base/main] [--verbose]

Clones the bundle into a temporary directory, loads and resolves every component,
then for every component with overlays (or a build configuration that changes the
spec) reads its rendered spec ``specs/<l>/<name>/<name>.spec`` and directory, and

1. applies each overlay on its own to that *rendered* spec, with the rendered
   directory as the loose files and the repository as ``source``. The rendered output
   already contains every effect, so many overlays fail by design: add-tag finds its
   identical tag (strict), search-replace finds nothing left to replace, remove-*
   finds nothing to remove, file-add finds its file. Those failures are counted per
   type and reason; they are not engine errors;
2. runs the presence check on the rendered spec with the directory's files
   (names and contents), plus the build-configuration checks (header, check.skip).

Prints wall times, counts per verdict and type, and the reason of every verdict
that is not "present". Exit code 0 unless --check is given and the presence pass
has an error or the total wall time exceeds 10 s.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audits.azldev import loader, resolve  # noqa: E402
from audits.azldev.build_presence import check_build_presence  # noqa: E402
from audits.azldev.overlays import OverlayError, apply_overlays  # noqa: E402
from audits.azldev.presence import check_presence, summarise  # noqa: E402
from audits.azldev.tree import DirectoryTree  # noqa: E402

DEFAULT_BUNDLE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "azurelinux-tomls-base.bundle"
TARGET_SECONDS = 10.0


def rendered_dir(root: Path, name: str) -> Path:
    return root / "specs" / name[0].lower() / name


def read_dir(path: Path) -> dict[str, bytes]:
    files = (p for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink())
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in files}


def last_commit(checkout: Path, paths: list[str]) -> tuple[str, str]:
    """(committer date ISO, "short id date subject") of the last commit touching ``paths``."""
    out = subprocess.run(
        ["git", "-C", str(checkout), "log", "-1", "--format=%cI%x00%h %cs %s", "--", *paths],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    date, _, label = out.partition("\x00")
    return date, label


def failure_kind(reason: str) -> str:
    """A failure message without its quoted specifics, for counting."""
    return re.sub(r"\(line \d+\)|'[^']*'|\d+", "…", reason)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--ref", default="tomls/base/main")
    parser.add_argument("--verbose", action="store_true", help="also list apply failures one by one")
    parser.add_argument("--check", action="store_true", help="exit 1 when over the time target")
    args = parser.parse_args(argv)
    if not args.bundle.is_file():
        print(f"bundle not found: {args.bundle}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pedigree-overlays-") as tmp:
        checkout = Path(tmp) / "tomls"
        started = time.perf_counter()
        subprocess.run(["git", "clone", "-q", "-b", args.ref, str(args.bundle), str(checkout)], check=True)
        print(f"clone (not timed below): {time.perf_counter() - started:.1f} s")
        commit_map = read_commit_map(args.bundle.parent / "commit-map.tsv")
        return run(checkout, args.verbose, args.check, commit_map)


def read_commit_map(path: Path) -> dict[str, str]:
    """Public commit id -> bundle commit id (the bundle rewrote history; see the corpus README)."""
    if not path.is_file():
        return {}
    pairs = (line.split("\t") for line in path.read_text().splitlines() if "\t" in line)
    return {public: bundle for public, bundle in pairs}


def render_verdict(checkout: Path, config: tuple[str, str], render: tuple[str, str], commit_map: dict[str, str]) -> str:
    """Was the rendered spec produced from a configuration that includes the last config commit?
    A bulk re-render says "as of <public id>": it renders that commit's configuration."""
    base = re.search(r"as of ([0-9a-f]{7,40})", render[1])
    if base:
        bundle_base = next((b for p, b in commit_map.items() if p.startswith(base.group(1))), None)
        config_id = config[1].split()[0]
        if bundle_base:
            ancestor = ["git", "-C", str(checkout), "merge-base", "--is-ancestor", config_id, bundle_base]
            if subprocess.run(ancestor).returncode == 0:
                return "rendered from a base that includes the configuration"
            return f"configuration is not in the render's base {base.group(1)[:12]}"
    if config[0] > render[0]:
        return "configuration committed after the last render"
    return "rendered after the configuration"


def run(checkout: Path, verbose: bool, check: bool, commit_map: dict[str, str]) -> int:
    started = time.perf_counter()
    tree = DirectoryTree(checkout)
    components = resolve.resolve_components(loader.load_project(tree), tree)
    loaded = time.perf_counter()

    apply_seconds = presence_seconds = 0.0
    apply_outcomes: Counter[tuple[str, str]] = Counter()
    apply_failures: list[str] = []
    apply_reasons: Counter[tuple[str, str]] = Counter()
    verdicts = []
    build_verdicts = []
    missing_specs: list[str] = []
    non_present: list[str] = []
    stale: dict[str, list[str]] = {}  # component -> its config files, when a verdict is absent
    for component in components:
        build = component.config.get("build") or {}
        if not component.overlays and not (build.get("check") or {}).get("skip"):
            continue
        directory = rendered_dir(checkout, component.name)
        spec_path = directory / f"{component.name}.spec"
        if not spec_path.is_file():
            why = "RENDER_FAILED" if (directory / "RENDER_FAILED").exists() else "no rendered spec"
            missing_specs.append(f"{component.name} ({why})")
            continue
        text = spec_path.read_text(encoding="utf-8", errors="surrogateescape")
        files = {k: v for k, v in read_dir(directory).items() if k != spec_path.name}

        t0 = time.perf_counter()
        for overlay in component.overlays:  # one at a time, so one failure does not hide the rest
            try:
                apply_overlays(text, [overlay], files=files, read_source=lambda p: (checkout / p).read_bytes())
                apply_outcomes[(overlay.type, "applied")] += 1
            except OverlayError as exc:
                apply_outcomes[(overlay.type, "failed")] += 1
                apply_reasons[(overlay.type, failure_kind(exc.reason))] += 1
                apply_failures.append(f"{component.name}: {exc}")
        t1 = time.perf_counter()
        found = check_presence(text, component.overlays, files=files)
        build_found = check_build_presence(text, build, component_name=component.name)
        presence_seconds += time.perf_counter() - t1
        apply_seconds += t1 - t0
        verdicts += found
        build_verdicts += build_found
        for v in found + build_found:
            if v.verdict != "present":
                non_present.append(f"{component.name} #{v.position + 1} {v.type} [{v.verdict}] {v.reason}")
            if v.verdict == "absent":
                stale[component.name] = [f for f in component.files if (checkout / f).is_file()]
    total = time.perf_counter() - started

    print(f"components: {len(components)}; load+resolve {loaded - started:.2f} s")
    print(f"apply (each overlay on its rendered spec): {apply_seconds:.2f} s; presence: {presence_seconds:.2f} s")
    print(f"total (load, resolve, read files, apply, presence): {total:.2f} s")
    print(f"target < {TARGET_SECONDS:.0f} s: {'PASS' if total < TARGET_SECONDS else 'FAIL'}")
    if missing_specs:
        print(f"components with overlays but no rendered spec ({len(missing_specs)}): {', '.join(missing_specs)}")
    print("\napplying to the rendered spec (expected to fail for effects already present):")
    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    for (kind, outcome), n in apply_outcomes.items():
        per_type[kind][outcome] += n
    for kind in sorted(per_type):
        print(f"  {kind:24} applied {per_type[kind]['applied']:4}  failed {per_type[kind]['failed']:4}")
    print("  failures by reason:")
    for (kind, why), n in sorted(apply_reasons.items()):
        print(f"    {kind:24} {n:4}  {why}")
    if verbose:
        for line in apply_failures:
            print("   ", line)
    summary = summarise(verdicts)
    print("\npresence:", summary["text"])
    for kind, counts in summary["by_type"].items():
        print(f"  {kind:24} " + "  ".join(f"{k} {counts.get(k, 0):3}" for k in ("present", "absent", "not-verifiable", "tree-unverifiable")))
    print("build configuration:", summarise(build_verdicts)["text"].replace("overlays", "checks"))
    print(f"\nevery verdict that is not 'present' ({len(non_present)}):")
    for line in non_present:
        print("  ", line)
    print("\ncomponents with an absent verdict: last configuration commit vs last render of the spec")
    for name, config_files in sorted(stale.items()):
        config = last_commit(checkout, config_files)
        render = last_commit(checkout, [str(rendered_dir(checkout, name).relative_to(checkout))])
        verdict = render_verdict(checkout, config, render, commit_map)
        print(f"   {name}: config {config[1]}, render {render[1]} -> {verdict}")
    return 1 if check and total >= TARGET_SECONDS else 0


if __name__ == "__main__":
    raise SystemExit(main())
