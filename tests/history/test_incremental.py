"""history.incremental: each commit's states equal a full analysis of that commit, at a fraction of the work."""

import pytest

from history.incremental import IncrementalAnalysis, States, first_parent_history
from history.summary import summarise_states
from tests.history.history_repo import build_history, full_states


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """Every commit of the synthetic history, analysed incrementally: (git dir, shas, analyses)."""
    repo = tmp_path_factory.mktemp("history") / "repo"
    shas = build_history(repo)
    git_dir = repo / ".git"
    analysis = IncrementalAnalysis(git_dir)
    return git_dir, shas, [analysis.analyse(sha, seq) for seq, sha in enumerate(first_parent_history(git_dir, shas[-1]))]


def test_the_first_parent_history_lists_the_root_first(walked):
    git_dir, shas, _ = walked
    assert first_parent_history(git_dir, shas[-1]) == shas


def test_every_commit_has_the_states_of_a_full_analysis_of_it(walked):
    git_dir, shas, results = walked
    for seq in (0, 1, 2, 3, 4, 6):
        assert results[seq].states == full_states(git_dir, shas[seq]), f"commit {seq}"


def test_a_spec_change_analyses_and_changes_only_that_component(walked):
    result = walked[2][1]
    assert (result.analysed, [name for name, _, _ in result.changes]) == (1, ["bash"])


def test_a_group_change_reaches_its_member_only(walked):
    result = walked[2][2]
    assert [name for name, _, _ in result.changes] == ["zlib"]
    assert "Tests need a network" in result.states["zlib"].build


def test_a_distro_default_change_reaches_every_component(walked):
    before, result = walked[2][2], walked[2][3]
    assert sorted(name for name, _, _ in result.changes) == sorted(before.states)
    assert all('"azl": "1"' in s.build for s in result.states.values())


def test_a_removed_component_changes_to_nothing(walked):
    result = walked[2][4]
    assert [(name, after) for name, _, after in result.changes] == [("curl", None)]
    assert "curl" not in result.states


def test_a_commit_whose_configuration_does_not_load_keeps_the_states_before_it(walked):
    before, broken = walked[2][4], walked[2][5]
    assert "malformed TOML" in broken.error
    assert (broken.states, broken.changes) == (before.states, [])


def test_the_commit_after_a_broken_one_is_compared_with_the_last_that_loaded(walked):
    mended = walked[2][6]
    assert (mended.error, mended.changes, mended.analysed) == ("", [], 0)


def test_resuming_from_stored_states_analyses_nothing_unchanged(walked):
    git_dir, shas, results = walked
    analysis = IncrementalAnalysis(git_dir)
    analysis.resume(shas[3], results[3].states)
    assert analysis.analyse(shas[4], 4).analysed == 0


def test_every_commit_summary_kept_as_a_running_tally_equals_one_counted_from_all_its_states(walked):
    for result in walked[2]:
        assert result.summary == summarise_states(result.states.values()), f"commit {result.seq}"


def test_resuming_with_kept_input_keys_loads_no_configuration_and_gives_the_same_states(walked, monkeypatch):
    git_dir, shas, results = walked
    keeper = IncrementalAnalysis(git_dir)
    for seq in range(4):
        keeper.analyse(shas[seq], seq)
    analysis = IncrementalAnalysis(git_dir)
    loaded = []
    monkeypatch.setattr(analysis, "_configuration", lambda sha, tree: loaded.append(sha) or IncrementalAnalysis._configuration(analysis, sha, tree))
    analysis.resume(shas[3], results[3].states, keys=keeper.keys, summary=results[3].summary)
    result = analysis.analyse(shas[4], 4)
    assert loaded == [shas[4]]
    assert (result.states, result.changes, result.summary) == (results[4].states, results[4].changes, results[4].summary)


def test_resuming_decodes_only_the_states_of_components_that_changed(walked):
    git_dir, shas, results = walked
    stored = {name: state.to_json() for name, state in results[0].states.items()}
    decoded = []

    def load(names):
        decoded.extend(names)
        return {name: type(results[0].states[name]).from_json(stored[name]) for name in names}

    analysis = IncrementalAnalysis(git_dir)
    keeper = IncrementalAnalysis(git_dir)
    keeper.analyse(shas[0], 0)
    analysis.resume(shas[0], States(stored=stored, load=load), {n: s.digest() for n, s in results[0].states.items()},
                    keys=keeper.keys, summary=results[0].summary)
    result = analysis.analyse(shas[1], 1)
    assert decoded == ["bash"]
    assert [name for name, _, _ in result.changes] == ["bash"] and result.summary == results[1].summary
    assert result.states == results[1].states  # reading every state decodes the rest


def test_the_summary_counts_headlines_overlays_and_unresolved_identities(walked):
    summary = summarise_states(walked[2][0].states.values())
    assert summary["components"] == sum(summary["by_headline"].values()) == 4
    assert summary["intact_share"] == round(100 * summary["intact"] / 4, 1)
    assert summary["overlays_by_type"] == {"spec-add-tag": 1}
    assert summary["identities_unresolved"] == sum(1 for s in walked[2][0].states.values() if not s.evr)


def test_a_cached_parse_is_an_independent_copy(tmp_path):
    from audits.azldev.loader import cached_parses, parse_toml
    from audits.azldev.tree import DirectoryTree

    (tmp_path / "a.toml").write_text('[components.zlib]\nspec = { type = "local" }\n')
    (tmp_path / "b.toml").write_text('[components.zlib]\nspec = { type = "local" }\n')
    cache: dict = {}
    with cached_parses(cache):
        first, _ = parse_toml(DirectoryTree(tmp_path), "a.toml")
        first["components"]["zlib"]["spec"]["type"] = "changed"
        second, _ = parse_toml(DirectoryTree(tmp_path), "b.toml")
    assert len(cache) == 1 and second["components"]["zlib"]["spec"]["type"] == "local"


def test_a_tree_sharing_blob_sizes_lists_what_a_plain_tree_lists(walked):
    from audits.gittree import GitTree

    git_dir, shas, _ = walked
    sizes: dict = {}
    for sha in shas:
        assert GitTree(git_dir, sha, sizes=sizes).entries() == GitTree(git_dir, sha).entries()


def test_commits_analysed_with_helper_processes_have_the_same_states(tmp_path, monkeypatch):
    from audits import identities
    from tests.support.pools import watch_pools

    watch = watch_pools(monkeypatch)
    monkeypatch.setattr(identities, "POOLED_AT", 1)  # the synthetic commits change a spec or two
    repo = tmp_path / "repo"
    shas = build_history(repo)
    git_dir = repo / ".git"
    history = first_parent_history(git_dir, shas[-1])
    in_process, pooled = IncrementalAnalysis(git_dir), IncrementalAnalysis(git_dir, expansion_processes=2)
    for seq, sha in enumerate(history):
        assert pooled.analyse(sha, seq).states == in_process.analyse(sha, seq).states, f"commit {seq}"
    assert watch.answered > 0  # the commits' specs went through helpers
