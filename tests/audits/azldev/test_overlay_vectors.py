"""Real overlay vectors mined from the Azure Linux history (shared/corpus/overlay-vectors).

Each case holds the rendered spec of one component at two commits (``before.spec``,
``after.spec``) and the overlay lists at both. A case is *decidable* when the overlays
at P are a prefix of the overlays at C and nothing was removed: then rendering the
Fedora spec with the overlays at C equals applying the added overlays to what the
render at P produced. When overlays were removed or reordered the case would need the
Fedora original, which the vectors do not carry; such cases must be listed in
``NOT_DECIDABLE`` (today: none, all 38 are prefix cases).

To compare, the parts of a rendered spec that overlays do not produce are normalised by
``audits.azldev.verify`` (its module docstring documents each normalisation): rpmautospec's
header and changelog blocks (``normalise_rendered``), the azldev header and check.skip block
taken out of before.spec and added back by ``render_spec`` (``unrender``), and the Release
bump (``accept_release_bump``). File overlays run with ``files=None`` and are recorded as
skipped; ``patch-add`` still registers its patch in the spec.

Cases that cannot pass are listed in ``EXPECTED_FAILURES`` with the reason and run as
strict xfails. The presence check must find every overlay of ``overlays_after`` in
``after.spec``; with the corpus bundle present, the rendered directory's files (names
and contents at the commit) are given too, so file overlays are checked as well.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from audits.azldev.overlays import OverlayError, render_spec
from audits.azldev.presence import ABSENT, check_presence, summarise
from audits.azldev.verify import accept_release_bump, normalise_rendered, unrender

pytestmark = pytest.mark.corpus

RENDER_BASE_NOTE = (
    "the bulk re-render 26f4ea2faa renders the configuration 'as of 61a19810620b' (its subject), and the "
    "anaconda-webui overlays were committed later, in 9074d58f2a6d (2026-04-21 19:15 -0700), so after.spec "
    "does not contain them"
)
EXPECTED_FAILURES = {
    "render-pairs/0004-anaconda-webui-26f4ea2faa": RENDER_BASE_NOTE,
    "render-pairs/0008-edk2-26f4ea2faa": (
        "rendered by azldev before 503c237 (2026-05-20, 'balance conditional nesting when removing spec "
        "sections'): its spec-remove-section for '%files ovmf-xen' also deleted the '%endif' closing the "
        "section and the '%if %{build_riscv64}' opening the next one; current azldev and overlays.md keep them"
    ),
}
PRESENCE_EXPECTED_FAILURES = {"render-pairs/0004-anaconda-webui-26f4ea2faa": RENDER_BASE_NOTE}
NOT_DECIDABLE: dict[str, str] = {}  # case -> why it needs the Fedora original


def corpus_dir() -> Path:
    configured = os.environ.get("PEDIGREE_CORPUS_DIR")
    default = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
    return Path(configured or default).resolve()


VECTORS = corpus_dir() / "overlay-vectors"


@dataclass(frozen=True)
class Case:
    key: str  # "<folder>/<case>"
    path: Path
    data: dict[str, Any]

    @property
    def before(self) -> str:
        return (self.path / "before.spec").read_text(encoding="utf-8", errors="surrogateescape")

    @property
    def after(self) -> str:
        return (self.path / "after.spec").read_text(encoding="utf-8", errors="surrogateescape")

    @property
    def commit(self) -> str:
        return self.data.get("bundle_commit_c") or self.data["bundle_commit"]


def load_cases() -> list[Case]:
    return [
        Case(f"{folder.name}/{path.name}", path, json.loads((path / "case.json").read_text()))
        for folder in sorted(p for p in VECTORS.glob("*") if p.is_dir())
        for path in sorted(p for p in folder.iterdir() if (p / "case.json").is_file())
    ]


CASES = load_cases() if VECTORS.is_dir() else []


@pytest.fixture(scope="module", autouse=True)
def require_corpus() -> None:
    if CASES:
        return
    if os.environ.get("PEDIGREE_REQUIRE_CORPUS") == "1":
        pytest.fail(f"overlay vectors not found under {VECTORS} and PEDIGREE_REQUIRE_CORPUS=1")
    pytest.skip(f"overlay vectors not found under {VECTORS} (set PEDIGREE_CORPUS_DIR to the corpus folder)")


def decidable(case: Case) -> bool:
    before, after = case.data["overlays_before"], case.data["overlays_after"]
    return not case.data["removed_overlays"] and after[: len(before)] == before


# --------------------------------------------------------------------------- reproduction


def reproduce(case: Case) -> tuple[str, str]:
    """(our after.spec, the real one), both normalised."""
    data = case.data
    before = unrender(normalise_rendered(case.before), data["build_before"])
    result = render_spec(before, data["added_overlays"], build=data["build_after"], files=None)
    expected = normalise_rendered(case.after)
    return accept_release_bump(result.spec_text, expected), expected


def with_expected_failures(failures: dict[str, str]) -> list[Any]:
    def marks(case: Case) -> list[Any]:
        return [pytest.mark.xfail(strict=True, reason=failures[case.key])] if case.key in failures else []

    return [pytest.param(case, id=case.key, marks=marks(case)) for case in CASES]


# --------------------------------------------------------------------------- tests


def test_the_corpus_has_both_vector_sets():
    folders = {case.key.split("/")[0] for case in CASES}
    assert folders == {"strict", "render-pairs"} and len(CASES) >= 38


def test_every_case_is_decidable_or_listed_as_not_decidable():
    assert {case.key for case in CASES if not decidable(case)} == set(NOT_DECIDABLE)


def test_every_listed_expected_failure_exists():
    keys = {case.key for case in CASES}
    assert set(EXPECTED_FAILURES) <= keys and set(PRESENCE_EXPECTED_FAILURES) <= keys


@pytest.mark.parametrize("case", with_expected_failures(EXPECTED_FAILURES))
def test_applying_the_added_overlays_to_before_gives_after(case: Case):
    if not decidable(case):
        pytest.xfail(f"not decidable: {NOT_DECIDABLE[case.key]}")
    ours, expected = reproduce(case)
    assert ours == expected


def test_the_vector_pass_rate_is_all_but_the_listed_failures(capsys):
    passed, failed = [], []
    for case in CASES:
        if not decidable(case):
            continue
        try:
            ours, expected = reproduce(case)
        except OverlayError as exc:
            failed.append(f"{case.key}: {exc}")
            continue
        (passed if ours == expected else failed).append(case.key)
    with capsys.disabled():
        total = len(passed) + len(failed)
        print(f"\noverlay vectors: {len(passed)}/{total} reproduced; expected failures: {sorted(EXPECTED_FAILURES)}")
    assert sorted(failed) == sorted(EXPECTED_FAILURES)


@pytest.fixture(scope="module")
def bare_clone(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    bundle = corpus_dir() / "azurelinux-tomls-base.bundle"
    if not bundle.is_file():
        return None
    target = tmp_path_factory.mktemp("vectors") / "tomls.git"
    subprocess.run(["git", "clone", "--bare", "-q", str(bundle), str(target)], check=True, capture_output=True)
    return target


def rendered_files(git_dir: Path, commit: str, spec_path: str) -> dict[str, bytes]:
    """The rendered directory's other files at that commit, name -> content."""
    directory = spec_path.rsplit("/", 1)[0] + "/"
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(git + ["ls-tree", "-r", "--name-only", commit, directory], check=True, capture_output=True, text=True)
    names = listing.stdout.split()
    return {
        name[len(directory) :]: subprocess.run(git + ["show", f"{commit}:{name}"], check=True, capture_output=True).stdout
        for name in names
        if name != spec_path
    }


@pytest.mark.parametrize("case", with_expected_failures(PRESENCE_EXPECTED_FAILURES))
def test_every_overlay_of_after_is_present_in_after_spec(case: Case, bare_clone: Path | None):
    files = rendered_files(bare_clone, case.commit, case.data["spec_path_after"]) if bare_clone else None
    verdicts = check_presence(case.after, case.data["overlays_after"], files=files)
    absent = [f"#{v.position + 1} {v.type}: {v.reason}" for v in verdicts if v.verdict == ABSENT]
    assert absent == []


def test_presence_over_all_vectors_decides_nearly_everything(bare_clone: Path | None, capsys):
    verdicts = []
    for case in CASES:
        files = rendered_files(bare_clone, case.commit, case.data["spec_path_after"]) if bare_clone else None
        verdicts += check_presence(case.after, case.data["overlays_after"], files=files)
    summary = summarise(verdicts)
    with capsys.disabled():
        print(f"\npresence on the vectors: {summary['text']}")
    assert summary[ABSENT] == 2  # the two anaconda-webui overlays (see RENDER_BASE_NOTE)
