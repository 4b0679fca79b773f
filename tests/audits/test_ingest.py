import json
from datetime import datetime, timezone
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audits.models import Component, Inconsistency, Overlay, Release
from audits.services.ingest import IngestError, ingest_release
from audits.tasks import run_ingest_job
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from tests.audits import sample_repo
from tests.support.gitrepo import commit_all, init_repo, write_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def repo(tmp_path, allow_local_sources):
    path = tmp_path / "distro-config"
    init_repo(path, sample_repo.files())
    return path


def ingest(repo, ref="main"):
    return ingest_release(str(repo), ref).release


def test_every_component_is_recorded_with_its_classification(repo):
    release = ingest(repo)
    headlines = dict(Component.objects.filter(release=release).values_list("name", "headline"))
    assert headlines == {
        "bash": "altered",
        "curl": "intact",
        "mypkg": "local",
        "zlib": "build-customised",
    }


def test_release_records_distro_upstream_and_git_provenance(repo):
    release = ingest(repo)
    assert (release.distribution.name, release.version, release.release_ver) == ("azurelinux", "4.0", "4.0")
    assert (release.upstream_distro, release.upstream_version) == ("fedora", "43")
    assert release.snapshot == datetime(2026, 2, 24, 8, 0, tzinfo=timezone.utc)
    assert release.commit.subject == "initial"
    assert release.commit.author_email == "ada@example.org"


def test_check_skip_inherited_from_a_group_names_the_group(repo):
    zlib = Component.objects.get(release=ingest(repo), name="zlib")
    assert zlib.check_skipped and zlib.check_skip_reason == "Tests need network access"
    reason = zlib.reasons.get()
    assert (reason.code, reason.source) == ("check-skipped", "group:check-skip")


def test_overlay_is_stored_with_its_metadata_and_origin_file(repo):
    overlay = Overlay.objects.get(component__name="bash", component__release=ingest(repo))
    assert (overlay.type, overlay.tag, overlay.value) == ("spec-add-tag", "Requires", "coreutils")
    assert (overlay.category, overlay.upstream_status) == ("azl-compatibility", "inapplicable")
    assert overlay.bugs == ["https://bugs.example.org/1"]
    assert overlay.defined_in == "base/comps/bash/bash.comp.toml"


def test_an_overlay_whose_effect_is_in_the_rendered_spec_is_present(repo):
    overlay = Overlay.objects.get(component__name="bash", component__release=ingest(repo))
    assert overlay.presence == "present"
    assert "Requires" in overlay.presence_reason


def test_an_overlay_missing_from_the_rendered_spec_is_absent(repo):
    write_files(repo, {"specs/b/bash/bash.spec": sample_repo.spec("bash", "5.3")})
    commit_all(repo, "render without the overlay")
    release = ingest(repo)
    overlay = Overlay.objects.get(component__name="bash", component__release=release)
    assert overlay.presence == "absent"
    assert release.summary["overlay_presence"]["text"].startswith("1 overlay: 0 present; 1 absent because")


def test_rendered_spec_fields_and_sources_file_are_parsed(repo):
    curl = Component.objects.get(release=ingest(repo), name="curl")
    assert (curl.spec_name, curl.version, curl.release_tag, curl.license) == ("curl", "8.15.0", "3%{?dist}", "MIT")
    assert curl.rendered_spec.path == "specs/c/curl/curl.spec"
    assert len(curl.rendered_spec.sha256) == 64
    entry = curl.sources_entries.get()
    assert (entry.algorithm, entry.filename) == ("SHA512", "curl-8.15.0.tar.gz")
    assert curl.dist_git_url == "https://src.example.org/rpms/curl.git"
    assert curl.dist_git_branch == "f43"


def test_binary_packages_get_their_publish_channel(repo):
    curl = Component.objects.get(release=ingest(repo), name="curl")
    channels = dict(curl.binary_packages.values_list("name", "channel"))
    assert channels == {"curl": "rpm-base", "curl-devel": "rpm-sdk"}


def test_rendered_spec_without_a_component_is_an_inconsistency(repo):
    release = ingest(repo)
    orphan = Inconsistency.objects.get(release=release, kind="orphan-rendered-spec")
    assert orphan.path == "specs/o/orphan"


