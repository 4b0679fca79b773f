"""history.services.ingest: snapshots and state rows of a first-parent history, resumable and atomic per commit."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audits import gitmirror
from audits.models import Release
from audits.services.ingest import IngestError, ingest_release
from history import incremental
from history.models import ComponentState, Snapshot
from history.services.ingest import HistoryError, forget_after, ingest_history
from history.signals import snapshot_written
from history.states import ComponentState as State
from history.summary import summarise_states
from jobs.models import Job
from tests.history.history_repo import build_history, day, full_states
from tests.support.gitrepo import commit_all, git, write_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def history_git(tmp_path, allow_local_sources):
    repo = tmp_path / "repo"
    return repo, build_history(repo)


def rows(name):
    return list(ComponentState.objects.filter(name=name).order_by("first_seq").values_list("first_seq", "end_seq"))


def current_states():
    return {r.name: State.from_json(r.data) for r in ComponentState.objects.filter(end_seq__isnull=True)}


def test_every_commit_becomes_a_snapshot_with_its_position_and_commit(history_git):
    repo, shas = history_git
    outcome = ingest_history(str(repo), "main", materialise=False)
    assert (outcome.added, outcome.total, outcome.skipped, outcome.failed) == (7, 7, 0, 1)
    assert list(Snapshot.objects.values_list("seq", "commit__sha")) == list(enumerate(shas))


def test_a_commit_changing_one_component_writes_one_state_row(history_git):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    assert ComponentState.objects.filter(first_seq=1).count() == 1
    assert rows("bash")[:2] == [(0, 1), (1, 3)]
    assert Snapshot.objects.get(seq=1).changed == 1


def test_a_distro_default_change_gives_every_component_a_new_state(history_git):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    assert sorted(ComponentState.objects.filter(first_seq=3).values_list("name", flat=True)) == ["bash", "curl", "mypkg", "zlib"]


def test_a_removed_component_has_its_last_state_end_where_it_disappeared(history_git):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    assert rows("curl") == [(0, 3), (3, 4)]
    assert Snapshot.objects.get(seq=4).summary["components"] == 3


def test_a_commit_that_does_not_load_is_a_snapshot_with_its_error_and_no_state_change(history_git):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    broken = Snapshot.objects.get(seq=5)
    assert "malformed TOML" in broken.error
    assert (broken.changed, ComponentState.objects.filter(first_seq=5).count()) == (0, 0)
    assert broken.summary == Snapshot.objects.get(seq=4).summary


def test_the_current_states_equal_a_full_analysis_of_the_head(history_git):
    repo, shas = history_git
    ingest_history(str(repo), "main", materialise=False)
    assert current_states() == full_states(repo / ".git", shas[-1])


def test_the_head_is_materialised_as_a_release_and_linked(history_git):
    repo, shas = history_git
    outcome = ingest_history(str(repo), "main")
    assert outcome.release.commit.sha == shas[-1]
    assert Snapshot.objects.get(seq=6).release == outcome.release
    assert Snapshot.objects.filter(release__isnull=False).count() == 1


def test_an_existing_release_of_the_head_is_linked_not_written_again(history_git):
    repo, shas = history_git
    existing = ingest_release(str(repo), shas[-1]).release
    outcome = ingest_history(str(repo), "main")
    assert (outcome.release, Release.objects.count()) == (existing, 1)


def test_running_again_adds_nothing(history_git):
    repo, _ = history_git
    ingest_history(str(repo), "main")
    before = list(ComponentState.objects.values_list("name", "first_seq", "end_seq", "digest"))
    outcome = ingest_history(str(repo), "main")
    assert (outcome.added, outcome.skipped, outcome.total) == (0, 7, 7)
    assert list(ComponentState.objects.values_list("name", "first_seq", "end_seq", "digest")) == before


def test_new_commits_are_added_after_the_newest_snapshot(history_git):
    repo, shas = history_git
    ingest_history(str(repo), "main", materialise=False)
    write_files(repo, {"specs/z/zlib/zlib.spec": "Name: zlib\nVersion: 1.3.1\nRelease: 1\nSummary: z\nLicense: Zlib\n"})
    head = commit_all(repo, "zlib 1.3.1", date=day(20))
    outcome = ingest_history(str(repo), "main", materialise=False)
    assert (outcome.added, outcome.skipped) == (1, 7)
    assert [name for name, in ComponentState.objects.filter(first_seq=7).values_list("name")] == ["zlib"]
    assert current_states() == full_states(repo / ".git", head)


def test_since_and_from_choose_where_a_first_run_starts(history_git, tmp_path):
    repo, shas = history_git
    assert ingest_history(str(repo), "main", from_commit=shas[4][:10], materialise=False).added == 3
    assert Snapshot.objects.order_by("seq").first().seq == 4
    Snapshot.objects.all().delete()
    ComponentState.objects.all().delete()
    assert ingest_history(str(repo), "main", since="2026-03-06", materialise=False).added == 2


def test_a_commit_outside_the_first_parent_history_is_refused(history_git):
    repo, shas = history_git
    git(repo, "checkout", "-q", "-b", "side", shas[2])
    write_files(repo, {"README.md": "side\n"})
    side = commit_all(repo, "side")
    with pytest.raises(HistoryError, match="not in the first-parent history"):
        ingest_history(str(repo), "main", from_commit=side, materialise=False)


def test_a_rewritten_history_is_refused_with_a_clear_error(history_git):
    repo, shas = history_git
    ingest_history(str(repo), "main", materialise=False)
    git(repo, "reset", "-q", "--hard", shas[5])
    write_files(repo, {"azldev.toml": 'includes = ["distro/distro.toml", "base/project.toml"]\n', "README.md": "x\n"})
    commit_all(repo, "another mend", date=day(21))
    with pytest.raises(HistoryError, match="not in the first-parent history"):
        ingest_history(str(repo), "main", materialise=False)


def test_a_failure_mid_run_keeps_every_earlier_snapshot_and_a_rerun_finishes(history_git, monkeypatch):
    repo, shas = history_git
    original = incremental.IncrementalAnalysis.analyse

    def failing(self, sha, seq):
        if seq == 3:
            raise RuntimeError("worker lost")
        return original(self, sha, seq)

    monkeypatch.setattr(incremental.IncrementalAnalysis, "analyse", failing)
    with pytest.raises(RuntimeError):
        ingest_history(str(repo), "main", materialise=False)
    assert list(Snapshot.objects.values_list("seq", flat=True)) == [0, 1, 2]
    monkeypatch.setattr(incremental.IncrementalAnalysis, "analyse", original)
    assert ingest_history(str(repo), "main", materialise=False).added == 4
    assert current_states() == full_states(repo / ".git", shas[-1])


def test_each_snapshot_signals_its_component_changes(history_git):
    repo, _ = history_git
    seen = []

    def receiver(sender, snapshot, changes, **kwargs):
        seen.append((snapshot.seq, [(name, before is None, after is None) for name, before, after in changes]))

    snapshot_written.connect(receiver)
    try:
        ingest_history(str(repo), "main", materialise=False)
    finally:
        snapshot_written.disconnect(receiver)
    assert seen[1] == (1, [("bash", False, False)])
    assert seen[4] == (4, [("curl", False, True)])
    assert len(seen[0][1]) == 4 and seen[5] == (5, [])


def test_a_broken_head_fails_before_any_snapshot(history_git):
    repo, shas = history_git
    with pytest.raises(IngestError, match="invalid configuration"):
        ingest_history(str(repo), shas[5])
    assert Snapshot.objects.count() == 0


def test_the_ingest_command_ingests_history_as_a_job_and_prints_json(history_git, capsys):
    repo, shas = history_git
    call_command("ingest", str(repo), "--ref", "main", "--history", "--from", shas[5], "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["added"], result["snapshots"], result["head"]) == (2, 2, shas[-1])
    assert result["release_id"] == Release.objects.get().pk
    assert Job.objects.get().kind == "history"


def test_the_ingest_command_refuses_since_with_from(history_git):
    repo, shas = history_git
    with pytest.raises((CommandError, SystemExit)):
        call_command("ingest", str(repo), "--ref", "main", "--history", "--since", "2026-03-01", "--from", shas[1])


def test_the_ingest_command_says_since_needs_history(history_git):
    repo, _ = history_git
    with pytest.raises(CommandError, match="need --history"):
        call_command("ingest", str(repo), "--ref", "main", "--since", "2026-03-01")


def test_forgetting_the_newest_snapshots_lets_them_be_ingested_again_to_the_same_rows(history_git):
    repo, _ = history_git
    outcome = ingest_history(str(repo), "main", materialise=False)
    before = sorted(ComponentState.objects.values_list("name", "first_seq", "end_seq", "digest"))
    assert forget_after(outcome.distribution, 2) == 4
    assert sorted(set(ComponentState.objects.values_list("first_seq", flat=True))) == [0, 1, 2]
    assert ComponentState.objects.filter(end_seq__gt=2).count() == 0
    assert ingest_history(str(repo), "main", materialise=False).added == 4
    assert sorted(ComponentState.objects.values_list("name", "first_seq", "end_seq", "digest")) == before


def test_the_ingest_form_starts_a_history_job_when_asked(release_manager, client):
    client.force_login(release_manager)
    response = client.post("/ingest/", {"source": "https://example.org/r.git", "ref": "main", "history": "on"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.params) == ("history", {"source": "https://example.org/r.git", "ref": "main"})
    assert 'id="id_history"' in client.get("/").content.decode()


def test_only_the_newest_snapshot_keeps_the_input_keys_of_its_run(history_git):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    write_files(repo, {"README.md": "again\n"})
    commit_all(repo, "readme", date=day(20))
    ingest_history(str(repo), "main", materialise=False)
    kept = dict(Snapshot.objects.filter(input_keys__isnull=False).values_list("seq", "input_keys"))
    assert list(kept) == [7]
    assert kept[7]["version"] == incremental.INPUT_KEYS_VERSION
    assert sorted(kept[7]["keys"]) == sorted(current_states())


@pytest.fixture
def configurations_loaded(monkeypatch):
    """The commits whose configuration the analysis loads, in order."""
    loaded = []
    original = incremental.IncrementalAnalysis._configuration
    monkeypatch.setattr(incremental.IncrementalAnalysis, "_configuration",
                        lambda self, sha, tree: loaded.append(sha) or original(self, sha, tree))
    return loaded


def commit_zlib_update(repo) -> str:
    write_files(repo, {"specs/z/zlib/zlib.spec": "Name: zlib\nVersion: 1.3.1\nRelease: 1\nSummary: z\nLicense: Zlib\n"})
    return commit_all(repo, "zlib 1.3.1", date=day(20))


def test_a_new_commit_after_kept_input_keys_loads_only_its_own_configuration(history_git, configurations_loaded):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    head = commit_zlib_update(repo)
    configurations_loaded.clear()
    ingest_history(str(repo), "main", materialise=False)
    assert configurations_loaded == [head]
    assert current_states() == full_states(repo / ".git", head)
    assert Snapshot.objects.get(seq=7).summary == summarise_states(full_states(repo / ".git", head).values())


def test_input_keys_of_another_version_are_computed_again(history_git, configurations_loaded):
    repo, shas = history_git
    ingest_history(str(repo), "main", materialise=False)
    Snapshot.objects.filter(seq=6).update(input_keys={"version": -1, "keys": {}})
    head = commit_zlib_update(repo)
    configurations_loaded.clear()
    ingest_history(str(repo), "main", materialise=False)
    assert configurations_loaded == [shas[6], head]
    assert [name for name, in ComponentState.objects.filter(first_seq=7).values_list("name")] == ["zlib"]


def test_a_second_run_fetches_into_the_kept_mirror(history_git, settings):
    repo, _ = history_git
    ingest_history(str(repo), "main", materialise=False)
    mirrors = sorted(p.name for p in Path(settings.PEDIGREE_GIT_MIRROR_DIR).iterdir())
    write_files(repo, {"README.md": "again\n"})
    commit_all(repo, "readme", date=day(20))
    assert ingest_history(str(repo), "main", materialise=False).added == 1
    assert sorted(p.name for p in Path(settings.PEDIGREE_GIT_MIRROR_DIR).iterdir()) == mirrors
    assert len(mirrors) == 2  # the bare repository and its lock


def test_without_a_mirror_directory_each_run_clones_afresh(history_git, settings, monkeypatch):
    repo, _ = history_git
    settings.PEDIGREE_GIT_MIRROR_DIR = ""
    monkeypatch.setattr(gitmirror, "mirrored", None)  # any use of a mirror fails the test
    assert ingest_history(str(repo), "main", materialise=False).added == 7
