"""PURE PYTHON: an SPDX 2.3 JSON document of a release from `ReleaseFacts`, validated with spdx-tools.

The tree (docs/sbom.md, "SPDX 2.3"): the document DESCRIBES the release; the release CONTAINS every
source package and every binary package; a binary package is GENERATED_FROM its source package and
DEPENDS_ON the binary packages its runtime Requires resolve to (requires.py), plus DEPENDS_ON
NOASSERTION, because no dependency list known before the build is complete; a source package is a
DESCENDANT_OF its upstream (Fedora) package and HAS_PREREQUISITE it (it is made from it), which
also attaches the upstream package to the tree. Same determinism rules as the CycloneDX document.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Iterable

from spdx_tools.common.spdx_licensing import spdx_licensing
from spdx_tools.spdx.jsonschema.document_converter import DocumentConverter
from spdx_tools.spdx.model import (
    Actor,
    ActorType,
    CreationInfo,
    Document,
    ExternalPackageRef,
    ExtractedLicensingInfo,
    ExternalPackageRefCategory,
    Package,
    Relationship,
    RelationshipType,
    SpdxNoAssertion,
)
from spdx_tools.spdx.parser.json import json_parser
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
from spdx_tools.spdx.validation.uri_validators import (
    validate_download_location,
    validate_url,
)

from audits.licenses import analyse_license
from audits.requires import PackageKey

from .. import __version__

from .evr import rpm_purl
from .facts import ComponentFacts, ReleaseFacts
from .gc_pause import without_cyclic_gc
from .identity import (
    BomOptions,
    binary_evr_of,
    distro_qualifier,
    evr_of,
    release_supplier,
    serial_uuid,
    source_purl,
    unresolved_text,
    upstream_purl,
    upstream_supplier,
    upstream_version_of,
)
from .requires import release_index, unresolved_note

SPEC_VERSION = "SPDX-2.3"
NOASSERTION = "NOASSERTION"  # the version of a package whose identity is unresolved
# CISA "Types of Software Bill of Materials" (2023): made from the configuration and the rendered specs
SBOM_TYPE = "Source"
CREATOR_COMMENT = (f"SBOM type (CISA): {SBOM_TYPE}. Made by Pedigree from the distribution's configuration "
                   "repository and rendered spec files, before anything is built (CycloneDX lifecycle: pre-build).")
LICENSE_COMMENT = ("Declared and concluded from the spec's License tag, which is the distribution packagers' "
                   "statement of the licence of the built packages; Pedigree does not analyse the files.")
DEPENDENCY_COMMENT = ("Runtime dependencies from the spec's explicit Requires only; rpm adds automatic ones "
                      "(sonames, interpreters) at build time, so the list is not complete.")
NAMESPACE_BASE = "https://spdx.org/spdxdocs/pedigree"  # SPDX's suggested base for generated namespaces
VALIDATION_CHUNK = 100  # packages per validation part (see validate)
_ID_RE = re.compile(r"[^A-Za-z0-9.-]+")


def _spdx_id(prefix: str, name: str, taken: set[str]) -> str:
    base = f"SPDXRef-{prefix}-{_ID_RE.sub('-', name)}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


@lru_cache(maxsize=8192)
def _license(value: str):
    try:
        expression = spdx_licensing.parse(value, validate=True, strict=True)
    except Exception:
        return None
    return expression


class _Licences:
    """A spec License as an SPDX expression, or, when it is not one (`GPLv2+`), as a LicenseRef whose
    extracted text is the spec's value; NOASSERTION without a License."""

    def __init__(self) -> None:
        self.extracted: dict[str, ExtractedLicensingInfo] = {}

    def __call__(self, value: str):
        value = value.strip()
        if not value:
            return SpdxNoAssertion()
        facts = analyse_license(value)
        # The normal form of a valid value (audits.licenses); a key spdx-tools does not know (ScanCode's
        # LicenseRef-scancode-*) and an invalid value become a LicenseRef carrying the value as stated.
        expression = _license(facts.normalized) if facts.valid else None
        if expression is not None:
            return expression
        ref = "LicenseRef-spec-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
        if ref not in self.extracted:
            self.extracted[ref] = ExtractedLicensingInfo(
                license_id=ref, extracted_text=value, license_name=value[:200],
                comment="the spec's License tag, which is not an SPDX licence expression")
        return spdx_licensing.parse(ref)