def test_config_changed_after_the_last_render_is_flagged_stale(repo):
    write_files(repo, {"base/comps/bash/bash.comp.toml": sample_repo.files()["base/comps/bash/bash.comp.toml"] + "\n# touched\n"})
    commit_all(repo, "touch bash config", date="2026-03-02T12:00:00+00:00")
    release = ingest(repo)
    stale = Inconsistency.objects.get(release=release, kind="stale-rendered-spec")
    assert stale.component.name == "bash"
    assert stale.component.has_inconsistency


def test_shared_file_changes_are_attributed_to_the_components_they_touch(repo):
    files = sample_repo.files()
    write_files(repo, {"base/comps/components.toml": files["base/comps/components.toml"] + "[components.xz]\n",
                       "specs/x/xz/xz.spec": sample_repo.spec("xz")})
    second = commit_all(repo, "add xz", date="2026-03-03T12:00:00+00:00")
    release = ingest(repo)
    components = {c.name: c for c in Component.objects.filter(release=release).select_related("config_commit")}
    assert components["xz"].config_commit.sha == second
    assert components["curl"].config_commit.subject == "initial"


def test_ingesting_the_same_commit_twice_keeps_one_release(repo):
    first = ingest_release(str(repo), "main")
    second = ingest_release(str(repo), "main")
    assert first.created and not second.created
    assert second.release.pk == first.release.pk
    assert Release.objects.count() == 1
    assert Component.objects.count() == 4


def test_failed_ingest_keeps_the_previous_release_untouched(repo):
    release = ingest(repo)
    before = list(Component.objects.order_by("id").values_list("id", "name", "headline"))
    write_files(repo, {"base/comps/bash/bash.comp.toml": "[components.bash\nbroken = "})
    commit_all(repo, "break the config", date="2026-03-04T12:00:00+00:00")
    with pytest.raises(IngestError, match=r"base/comps/bash/bash.comp.toml: malformed TOML.*line 1"):
        ingest(repo)
    assert list(Release.objects.values_list("id", flat=True)) == [release.pk]
    assert list(Component.objects.order_by("id").values_list("id", "name", "headline")) == before


def test_component_defined_twice_fails_naming_both_files(repo):
    write_files(repo, {"base/comps/curl/curl.comp.toml": "[components.curl]\n"})
    commit_all(repo, "duplicate curl")
    with pytest.raises(IngestError, match=r"curl.comp.toml.*already defined in base/comps/components.toml"):
        ingest(repo)
    assert Release.objects.count() == 0


def test_unknown_key_fails_naming_file_and_key(repo):
    write_files(repo, {"base/comps/mypkg/mypkg.comp.toml": '[components.mypkg]\nspec = { type = "local", path = "mypkg.spec", colour = "red" }\n'})
    commit_all(repo, "typo")
    with pytest.raises(IngestError, match=r"mypkg.comp.toml: components.mypkg.spec.colour: unknown key"):
        ingest(repo)


def test_include_escaping_the_repository_is_refused(repo):
    write_files(repo, {"azldev.toml": 'includes = ["distro/distro.toml", "base/project.toml", "../../etc/*.toml"]\n'})
    commit_all(repo, "escape")
    with pytest.raises(IngestError, match="escapes the repository root"):
        ingest(repo)


def test_symlink_out_of_the_repository_is_refused(repo):
    (repo / "base/comps/evil.comp.toml").symlink_to("/etc/hostname")
    commit_all(repo, "symlink out")
    with pytest.raises(IngestError, match="symlink points outside the repository"):
        ingest(repo)


@pytest.mark.parametrize("source", ["ext::sh -c touch% /tmp/pwned", "--upload-pack=touch /tmp/x", "-oProxyCommand=x"])
def test_dangerous_git_sources_are_refused(source, allow_local_sources):
    with pytest.raises(IngestError):
        ingest_release(source, "main")
    assert Release.objects.count() == 0


def test_option_like_refs_are_refused(repo):
    with pytest.raises(IngestError, match="ref"):
        ingest_release(str(repo), "--output=/tmp/x")


