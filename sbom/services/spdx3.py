"""PURE PYTHON: an SPDX 3.0.1 JSON-LD document of a release from `ReleaseFacts`, checked with spdx-python-model.

The same release as the SPDX 2.3 document (spdx.py), in SPDX 3's own terms (docs/sbom.md, "SPDX 3.0"):
the SpdxDocument's root is a software_Sbom of type `source` whose root is the release package; the
release `contains` every source and binary package; a source package `generates` its binary packages,
`contains` its source archives (Files with the `sources` file's digests), has the file name rpm gives it
as `hasDistributionArtifact`, is `descendantOf` its Fedora ancestor and `hasPrerequisite` it (made from
it; this also attaches the ancestor to the tree); a binary package `dependsOn` (runtime) what its Requires
resolve to (none: no relationship, the package comment says why). Relationships that enumerate say how
complete they are. An unresolved identity has no version (SPDX 3 has no NOASSERTION string: an absent
property is "not asserted"), never macro text. Written as plain dicts (the release has about 260,000
elements); `validate` reads it back with spdx-python-model, the library ntia-conformance-checker parses
SPDX 3 with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from typing import Any

from audits.licenses import analyse_license

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
from .spdx import CREATOR_COMMENT, DEPENDENCY_COMMENT, LICENSE_COMMENT, NAMESPACE_BASE, _license

SPEC_VERSION = "3.0.1"
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
CREATION_INFO = "_:ci"
# the digests a `sources` file may carry, by SPDX 3 HashAlgorithm (sanitise.py left out malformed ones)
HASH_ALGORITHMS = {"SHA512": "sha512", "SHA384": "sha384", "SHA256": "sha256", "SHA224": "sha224",
                   "SHA1": "sha1", "MD5": "md5"}
FILES_COMMENT = ("Files named *.rpm are the file names rpm gives the packages (hasDistributionArtifact); nothing is "
                 "built when this document is made, so they have no digest.")
_ID_RE = re.compile(r"[^A-Za-z0-9.-]+")


def _utc(moment: dt.datetime | None) -> str:
    moment = (moment or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _contact(contact: str) -> list[dict[str, str]]:
    """An agent's contact as SPDX 3 external identifiers: an e-mail address or a URL."""
    if not contact:
        return []
    kind = "urlScheme" if contact.startswith(("https://", "http://")) else "email"
    return [{"type": "ExternalIdentifier", "externalIdentifierType": kind, "identifier": contact}]


class _Document:
    """The graph of one document: elements in a fixed order, ids unique within the document."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.graph: list[dict[str, Any]] = []
        self.taken: set[str] = set()
        self.relationships = 0
        self.licences: dict[str, str] = {}  # expression -> spdxId

    def id(self, prefix: str, name: str) -> str:
        local = f"{prefix}-{_ID_RE.sub('-', name)}"
        candidate, n = local, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{local}-{n}"
        self.taken.add(candidate)
        return self.base + candidate

    def add(self, kind: str, spdx_id: str, **properties: Any) -> str:
        element = {"type": kind, "spdxId": spdx_id, "creationInfo": CREATION_INFO}
        element.update({k: v for k, v in properties.items() if v not in (None, "", [])})
        self.graph.append(element)
        return spdx_id

    def relate(self, source: str, kind: str, targets: list[str], *, completeness: str = "",
               scope: str = "", comment: str = "") -> None:
        self.relationships += 1
        self.add("LifecycleScopedRelationship" if scope else "Relationship",
                 f"{self.base}R{self.relationships}", **{
                     "from": source, "relationshipType": kind, "to": targets, "completeness": completeness,
                     "scope": scope, "comment": comment})

    def licence(self, value: str) -> str | None:
        """The element of a spec License: its SPDX normal form, or, when it is not an SPDX expression
        (`GPLv2+`), a LicenseRef whose text is the value as stated; None without a License."""
        value = value.strip()
        if not value:
            return None
        facts = analyse_license(value)
        parsed = _license(facts.normalized) if facts.valid else None
        expression = str(parsed) if parsed is not None else None
        key = expression or f"\0{value}"
        if key in self.licences:
            return self.licences[key]
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        spdx_id = f"{self.base}License-{digest}"
        if expression is not None:
            self.add("simplelicensing_LicenseExpression", spdx_id, simplelicensing_licenseExpression=expression,
                     comment=LICENSE_COMMENT)
        else:
            ref = f"LicenseRef-spec-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:16]}"
            text_id = self.add("simplelicensing_SimpleLicensingText", f"{self.base}LicenseText-{digest}",
                               name=value[:200], simplelicensing_licenseText=value,
                               comment="the spec's License tag, which is not an SPDX licence expression")
            self.add("simplelicensing_LicenseExpression", spdx_id, simplelicensing_licenseExpression=ref,
                     comment=LICENSE_COMMENT,
                     simplelicensing_customIdToUri=[{"type": "DictionaryEntry", "key": ref, "value": text_id}])
        self.licences[key] = spdx_id
        return spdx_id

    def licensed(self, package: str, value: str) -> None:
        """The package's declared and concluded licence: both the spec's License (docs/sbom.md), and the
        licence element's comment says so (once, not on 80,000 relationships)."""
        licence = self.licence(value)
        if licence:
            self.relate(package, "hasDeclaredLicense", [licence])
            self.relate(package, "hasConcludedLicense", [licence])


