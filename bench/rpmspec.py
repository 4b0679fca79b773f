"""Measure package identities (audits.rpmspec.spec_identity) over every spec of the real corpus.

    .venv/bin/python bench/rpmspec.py [--bundle PATH] [--ref tomls/base/main] [--arch x86_64 --arch aarch64]
                                      [--show NAME] [--shared]

Clones the bundle bare into a temporary directory, loads the distribution's macro set per arch
(rpm's base macros + the repository's macro files), then computes the identity of every `*.spec`
for each arch with one shared Lua sandbox. Prints specs/s, total and median time per spec, the
number of complete identities, and the 20 most frequent unresolved reasons (per arch). `--show`
prints the identities of the named specs (file stem). A measurement, not a test: exit code 0.

`--shared` then computes every spec's identities for all the arches at once, as the ingest does
(`spec_identities`: the first arch's expansion is reused for another unless it read something that
differs between them), from freshly loaded macro sets, and compares them with the separate ones
above: it prints the time, how many specs were expanded again for another arch, and every spec
whose shared identity differs (exit code 1 if one does).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audits.gittree import GitTree  # noqa: E402
from audits.rpmspec.identity import SpecIdentity, spec_identities, spec_identity  # noqa: E402
from audits.rpmspec.lua import LuaSandbox  # noqa: E402
from audits.rpmspec.macrofiles import distribution_macro_paths, load_macro_set  # noqa: E402
from audits.rpmspec.vercmp import rpmvercmp  # noqa: E402

DEFAULT_BUNDLE = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "azurelinux-tomls-base.bundle"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--ref", default="tomls/base/main")
    parser.add_argument("--arch", action="append", dest="arches")
    parser.add_argument("--show", action="append", default=[])
    parser.add_argument("--shared", action="store_true")
    options = parser.parse_args()
    if not options.bundle.exists():
        print(f"no corpus bundle at {options.bundle}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as temp:
        git_dir = Path(temp) / "repo.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(options.bundle), str(git_dir)], check=True)
        commit = subprocess.run(
            ["git", "--git-dir", str(git_dir), "rev-parse", options.ref], check=True, capture_output=True, text=True
        ).stdout.strip()
        with GitTree(git_dir, commit) as tree:
            paths = sorted(tree.entries())
            specs = [p for p in paths if p.endswith(".spec")]
            texts = {p: data.decode("utf-8", "replace") for p, data in tree.read_many(specs)}
            macro_paths = distribution_macro_paths(paths, "azurelinux")
            arches = options.arches or ["x86_64", "aarch64"]
            separate = {arch: _measure(tree, macro_paths, texts, arch, options.show) for arch in arches}
            if options.shared:
                return _compare_shared(tree, macro_paths, texts, separate)
    return 0


def _sibling(tree: GitTree, spec_path: str):
    folder = spec_path.rpartition("/")[0]

    def read(file_name: str) -> str | None:
        path = f"{folder}/{file_name}"
        return tree.read_bytes(path).decode("utf-8", "replace") if path in tree.entries() else None

    return read


def _measure(tree: GitTree, macro_paths: list[str], texts: dict[str, str], arch: str,
             show: list[str]) -> dict[str, SpecIdentity]:
    started = time.perf_counter()
    macros = load_macro_set(tree.read_bytes, macro_paths, arch)
    loaded = time.perf_counter() - started
    sandbox = LuaSandbox(macros.lua_modules, vercmp=rpmvercmp)
    found: dict[str, SpecIdentity] = {}
    times: list[float] = []
    reasons: Counter[str] = Counter()
    complete = excluded = 0
    cpu = time.process_time()
    for path, text in texts.items():
        t0 = time.perf_counter()
        identity = found[path] = spec_identity(text, macros, arch=arch, sandbox=sandbox, read_source=_sibling(tree, path))
        times.append(time.perf_counter() - t0)
        complete += identity.complete
        excluded += bool(identity.excluded_reason)
        for unresolved in {u.reason for u in identity.unresolved}:
            reasons[unresolved] += 1
        if Path(path).stem in show:
            print(path, identity)
    total, cpu = sum(times), time.process_time() - cpu
    print(f"== {arch}: {len(texts)} specs, macro set {len(macros.definitions)} definitions from {len(macros.files)} files in {loaded:.2f} s")
    print(f"   {len(texts) / total:.0f} specs/s, total {total:.2f} s ({cpu:.2f} s CPU), median {statistics.median(times) * 1000:.3f} ms, "
          f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.2f} ms, max {max(times) * 1000:.1f} ms")
    print(f"   complete {complete} ({complete / len(texts):.2%}), unresolved {len(texts) - complete}, excluded for the arch {excluded}")
    for reason, count in reasons.most_common(20):
        print(f"   {count:5d}  {reason[:150]}")
    return found


def _compare_shared(tree: GitTree, macro_paths: list[str], texts: dict[str, str],
                    separate: dict[str, dict[str, SpecIdentity]]) -> int:
    macro_sets = {arch: load_macro_set(tree.read_bytes, macro_paths, arch) for arch in separate}
    sandbox = LuaSandbox(next(iter(macro_sets.values())).lua_modules, vercmp=rpmvercmp)
    others = list(separate)[1:]
    again = 0  # readings from the start for another arch than the first
    differ: list[str] = []
    started, cpu = time.perf_counter(), time.process_time()
    for path, text in texts.items():
        readings: list[str] = []
        shared = spec_identities(text, macro_sets, sandbox=sandbox, read_source=_sibling(tree, path), readings=readings)
        again += sum(target in others for target in readings)
        if shared != {arch: found[path] for arch, found in separate.items()}:
            differ.append(path)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"== shared over {', '.join(separate)}: {len(texts)} specs in {wall:.2f} s ({cpu:.2f} s CPU), "
          f"{wall / len(texts) * 1000:.3f} ms per spec; expanded again for another arch: {again}")
    print(f"   shared identities different from the separate ones: {len(differ)}")
    for path in differ:
        print(f"   {path}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
