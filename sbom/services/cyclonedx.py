"""PURE PYTHON: a CycloneDX 1.6 BOM of a release (or of one component) from `ReleaseFacts`.

The structure is documented in docs/sbom.md. Everything here is a function of the facts and
the options, so the same release always gives the same bytes: the serial number is a uuid5,
the timestamp is the release commit's date, bom-refs are derived from package names, and the
library sorts every collection.
"""

from __future__ import annotations

import base64
import gc
import json
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as dist_version
from itertools import islice
from typing import Iterable, Iterator
from urllib.parse import quote

import jsonschema_rs
from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import (
    AttachedText,
    Encoding,
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
    IdentifiableAction,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import (
    Commit,
    Component,
    ComponentType,
    Diff,
    Patch,
    PatchClassification,
    Pedigree,
)
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.issue import IssueClassification, IssueType
from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle
from cyclonedx.model.tool import ToolRepository
from cyclonedx.contrib.bom.utils import BomRefDiscriminator
from cyclonedx.output import json as library_json_output
from cyclonedx.output import xml as library_xml_output
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.output.xml import XmlV1Dot6
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.schema import _res as schema_files
from cyclonedx.validation import make_schemabased_validator

from .. import __version__
from . import cyclonedx_json
from .evr import Evr, compute_evr, dist_tag, rpm_purl
from .facts import CommitFacts, ComponentFacts, OverlayFacts, ReleaseFacts, SourceFileFacts

SPEC_VERSION = "1.6"
LIBRARY_VERSION = dist_version("cyclonedx-python-lib")
# uuid5 namespace of every Pedigree serial number and SPDX namespace (a fixed, random uuid4)
SERIAL_NAMESPACE = uuid.UUID("6f1d3f4e-8c1b-4d5e-9a57-2f0c1b7e9d42")
PROPERTY_PREFIX = "pedigree:"

# Who supplies a distribution's packages, by azldev distro key; others fall back to the
# distribution's own description.
SUPPLIERS = {"azurelinux": ("Microsoft Corporation", "https://github.com/microsoft/azurelinux")}
UPSTREAM_SUPPLIERS = {"fedora": ("Fedora Project", "https://fedoraproject.org")}
HASH_ALGORITHMS = {
    "MD5": HashAlgorithm.MD5,
    "SHA1": HashAlgorithm.SHA_1,
    "SHA256": HashAlgorithm.SHA_256,
    "SHA384": HashAlgorithm.SHA_384,
    "SHA512": HashAlgorithm.SHA_512,
}  # SHA224 has no CycloneDX algorithm: such digests are named in a property instead
BACKPORT_CATEGORIES = frozenset({"upstream-backport"})
_SPACE_RE = re.compile(r"\s")
DIFF_CONTENT_TYPE = "text/x-diff"
# characters XML 1.0 cannot hold, even escaped
_NOT_XML_CHAR_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CVE_RE = re.compile(r"CVE-\d{4}-\d{4,}", re.I)
_FEDORA_DIST_GIT_RE = re.compile(r"^https://src\.fedoraproject\.org/rpms/([^/]+?)(?:\.git)?/?$")
_license_factory = LicenseFactory()


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


# ----------------------------------------------------------------------------- small helpers


@lru_cache(maxsize=65536)
def uri(value: str) -> XsUri | None:
    """An XsUri, or None for values the schema would refuse (unexpanded macros, spaces).

    Cached: the same URLs (dist-git, the release repository) recur in every component, and
    the model only reads an XsUri, so components can share one."""
    value = (value or "").strip()
    if not value or _SPACE_RE.search(value):
        return None
    try:
        return XsUri(value)
    except Exception:  # InvalidUriException and friends: leave the reference out
        return None


def supplier_of(release: ReleaseFacts) -> OrganizationalEntity:
    name, url = SUPPLIERS.get(release.distribution, (release.distribution_description or release.distribution, ""))
    return OrganizationalEntity(name=name, urls=[u for u in [uri(url)] if u])


@lru_cache(maxsize=8192)
def license_of(value: str):
    """SPDX id or expression when valid (the library's factory validates), named licence otherwise."""
    return _license_factory.make_from_string(value)


def _action(name: str, email: str, at) -> IdentifiableAction:
    return IdentifiableAction(timestamp=at, name=name or None, email=email or None)


def _commit(facts: CommitFacts, url: str, note: str) -> Commit:
    return Commit(
        uid=facts.sha,
        url=uri(url),
        author=_action(facts.author_name, facts.author_email, facts.authored_at),
        committer=_action(facts.committer_name, facts.committer_email, facts.committed_at),
        message=f"{note}: {facts.subject}" if facts.subject else note,
    )


def _properties(pairs: Iterable[tuple[str, str]]) -> list[Property]:
    return [Property(name=PROPERTY_PREFIX + name, value=value) for name, value in pairs if value != ""]


def issues_of(overlay: OverlayFacts) -> list[IssueType]:
    """Bug URLs from the overlay metadata; a CVE id in a URL or the description is a security issue."""
    issues: list[IssueType] = []
    seen_cves: set[str] = set()
    for bug in overlay.bugs:
        cve = CVE_RE.search(bug)
        if cve:
            seen_cves.add(cve.group(0).upper())
        issues.append(
            IssueType(
                type=IssueClassification.SECURITY if cve else IssueClassification.DEFECT,
                id=cve.group(0).upper() if cve else None,
                references=[u for u in [uri(bug)] if u],
            )
        )
    for cve in sorted({m.upper() for m in CVE_RE.findall(overlay.description)} - seen_cves):
        issues.append(
            IssueType(
                type=IssueClassification.SECURITY,
                id=cve,
                references=[XsUri(f"https://www.cve.org/CVERecord?id={cve}")],
            )
        )
    return issues


def patch_of(overlay: OverlayFacts, diff: str = "") -> Patch:
    """One patch per overlay: its kind, what it resolves and, when known, its change."""
    kind = PatchClassification.BACKPORT if overlay.category in BACKPORT_CATEGORIES else PatchClassification.UNOFFICIAL
    return Patch(type=kind, diff=diff_of(diff) if diff else None, resolves=issues_of(overlay))


def patches_of(component: ComponentFacts) -> list[Patch]:
    """The overlays' patches, with the upstream verification's declared diff (docs/sbom.md).

    Cut per overlay where `overlay_diffs` could do it with certainty: each overlay's patch gets
    its own change. Otherwise the whole diff (Fedora -> Fedora with every overlay and build
    option) goes on a patch of its own, the only patch with a diff."""
    verification = component.verification
    split = verification.overlay_diffs if verification is not None else None
    patches = [patch_of(o, split[i] if split else "") for i, o in enumerate(component.overlays)]
    if component.overlays and verification is not None and split is None:
        patches.append(Patch(type=PatchClassification.UNOFFICIAL, diff=diff_of(verification.declared_diff)))
    return patches


def diff_of(text: str) -> Diff:
    """A unified diff as attached text; text XML 1.0 cannot carry (control characters in a
    spec) is base64-encoded."""
    if _NOT_XML_CHAR_RE.search(text):
        return Diff(text=AttachedText(content=base64.b64encode(text.encode("utf-8")).decode("ascii"),
                                      content_type=DIFF_CONTENT_TYPE, encoding=Encoding.BASE_64))
    return Diff(text=AttachedText(content=text, content_type=DIFF_CONTENT_TYPE))


def declared_diff_note(component: ComponentFacts) -> str:
    """Where the patches' diffs come from (a `pedigree:declared-diff` property)."""
    v = component.verification
    source = (f"upstream verification '{v.verdict}' of {v.verified_at.isoformat()} "
              f"against dist-git commit {v.upstream_commit or 'unknown'}")
    if v.overlay_diffs is not None:
        return (f"each overlay's patch has its own change, cut from the declared diff of {source}; "
                "an overlay that does not change the spec text has no diff")
    overlays = f"{len(component.overlays)} overlay{'s' if len(component.overlays) != 1 else ''}"
    return f"the patch with a diff is fedora -> expected spec with its {overlays} and the build options, from {source}"


def source_reference(component: ComponentFacts, source: SourceFileFacts) -> ExternalReference | None:
    """A `source-distribution` reference carrying the archive's digest."""
    alg = HASH_ALGORITHMS.get(source.algorithm.upper().replace("-", ""))
    if alg is None:
        return None
    url = uri(source.url)
    if url is None:
        fedora = _FEDORA_DIST_GIT_RE.match(component.dist_git_url)
        if fedora and source.origin == "sources-file":
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
        hashes=[HashType(alg=alg, content=source.digest.lower())],
    )