def _purl(purl) -> dict[str, Any]:
    return {"software_packageUrl": purl.to_string()}


@without_cyclic_gc()
def build_document(release: ReleaseFacts, *, component: str | None = None,
                   options: BomOptions = BomOptions()) -> dict[str, Any]:
    """The JSON-LD document of the release, or of one component (KeyError when it has none of that name)."""
    selected = [c for c in release.components if component is None or c.name == component]
    if component is not None and not selected:
        raise KeyError(component)
    uid = serial_uuid(release, component or "release", options, kind="spdx3")
    doc = _Document(f"{NAMESPACE_BASE}/{uid}#")  # short: every reference repeats it
    creators = [doc.add("SoftwareAgent", doc.id("Agent", "Pedigree"), name=f"Pedigree {__version__}",
                        comment="the software that made this document")]
    if options.organization_name:
        creators.append(doc.add("Organization", doc.id("Creator", options.organization_name),
                                name=options.organization_name,
                                externalIdentifier=_contact(options.organization_contact)))
    if options.author_name:
        creators.append(doc.add("Person", doc.id("Author", options.author_name), name=options.author_name,
                                externalIdentifier=_contact(options.author_email)))
    tool = doc.add("Tool", doc.id("Tool", "Pedigree"), name=f"Pedigree-{__version__}")
    supplier_name, supplier_url = release_supplier(release)
    supplier = doc.add("Organization", doc.id("Supplier", supplier_name), name=supplier_name,
                       externalIdentifier=_contact(supplier_url))
    root = doc.add("software_Package", doc.id("Release", release.distribution), name=release.distribution,
                   software_packageVersion=release.version, suppliedBy=supplier, originatedBy=[supplier],
                   software_primaryPurpose="operatingSystem",
                   software_downloadLocation=release.source_url if release.source_url.startswith("https://") else None,
                   comment=f"configuration repository commit {release.commit.sha}, ref {release.ref}; its packages "
                   "are the source and binary packages it contains, each with its own licence")
    writer = _Writer(release, doc, supplier)
    for facts in selected:
        writer.add_component(facts)
    doc.relate(root, "contains", writer.sources + writer.binaries,
               completeness="complete" if component is None else "incomplete",
               comment="every component of the configuration and the binary packages its spec builds"
               if component is None else "one component of the release; the release document has them all")
    writer.add_dependencies(selected)
    sbom_id = f"{doc.base}Sbom"
    document_id = f"{doc.base}Document"
    elements = [e["spdxId"] for e in doc.graph]
    graph = [
        {"type": "CreationInfo", "@id": CREATION_INFO, "specVersion": SPEC_VERSION,
         "created": _utc(release.commit.committed_at), "createdBy": creators, "createdUsing": [tool],
         "comment": CREATOR_COMMENT},
        {"type": "SpdxDocument", "spdxId": document_id, "creationInfo": CREATION_INFO,
         "name": release.slug + (f"-{component}" if component else ""),
         "comment": f"{release.distribution} {release.version} at commit {release.commit.sha}; generated by "
         "Pedigree from the distribution's configuration repository"
         + "".join(f"; publication problem: {problem}" for problem in release.problems) + ". " + FILES_COMMENT,
         "profileConformance": ["core", "software", "simpleLicensing"],
         "rootElement": [sbom_id], "element": [sbom_id]},  # the Sbom lists every other element
        {"type": "software_Sbom", "spdxId": sbom_id, "creationInfo": CREATION_INFO,
         "software_sbomType": ["source"], "rootElement": [root], "element": elements},
        *doc.graph,
    ]
    return {"@context": CONTEXT, "@graph": graph}


