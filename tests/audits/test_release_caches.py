"""What is computed once per release (it never changes after its ingest) or once per version of a file."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.filters import release_channels
from audits.models import BinaryPackage

pytestmark = pytest.mark.django_db


def test_the_channels_of_a_release_are_read_once_then_served_from_the_cache(release):
    stored = {p.channel for p in BinaryPackage.objects.filter(component__release=release) if p.channel}
    assert release_channels(release) == sorted(stored) and stored
    with CaptureQueriesContext(connection) as queries:
        assert release_channels(release) == sorted(stored)
    assert not [q for q in queries.captured_queries if "audits_binarypackage" in q["sql"]]


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
