"""Through an ingest: a patch overlay of a component whose rendered directory holds only the spec and
`sources` is stored as not verifiable in the rendered tree, with its source file still hashed; where the
directory carries other files, the missing patch is absent."""

import hashlib

import pytest
from django.urls import reverse

from audits.choices import OverlayPresence
from audits.models import Overlay
from audits.services.ingest import ingest_release
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo

pytestmark = pytest.mark.django_db

PATCH = "diff --git a/x b/x\n"
BASH_WITH_PATCH = """
[components.bash]
spec = { type = "upstream", upstream-distro = { name = "fedora", version = "rawhide" } }

[[components.bash.overlays]]
type = "patch-add"
description = "Fix the build"
source = "fix-build.patch"
"""


def ingest_bash(tmp_path, rendered_files: dict[str, str]) -> Overlay:
    files = sample_repo.files()
    files["base/comps/bash/bash.comp.toml"] = BASH_WITH_PATCH
    files["base/comps/bash/fix-build.patch"] = PATCH
    files["specs/b/bash/bash.spec"] = sample_repo.spec("bash", "5.3", "Patch0: fix-build.patch")
    files.update({f"specs/b/bash/{name}": text for name, text in rendered_files.items()})
    init_repo(tmp_path / "repo", files)
    release = ingest_release(str(tmp_path / "repo"), "main").release
    return Overlay.objects.get(component__release=release, component__name="bash")


def test_a_patch_overlay_in_a_tree_of_only_spec_and_sources_is_not_verifiable_there(tmp_path, allow_local_sources):
    overlay = ingest_bash(tmp_path, {"sources": "SHA512 (bash-5.3.tar.gz) = " + "cd" * 64 + "\n"})
    assert overlay.presence == OverlayPresence.TREE_UNVERIFIABLE
    assert "holds only the spec and its sources file" in overlay.presence_reason


def test_the_source_file_of_an_overlay_not_verifiable_in_the_tree_is_still_hashed(tmp_path, allow_local_sources):
    overlay = ingest_bash(tmp_path, {"sources": "SHA512 (bash-5.3.tar.gz) = " + "cd" * 64 + "\n"})
    assert overlay.source_path == "base/comps/bash/fix-build.patch"
    assert overlay.source_sha256 == hashlib.sha256(PATCH.encode()).hexdigest()


def test_a_patch_missing_from_a_tree_that_carries_other_files_is_absent(tmp_path, allow_local_sources):
    overlay = ingest_bash(tmp_path, {"sources": "", "other.patch": PATCH})
    assert overlay.presence == OverlayPresence.ABSENT
    assert "not in the rendered directory" in overlay.presence_reason


def test_the_release_summary_counts_the_overlay_as_not_verifiable_in_the_tree(tmp_path, allow_local_sources):
    release = ingest_bash(tmp_path, {"sources": ""}).component.release
    summary = release.summary["overlay_presence"]
    assert (summary["absent"], summary["tree-unverifiable"]) == (0, 1)


def test_the_component_page_says_not_verifiable_in_the_tree_and_shows_the_source_digest(tmp_path, allow_local_sources,
                                                                                        auditor_client):
    overlay = ingest_bash(tmp_path, {"sources": ""})
    page = auditor_client.get(reverse("audits:component-detail", args=[overlay.component.release_id, "bash"]))
    html = page.content.decode()
    assert 'class="presence-tree-unverifiable"' in html
    assert OverlayPresence.TREE_UNVERIFIABLE.label in html and overlay.source_sha256 in html


def test_the_api_filters_overlays_not_verifiable_in_the_tree(tmp_path, allow_local_sources, auditor_client):
    overlay = ingest_bash(tmp_path, {"sources": ""})
    release_id = overlay.component.release_id
    url = f"/api/v1/releases/{release_id}/overlays/?presence=tree-unverifiable"
    body = auditor_client.get(url).json()
    assert [row["presence"] for row in body["results"]] == ["tree-unverifiable"]
