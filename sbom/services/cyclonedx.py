"""PURE PYTHON: a CycloneDX 1.6 BOM of a release (or of one component) from `ReleaseFacts`.

This module builds the cyclonedx-python-lib model, as documented in docs/sbom.md; everything
here is a function of the facts and the options, so the same release always gives the same
bytes (the serial number is a uuid5, the timestamp is the release commit's date, bom-refs are
derived from package names, and the library sorts every collection). What identifies a
package in both SBOM formats is in identity.py, writing the model in cyclonedx_output.py and
schema validation in cyclonedx_validation.py; their entry points are imported here too, so a
caller needs this one module for a CycloneDX document.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
)
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle
from cyclonedx.model.tool import ToolRepository

from audits.licenses import analyse_license
from audits.requires import Requirement

from .. import __version__
from .cyclonedx_pedigree import declared_diff_note, pedigree_of
from .cyclonedx_values import properties, uri
from .cyclonedx_output import SPEC_VERSION, library_json, library_xml, to_json, to_xml
from .cyclonedx_validation import validate, validator_description
from .cyclonedx_vulnerabilities import vex_scope, vulnerabilities_of
from .evr import rpm_purl
from .facts import ComponentFacts, ImageFacts, ReleaseFacts, SourceFileFacts
from .gc_pause import without_cyclic_gc
from .model_comparisons import comparisons_made_once
from .cyclonedx_image import image_components, image_root
from .cyclonedx_graph import (
    RELEASE_REF,
    Composition,
    binary_ref,
    compositions,
    dependencies,
    requirements_of,
    source_ref,
)
from .identity import (
    LIBRARY_VERSION,
    BomOptions,
    binary_evr_of,
    distro_qualifier,
    evr_of,
    release_supplier,
    serial_uuid,
    source_purl,
    unresolved_text,
)

# What callers use: building (here), writing (cyclonedx_output), validating (cyclonedx_validation).
__all__ = [
    "SPEC_VERSION", "BomOptions", "build_bom", "compositions_of", "library_json", "library_xml", "to_json", "to_xml", "validate",
    "validator_description", "without_cyclic_gc",
]  # fmt: skip

HASH_ALGORITHMS = {
    "MD5": HashAlgorithm.MD5,
    "SHA1": HashAlgorithm.SHA_1,
    "SHA256": HashAlgorithm.SHA_256,
    "SHA384": HashAlgorithm.SHA_384,
    "SHA512": HashAlgorithm.SHA_512,
}  # SHA224 has no CycloneDX algorithm: such digests are named in a property instead
_FEDORA_DIST_GIT_RE = re.compile(r"^https://src\.fedoraproject\.org/rpms/([^/]+?)(?:\.git)?/?$")
_license_factory = LicenseFactory()


# ----------------------------------------------------------------------------- small helpers


def supplier_of(release: ReleaseFacts) -> OrganizationalEntity:
    name, url = release_supplier(release)
    return OrganizationalEntity(name=name, urls=[u for u in [uri(url)] if u])


@lru_cache(maxsize=8192)
def license_of(value: str):
    """The SPDX normal form (audits.licenses, as the ingest stores it) as an id or an expression when the value is
    valid; otherwise a named licence carrying the value as stated, never an `expression`."""
    facts = analyse_license(value)
    if facts.valid:
        return _license_factory.make_from_string(facts.normalized)
    return _license_factory.make_with_name(value)


def source_reference(component: ComponentFacts, source: SourceFileFacts) -> ExternalReference | None:
    """A `source-distribution` reference carrying the archive's digest (none when sanitise.py left it out)."""
    alg = HASH_ALGORITHMS.get(source.algorithm.upper().replace("-", ""))
    if alg is None and source.digest:
        return None
    url = uri(source.url)
    if url is None:
        fedora = _FEDORA_DIST_GIT_RE.match(component.dist_git_url)
        if fedora and source.origin == "sources-file" and source.digest:
            # Fedora's lookaside cache layout: /repo/pkgs/rpms/<pkg>/<file>/<alg>/<digest>/<file>
            url = uri(
                f"https://src.fedoraproject.org/repo/pkgs/rpms/{fedora.group(1)}/{_quote(source.filename)}/"
                f"{source.algorithm.lower()}/{source.digest}/{_quote(source.filename)}"
            )
    if url is None:
        url = uri(_quote(source.filename))  # a relative reference: the file name itself
    if url is None:
        return None
    return ExternalReference(
        type=ExternalReferenceType.SOURCE_DISTRIBUTION,
        url=url,
        comment=f"{source.filename} ({'sources file' if source.origin == 'sources-file' else 'source-files entry'})",
        hashes=[HashType(alg=alg, content=source.digest.lower())] if alg and source.digest else [],
    )