def _supplier(release: ReleaseFacts) -> Actor:
    name, _ = release_supplier(release)
    return Actor(ActorType.ORGANIZATION, name)


@without_cyclic_gc()
def build_document(release: ReleaseFacts, *, component: str | None = None, options: BomOptions = BomOptions()) -> Document:
    supplier = _supplier(release)
    scope = component or "release"
    uid = serial_uuid(release, scope, options, kind="spdx")
    info = CreationInfo(
        spdx_version=SPEC_VERSION,
        spdx_id="SPDXRef-DOCUMENT",
        name=f"{release.slug}" + (f"-{component}" if component else ""),
        document_namespace=f"{NAMESPACE_BASE}/{release.slug}-{uid}",
        creators=_creators(options),
        created=release.commit.committed_at,
        creator_comment=CREATOR_COMMENT,
        document_comment=f"{release.distribution} {release.version} at commit {release.commit.sha}; "
        "generated by Pedigree from the distribution's configuration repository"
        + "".join(f"; publication problem: {problem}" for problem in release.problems),
    )
    selected = [c for c in release.components if component is None or c.name == component]
    if component is not None and not selected:
        raise KeyError(component)
    builder = _Builder(release, supplier)
    root_id = builder.id("Release", release.distribution)
    builder.packages.append(Package(
        spdx_id=root_id,
        name=release.distribution,
        version=release.version,
        supplier=supplier,
        download_location=release.source_url if release.source_url.startswith("https://")
        and not validate_download_location(release.source_url) else SpdxNoAssertion(),
        files_analyzed=False,
        license_concluded=SpdxNoAssertion(),
        copyright_text=SpdxNoAssertion(),
        comment=f"configuration repository commit {release.commit.sha}, ref {release.ref}; its packages are "
        "the source and binary packages it CONTAINS, each with its own licence",
    ))
    builder.relationships.append(Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, root_id))
    for facts in selected:
        builder.add_component(facts, root_id)
    builder.add_dependencies(selected)
    return Document(creation_info=info, packages=builder.packages, relationships=builder.relationships,
                    extracted_licensing_info=list(builder.licences.extracted.values()))


def _creators(options: BomOptions) -> list[Actor]:
    """The tool, and the organisation and person of the settings with their contacts."""
    creators = [Actor(ActorType.TOOL, f"Pedigree-{__version__}")]
    if options.organization_name:
        creators.append(Actor(ActorType.ORGANIZATION, options.organization_name,
                              options.organization_contact or None))
    if options.author_name:
        creators.append(Actor(ActorType.PERSON, options.author_name, options.author_email or None))
    return creators


