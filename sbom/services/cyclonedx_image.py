"""PURE PYTHON: what an image's CycloneDX BOM changes from a release BOM (cyclonedx.build_bom with `image`).

The metadata component is the image (a container for OCI/Docker builds, else an operating system) at the
release's version; the components are the source packages the image's binary packages come from, with their
pedigree as in every other BOM, each holding only the binary packages that are in the image. The image's
assembly is `incomplete`: its closure comes from spec metadata, not from a dependency solver (docs/images.md),
and the names that resolve to nothing are listed as properties.
"""

from __future__ import annotations

from dataclasses import replace

from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity

from .cyclonedx_graph import RELEASE_REF
from .facts import ComponentFacts, ImageFacts, ReleaseFacts

CONTAINER_TYPES = ("oci", "docker", "appx", "wsl")
CLOSURE_NOTE = ("packages listed by the KIWI description plus the closure of their runtime Requires, resolved through "
                "the release's own binary packages and explicit Provides: from spec metadata, not from a dependency solver")


def image_components(release: ReleaseFacts, image: ImageFacts) -> list[ComponentFacts]:
    """The release's source packages that have a binary package in the image, holding only those."""
    held = set(image.packages)
    selected = []
    for component in release.components:
        binaries = tuple(b for b in component.binaries if (component.name, b.name) in held)
        if binaries:
            selected.append(replace(component, binaries=binaries))
    return selected


def image_root(release: ReleaseFacts, image: ImageFacts, supplier: OrganizationalEntity, properties) -> Component:
    """The metadata component: the image itself; `properties` is cyclonedx._properties."""
    container = any(t in CONTAINER_TYPES for t in image.build_types)
    return Component(
        type=ComponentType.CONTAINER if container else ComponentType.OPERATING_SYSTEM,
        name=image.name,
        version=release.version,
        bom_ref=RELEASE_REF,
        supplier=supplier,
        description=image.description or None,
        properties=properties([
            ("image-profile", image.profile),
            ("image-description-file", image.kiwi_path),
            ("image-build-type", ",".join(image.build_types)),
            ("image-contents", CLOSURE_NOTE),
            ("release-commit", release.commit.sha),
            ("release-ref", release.ref),
            *(("image-unresolved", text) for text in image.unresolved),
        ]),
    )