def _quote(value: str) -> str:
    return quote(value, safe="+~@:")


# ----------------------------------------------------------------------------- components


def evr_of(release: ReleaseFacts, component: ComponentFacts) -> Evr | None:
    if not component.has_rendered_spec or not component.version:
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
    return f"{release.distribution}-{release.release_ver or release.version}"


def source_bom_ref(name: str) -> str:
    return f"src/{name}"


def ancestor_of(release: ReleaseFacts, component: ComponentFacts) -> Component | None:
    """The upstream (Fedora) source package this component was taken from; none for local specs."""
    if component.spec_type == "local" or not component.upstream_distro:
        return None
    name = component.upstream_name or component.name
    version = component.version if component.version and "%" not in component.version else None
    if any(o.tag.lower() == "version" for o in component.overlays):
        version = None  # an overlay changed Version: the upstream version is not the rendered one
    purl = rpm_purl(
        component.upstream_distro,
        name,
        Evr("", version, "", ()) if version else None,
        {"arch": "src", "distro": f"{component.upstream_distro}-{component.upstream_version}"},
    )
    sup_name, sup_url = UPSTREAM_SUPPLIERS.get(component.upstream_distro, (component.upstream_distro, ""))
    refs = []
    if uri(component.dist_git_url):
        refs.append(ExternalReference(
            type=ExternalReferenceType.VCS,
            url=uri(component.dist_git_url),
            comment=f"{component.upstream_distro} dist-git"
            + (f", branch {component.dist_git_branch}" if component.dist_git_branch else "")
            + (f", commit {component.upstream_commit}" if component.upstream_commit else ""),
        ))
    return Component(
        type=ComponentType.LIBRARY,
        name=name,
        version=version,
        bom_ref=f"{source_bom_ref(component.name)}/upstream",
        supplier=OrganizationalEntity(name=sup_name, urls=[u for u in [uri(sup_url)] if u]),
        purl=purl,
        external_references=refs,
        properties=_properties([
            ("upstream-commit", component.upstream_commit),
            ("upstream-snapshot", component.upstream_snapshot),
        ]),
    )