class _Builder:
    """The packages and relationships of one document, with the SPDX id of each binary package."""

    def __init__(self, release: ReleaseFacts, supplier: Actor) -> None:
        self.release, self.supplier = release, supplier
        self.packages: list[Package] = []
        self.relationships: list[Relationship] = []
        self.taken: set[str] = set()
        self.binary_ids: dict[PackageKey, str] = {}
        self.licences = _Licences()

    def id(self, prefix: str, name: str) -> str:
        return _spdx_id(prefix, name, self.taken)

    def add_component(self, facts: ComponentFacts, root_id: str) -> None:
        release = self.release
        evr = evr_of(facts)
        distro = distro_qualifier(release)
        licence = self.licences(facts.license)
        source_id = self.id("Source", facts.name)
        comment = facts.verdict
        if evr is None:
            comment += f" (identity unresolved: {unresolved_text(facts)})"
        comment += "".join(f" {note}" for note in facts.identity_notes)
        homepage = facts.url if facts.url.startswith(("https://", "http://")) and " " not in facts.url else None
        if homepage and validate_url(homepage):  # SPDX's own URL pattern is narrower than a URI (punycode hosts)
            comment += f" (homepage {homepage} left out: SPDX's URL pattern does not accept it)"
            homepage = None
        comment += "".join(f" Publication problem: {problem}." for problem in facts.problems)
        source_info = "; ".join(f"{s.filename} {s.algorithm}:{s.digest}" if s.digest
                                else f"{s.filename} (digest left out)" for s in facts.source_files)
        self.packages.append(Package(
            spdx_id=source_id,
            name=facts.name,
            version=evr.evr if evr else NOASSERTION,
            file_name=f"{facts.name}-{evr.vr}.src.rpm" if evr else None,
            supplier=self.supplier,
            download_location=SpdxNoAssertion(),
            files_analyzed=False,
            homepage=homepage,
            source_info=f"upstream source archives: {source_info}" if source_info else None,
            license_declared=licence,
            license_concluded=licence,
            license_comment=LICENSE_COMMENT if facts.license.strip() else None,
            copyright_text=SpdxNoAssertion(),
            summary=facts.summary or None,
            comment=comment or None,
            external_references=[_purl_ref(source_purl(release, facts, evr))],
            attribution_texts=[],
        ))
        self.relationships.append(Relationship(root_id, RelationshipType.CONTAINS, source_id))
        for binary in facts.binaries:
            binary_id = self.id("Binary", f"{facts.name}-{binary.name}")
            self.binary_ids[(facts.name, binary.name)] = binary_id
            binary_evr = binary_evr_of(facts, binary)
            binary_licence = self.licences(binary.license or facts.license)
            self.packages.append(Package(
                spdx_id=binary_id,
                name=binary.name,
                version=binary_evr.evr if binary_evr else NOASSERTION,
                supplier=self.supplier,
                download_location=SpdxNoAssertion(),
                files_analyzed=False,
                license_declared=binary_licence,
                license_concluded=binary_licence,
                license_comment=LICENSE_COMMENT if (binary.license or facts.license).strip() else None,
                copyright_text=SpdxNoAssertion(),
                comment=f"publish channel {binary.channel}" if binary.channel else None,
                external_references=[_purl_ref(rpm_purl(release.distribution, binary.name, binary_evr,
                                                        {"distro": distro}))],
            ))
            self.relationships.append(Relationship(root_id, RelationshipType.CONTAINS, binary_id))
            self.relationships.append(Relationship(binary_id, RelationshipType.GENERATED_FROM, source_id))
        if facts.spec_type != "local" and facts.upstream_distro:
            self._add_upstream(facts, source_id)

    def _add_upstream(self, facts: ComponentFacts, source_id: str) -> None:
        name = facts.upstream_name or facts.name
        version = upstream_version_of(facts)
        # the rendered spec's License is upstream's unless an overlay changed it
        licence = SpdxNoAssertion() if any(o.tag.lower() == "license" for o in facts.overlays) \
            else self.licences(facts.license)
        upstream_id = self.id("Upstream", facts.name)
        self.packages.append(Package(
            spdx_id=upstream_id,
            name=name,
            version=version or NOASSERTION,
            supplier=Actor(ActorType.ORGANIZATION, upstream_supplier(facts.upstream_distro)[0]),
            download_location=facts.dist_git_url if facts.dist_git_url.startswith("https://")
            and not validate_download_location(facts.dist_git_url) else SpdxNoAssertion(),
            files_analyzed=False,
            license_declared=licence,
            license_concluded=licence,
            license_comment=LICENSE_COMMENT if not isinstance(licence, SpdxNoAssertion) else
            "an overlay changed the spec's License" if facts.license.strip() else None,
            copyright_text=SpdxNoAssertion(),
            comment="; ".join(x for x in [
                f"dist-git commit {facts.upstream_commit}" if facts.upstream_commit else "",
                f"snapshot {facts.upstream_snapshot}" if facts.upstream_snapshot else "",
            ] if x) or None,
            external_references=[_purl_ref(upstream_purl(facts, name, version))],
        ))
        self.relationships.append(Relationship(source_id, RelationshipType.DESCENDANT_OF, upstream_id))
        self.relationships.append(Relationship(
            source_id, RelationshipType.HAS_PREREQUISITE, upstream_id,
            comment="the source package is made from this upstream package with the overlays applied"))

    def add_dependencies(self, selected: list[ComponentFacts]) -> None:
        """DEPENDS_ON each binary package of this document a runtime Requires resolves to, and
        DEPENDS_ON NOASSERTION with what is not known (the automatic and the unresolved ones)."""
        index = release_index(self.release)
        for facts in selected:
            for binary in facts.binaries:
                key = (facts.name, binary.name)
                requirements = index.resolve_all(binary.requires)
                elsewhere = []
                for target in dict.fromkeys(r.target for r in requirements if r.target not in (None, key)):
                    if target in self.binary_ids:
                        self.relationships.append(Relationship(
                            self.binary_ids[key], RelationshipType.DEPENDS_ON, self.binary_ids[target]))
                    else:
                        elsewhere.append(f"{target[1]} (of {target[0]}, in the release document)")
                comment = DEPENDENCY_COMMENT
                if not facts.identity_complete:
                    comment += " The package's identity is unresolved, so its Requires may be missing."
                if unresolved := unresolved_note(requirements):
                    comment += f" Unresolved: {unresolved}."
                if elsewhere:
                    comment += f" Resolved outside this document: {', '.join(elsewhere)}."
                self.relationships.append(Relationship(
                    self.binary_ids[key], RelationshipType.DEPENDS_ON, SpdxNoAssertion(), comment=comment))


