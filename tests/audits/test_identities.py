"""The identity an ingest publishes: expanded with the repository's own macro files, per architecture."""

from __future__ import annotations

import pytest
from django.db import DataError

from audits.models import BinaryPackage, Component
from audits.services.ingest import ingest_release
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo

pytestmark = pytest.mark.django_db

# A tiny rpm-config of our own: where a distribution's dist tag and arch macros come from.
RPM_CONFIG_SPEC = """Name: azurelinux-rpm-config
Version: 1
Release: 1%{?dist}
Summary: macros
License: MIT
%description
macros
%files
/usr/lib/rpm/azurelinux/macros
"""
RPM_CONFIG_MACROS = """%dist .azl4
"""
KERNEL_LIKE = """Name: kern
Version: 6.1
Release: 2%{?dist}
Summary: variants
License: GPL-2.0-only
%define variant() \\
%package %{1}\\
Summary: the %{1} variant\\
%description %{1}\\
The %{1} variant.\\
%files %{1}\\
/boot/%{1}\\
%{nil}
%description
Kernel.
%variant core
%ifarch aarch64
%variant arm-only
%endif
%files
/boot/kern
"""
UNRESOLVED = """Name: shelly
Version: 1.0
Release: %(date +%%s)%{?dist}
Summary: runs a shell at build time
License: MIT
%description
x
%files
/usr/bin/shelly
"""


def repo_files() -> dict[str, str]:
    files = sample_repo.files()
    files["specs/k/kern/kern.spec"] = KERNEL_LIKE
    files["specs/s/shelly/shelly.spec"] = UNRESOLVED
    files["specs/a/azurelinux-rpm-config/azurelinux-rpm-config.spec"] = RPM_CONFIG_SPEC
    files["specs/a/azurelinux-rpm-config/macros"] = RPM_CONFIG_MACROS
    for name in ("kern", "shelly", "azurelinux-rpm-config"):
        files[f"base/comps/{name}/{name}.comp.toml"] = f'[components.{name}]\n'
    return files


@pytest.fixture
def release(tmp_path, allow_local_sources):
    repo = tmp_path / "repo"
    return ingest_release(str(repo), init_repo(repo, repo_files())).release


def test_the_published_version_carries_the_distributions_dist_tag(release):
    curl = Component.objects.get(release=release, name="curl")
    assert curl.identity_complete
    assert curl.published_evr == "8.15.0-3.azl4"


def test_macro_generated_packages_are_listed_with_the_architectures_that_build_them(release):
    rows = {b.name: b.arches for b in BinaryPackage.objects.filter(component__release=release, component__name="kern")}
    assert rows == {"kern": ["x86_64", "aarch64"], "kern-core": ["x86_64", "aarch64"], "kern-arm-only": ["aarch64"]}


def test_binary_packages_carry_their_expanded_version(release):
    core = BinaryPackage.objects.get(component__release=release, name="kern-core")
    assert (core.version, core.release, core.license) == ("6.1", "2.azl4", "GPL-2.0-only")


def test_a_shell_expansion_leaves_the_identity_unresolved_with_the_reason(release):
    shelly = Component.objects.get(release=release, name="shelly")
    assert not shelly.identity_complete
    assert shelly.published_evr == ""
    assert [u["field"] for u in shelly.identity_unresolved] == ["release"]
    assert "date" in shelly.identity_unresolved[0]["reason"]


def test_the_dashboard_counts_unresolved_identities(release, auditor_client):
    assert release.summary["identities"]["unresolved"] == 1
    html = auditor_client.get(f"/releases/{release.pk}/").content.decode()
    assert "1 is unresolved" in html and 'href="?identity_complete=false#packages"' in html


def test_the_package_table_filters_on_unresolved_identities(release, auditor_client):
    response = auditor_client.get(f"/releases/{release.pk}/?identity_complete=false")
    assert [c.name for c in response.context["page"]] == ["shelly"]


