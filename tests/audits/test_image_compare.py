"""Images in the comparison of two releases (audits.services.compare): images added and removed, packages added
and removed, classification changes of the packages an image holds; on the page and in the CSV."""

import csv
import io

import pytest

from audits.services.compare import ImageChange, compare_releases
from audits.services.ingest import ingest_release
from tests.audits import image_repo
from tests.support.gitrepo import commit_all, init_repo, write_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_client_for_read(portal_admin):
    from django.test import Client

    from access.services import issue_api_key

    _, secret = issue_api_key("read-key", ["read"], created_by=portal_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def two_image_releases(tmp_path, allow_local_sources):
    """The second commit drops bash from the vm, adds curl-devel to it, takes zlib out of the check-skip group
    (build-customised -> intact), replaces the box-full image by another."""
    repo = tmp_path / "repo"
    files = image_repo.files()
    first = init_repo(repo, files)
    toml = files["base/images/images.toml"]
    write_files(repo, {
        "base/images/vm/vm.kiwi": files["base/images/vm/vm.kiwi"].replace('<package name="bash"/>', '<package name="curl-devel"/>')
        .replace('<packages type="delete"><package name="curl-devel"/></packages>', ""),
        "base/comps/groups.toml": files["base/comps/groups.toml"].replace('components = ["zlib"]', "components = []"),
        "base/images/images.toml": toml.replace("[images.box-full]", "[images.box-other]"),
    })
    second = commit_all(repo, "second", date="2026-03-02T12:00:00+00:00")
    return ingest_release(str(repo), first).release, ingest_release(str(repo), second).release


def test_images_added_and_removed_are_reported(two_image_releases):
    changes = compare_releases(*two_image_releases).image_changes
    assert ImageChange("box-other", "image added") in changes and ImageChange("box-full", "image removed") in changes


def test_packages_added_and_removed_in_an_image_are_reported_with_their_components(two_image_releases):
    vm = [c for c in compare_releases(*two_image_releases).image_changes if c.image == "vm" and c.kind.startswith("package")]
    assert vm == [ImageChange("vm", "package added", "curl-devel", "curl", "", "intact"),
                  ImageChange("vm", "package removed", "bash", "bash", "altered", "")]


def test_a_classification_change_of_a_package_an_image_holds_is_reported(two_image_releases):
    changes = compare_releases(*two_image_releases).image_changes
    assert ImageChange("vm", "classification", "zlib", "zlib", "build-customised", "intact") in changes
    assert ImageChange("box-core", "classification", "zlib", "zlib", "build-customised", "intact") in changes


def test_a_release_compared_with_itself_has_no_image_changes(two_image_releases):
    old, _ = two_image_releases
    assert compare_releases(old, old).image_changes == []


def test_the_comparison_page_and_csv_show_image_changes(auditor_client, two_image_releases):
    old, new = two_image_releases
    html = auditor_client.get(f"/compare/?old={old.pk}&new={new.pk}").content.decode()
    assert "Image changes (" in html and f'href="/releases/{old.pk}/components/bash/"' in html
    rows = list(csv.reader(io.StringIO(auditor_client.get(f"/compare.csv?old={old.pk}&new={new.pk}").content.decode())))
    assert ["image package removed", "bash", "vm: bash", "altered", ""] in rows
    assert ["image added", "", "box-other", "", ""] in rows


def test_the_comparison_api_lists_image_changes(key_client_for_read, two_image_releases):
    old, new = two_image_releases
    body = key_client_for_read.get(f"/api/v1/comparisons/?old={old.pk}&new={new.pk}").json()
    assert {"image": "vm", "kind": "package removed", "package": "bash", "component": "bash", "before": "altered",
            "after": ""} in body["image_changes"]