def pedigree_of(release: ReleaseFacts, component: ComponentFacts) -> Pedigree:
    ancestor = ancestor_of(release, component)
    commits: list[Commit] = []
    if component.upstream_commit:
        commits.append(Commit(
            uid=component.upstream_commit,
            url=uri(component.dist_git_url),
            message=f"pinned {component.upstream_distro or 'upstream'} dist-git commit",
        ))
    seen = set()
    for facts, note in ((component.config_commit, "last change of the configuration"),
                        (component.rendered_commit, "last change of the rendered spec")):
        if facts is None:
            continue
        if facts.sha in seen:
            continue
        seen.add(facts.sha)
        both = component.config_commit and component.rendered_commit and \
            component.config_commit.sha == component.rendered_commit.sha
        commits.append(_commit(facts, release.source_url if release.source_url.startswith("https://") else "",
                               "last change of the configuration and the rendered spec" if both else note))
    for overlay in component.overlays:
        for url in overlay.commits:
            if uri(url):
                commits.append(Commit(url=uri(url), message=f"upstream commit backported by overlay {overlay.position}"))
    return Pedigree(
        ancestors=[ancestor] if ancestor else [],
        commits=commits,
        patches=patches_of(component),
        notes=component.verdict or None,
    )


def source_component(release: ReleaseFacts, component: ComponentFacts, supplier: OrganizationalEntity) -> Component:
    evr = evr_of(release, component)
    distro = distro_qualifier(release)
    purl = rpm_purl(release.distribution, component.name, evr, {"arch": "src", "distro": distro})
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
    if evr is None:
        pairs.append(("evr-unexpanded", "render failed: no rendered spec" if component.render_failed else "no rendered spec"))
    elif evr.unexpanded:
        pairs.append(("evr-unexpanded", " ".join(evr.unexpanded)))
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
    binaries = [binary_component(release, component, b, evr, supplier) for b in component.binaries]
    return Component(
        type=ComponentType.LIBRARY,
        name=component.name,
        version=evr.evr if evr else None,
        bom_ref=source_bom_ref(component.name),
        supplier=supplier,
        description=component.summary or None,
        licenses=[license_of(component.license)] if component.license.strip() else [],
        purl=purl,
        external_references=refs,
        properties=_properties(pairs),
        pedigree=pedigree_of(release, component),
        components=binaries,
    )