def test_the_package_page_shows_the_published_version_and_marks_an_unresolved_one(release, auditor_client):
    html = auditor_client.get(f"/releases/{release.pk}/components/curl/").content.decode()
    assert "<dt>Version</dt><dd>8.15.0-3.azl4" in html
    html = auditor_client.get(f"/releases/{release.pk}/components/shelly/").content.decode()
    assert '<span class="unresolved">unresolved</span>' in html and "release <code>%(date +%%s)%{?dist}</code>" in html


def test_the_api_publishes_the_identity_fields(release, auditor_client):
    body = auditor_client.get(f"/api/v1/releases/{release.pk}/components/kern/").json()
    assert body["identity_complete"] is True and body["identity_unresolved"] == []
    core = next(b for b in body["binary_packages"] if b["name"] == "kern-core")
    assert core["arches"] == ["x86_64", "aarch64"] and core["release"] == "2.azl4"


def test_a_second_ingest_reuses_the_identities_computed_by_the_first(tmp_path, allow_local_sources, monkeypatch):
    from audits import identities
    from audits.models import IdentityCacheEntry, Release

    repo = tmp_path / "repo"
    first = init_repo(repo, repo_files())
    before = IdentityCacheEntry.objects.count()  # other tests' ingests may have left theirs
    ingest_release(str(repo), first)
    assert IdentityCacheEntry.objects.count() - before == 7  # one per component with a rendered spec
    Release.objects.all().delete()
    monkeypatch.setattr(identities, "spec_identities", lambda *a, **k: pytest.fail("expanded again"))
    release = ingest_release(str(repo), first).release
    assert Component.objects.get(release=release, name="curl").published_evr == "8.15.0-3.azl4"
    assert BinaryPackage.objects.get(component__release=release, name="kern-arm-only").arches == ["aarch64"]


def test_an_ingest_reading_its_specs_in_batches_looks_up_each_batchs_cached_identities(tmp_path, allow_local_sources,
                                                                                      monkeypatch):
    from audits import analysis, identities
    from audits.models import Release
    from audits.services.checkout_analysis import StoredIdentities

    repo = tmp_path / "repo"
    first = init_repo(repo, repo_files())
    ingest_release(str(repo), first)
    Release.objects.all().delete()
    monkeypatch.setattr(analysis, "SPEC_BATCH", 2)
    lookups: list[int] = []
    get_many = StoredIdentities.get_many
    monkeypatch.setattr(StoredIdentities, "get_many", lambda self, keys: lookups.append(len(keys)) or get_many(self, keys))
    monkeypatch.setattr(identities, "spec_identities", lambda *a, **k: pytest.fail("expanded again"))
    release = ingest_release(str(repo), first).release
    assert lookups == [2, 2, 2, 1]  # the 7 rendered specs
    assert Component.objects.get(release=release, name="curl").published_evr == "8.15.0-3.azl4"


def test_an_ingest_whose_write_fails_keeps_its_identities_so_the_rerun_expands_nothing(tmp_path, allow_local_sources,
                                                                                    monkeypatch):
    from audits import identities
    from audits.models import IdentityCacheEntry, Release
    from audits.signals import release_written

    repo = tmp_path / "repo"
    first = init_repo(repo, repo_files())
    before = IdentityCacheEntry.objects.count()

    def fail(sender, release, **kwargs):
        raise RuntimeError("the database went away")

    release_written.connect(fail, dispatch_uid="test-fail-write")
    try:
        with pytest.raises(RuntimeError, match="went away"):
            ingest_release(str(repo), first)
    finally:
        release_written.disconnect(dispatch_uid="test-fail-write")
    assert not Release.objects.exists()
    assert IdentityCacheEntry.objects.count() - before == 7
    monkeypatch.setattr(identities, "spec_identities", lambda *a, **k: pytest.fail("expanded again"))
    assert Component.objects.get(release=ingest_release(str(repo), first).release, name="curl").published_evr == "8.15.0-3.azl4"


