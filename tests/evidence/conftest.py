import datetime as dt
import io
import zipfile

import pytest

from audits.models import Component, UpstreamVerification
from audits.services.blobs import store_text

REQUESTED_AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def drifting_bash(release):
    """An upstream verification of bash that found undeclared changes (as services.upstream stores it)."""
    return UpstreamVerification.objects.create(
        component=Component.objects.get(release=release, name="bash"), verdict="drift",
        reason="2 lines differ from Fedora plus the declared changes",
        dist_git_url="https://src.example.org/rpms/bash.git", upstream_commit="ab" * 20,
        upstream_spec_sha256="cd" * 32, upstream_spec_blob_id=store_text("Name: bash\nVersion: 5.3\n"), declared_diff="--- fedora\n+++ expected\n+Requires: coreutils\n",
        undeclared_diff="--- expected\n+++ rendered\n+<script>alert(2)</script>\n",
        verified_at=dt.datetime(2026, 3, 5, 8, tzinfo=dt.timezone.utc),
    )


def members(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist()}
