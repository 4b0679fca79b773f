"""The change feed of a history ingest: each commit's component events, told once (history.services.events)."""

import pytest

from audits.services.ingest import ingest_release
from feeds.models import Event, EventKind
from history.services.ingest import ingest_history
from tests.audits import sample_repo
from tests.history.history_repo import day
from tests.support.gitrepo import commit_all, init_repo, write_files

pytestmark = pytest.mark.django_db

CURL_OVERLAY = """
[components.curl]
[[components.curl.overlays]]
type = "spec-add-tag"
description = "Require ca-certificates"
tag = "Requires"
value = "ca-certificates"
"""


@pytest.fixture
def curl_git(tmp_path, allow_local_sources):
    """0 the sample repo, 1 an overlay on curl (Fedora-intact until then), 2 the overlay removed again."""
    repo, files = tmp_path / "repo", sample_repo.files()
    shas = [init_repo(repo, files)]
    components = files["base/comps/components.toml"]
    for n, text in enumerate((components.replace("[components.curl]\n", CURL_OVERLAY), components), 2):
        write_files(repo, {"base/comps/components.toml": text})
        shas.append(commit_all(repo, f"commit {n}", date=day(n)))
    return repo, shas


def events(kind):
    return list(Event.objects.filter(kind=kind).order_by("id"))


def test_a_component_that_gains_an_overlay_is_told_diverged_with_its_new_overlay_at_that_commit(curl_git):
    repo, shas = curl_git
    ingest_history(str(repo), "main", materialise=False)
    (diverged,), (added,) = events(EventKind.COMPONENT_DIVERGED), events(EventKind.OVERLAY_ADDED)
    assert (diverged.payload["component"], diverged.payload["commit"], diverged.payload["from"]) == ("curl", shas[1], "intact")
    assert diverged.link == "/history/azurelinux/components/curl/"
    assert [o["description"] for o in added.payload["overlays"]] == ["Require ca-certificates"]


def test_a_component_that_loses_its_last_overlay_is_told_intact_again_at_that_commit(curl_git):
    repo, shas = curl_git
    ingest_history(str(repo), "main", materialise=False)
    (intact,) = events(EventKind.COMPONENT_INTACT)
    assert (intact.payload["component"], intact.payload["commit"]) == ("curl", shas[2])


def test_the_first_snapshot_tells_no_component_events(curl_git):
    repo, shas = curl_git
    ingest_history(str(repo), "main", materialise=False)
    assert not Event.objects.filter(payload__commit=shas[0]).exists()


def test_the_materialised_head_tells_its_release_but_not_its_components_again(curl_git):
    repo, shas = curl_git
    ingest_release(str(repo), shas[0])  # an earlier release, which the head's release is compared with
    ingest_history(str(repo), shas[1])
    assert len(events(EventKind.RELEASE_INGESTED)) == 2
    assert len(events(EventKind.COMPONENT_DIVERGED)) == 1


def test_a_release_ingested_on_its_own_still_tells_its_component_events(curl_git):
    repo, shas = curl_git
    ingest_release(str(repo), shas[0])
    ingest_release(str(repo), shas[1])
    assert len(events(EventKind.COMPONENT_DIVERGED)) == 1
