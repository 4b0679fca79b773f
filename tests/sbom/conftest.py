"""The synthetic sample repository plus a pinned component, ingested and turned into documents.

The local Sigstore instance and the settings for it are tests/support/sigstore_fixtures.py."""

import json

import pytest

from audits.models import Release
from audits.services.ingest import ingest_release
from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services.generate import generate_release_documents
from tests.audits import sample_repo
from tests.support.gitrepo import init_repo

AUTOSPEC_HEADER = """## START: Set by rpmautospec
## (rpmautospec version 0.8.4)
%define autorelease(e:s:pb:n) %{?-p:0.}%{lua:
    release_number = 7;
    base_release_number = tonumber(rpm.expand("%{?-b*}%{!?-b:1}"));
    print(release_number + base_release_number - 1);
}%{?-e:.%{-e*}}%{?-s:.%{-s*}}%{!?-n:%{?dist}}
## END: Set by rpmautospec
"""


def files_with_pinned_component() -> dict[str, str]:
    """The sample repo plus `openssl`, pinned to a Fedora dist-git commit, released with %autorelease."""
    files = sample_repo.files()
    files["base/comps/components.toml"] = files["base/comps/components.toml"].replace(
        "[components.zlib]",
        '[components.zlib]\n\n[components.openssl]\nspec = { type = "upstream", upstream-commit = "abcdef1" }\n',
    )
    spec = sample_repo.spec("openssl", "3.5.1").replace("Release: 3%{?dist}", "Epoch: 1\nRelease: %autorelease")
    spec = spec.replace("License: MIT", "License: Apache-2.0 AND (MIT OR BSD-2-Clause)")
    files["specs/o/openssl/openssl.spec"] = AUTOSPEC_HEADER + spec
    files["specs/o/openssl/sources"] = "SHA512 (openssl-3.5.1.tar.gz) = " + "cd" * 64 + "\n"
    return files


# The expanded identities of the repository's specs, as the ingest's expander (audits.rpmspec) stores
# them: (epoch, version, release). Set on the rows here so that these tests do not depend on the
# expander; the expander's own tests check what it computes.
IDENTITIES = {
    "bash": ("", "5.3", "3.azl4"), "curl": ("", "8.15.0", "3.azl4"), "mypkg": ("", "1.0", "3.azl4"),
    "openssl": ("1", "3.5.1", "7.azl4"), "zlib": ("", "1.3", "3.azl4"),
}


def set_identities(release: Release, identities: dict[str, tuple[str, str, str]] = IDENTITIES) -> None:
    """Give the release's components their expanded identity, complete (what the ingest stores)."""
    for name, (epoch, version, release_) in identities.items():
        release.components.filter(name=name).update(
            epoch=epoch, version_expanded=version, release_expanded=release_, identity_complete=True,
            identity_unresolved=[])


@pytest.fixture
def release(tmp_path, allow_local_sources) -> Release:
    repo = tmp_path / "distro-config"
    init_repo(repo, files_with_pinned_component())
    ingested = ingest_release(str(repo), "main").release
    set_identities(ingested)
    return ingested


@pytest.fixture
def generated(release) -> dict:
    return generate_release_documents(release)


@pytest.fixture
def bom(generated, release) -> dict:
    document = SbomDocument.objects.get(release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON)
    return json.loads(bytes(document.content))


def component_of(bom: dict, name: str) -> dict:
    (found,) = [c for c in bom["components"] if c["name"] == name]
    return found


def properties_of(component: dict) -> list[tuple[str, str]]:
    return [(p["name"], p["value"]) for p in component.get("properties", [])]
