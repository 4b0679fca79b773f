"""The image endpoints of the API, over the synthetic repository of tests/audits/image_repo.py."""

import pytest

from tests.audits import image_repo

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_release(tmp_path, allow_local_sources):
    return image_repo.ingest(tmp_path)


def vm_pk(release) -> int:
    return release.images.get(name="vm").pk


def test_the_api_lists_the_images_of_a_release(read_client, image_release):
    body = read_client.get(f"/api/v1/releases/{image_release.pk}/images/").json()
    assert [(i["name"], i["profile"], i["direct_count"], i["closure_count"]) for i in body["results"]] == [
        ("box-core", "core", 1, 1), ("box-full", "full", 2, 2), ("vm", "", 4, 5)]


def test_the_api_lists_an_images_packages_with_their_components(read_client, image_release):
    url = f"/api/v1/releases/{image_release.pk}/images/{vm_pk(image_release)}/packages/"
    rows = {p["name"]: (p["role"], p["component"], p["headline"]) for p in read_client.get(url).json()["results"]}
    assert rows["zlib"] == ("closure", "zlib", "build-customised")
    assert rows["no-such-package"] == ("direct", None, None)


def test_the_api_refuses_an_image_of_another_release(read_client, image_release):
    url = f"/api/v1/releases/{image_release.pk + 1}/images/{vm_pk(image_release)}/packages/"
    assert read_client.get(url).status_code == 404


def test_the_api_needs_the_read_scope(key_client, image_release):
    assert key_client("jobs").get(f"/api/v1/releases/{image_release.pk}/images/").status_code == 403