def test_a_cached_identity_is_not_reused_when_a_file_the_spec_loaded_changed(tmp_path, allow_local_sources):
    from tests.support.gitrepo import commit_all, write_files

    loading = KERNEL_LIKE.replace("Release: 2%{?dist}", "%{load:%{_sourcedir}/kern.macros}\nRelease: %{kern_rel}%{?dist}")
    files = {**repo_files(), "specs/k/kern/kern.spec": loading, "specs/k/kern/kern.macros": "%kern_rel 7\n"}
    repo = tmp_path / "repo"
    first = init_repo(repo, files)
    write_files(repo, {"specs/k/kern/kern.macros": "%kern_rel 8\n"})
    second = commit_all(repo, "bump the release through the loaded file")
    old, new = (ingest_release(str(repo), sha).release for sha in (first, second))
    assert Component.objects.get(release=old, name="kern").published_evr == "6.1-7.azl4"
    assert Component.objects.get(release=new, name="kern").published_evr == "6.1-8.azl4"


def test_a_requirement_that_does_not_expand_is_left_out_without_unresolving_the_identity(tmp_path, allow_local_sources,
                                                                                       auditor_client):
    spec = sample_repo.spec("curl", "8.15.0", "Requires: libnghttp2 >= %(pkg-config --modversion libnghttp2)")
    repo = tmp_path / "repo"
    release = ingest_release(str(repo), init_repo(repo, {**repo_files(), "specs/c/curl/curl.spec": spec})).release
    curl = Component.objects.get(release=release, name="curl")
    assert curl.identity_complete and curl.published_evr == "8.15.0-3.azl4"
    assert [u["field"] for u in curl.metadata_unresolved] == ["package:curl"]
    assert BinaryPackage.objects.get(component=curl, name="curl").requires == []
    html = auditor_client.get(f"/releases/{release.pk}/components/curl/").content.decode()
    assert "1 value not published because it did not expand" in html


GO_RPM_MACROS_SPEC = """Name: go-rpm-macros
Version: {version}
Release: 1%{{?dist}}
Summary: Go macros
License: GPL-3.0-or-later
%description
x
%files -n go-srpm-macros
"""
GO_SPEC = """%global goipath github.com/adrg/xdg
Version: 0.5.3
%gometa
Name: %{goname}
Release: 4%{?dist}
Summary: XDG directories
License: MIT
%description
x
%gopkg
%install
%gopkginstall
%gopkgfiles
"""


def go_release(tmp_path, version: str):
    files = {**repo_files(), "specs/g/go-rpm-macros/go-rpm-macros.spec": GO_RPM_MACROS_SPEC.format(version=version),
             "specs/g/golang-github-adrg-xdg/golang-github-adrg-xdg.spec": GO_SPEC}
    for name in ("go-rpm-macros", "golang-github-adrg-xdg"):
        files[f"base/comps/{name}/{name}.comp.toml"] = f'[components.{name}]\n'
    repo = tmp_path / "repo"
    return ingest_release(str(repo), init_repo(repo, files)).release


def test_a_go_spec_is_published_with_pedigrees_go_rpm_macros_model_and_says_so(tmp_path, allow_local_sources,
                                                                             auditor_client):
    release = go_release(tmp_path, "3.8.0")
    xdg = Component.objects.get(release=release, name="golang-github-adrg-xdg")
    assert xdg.identity_complete and xdg.published_evr == "0.5.3-4.azl4"
    assert len(xdg.identity_notes) == 1 and "model of go-rpm-macros 3.8.0" in xdg.identity_notes[0]
    assert [(b.name, b.arches) for b in BinaryPackage.objects.filter(component=xdg)] == [
        ("golang-github-adrg-xdg-devel", ["x86_64", "aarch64"])]
    html = auditor_client.get(f"/releases/{release.pk}/components/golang-github-adrg-xdg/").content.decode()
    assert 'class="identity-note">Named and packaged with Pedigree' in html
    body = auditor_client.get(f"/api/v1/releases/{release.pk}/components/golang-github-adrg-xdg/").json()
    assert body["identity_notes"] == xdg.identity_notes


