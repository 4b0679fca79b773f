"""PURE PYTHON: who and what a package is, the same in the CycloneDX and the SPDX document.
Both documents name the same packages, so the facts that identify one are worked out here
once: its supplier, its epoch-version-release (the expanded values stored by the ingest, or
none when the identity is unresolved), its package URL (`evr.rpm_purl`) with the distribution qualifier, and the document's serial
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
from .evr import Evr, rpm_purl
from .facts import BinaryFacts, ComponentFacts, ReleaseFacts

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
    # the organisation that runs Pedigree and so creates the documents, with a contact (BSI TR-03183-2
    # "creator of the SBOM": an e-mail address or URL)
    organization_name: str = ""
    organization_contact: str = ""  # an e-mail address or an https URL

    def as_dict(self) -> dict[str, str]:
        return {"author_name": self.author_name, "author_email": self.author_email,
                "organization_name": self.organization_name, "organization_contact": self.organization_contact}


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


def evr_of(component: ComponentFacts) -> Evr | None:
    """The source package's epoch-version-release exactly as built; None when the identity is
    unresolved (`identity_unresolved` says why): then no version is published at all."""
    if not component.identity_complete or not component.version:
        return None
    return Evr(component.epoch, component.version, component.release)


def binary_evr_of(component: ComponentFacts, binary: BinaryFacts) -> Evr | None:
    """A binary package's own epoch-version-release where the expander set one (the ingest leaves it
    blank when unresolved), else its source's."""
    if binary.version:
        return Evr(binary.epoch, binary.version, binary.release)
    return evr_of(component)


def upstream_version_of(component: ComponentFacts) -> str | None:
    """The version of the upstream (Fedora) package the component was taken from: its own expanded
    Version, unless that is unresolved or an overlay changed it."""
    if not component.identity_complete or not component.version:
        return None
    if any(o.tag.lower() == "version" for o in component.overlays):
        return None  # an overlay changed Version: the upstream version is not the rendered one
    return component.version


def unresolved_text(component: ComponentFacts) -> str:
    """What of the identity is unresolved and why, one `field: reason` each (the `pedigree:unresolved`
    property and the SPDX comment); a reason is always given, even when the ingest gave none."""
    if component.identity_unresolved:
        return "; ".join(u.reason if u.reason.startswith(f"{u.field}:") else f"{u.field}: {u.reason}"
                         for u in component.identity_unresolved)
    if not component.has_rendered_spec:
        return "version: " + ("the spec failed to render" if component.render_failed else "there is no rendered spec")
    if not component.identity_complete:
        return "version: the spec's identity has not been expanded (ingested before spec expansion)"
    return "version: the spec has no Version"


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
        Evr("", version, "") if version else None,
        {"arch": "src", "distro": f"{component.upstream_distro}-{component.upstream_version}"},
    )
