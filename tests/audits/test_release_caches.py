"""What is computed once per release (it never changes after its ingest) or once per version of a file."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.filters import release_choices
from audits.models import BinaryPackage

pytestmark = pytest.mark.django_db


@pytest.fixture
def image_release(tmp_path, allow_local_sources):
    from tests.audits import image_repo

    return image_repo.ingest(tmp_path)


def test_the_channels_and_images_of_a_release_are_read_once_then_served_from_the_cache(image_release):
    stored = {p.channel for p in BinaryPackage.objects.filter(component__release=image_release) if p.channel}
    images = [(str(i.pk), i.name if not i.profile else f"{i.name} ({i.profile})")
              for i in image_release.images.order_by("name")]
    expected = {"channels": sorted(stored), "images": images}
    assert release_choices(image_release) == expected and stored and images
    with CaptureQueriesContext(connection) as queries:
        assert release_choices(image_release) == expected
    assert not [q for q in queries.captured_queries if "audits_binarypackage" in q["sql"] or "audits_image" in q["sql"]]


def test_a_replaced_trusted_root_file_is_read_again(sigstore_settings, local_sigstore, tmp_path):
    from signing.services.signatures import pinned_root
    from tests.support.sigstore_local import LocalSigstore

    first = pinned_root()
    assert pinned_root() is first  # parsed once
    other = LocalSigstore(name="rotated")
    config = tmp_path / "trust-config.json"
    config.write_text(json.dumps(other.client_trust_config()) + "\n")  # a rotation replaces the file
    rotated = pinned_root()
    assert rotated is not first and rotated.sha256 != first.sha256