def binary_component(release: ReleaseFacts, component: ComponentFacts, binary, evr: Evr | None,
                     supplier: OrganizationalEntity) -> Component:
    """A binary package, nested in its source package (see docs/sbom.md for why nested)."""
    qualifiers = {"distro": distro_qualifier(release)}
    if evr is not None and evr.complete:
        qualifiers["upstream"] = f"{component.name}-{evr.vr}.src.rpm"
    return Component(
        type=ComponentType.LIBRARY,
        name=binary.name,
        version=evr.evr if evr else None,
        bom_ref=f"{source_bom_ref(component.name)}/bin/{binary.name}",
        supplier=supplier,
        # the spec's main License; sub-package License tags are not evaluated (docs/sbom.md)
        licenses=[license_of(component.license)] if component.license.strip() else [],
        purl=rpm_purl(release.distribution, binary.name, evr, qualifiers),
        properties=_properties([("channel", binary.channel), ("channel-source", binary.channel_source)]),
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
        bom_ref="release",
        supplier=supplier,
        description=release.distribution_description or None,
        external_references=refs,
        properties=_properties([
            ("release-commit", release.commit.sha),
            ("release-ref", release.ref),
            ("release-ver", release.release_ver),
            ("upstream", f"{release.upstream_distro}-{release.upstream_version}" if release.upstream_distro else ""),
        ]),
    )


def build_bom(release: ReleaseFacts, *, component: str | None = None, options: BomOptions = BomOptions()) -> Bom:
    """The release BOM, or with `component` a BOM of that one source package."""
    with without_cyclic_gc():
        return _build_bom(release, component, options)


def _build_bom(release: ReleaseFacts, component: str | None, options: BomOptions) -> Bom:
    supplier = supplier_of(release)
    selected = [c for c in release.components if component is None or c.name == component]
    if component is not None and not selected:
        raise KeyError(component)
    root = root_component(release, supplier)
    sources = [source_component(release, c, supplier) for c in selected]
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
        serial_number=serial_uuid(release, component or "release", options),
        metadata=BomMetaData(
            timestamp=release.commit.committed_at,
            tools=ToolRepository(components=[pedigree_tool, library_tool]),
            authors=authors,
            component=root,
            supplier=supplier,
            lifecycles=[PredefinedLifecycle(LifecyclePhase.PRE_BUILD)],
            properties=_properties([("scope", f"component {component}" if component else "release")]),
        ),
        components=sources,
    )
    bom.dependencies = [Dependency(ref=root.bom_ref, dependencies=[Dependency(ref=s.bom_ref) for s in sources])]
    return bom


# ----------------------------------------------------------------------------- output and validation


