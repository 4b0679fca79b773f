"""PURE PYTHON: who and what a package is, the same in the CycloneDX and the SPDX document.
Both documents name the same packages, so the facts that identify one are worked out here
once: its supplier, its epoch-version-release (`evr.compute_evr` on the component's facts),
its package URL (`evr.rpm_purl`) with the distribution qualifier, and the document's serial
number. A change here changes both documents alike; what only one format needs (bom-refs,
SPDX ids) stays with that format's builder.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from importlib.metadata import version as dist_version

from packageurl import PackageURL

from .. import __version__
from .evr import Evr, compute_evr, dist_tag, rpm_purl
from .facts import ComponentFacts, ReleaseFacts

LIBRARY_VERSION = dist_version("cyclonedx-python-lib")
# uuid5 namespace of every Pedigree serial number and SPDX namespace (a fixed, random uuid4)
SERIAL_NAMESPACE = uuid.UUID("6f1d3f4e-8c1b-4d5e-9a57-2f0c1b7e9d42")

# Who supplies a distribution's packages, by azldev distro key; others fall back to the
# distribution's own description.
SUPPLIERS = {"azurelinux": ("Microsoft Corporation", "https://github.com/microsoft/azurelinux")}
UPSTREAM_SUPPLIERS = {"fedora": ("Fedora Project", "https://fedoraproject.org")}


@dataclass(frozen=True, slots=True)
class BomOptions:
    """What, besides the release, decides the bytes; part of the serial number."""

    author_name: str = ""  # person or team recorded as the BOM author (NTIA "author of SBOM data")
    author_email: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"author_name": self.author_name, "author_email": self.author_email}


def serial_uuid(release: ReleaseFacts, scope: str, options: BomOptions, kind: str = "cyclonedx") -> uuid.UUID:
    """uuid5 over the release commit, generator versions, scope and options: stable across re-runs."""
    key = json.dumps(
        {
            "commit": release.commit.sha,
            "distribution": release.distribution,
            "version": release.version,
            "generator": f"pedigree/{__version__}",
            "library": f"cyclonedx-python-lib/{LIBRARY_VERSION}" if kind == "cyclonedx" else kind,
            "scope": scope,
            "options": options.as_dict(),
        },
        sort_keys=True,
    )
    return uuid.uuid5(SERIAL_NAMESPACE, key)


def release_supplier(release: ReleaseFacts) -> tuple[str, str]:
    """(name, URL) of whoever supplies the release's packages; the URL may be empty."""
    return SUPPLIERS.get(release.distribution, (release.distribution_description or release.distribution, ""))


def upstream_supplier(distro: str) -> tuple[str, str]:
    """(name, URL) of an upstream distribution; the URL may be empty."""
    return UPSTREAM_SUPPLIERS.get(distro, (distro, ""))


def evr_of(release: ReleaseFacts, component: ComponentFacts) -> Evr | None:
    """The component's epoch-version-release as rendered for the release; None without a rendered spec
    and when it cannot be published (`component.unresolved`, see sanitise.py)."""
    if component.unresolved or not component.has_rendered_spec or not component.version:
        return None
    return compute_evr(
        epoch=component.epoch,
        version=component.version,
        release_tag=component.release_tag,
        autorelease_number=component.autorelease_number,
        dist=dist_tag(release.distribution, release.release_ver),
        spec_text=component.spec_text,
    )


def distro_qualifier(release: ReleaseFacts) -> str:
    """The purl ``distro`` qualifier of the release's packages, e.g. ``azurelinux-4.0``."""
    return f"{release.distribution}-{release.release_ver or release.version}"


def source_purl(release: ReleaseFacts, component: ComponentFacts, evr: Evr | None) -> PackageURL:
    """The source package's purl: ``pkg:rpm/<distribution>/<name>@<vr>?arch=src&distro=...``."""
    return rpm_purl(release.distribution, component.name, evr, {"arch": "src", "distro": distro_qualifier(release)})


def upstream_purl(component: ComponentFacts, name: str, version: str | None) -> PackageURL:
    """The purl of the upstream (Fedora) source package a component was taken from."""
    return rpm_purl(
        component.upstream_distro,
        name,
        Evr("", version, "", ()) if version else None,
        {"arch": "src", "distro": f"{component.upstream_distro}-{component.upstream_version}"},
    )
