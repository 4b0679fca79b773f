"""The real Azure Linux 4 corpus, ingested once, checked against an independent computation.

The independent side reads the checked-out TOML files with tomllib and plain
globbing, and asks git directly; it shares no code with the loader.
"""

import re
import subprocess
import tomllib
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from audits.models import Component, Inconsistency, Overlay, Release
from audits.services.ingest import ingest_release
from tests.support.corpus import BRANCH, CUT_COMMIT, bundle_path

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    bundle = bundle_path()
    path = tmp_path_factory.mktemp("corpus") / "azl"
    subprocess.run(["git", "clone", "-q", "-b", BRANCH, str(bundle), str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def release(corpus_outcome):
    return corpus_outcome.release


def independent_components(checkout: Path) -> dict[str, dict]:
    """Component tables from components.toml and every *.comp.toml, read directly."""
    found = {}
    files = [checkout / "base/comps/components.toml", *sorted((checkout / "base/comps").rglob("*.comp.toml"))]
    for file in files:
        for name, table in tomllib.loads(file.read_text()).get("components", {}).items():
            assert name not in found, f"{name} twice"
            found[name] = table
    return found


def independent_group_members(checkout: Path) -> dict[str, set[str]]:
    data = tomllib.loads((checkout / "base/comps/component-check-disablement.toml").read_text())
    return {name: set(group.get("components", [])) for name, group in data.get("component-groups", {}).items()}


def test_release_is_the_cut_commit(release):
    assert release.commit.sha == CUT_COMMIT
    assert release.commit.subject == "fix: remove gdb Recommends: default-yama-scope"
    assert (release.distribution.name, release.version) == ("azurelinux", "4.0-stage2")
    assert (release.upstream_distro, release.upstream_version) == ("fedora", "43")


def test_component_count_matches_the_toml_files(release, checkout):
    assert Component.objects.filter(release=release).count() == len(independent_components(checkout)) == 7580


def test_overlay_counts_by_type_match_the_toml_files(release, checkout):
    expected = Counter(o["type"] for table in independent_components(checkout).values() for o in table.get("overlays", []))
    actual = Counter(Overlay.objects.filter(component__release=release).values_list("type", flat=True))
    assert actual == expected
    assert sum(actual.values()) == 231


def test_check_skipped_components_are_the_group_members_plus_own_skips(release, checkout):
    components = independent_components(checkout)
    members = set().union(*independent_group_members(checkout).values()) & set(components)
    own = {n for n, t in components.items() if t.get("build", {}).get("check", {}).get("skip")}
    skipped = set(Component.objects.filter(release=release, check_skipped=True).values_list("name", flat=True))
    assert skipped == members | own
    assert len(skipped) > 180


def test_pinned_commits_match_the_toml_files(release, checkout):
    expected = {n: t["spec"]["upstream-commit"] for n, t in independent_components(checkout).items() if t.get("spec", {}).get("upstream-commit")}
    actual = dict(Component.objects.filter(release=release).exclude(upstream_commit="").values_list("name", "upstream_commit"))
    assert actual == expected


def test_intact_components_have_no_configuration_beyond_a_bare_entry(release, checkout):
    components = independent_components(checkout)
    members = set().union(*independent_group_members(checkout).values())
    expected = {n for n, t in components.items() if not t and n not in members}
    intact = set(Component.objects.filter(release=release, headline="intact").values_list("name", flat=True))
    assert intact == expected


def test_rendered_specs_are_found_for_components_with_a_spec_file(release, checkout):
    components = independent_components(checkout)
    with_spec = {n for n in components if (checkout / "specs" / n[0].lower() / n / f"{n}.spec").is_file()}
    stored = set(Component.objects.filter(release=release, rendered_spec__isnull=False).values_list("name", flat=True))
    assert stored == with_spec


def test_render_failed_markers_and_orphans_are_reported(release, checkout):
    components = independent_components(checkout)
    spec_dirs = {p.name: p for p in (checkout / "specs").glob("*/*") if p.is_dir()}
    orphans = {f"specs/{p.parent.name}/{name}" for name, p in spec_dirs.items() if name not in components}
    failed = {name for name, p in spec_dirs.items() if (p / "RENDER_FAILED").exists() and name in components}
    assert set(Inconsistency.objects.filter(release=release, kind="orphan-rendered-spec").values_list("path", flat=True)) == orphans
    assert set(Inconsistency.objects.filter(release=release, kind="render-failed").values_list("component__name", flat=True)) == failed


def test_every_overlay_gets_a_presence_verdict(release):
    overlays = Overlay.objects.filter(component__release=release, component__rendered_spec__isnull=False)
    assert not overlays.filter(presence="").exists()
    summary = release.summary["overlay_presence"]
    assert summary["total"] == overlays.count()
    assert summary["present"] > 0.8 * summary["total"]


def test_overlays_absent_from_their_spec_belong_to_specs_rendered_from_an_older_config(release):
    """Either the config changed after the last render (flagged stale), or the spec was last
    written by the bulk re-render whose subject says which earlier config it rendered."""
    absent = Component.objects.filter(release=release, overlays__presence="absent").distinct().select_related("rendered_commit")
    stale = set(Inconsistency.objects.filter(release=release, kind="stale-rendered-spec").values_list("component__name", flat=True))
    unexplained = [c.name for c in absent if c.name not in stale and "as of" not in c.rendered_commit.subject]
    assert absent.exists() and unexplained == []


def git_newest(checkout: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(checkout), "log", "-1", "--format=%H", *args], check=True, capture_output=True, text=True).stdout.strip()


def test_bare_component_config_commit_is_the_commit_that_last_changed_its_line(release, checkout):
    component = Component.objects.select_related("config_commit").get(release=release, name="389-ds-base")
    expected = git_newest(checkout, "-G", r"^\[components\.389-ds-base\]", "--", "base/comps/components.toml")
    assert component.config_commit.sha == expected


def test_dedicated_component_file_commit_is_its_last_change(release, checkout):
    component = Component.objects.select_related("config_commit").get(release=release, name="gcc")
    assert component.config_commit.sha == git_newest(checkout, "--", "base/comps/gcc/gcc.comp.toml")


def test_component_history_holds_every_commit_of_its_dedicated_file_and_spec_dir(release, checkout):
    component = Component.objects.get(release=release, name="gcc")
    log = subprocess.run(
        ["git", "-C", str(checkout), "log", "--format=%H", "--", "base/comps/gcc/gcc.comp.toml", "specs/g/gcc"],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    history = list(component.history.values_list("commit__sha", flat=True))
    assert history == log[:50]


def test_rendered_spec_commit_is_the_last_change_of_its_directory(release, checkout):
    component = Component.objects.select_related("rendered_commit").get(release=release, name="curl")
    assert component.rendered_commit.sha == git_newest(checkout, "--", "specs/c/curl")


@pytest.mark.parametrize(
    "name, headline, codes",
    [
        ("gcc", "altered", {"overlays", "release-calculation"}),
        ("bash", "pinned", {"other-upstream-version"}),
        ("bats", "build-customised", {"check-skipped"}),
        ("azurelinux-release", "local", {"local-spec"}),
        ("azurelinux-rpm-config", "altered", {"overlays", "upstream-rename"}),
        ("rust-clap", "pinned", {"upstream-commit-pin"}),
        ("curl", "intact", set()),
    ],
)
def test_known_components_are_classified_with_their_reasons(release, name, headline, codes):
    component = Component.objects.get(release=release, name=name)
    assert component.headline == headline
    assert set(component.reasons.values_list("code", flat=True)) >= codes
    assert bool(codes) == component.reasons.exists()


def test_group_check_skip_reason_is_attributed_to_the_group(release):
    reason = Component.objects.get(release=release, name="bats").reasons.get(code="check-skipped")
    assert reason.source == "group:check-skip-initial-failures"


def test_rendered_spec_digest_matches_the_file(release, checkout):
    import hashlib

    spec = Component.objects.get(release=release, name="gcc").rendered_spec
    assert spec.sha256 == hashlib.sha256((checkout / "specs/g/gcc/gcc.spec").read_bytes()).hexdigest()


def test_components_csv_has_a_row_per_component(release):
    out = StringIO()
    call_command("components", CUT_COMMIT[:12], "--csv", stdout=out)
    rows = out.getvalue().splitlines()
    assert len(rows) == 7581
    assert re.match(r"^gcc,altered,", next(r for r in rows if r.startswith("gcc,")))


def test_ingesting_the_corpus_again_is_idempotent(release):
    from django.conf import settings

    settings.PEDIGREE_ALLOW_LOCAL_SOURCES = True
    try:
        again = ingest_release(str(bundle_path()), BRANCH)
    finally:
        settings.PEDIGREE_ALLOW_LOCAL_SOURCES = False
    assert not again.created and again.release.pk == release.pk
    assert Release.objects.count() == 1
