"""Facts for the pure SBOM tests: a curl component and a release holding it, built directly (no database),
with the fully expanded identity the ingest stores."""

from __future__ import annotations

import datetime as dt

from sbom.services.facts import BinaryFacts, CommitFacts, ComponentFacts, ReleaseFacts, SourceFileFacts

WHEN = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
COMMIT = CommitFacts("a" * 40, "Ada Packager", "ada@example.org", WHEN, "Ada Packager", "ada@example.org", WHEN,
                     "Update curl")
BAD_COMMIT = CommitFacts("b" * 40, "Root", "root@host.(none)", WHEN, "Ada Packager", "ada@example.org", WHEN, "oops")


def component(**fields) -> ComponentFacts:
    """curl, taken from Fedora, with a rendered spec; `fields` replace its values."""
    values = dict(
        name="curl", headline="intact", verdict="Taken from Fedora unchanged.", spec_origin="upstream",
        spec_type="upstream", upstream_distro="fedora", upstream_version="43",
        dist_git_url="https://src.fedoraproject.org/rpms/curl.git", dist_git_branch="f43", has_rendered_spec=True,
        version="8.15.0", release="3.azl4", identity_complete=True, license="MIT", url="https://curl.se/", summary="A URL tool",
        source_files=(SourceFileFacts("curl-8.15.0.tar.gz", "SHA512", "ab" * 64),),
        binaries=(BinaryFacts("curl", "rpm-base", "package-group:base"),), config_commit=COMMIT,
        rendered_commit=COMMIT,
    )
    return ComponentFacts(**{**values, **fields})


def release(*components: ComponentFacts, **fields) -> ReleaseFacts:
    values = dict(id=1, distribution="azurelinux", distribution_description="Azure Linux", version="4.0",
                  release_ver="4.0", upstream_distro="fedora", upstream_version="43",
                  source_url="https://github.com/microsoft/azurelinux", ref="main", commit=COMMIT,
                  components=components or (component(),))
    return ReleaseFacts(**{**values, **fields})