def _purl_ref(purl) -> ExternalPackageRef:
    return ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", purl.to_string())


@without_cyclic_gc()
def to_json(document: Document) -> bytes:
    return json.dumps(DocumentConverter().convert(document), ensure_ascii=False).encode("utf-8")


@without_cyclic_gc()
def validate(content: bytes) -> list[str]:
    """Parse the written JSON back with spdx-tools and validate it (errors; empty when valid).

    spdx-tools is quadratic: for each package it scans every relationship, and for each
    relationship end it builds the list of all SPDX ids; the full corpus would take hours.
    So the parsed document is validated in parts of VALIDATION_CHUNK packages. Each part has
    the described root packages and every relationship whose first end outside the roots is
    in it, with the package at its other end; so spdx-tools sees every relationship once,
    with both ends. The uniqueness of SPDX ids and the ends of every relationship are also
    checked here over the whole document. Smaller parts are faster (the cost of a part
    grows with its square); 100 packages took a third of the time 400 took.
    """
    import tempfile

    with tempfile.NamedTemporaryFile("wb", suffix=".spdx.json") as handle:
        handle.write(content)
        handle.flush()
        try:
            document = json_parser.parse_from_file(handle.name)
        except Exception as exc:  # SPDXParsingError carries its messages
            return [f"cannot parse: {getattr(exc, 'messages', exc)}"[:2000]]
    errors: list[str] = []
    ids = [p.spdx_id for p in document.packages]
    if len(ids) != len(set(ids)):
        errors.append("duplicate SPDX ids")
    known = set(ids) | {"SPDXRef-DOCUMENT"}
    for rel in document.relationships:
        for end in (rel.spdx_element_id, rel.related_spdx_element_id):
            if isinstance(end, str) and end not in known:
                errors.append(f"relationship to unknown element {end}")
    for part in _parts(document):
        for message in validate_full_spdx_document(part):
            errors.append(message.validation_message[:2000])
            if len(errors) >= 20:
                return errors
    return errors


def _parts(document: Document) -> Iterable[Document]:
    """The document cut into parts for `validate` (see there)."""
    describes = [r for r in document.relationships if r.relationship_type == RelationshipType.DESCRIBES]
    roots = {r.related_spdx_element_id for r in describes}
    by_id = {p.spdx_id: p for p in document.packages}
    chunks = list(_chunks([p for p in document.packages if p.spdx_id not in roots], VALIDATION_CHUNK)) or [[]]
    chunk_of = {p.spdx_id: i for i, chunk in enumerate(chunks) for p in chunk}
    relationships: list[list[Relationship]] = [[] for _ in chunks]
    extras: list[dict[str, Package]] = [{} for _ in chunks]
    for rel in document.relationships:
        if rel.relationship_type == RelationshipType.DESCRIBES:
            continue
        ends = [e for e in (rel.spdx_element_id, rel.related_spdx_element_id) if isinstance(e, str) and e in chunk_of]
        i = chunk_of[ends[0]] if ends else 0
        relationships[i].append(rel)
        for end in ends[1:]:
            if chunk_of[end] != i:
                extras[i][end] = by_id[end]
    root_packages = [by_id[r] for r in roots if isinstance(r, str) and r in by_id]
    for chunk, rels, extra in zip(chunks, relationships, extras):
        yield Document(
            creation_info=document.creation_info,
            packages=[*root_packages, *extra.values(), *chunk],
            relationships=[*describes, *rels],
            extracted_licensing_info=document.extracted_licensing_info,
        )


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