class _Writer:
    """The packages, files and relationships of the components of one document."""

    def __init__(self, release: ReleaseFacts, doc: _Document, supplier: str) -> None:
        self.release, self.doc, self.supplier = release, doc, supplier
        self.sources: list[str] = []
        self.binaries: list[str] = []
        self.binary_ids: dict[tuple[str, str], str] = {}
        self.upstream_suppliers: dict[str, str] = {}
        self.package_index: dict[str, int] = {}  # binary package spdxId -> its place in the graph

    def add_component(self, facts: ComponentFacts) -> None:
        doc, release = self.doc, self.release
        evr = evr_of(facts)
        comment = facts.verdict
        if evr is None:
            comment += f" (identity unresolved: {unresolved_text(facts)})"
        comment += "".join(f" Publication problem: {problem}." for problem in facts.problems)
        homepage = facts.url if facts.url.startswith(("https://", "http://")) and " " not in facts.url else None
        source = doc.add(
            "software_Package", doc.id("Source", facts.name), name=facts.name,
            software_packageVersion=evr.evr if evr else None, suppliedBy=self.supplier, originatedBy=[self.supplier],
            software_primaryPurpose="source", software_homePage=homepage, summary=facts.summary or None,
            comment=comment or None, **_purl(source_purl(release, facts, evr)))
        self.sources.append(source)
        doc.licensed(source, facts.license)
        if evr is not None:
            rpm = doc.add("software_File", doc.id("SourceRpm", facts.name), name=f"{facts.name}-{evr.vr}.src.rpm",
                          software_primaryPurpose="source", software_additionalPurpose=["archive"])
            doc.relate(source, "hasDistributionArtifact", [rpm])
        archives = [self._archive(facts, s) for s in facts.source_files]
        if archives:
            doc.relate(source, "contains", archives, completeness="incomplete",
                       comment="the source archives of the sources file and source-files entries; the patches and "
                       "other files kept with the spec are not listed")
        binaries = [self._binary(facts, b) for b in facts.binaries]
        if binaries:
            doc.relate(source, "generates", binaries, completeness="complete" if facts.identity_complete
                       else "noAssertion", comment="the binary packages rpm builds from this source package")
        if facts.spec_type != "local" and facts.upstream_distro:
            self._add_upstream(facts, source)

    def _archive(self, facts: ComponentFacts, source) -> str:
        algorithm = HASH_ALGORITHMS.get(source.algorithm.upper().replace("-", ""))
        origin = "sources file" if source.origin == "sources-file" else "source-files entry"
        return self.doc.add(
            "software_File", self.doc.id("Archive", f"{facts.name}-{source.filename}"), name=source.filename,
            software_primaryPurpose="source", software_additionalPurpose=["archive"],
            externalRef=[{"type": "ExternalRef", "externalRefType": "altDownloadLocation", "locator": [source.url]}]
            if source.url else None, comment=f"upstream source archive ({origin})",
            verifiedUsing=[{"type": "Hash", "algorithm": algorithm, "hashValue": source.digest.lower()}]
            if algorithm and source.digest else None)

    def _binary(self, facts: ComponentFacts, binary) -> str:
        doc = self.doc
        evr = binary_evr_of(facts, binary)
        binary_id = doc.add(
            "software_Package", doc.id("Binary", f"{facts.name}-{binary.name}"), name=binary.name,
            software_packageVersion=evr.evr if evr else None, suppliedBy=self.supplier, originatedBy=[self.supplier],
            software_primaryPurpose="install",
            comment=f"publish channel {binary.channel}" if binary.channel else None,
            **_purl(rpm_purl(self.release.distribution, binary.name, evr, {"distro": distro_qualifier(self.release)})))
        self.binaries.append(binary_id)
        self.package_index[binary_id] = len(doc.graph) - 1
        self.binary_ids[(facts.name, binary.name)] = binary_id
        doc.licensed(binary_id, binary.license or facts.license)
        if evr is not None and binary.arches:
            files = [doc.add("software_File", doc.id("Rpm", f"{binary.name}-{evr.vr}.{arch}"),
                             name=f"{binary.name}-{evr.vr}.{arch}.rpm", software_primaryPurpose="install",
                             software_additionalPurpose=["archive"])
                     for arch in binary.arches]
            doc.relate(binary_id, "hasDistributionArtifact", files)
        return binary_id

    def _add_upstream(self, facts: ComponentFacts, source: str) -> None:
        doc = self.doc
        name = facts.upstream_name or facts.name
        version = upstream_version_of(facts)
        supplier_name, supplier_url = upstream_supplier(facts.upstream_distro)
        if supplier_name not in self.upstream_suppliers:
            self.upstream_suppliers[supplier_name] = doc.add(
                "Organization", doc.id("Upstream-Supplier", supplier_name), name=supplier_name,
                externalIdentifier=_contact(supplier_url))
        supplier = self.upstream_suppliers[supplier_name]
        upstream = doc.add(
            "software_Package", doc.id("Upstream", facts.name), name=name, software_packageVersion=version,
            suppliedBy=supplier, originatedBy=[supplier], software_primaryPurpose="source",
            software_downloadLocation=facts.dist_git_url if facts.dist_git_url.startswith("https://") else None,
            comment="; ".join(x for x in [
                f"dist-git commit {facts.upstream_commit}" if facts.upstream_commit else "",
                f"snapshot {facts.upstream_snapshot}" if facts.upstream_snapshot else "",
            ] if x) or None, **_purl(upstream_purl(facts, name, version)))
        # the rendered spec's License is upstream's unless an overlay changed it (then none is asserted)
        if not any(o.tag.lower() == "license" for o in facts.overlays):
            doc.licensed(upstream, facts.license)
        doc.relate(source, "descendantOf", [upstream])
        doc.relate(source, "hasPrerequisite", [upstream],
                   comment="the source package is made from this upstream package with the overlays applied")

    def add_dependencies(self, selected: list[ComponentFacts]) -> None:
        """Each binary package `dependsOn` (runtime) the binary packages of this document its Requires
        resolve to, `incomplete` (rpm adds automatic ones at build time). Without any, there is no relationship
        rather than one to NoAssertionElement, which ntia-conformance-checker 6.0.0 reports as a missing
        element (it knows no SPDX individuals); the package's comment says what is known."""
        index = release_index(self.release)
        for facts in selected:
            for binary in facts.binaries:
                key = (facts.name, binary.name)
                requirements = index.resolve_all(binary.requires)
                targets, elsewhere = [], []
                for target in dict.fromkeys(r.target for r in requirements if r.target not in (None, key)):
                    if target in self.binary_ids:
                        targets.append(self.binary_ids[target])
                    else:
                        elsewhere.append(f"{target[1]} (of {target[0]}, in the release document)")
                comment = DEPENDENCY_COMMENT
                if not facts.identity_complete:
                    comment += " The package's identity is unresolved, so its Requires may be missing."
                if unresolved := unresolved_note(requirements):
                    comment += f" Unresolved: {unresolved}."
                if elsewhere:
                    comment += f" Resolved outside this document: {', '.join(elsewhere)}."
                if targets:
                    self.doc.relate(self.binary_ids[key], "dependsOn", targets,
                                    completeness="incomplete" if facts.identity_complete else "noAssertion",
                                    scope="runtime", comment=comment)
                else:  # no relationship: SPDX 3 reads its absence as "not asserted"; the note goes on the package
                    package = self.doc.graph[self.package_index[self.binary_ids[key]]]
                    package["comment"] = f"{package['comment']}. {comment}" if "comment" in package else comment