def _quote(value: str) -> str:
    return quote(value, safe="+~@:")


# ----------------------------------------------------------------------------- components


def source_component(release: ReleaseFacts, component: ComponentFacts, supplier: OrganizationalEntity,
                     requirements: dict[tuple[str, str], tuple[Requirement, ...]] | None = None) -> Component:
    evr = evr_of(component)
    purl = source_purl(release, component, evr)
    pairs: list[tuple[str, str]] = [
        ("classification", component.headline),
        ("spec-origin", component.spec_origin),
        ("check-skipped", "true" if component.check_skipped else "false"),
        ("check-skip-reason", component.check_skip_reason),
        ("defined-in", component.defined_in),
    ]
    pairs += [("reason", code) for code in component.reasons]
    if component.overlays and component.verification is not None:
        pairs.append(("declared-diff", declared_diff_note(component)))
    pairs += [("publication-problem", problem) for problem in component.problems]  # sanitise.py
    if evr is None:
        pairs.append(("unresolved", unresolved_text(component)))
    pairs += [("identity-note", note) for note in component.identity_notes]
    refs = []
    if release.source_url.startswith("https://") and uri(release.source_url):
        refs.append(ExternalReference(
            type=ExternalReferenceType.VCS,
            url=uri(release.source_url),
            comment=f"{release.distribution} configuration at commit {release.commit.sha}"
            + (f", {component.defined_in}" if component.defined_in else ""),
        ))
    if component.spec_type != "local" and uri(component.dist_git_url):
        refs.append(ExternalReference(
            type=ExternalReferenceType.VCS,
            url=uri(component.dist_git_url),
            comment=f"{component.upstream_distro or 'upstream'} dist-git"
            + (f", branch {component.dist_git_branch}" if component.dist_git_branch else ""),
        ))
    if uri(component.url):
        refs.append(ExternalReference(type=ExternalReferenceType.WEBSITE, url=uri(component.url)))
    for source in component.source_files:
        ref = source_reference(component, source)
        if ref is None:
            pairs.append(("source-digest-unsupported", f"{source.algorithm} {source.filename}"))
        else:
            refs.append(ref)
    binaries = [binary_component(release, component, b, supplier, (requirements or {}).get((component.name, b.name), ()))
                for b in component.binaries]
    return Component(
        type=ComponentType.LIBRARY,
        name=component.name,
        version=evr.evr if evr else None,
        bom_ref=source_ref(component.name),
        supplier=supplier,
        description=component.summary or None,
        licenses=[license_of(component.license)] if component.license.strip() else [],
        purl=purl,
        external_references=refs,
        properties=properties(pairs),
        pedigree=pedigree_of(release, component),
        components=binaries,
    )


def binary_component(release: ReleaseFacts, component: ComponentFacts, binary, supplier: OrganizationalEntity,
                     requirements: tuple[Requirement, ...] = ()) -> Component:
    """A binary package, nested in its source package (see docs/sbom.md for why nested), with its
    own identity where it has one and the runtime Requires that did not resolve (with why)."""
    qualifiers = {"distro": distro_qualifier(release)}
    source = evr_of(component)
    if source is not None:
        qualifiers["upstream"] = f"{component.name}-{source.vr}.src.rpm"
    evr = binary_evr_of(component, binary)
    licence = binary.license or component.license
    return Component(
        type=ComponentType.LIBRARY,
        name=binary.name,
        version=evr.evr if evr else None,
        bom_ref=binary_ref(component.name, binary.name),
        supplier=supplier,
        licenses=[license_of(licence)] if licence.strip() else [],
        purl=rpm_purl(release.distribution, binary.name, evr, qualifiers),
        properties=properties([
            ("channel", binary.channel), ("channel-source", binary.channel_source),
            ("arches", " ".join(binary.arches)),
            *(("requires-unresolved", f"{r.text}: {r.reason}") for r in requirements if r.target is None),
        ]),
    )


# ----------------------------------------------------------------------------- the BOM