def to_json(bom: Bom) -> bytes:
    """The library's JSON bytes: `cyclonedx_json` writes them (about 5x faster), or, for a model
    it does not reproduce, the library's `JsonV1Dot6`."""
    with without_cyclic_gc():
        try:
            with _indexed_dependencies(bom):
                return cyclonedx_json.serialise(bom)
        except cyclonedx_json.Unsupported:
            with _faster_library_output(bom):
                return _library_json(bom)


def to_xml(bom: Bom) -> bytes:
    """The library's XML bytes (`XmlV1Dot6`), with its slowest steps done in linear time
    (`_faster_library_output`)."""
    _fix_identifiable_action_xml_order()
    with without_cyclic_gc(), _faster_library_output(bom):
        return _library_xml(bom)


def library_json(bom: Bom) -> bytes:
    """The library's own JSON output: the reference `to_json` is tested against byte for byte."""
    with without_cyclic_gc(), _indexed_dependencies(bom):
        return _library_json(bom)


def library_xml(bom: Bom) -> bytes:
    """The library's own XML output: the reference `to_xml` is tested against byte for byte."""
    _fix_identifiable_action_xml_order()
    with without_cyclic_gc(), _indexed_dependencies(bom):
        return _library_xml(bom)


def _library_json(bom: Bom) -> bytes:
    return JsonV1Dot6(bom).output_as_string(indent=None).encode("utf-8")


def _library_xml(bom: Bom) -> bytes:
    return XmlV1Dot6(bom).output_as_string().encode("utf-8")


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large model is built or written.

    Building the corpus model allocates millions of objects, none of them garbage, and the
    collector's repeated full passes over them took more than half of the model's CPU time
    (17.4 s of CPU with it, 8.0 s without). Reference counting still frees everything; cycles
    made meanwhile are collected once the collector runs again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _indexed_dependencies(bom: Bom) -> Iterator[None]:
    """The library's output calls `Bom.register_dependency` once per component, and each call
    scans every dependency entry (quadratic: minutes for the corpus). For the duration of the
    output, an instance attribute with a dict index does the same registration in O(1)."""
    index = {d.ref: d for d in bom.dependencies}

    def register(target, depends_on=None) -> None:
        entry = index.get(target.bom_ref)
        if entry is None:
            entry = Dependency(ref=target.bom_ref)
            bom.dependencies.add(entry)
            index[entry.ref] = entry
        if depends_on:
            entry.dependencies.update(Dependency(ref=d.bom_ref) for d in depends_on)

    bom.register_dependency = register  # type: ignore[method-assign]
    try:
        yield
    finally:
        del bom.register_dependency


class _SetDiscriminator(BomRefDiscriminator):
    """`BomRefDiscriminator.discriminate` with its seen values in a set instead of a list: the
    same renaming, in linear instead of quadratic time (11 s of CPU for the corpus's 44,000 refs)."""

    def discriminate(self) -> None:
        known: set[str] = set()
        for bomref, _ in self._bomrefs:
            value = bomref.value
            if value is None or value in known:
                value = self._make_unique()
                bomref.value = value
            known.add(value)


@contextmanager
def _faster_library_output(bom: Bom) -> Iterator[None]:
    """The library's serialisers with three steps replaced by equivalent linear-time ones: the
    dependency registration (`_indexed_dependencies`), `Bom.validate` (`cyclonedx_json.validate_model`,
    which does not hash every component) and the bom-ref discriminator (`_SetDiscriminator`).
    tests/sbom/test_cyclonedx_json.py compares the output with the library's own, byte for byte."""
    saved = {module: module.BomRefDiscriminator for module in (library_json_output, library_xml_output)}
    if cyclonedx_json.has_unique_refs(bom):  # what validate_model relies on
        bom.validate = lambda: cyclonedx_json.validate_model(bom)  # type: ignore[method-assign]
    try:
        for module in saved:
            module.BomRefDiscriminator = _SetDiscriminator
        with _indexed_dependencies(bom):
            yield
    finally:
        for module, original in saved.items():
            module.BomRefDiscriminator = original
        vars(bom).pop("validate", None)