def test_local_sources_are_refused_unless_a_setting_allows_them(repo, settings):
    settings.PEDIGREE_ALLOW_LOCAL_SOURCES = False
    with pytest.raises(IngestError, match="PEDIGREE_ALLOW_LOCAL_SOURCES"):
        ingest(repo)


def test_unknown_ref_names_the_ref(repo):
    with pytest.raises(IngestError, match="'no-such-branch' was not found"):
        ingest(repo, "no-such-branch")


def test_a_group_listing_an_undefined_component_is_an_inconsistency(repo):
    groups = sample_repo.files()["base/comps/groups.toml"].replace('components = ["zlib"]', 'components = ["zlib", "ghost"]')
    write_files(repo, {"base/comps/groups.toml": groups})
    commit_all(repo, "a group member that is not defined")
    finding = Inconsistency.objects.get(release=ingest(repo), kind="unknown-group-member")
    assert finding.path == "base/comps/groups.toml" and "'ghost', which is not defined" in finding.detail


def test_huge_spec_is_refused_with_the_size_limit(repo, settings):
    settings.PEDIGREE_MAX_FILE_BYTES = 64 * 1024
    write_files(repo, {"specs/c/curl/curl.spec": sample_repo.spec("curl") + "#" * (70 * 1024)})
    commit_all(repo, "huge spec")
    release = ingest(repo)
    problem = Inconsistency.objects.get(release=release, component__name="curl")
    assert "size limit" in problem.detail


def test_ingest_command_prints_a_json_summary(repo):
    out = StringIO()
    call_command("ingest", str(repo), "--ref", "main", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["components"] == 4
    assert summary["by_headline"] == {"altered": 1, "build-customised": 1, "intact": 1, "local": 1}
    assert summary["overlays_by_type"] == {"spec-add-tag": 1}
    assert summary["inconsistencies"] == {"orphan-rendered-spec": 1}
    assert summary["commit"] == Release.objects.get().commit.sha


def test_ingest_command_fails_with_the_reason(repo):
    with pytest.raises(CommandError, match="was not found"):
        call_command("ingest", str(repo), "--ref", "nope", stdout=StringIO())
    assert Job.objects.get().status == JobStatus.FAILED


def test_components_command_writes_one_csv_row_per_component(repo):
    release = ingest(repo)
    out = StringIO()
    call_command("components", str(release.pk), "--csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "name,headline,reasons,overlay_count,spec_origin,upstream_commit,check_skipped,rendered_spec_sha256,license,license_normalized,license_family"
    assert lines[1].startswith("bash,altered,other-upstream-version;overlays,1,other-version,,no,")
    assert len(lines) == 5


def test_a_job_delivered_twice_runs_once(repo):
    job = Job.objects.create(kind=JobKind.INGEST, params={"source": str(repo), "ref": "main"})
    run_ingest_job(job.pk)
    run_ingest_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["components"] == 4
    assert job.release == Release.objects.get()


def test_component_history_lists_the_commits_that_changed_it_newest_first(repo):
    first = ingest(repo).commit.sha
    write_files(repo, {"base/comps/bash/bash.comp.toml": sample_repo.files()["base/comps/bash/bash.comp.toml"] + "\n# note\n"})
    second = commit_all(repo, "note on bash", date="2026-03-05T12:00:00+00:00")
    release = ingest(repo)
    bash = Component.objects.get(release=release, name="bash")
    assert list(bash.history.values_list("commit__sha", "touched")) == [(second, "config"), (first, "config+rendered")]
    curl = Component.objects.get(release=release, name="curl")
    assert list(curl.history.values_list("commit__sha", flat=True)) == [first]


@pytest.mark.parametrize("name", ["dbus-c++", "cairomm1.16", "python3.12", "_private", "perl-Moose", "x" * 255])
def test_rpm_package_names_are_valid_component_names(name):
    from audits.names import check_component_names

    check_component_names([(name, "base/comps/x.comp.toml")])


def test_a_component_name_with_a_slash_is_refused_naming_it():
    from audits.names import check_component_names
    from audits.azldev.loader import ConfigError

    with pytest.raises(ConfigError, match=r"^odd.toml: invalid component name 'a/b': a component name must be an RPM"):
        check_component_names([("bash", "bash.toml"), ("a/b", "odd.toml")])