def root_component(release: ReleaseFacts, supplier: OrganizationalEntity) -> Component:
    refs = []
    if release.source_url.startswith("https://") and uri(release.source_url):
        refs.append(ExternalReference(
            type=ExternalReferenceType.VCS,
            url=uri(release.source_url),
            comment=f"configuration repository, ref {release.ref}, commit {release.commit.sha}",
        ))
    return Component(
        type=ComponentType.OPERATING_SYSTEM,
        name=release.distribution,
        version=release.version,
        bom_ref=RELEASE_REF,
        supplier=supplier,
        description=release.distribution_description or None,
        external_references=refs,
        properties=properties([
            ("release-commit", release.commit.sha),
            ("release-ref", release.ref),
            ("release-ver", release.release_ver),
            ("upstream", f"{release.upstream_distro}-{release.upstream_version}" if release.upstream_distro else ""),
        ]),
    )


def _selected(release: ReleaseFacts, component: str | None, image: ImageFacts | None) -> list[ComponentFacts]:
    if image is not None:
        return image_components(release, image)
    return [c for c in release.components if component is None or c.name == component]


def compositions_of(release: ReleaseFacts, component: str | None = None, image: ImageFacts | None = None) -> list[Composition]:
    """The `compositions` of the BOM `build_bom` makes of the same arguments (cyclonedx_graph.py)."""
    return compositions(_selected(release, component, image), whole_release=component is None and image is None,
                        every_binary=image is None)


def build_bom(release: ReleaseFacts, *, component: str | None = None, image: ImageFacts | None = None,
              options: BomOptions = BomOptions(), vex: bool = False, shell: bool = False) -> Bom:
    """The release BOM; with `component` a BOM of that one source package; with `image` the image's BOM
    (cyclonedx_image.py); with `vex` the release's VEX document: its vulnerabilities and only the
    components they are about. With `shell`, everything but the components and the dependency graph,
    which cyclonedx_parts.py writes from per-component parts."""
    with without_cyclic_gc(), comparisons_made_once():
        return _build_bom(release, component, image, options, vex, shell)


def _build_bom(release: ReleaseFacts, component: str | None, image: ImageFacts | None, options: BomOptions,
               vex: bool, shell: bool = False) -> Bom:
    supplier = supplier_of(release)
    selected = _selected(release, component, image)
    if vex:
        about = {s.component for s in release.vulnerabilities}
        selected = [c for c in selected if c.name in about]
    if component is not None and not selected:
        raise KeyError(component)
    root = image_root(release, image, supplier, properties) if image else root_component(release, supplier)
    scope = "vex" if vex else f"image {image.name}" if image else f"component {component}" if component else "release"
    requirements = {} if shell else requirements_of(release, selected)
    sources = [] if shell else [source_component(release, c, supplier, requirements) for c in selected]
    pedigree_tool = Component(
        type=ComponentType.APPLICATION, name="Pedigree", version=__version__, bom_ref="tool/pedigree",
    )
    library_tool = Component(
        type=ComponentType.LIBRARY, group="CycloneDX", name="cyclonedx-python-lib", version=LIBRARY_VERSION,
        bom_ref="tool/cyclonedx-python-lib",
    )
    authors = []
    if options.author_name or options.author_email:
        authors.append(OrganizationalContact(name=options.author_name or None, email=options.author_email or None))
    bom = Bom(
        serial_number=serial_uuid(release, vex_scope(release) if vex else f"image {image.name}" if image
                                  else component or "release", options),
        metadata=BomMetaData(
            timestamp=release.commit.committed_at,
            tools=ToolRepository(components=[pedigree_tool, library_tool]),
            authors=authors,
            manufacturer=OrganizationalEntity(
                name=options.organization_name,
                contacts=[OrganizationalContact(email=options.organization_contact)]
                if "@" in options.organization_contact else [],
                urls=[u for u in [uri(options.organization_contact)] if u and "@" not in options.organization_contact],
            ) if options.organization_name else None,
            component=root,
            supplier=supplier,
            lifecycles=[PredefinedLifecycle(LifecyclePhase.PRE_BUILD)],
            properties=properties([("scope", scope),
                                    *(("publication-problem", problem) for problem in release.problems)]),
        ),
        components=sources,
        vulnerabilities=vulnerabilities_of(release, selected),
    )
    if not shell:
        refs = {c.bom_ref.value: c.bom_ref for c in [root, *sources, *(b for s in sources for b in s.components)]}
        bom.dependencies = dependencies(selected, requirements, refs)
    return bom
