"""Our expander against Debian's real rpm 4.18 on every corpus spec, for x86_64 and aarch64.

For each spec without ``%(`` (rpm would run that shell; we never do, so no agreement is expected) rpm
(tests/support/rpm_oracle, sandboxed) and audits.rpmspec.identity.spec_identities (both arches at once, as
the ingest computes them: aarch64 reuses the x86_64 expansion unless it read something that differs) each
give Name, Epoch,
Version, Release and the binary packages built, both from the distribution's macro files
(macropaths.distribution_macro_paths) but rpm from its OWN base macros and platform, ours from rpmbase:
differences in our base table show here. The rule:
* ours complete  -> equal to rpm's exactly (an arch ours excludes must be one rpm's ExclusiveArch,
  ExcludeArch or BuildArch excludes too), or listed in EXPLAINED_DISAGREEMENTS with the reason;
* ours unresolved -> counted apart (not a disagreement; what ours could not expand is said, never guessed);
* rpm failed      -> counted apart (rpm 4.18 lacks BuildSystem:, or the macros come from packages the
  repository does not carry: %gometa, %forgemeta, %fontpkg ...).
A listed disagreement that no longer occurs fails too, so the list stays true. Both arches run over the
whole corpus (most specs mention an arch construct anyway: BuildArch, %ifarch, %{_isa} ... so a
narrower aarch64 set would save little); rpm runs in 2 sandboxed processes, ours in 2 forked ones.
Nothing is cached across runs. `-s` prints the counts.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from audits.gitsource import fetch
from audits.gittree import GitTree
from audits.rpmspec.identity import SpecIdentity, spec_identities
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from tests.support.corpus import CUT_COMMIT, bundle_path
from tests.support.rpm_oracle.runner import RpmVerdict, require_rpm, run_rpm

pytestmark = pytest.mark.corpus

ARCHES = ("x86_64", "aarch64")
DISTRIBUTION = "azurelinux"
MAX_SOURCE_BYTES = 1 << 20

# "<spec name>": "why: ..." -- every spec where our complete identity differs from rpm's, on either arch.
EXPLAINED_DISAGREEMENTS: dict[str, str] = {
    "sleef": "why: x86_64 only: its gnuabi_arches names %{x86_64}, a macro rpm 4.19 added; Debian's rpm 4.18 "
             "expands it to nothing, so rpm drops sleef-gnuabi{,-devel} on x86_64 where the distribution's "
             "rpm (and ours, rpmbase) keeps them.",
    "python-sqlalchemy": "why: rpm's %python3_version runs the oracle host's /usr/bin/python3 (Debian's 3.11), "
                         "so `%if v\"0%{?python3_version}\" >= v\"3.14\"` is false and rpm keeps the "
                         "mysql_connector extra; ours answers the repository's main Python, 3.14 "
                         "(%__default_python3_version), as the distribution's build root would, and drops it.",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    spec: str
    arch: str
    kind: str  # "agree", "ours unresolved", "rpm failed", "disagree"
    detail: str = ""


def spec_name(path: str) -> str:
    return path.split("/")[2]


def rpm_excludes(verdict: RpmVerdict, arch: str) -> bool:
    if arch in verdict.exclude_arch or (verdict.exclusive_arch and arch not in verdict.exclusive_arch):
        return True
    return bool(verdict.packages) and all(p.arch not in (arch, "noarch") for p in verdict.packages)


def differences(ours: SpecIdentity, rpm: RpmVerdict) -> list[str]:
    """Field by field, ours vs rpm's (empty when they agree)."""
    found = [
        f"{field}: ours {mine!r} rpm {theirs!r}"
        for field, mine, theirs in (("name", ours.name, rpm.name), ("epoch", ours.epoch, rpm.epoch),
                                    ("version", ours.version, rpm.version), ("release", ours.release, rpm.release))
        if mine != theirs
    ]
    excluded = rpm_excludes(rpm, ours.arch)
    if bool(ours.excluded_reason) != excluded:
        found.append(f"excluded: ours {ours.excluded_reason!r} rpm {excluded}")
    elif not excluded:
        mine, theirs = {p.name for p in ours.packages}, set(rpm.built_packages)
        if mine != theirs:
            found.append(f"packages: ours only {sorted(mine - theirs)} rpm only {sorted(theirs - mine)}")
    return found


def outcome(ours: SpecIdentity, rpm: RpmVerdict) -> Outcome:
    if rpm.error:
        return Outcome(rpm.spec, rpm.arch, "rpm failed", rpm.log.strip().splitlines()[-1:][0] if rpm.log.strip() else rpm.error)
    if not ours.complete:
        return Outcome(rpm.spec, rpm.arch, "ours unresolved", "; ".join(u.reason for u in ours.unresolved[:2]))
    found = differences(ours, rpm)
    return Outcome(rpm.spec, rpm.arch, "disagree" if found else "agree", "; ".join(found))