def test_with_another_go_rpm_macros_version_the_go_spec_stays_unresolved_with_the_reason(tmp_path, allow_local_sources):
    release = go_release(tmp_path, "3.9.0")
    xdg = Component.objects.get(release=release, name="golang-github-adrg-xdg")
    assert not xdg.identity_complete and xdg.identity_notes == []
    reasons = " ".join(u["reason"] for u in xdg.identity_unresolved)
    assert "%{goname} is not defined" in reasons and "Version 3.9.0, not the 3.8.0" in reasons


def test_a_spec_built_for_no_reported_architecture_is_unresolved_not_empty():
    from audits.identities import combine
    from audits.rpmspec.identity import SpecIdentity

    excluded = {arch: SpecIdentity(arch, "", "", "", "", "", (), (), excluded_reason="BuildArch: s390x")
                for arch in ("x86_64", "aarch64")}
    identity = combine(excluded)
    assert not identity.complete
    assert identity.unresolved[0].reason == "version: the spec builds nothing for x86_64, aarch64 (BuildArch: s390x)"


def test_the_commonest_unresolved_reasons_list_ties_in_text_order_whatever_order_they_came_in():
    from audits.identities import ComponentIdentity
    from audits.rpmspec.identity import Unresolved
    from audits.summary import summarise_identities

    def unresolved(*reasons: str) -> ComponentIdentity:
        return ComponentIdentity("", "1", "1", (), tuple(Unresolved(r.split(":")[0], r) for r in reasons))

    forwards = summarise_identities([unresolved("name: a", "version: b"), unresolved("release: c")])
    backwards = summarise_identities([unresolved("release: c"), unresolved("version: b", "name: a")])
    assert forwards["top_reasons"] == backwards["top_reasons"] == [["name: a", 1], ["release: c", 1], ["version: b", 1]]


def test_an_ingest_expands_its_specs_in_helper_processes_when_there_are_enough(tmp_path, allow_local_sources, settings,
                                                                              monkeypatch):
    from audits import identities
    from tests.support.pools import watch_pools

    watch = watch_pools(monkeypatch)
    monkeypatch.setattr(identities, "POOLED_AT", 2)
    settings.PEDIGREE_EXPANSION_PROCESSES = 2
    repo = tmp_path / "repo"
    release = ingest_release(str(repo), init_repo(repo, repo_files())).release
    assert len(watch.pools) == 1
    assert watch.answered == len(watch.pools[0].keys) == Component.objects.filter(release=release).exclude(rendered_spec=None).count()
    assert all(helper.poll() is not None for helper in watch.pools[0]._helpers)  # none outlives the ingest
    rows = {b.name: b.arches for b in BinaryPackage.objects.filter(component__release=release, component__name="kern")}
    assert rows["kern-arm-only"] == ["aarch64"]
    assert Component.objects.get(release=release, name="curl").published_evr == "8.15.0-3.azl4"
    assert "date" in Component.objects.get(release=release, name="shelly").identity_unresolved[0]["reason"]


def test_an_ingest_whose_write_fails_stops_its_helpers_and_keeps_the_identities_it_took(tmp_path, allow_local_sources,
                                                                                      settings, monkeypatch):
    from audits import identities
    from audits.models import IdentityCacheEntry, Release
    from audits.services import ingest
    from audits.services.ingest import IngestError
    from tests.support.pools import watch_pools

    watch = watch_pools(monkeypatch)
    monkeypatch.setattr(identities, "POOLED_AT", 2)
    settings.PEDIGREE_EXPANSION_PROCESSES = 2

    def broken(release, images, by_name):  # after every component's row, so every identity was taken
        raise DataError("value too long for type character varying(200)")

    monkeypatch.setattr(ingest, "write_images", broken)
    repo = tmp_path / "repo"
    with pytest.raises(IngestError, match="value too long"):
        ingest_release(str(repo), init_repo(repo, repo_files()))
    assert not Release.objects.exists()
    assert len(watch.pools) == 1 and all(helper.poll() is not None for helper in watch.pools[0]._helpers)
    keys = watch.pools[0].keys  # the specs expanded: all kept, a re-run expands nothing again
    assert IdentityCacheEntry.objects.filter(key__in=keys).count() == len(keys)