@without_cyclic_gc()
def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def validator_description() -> str:
    from importlib.metadata import version

    return (f"spdx-python-model {version('spdx-python-model')} (JSON-LD deserialiser, references linked, "
            "serialised again for the required properties) and the SpdxDocument rules")


@without_cyclic_gc()
def validate(content: bytes) -> list[str]:
    """Errors of the document (empty when valid): see `read`."""
    return read(content)[1]


@without_cyclic_gc()
def read(content: bytes):
    """Read the document back with spdx-python-model (every value's type and pattern), link it (every
    reference names an element of the document or an SPDX individual), write it again (every required
    property and cardinality) and check the document rules ntia-conformance-checker applies: one
    SpdxDocument, with root elements, none of them a document. Returns the linked object set (None when
    it cannot be read) and the errors."""
    from spdx_python_model.bindings import v3_0_1 as model

    objects = model.SHACLObjectSet()
    try:
        model.JSONLDDeserializer().read(io.BytesIO(content), objects)
    except Exception as exc:  # the deserialiser raises TypeError/ValueError/KeyError naming the value
        return None, [f"cannot read: {type(exc).__name__}: {exc}"[:2000]]
    errors = [f"reference to an unknown element {missing}" for missing in sorted(objects.link())][:20]
    documents = list(objects.foreach_type(model.SpdxDocument))
    if len(documents) != 1:
        errors.append(f"{len(documents)} SpdxDocument elements, expected one")
    elif not documents[0].rootElement or any(isinstance(r, model.SpdxDocument) for r in documents[0].rootElement):
        errors.append("the SpdxDocument has no root element, or a document as one")
    try:
        model.JSONLDSerializer().write(objects, io.BytesIO())
    except Exception as exc:
        errors.append(f"cannot write: {type(exc).__name__}: {exc}"[:2000])
    return objects, errors