_MACRO_SETS: dict[str, MacroSet] = {}  # filled before the pool forks: the workers inherit them


def source_reader(folder: Path) -> Callable[[str], str | None]:
    """A file of the spec's folder (the overlay's <name>.azl.macros of %{load:%{_sourcedir}/...}), as
    rpm reads it from %_sourcedir."""
    def read(file_name: str) -> str | None:
        path = folder / file_name
        if "/" in file_name or not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    return read


def _our_identities(job: tuple[Path, list[tuple[str, str]]]) -> list[tuple[str, dict[str, SpecIdentity]]]:
    """A batch of specs for both arches as the ingest computes them (`spec_identities`: the second arch
    reuses the first one's expansion unless it read something that differs), so rpm judges what ships."""
    root, specs = job
    sandbox = LuaSandbox(_MACRO_SETS[ARCHES[0]].lua_modules)
    return [(path, spec_identities(text, _MACRO_SETS, sandbox=sandbox, read_source=source_reader((root / path).parent)))
            for path, text in specs]


def our_identities(root: Path, texts: dict[str, str]) -> dict[tuple[str, str], SpecIdentity]:
    items = sorted(texts.items())
    jobs = [(root, items[i:i + 100]) for i in range(0, len(items), 100)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        return {(arch, path): identity for batch in pool.map(_our_identities, jobs)
                for path, by_arch in batch for arch, identity in by_arch.items()}


def checkout_specs(root: Path) -> tuple[dict[str, str], list[str]]:
    """The corpus's specs/ tree written under `root` (rpm reads sidecar files: %include, %{load:...});
    returns the spec texts by path and the distribution's macro paths. Fills _MACRO_SETS."""
    with fetch(str(bundle_path()), CUT_COMMIT, allow_local=True) as checkout, \
            GitTree(checkout.git_dir, CUT_COMMIT) as tree:
        entries = tree.entries()
        macro_paths = distribution_macro_paths(entries, DISTRIBUTION)
        files = [path for path, entry in entries.items() if path.startswith("specs/") and entry.link_target is None]
        texts = {}
        for path, data in tree.read_many(files):
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
            if path.endswith(".spec") and path.count("/") == 3:
                texts[path] = data.decode("utf-8", "replace")
        for arch in ARCHES:
            _MACRO_SETS[arch] = load_macro_set(tree.read_bytes, macro_paths, arch)
    return texts, macro_paths


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    require_rpm()
    root = tmp_path_factory.mktemp("corpus")
    texts, macro_paths = checkout_specs(root)
    compared = {path: text for path, text in texts.items() if "%(" not in text}
    with ThreadPoolExecutor(1) as background:
        rpm_side = background.submit(run_rpm, root, {arch: sorted(compared) for arch in ARCHES}, macro_paths)
        ours = our_identities(root, compared)
        verdicts = rpm_side.result()
    found = [outcome(ours[key], verdicts[key]) for key in sorted(ours)]
    print_summary(found, len(texts) - len(compared))
    return found


def print_summary(found: list[Outcome], with_shell: int) -> None:
    print(f"\nrpm oracle: {with_shell} specs with %( left out")
    for arch in ARCHES:
        counts = Counter(o.kind for o in found if o.arch == arch)
        explained = sum(1 for o in found if o.arch == arch and o.kind == "disagree"
                        and spec_name(o.spec) in EXPLAINED_DISAGREEMENTS)
        print(f"  {arch}: agree {counts['agree']}, ours unresolved {counts['ours unresolved']}, "
              f"rpm failed {counts['rpm failed']}, explained {explained}, "
              f"unexplained {counts['disagree'] - explained}")
    for kind in ("rpm failed", "ours unresolved"):
        top = Counter(o.detail[:100] for o in found if o.kind == kind).most_common(5)
        print(f"  most frequent '{kind}': " + " | ".join(f"{n}x {d}" for d, n in top))


def test_every_complete_identity_equals_rpms_or_is_explained(outcomes: list[Outcome]) -> None:
    unexplained = [f"{o.arch} {o.spec}: {o.detail}" for o in outcomes
                   if o.kind == "disagree" and spec_name(o.spec) not in EXPLAINED_DISAGREEMENTS]
    assert not unexplained, f"{len(unexplained)} disagreements with rpm:\n" + "\n".join(unexplained)


def test_every_explained_disagreement_still_occurs(outcomes: list[Outcome]) -> None:
    occurring = {spec_name(o.spec) for o in outcomes if o.kind == "disagree"}
    assert sorted(EXPLAINED_DISAGREEMENTS.keys() - occurring) == []


def test_rpm_and_ours_agree_on_most_specs_both_arches(outcomes: list[Outcome]) -> None:
    for arch in ARCHES:
        agree = sum(1 for o in outcomes if o.arch == arch and o.kind == "agree")
        assert agree > 0, f"no spec agrees on {arch}: the oracle or the comparison is broken"
