import pytest

from audits.services.ingest import ingest_release
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(tmp_path, allow_local_sources):
    files = sample_repo.files()
    files["base/comps/bash/bash.comp.toml"] = files["base/comps/bash/bash.comp.toml"].replace(
        "Require <b>coreutils</b>", "Require <script>alert(1)</script>"
    )
    init_repo(tmp_path / "repo", files)
    return ingest_release(str(tmp_path / "repo"), "main").release


def test_component_page_shows_the_verdict_first(auditor_client, release):
    response = auditor_client.get(f"/releases/{release.pk}/components/bash/")
    assert response.status_code == 200
    assert b"Altered: The spec comes from fedora rawhide instead of fedora 43; 1 overlay changes the spec" in response.content


def test_overlay_descriptions_are_escaped(auditor_client, release):
    response = auditor_client.get(f"/releases/{release.pk}/components/bash/")
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


def test_release_page_filters_by_classification(auditor_client, release):
    response = auditor_client.get(f"/releases/{release.pk}/?headline=intact")
    names = [c.name for c in response.context["page"]]
    assert names == ["curl"]


def test_release_list_does_not_query_per_release(auditor_client, release, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):  # +1: the distributions with history (history_tags)
        assert auditor_client.get("/").status_code == 200