def test_a_release_written_stays_written_when_its_identities_cannot_be_kept(tmp_path, allow_local_sources, monkeypatch,
                                                                           caplog):
    from audits.models import IdentityCacheEntry
    from audits.services.checkout_analysis import StoredIdentities

    def refused(entries):
        raise DataError("value too long")

    monkeypatch.setattr(StoredIdentities, "add", staticmethod(refused))
    kept = IdentityCacheEntry.objects.count()  # the corpus's may be there already
    repo = tmp_path / "repo"
    outcome = ingest_release(str(repo), init_repo(repo, repo_files()))
    assert outcome.created and Component.objects.filter(release=outcome.release).exists()
    assert IdentityCacheEntry.objects.count() == kept and "could not be kept" in caplog.text


def test_without_helpers_the_specs_are_expanded_before_the_write_transaction(tmp_path, allow_local_sources, settings,
                                                                            monkeypatch):
    from audits.identities import IdentityResolver
    from audits.services import ingest

    settings.PEDIGREE_EXPANSION_PROCESSES = 0
    identify, write_release, writing, during_write = IdentityResolver.identify, ingest.write_release, [], []

    def watched(self, *args):
        during_write.append(bool(writing))
        return identify(self, *args)

    def watched_write(*args, **kwargs):
        writing.append(True)
        return write_release(*args, **kwargs)

    monkeypatch.setattr(IdentityResolver, "identify", watched)
    monkeypatch.setattr(ingest, "write_release", watched_write)
    repo = tmp_path / "repo"
    ingest_release(str(repo), init_repo(repo, repo_files()))
    assert writing and during_write and not any(during_write)


def test_the_release_summary_counts_the_identities_the_write_took(tmp_path, allow_local_sources, settings, monkeypatch):
    from audits import identities

    monkeypatch.setattr(identities, "POOLED_AT", 2)
    settings.PEDIGREE_EXPANSION_PROCESSES = 2
    repo = tmp_path / "repo"
    release = ingest_release(str(repo), init_repo(repo, repo_files())).release
    components = Component.objects.filter(release=release)
    assert release.summary["identities"]["resolved"] == components.filter(identity_complete=True).count() > 0
    assert release.summary["components"] == components.count()


def test_an_identity_reads_as_json_as_dataclasses_asdict_gives_it():
    import dataclasses

    from audits.identities import ComponentIdentity, combine
    from audits.rpmspec.identity import spec_identities
    from tests.rpmspec.arch_support import FILES, macro_sets
    from tests.rpmspec.engine_support import SANDBOX, spec

    text = spec("Name: demo", "Version: 1.2", "Release: 1%{?dist}", "License: MIT", "Summary: Demo",
                "Requires: libfoo%{?_isa} %{undefined_dep}", "%ifarch aarch64", "%package arm", "Summary: a",
                "%description arm", "a", "%files arm", "%endif", *FILES)
    identity = combine(spec_identities(text, macro_sets(), sandbox=SANDBOX))
    assert identity.binaries and identity.left_out and len(identity.binaries[0].arches) == 2  # every kind of field
    assert identity.to_json() == dataclasses.asdict(identity)
    assert ComponentIdentity.from_json(identity.to_json()) == identity


def test_identities_another_ingest_kept_meanwhile_are_left_as_they_are_and_the_others_are_kept():
    from audits.models import IdentityCacheEntry
    from audits.services.checkout_analysis import StoredIdentities

    StoredIdentities.add({"a" * 64: {"identity": {"version": "1"}, "sources": {}}})
    StoredIdentities.add({"a" * 64: {"identity": {"version": "2"}, "sources": {}},
                          "b" * 64: {"identity": {"version": "3"}, "sources": {"x.patch": "0" * 64}}})
    assert StoredIdentities().get_many(["a" * 64, "b" * 64]) == {
        "a" * 64: {"identity": {"version": "1"}, "sources": {}},
        "b" * 64: {"identity": {"version": "3"}, "sources": {"x.patch": "0" * 64}},
    }
    assert IdentityCacheEntry.objects.get(key="b" * 64).created_at is not None