def _fix_identifiable_action_xml_order() -> None:
    """cyclonedx-python-lib 11.12 declares no XML sequence for IdentifiableAction, so a commit's
    author/committer come out as email, name, timestamp, which the 1.6 XSD refuses (it wants
    timestamp, name, email). Set the order in py-serializable's registry; idempotent."""
    from py_serializable import ObjectMetadataLibrary

    klass = f"{IdentifiableAction.__module__}.{IdentifiableAction.__qualname__}"
    properties = ObjectMetadataLibrary.klass_property_mappings.get(klass, {})
    for position, name in enumerate(("timestamp", "name", "email"), start=1):
        if name in properties:
            properties[name]._xml_sequence = position


SCHEMA_BASE = "http://cyclonedx.org/schema/"  # where the 1.6 schema's $refs point (the library's registry)


@without_cyclic_gc()
def validate(content: bytes, fmt: OutputFormat) -> list[str]:
    """Schema validation against the library's CycloneDX 1.6 schemas; the error messages (empty when valid).

    XML: the library's validator (lxml/libxml2 and its bundled XSD), built once per process.
    JSON: the library's bundled JSON schema and the schemas it references, with the registry
    the library's `JsonValidator` uses, evaluated by jsonschema-rs (compiled) with format
    checks on. The library's own validator (Python jsonschema) needs about 16 s for the
    corpus BOM even in parts, jsonschema-rs 0.2 s for the whole document.
    tests/sbom/test_validation.py shows that both reject the same invalid documents;
    jsonschema-rs is stricter in one respect: it always checks the `date-time` and
    `iri-reference` formats, which Python jsonschema checks only when rfc3339-validator or
    rfc3987-syntax is installed (see docs/sbom.md).
    """
    if fmt == OutputFormat.JSON:
        try:
            document = json.loads(content)
        except ValueError as exc:
            return [f"not JSON: {exc}"]
        return _messages(_json_validator().iter_errors(document))
    return _messages(_xml_validator().validate_str(content.decode("utf-8"), all_errors=True))


def validator_description(fmt: OutputFormat) -> str:
    """What `validate` checks a document with, as recorded with the stored document."""
    if fmt == OutputFormat.JSON:
        return (f"jsonschema-rs {dist_version('jsonschema-rs')} with the CycloneDX {SPEC_VERSION} JSON schema "
                f"of cyclonedx-python-lib {LIBRARY_VERSION}")
    return f"cyclonedx-python-lib {LIBRARY_VERSION} schema validator (CycloneDX {SPEC_VERSION} XSD)"


@lru_cache(maxsize=1)
def _xml_validator():
    """Parsing the XSD takes about 0.3 s; the library's validator keeps the parsed schema."""
    return make_schemabased_validator(OutputFormat.XML, SchemaVersion.V1_6)


@lru_cache(maxsize=1)
def _json_validator():
    def refuse(uri: str):  # every schema the 1.6 schema refers to is in the registry: never fetch
        raise ValueError(f"schema {uri} is not bundled with cyclonedx-python-lib")

    def load(path: str):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    registry = jsonschema_rs.Registry([
        (f"{SCHEMA_BASE}spdx.SNAPSHOT.schema.json", load(schema_files.SPDX_JSON)),
        (f"{SCHEMA_BASE}cryptography-defs.SNAPSHOT.schema.json", load(schema_files.CRYPTOGRAPHY_DEFS)),
        (f"{SCHEMA_BASE}jsf-0.82.SNAPSHOT.schema.json", load(schema_files.JSF)),
    ])
    return jsonschema_rs.Draft7Validator(
        load(schema_files.BOM_JSON[SchemaVersion.V1_6]), validate_formats=True, registry=registry, retriever=refuse,
    )


def _messages(errors) -> list[str]:
    if not errors:
        return []
    return [str(getattr(e, "data", e))[:2000] for e in islice(errors, 20)]
