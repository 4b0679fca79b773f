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

import base64
import re
from functools import lru_cache
from typing import Iterable
from urllib.parse import quote

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
from cyclonedx.model.issue import IssueClassification, IssueType
from cyclonedx.model.lifecycle import LifecyclePhase, PredefinedLifecycle
from cyclonedx.model.tool import ToolRepository

from .. import __version__
from .cyclonedx_output import SPEC_VERSION, library_json, library_xml, to_json, to_xml
from .cyclonedx_validation import validate, validator_description
from .cyclonedx_vulnerabilities import vex_scope, vulnerabilities_of
from .evr import rpm_purl
from .facts import (
    CommitFacts,
    ComponentFacts,
    OverlayFacts,
    ReleaseFacts,
    SourceFileFacts,
)
from .gc_pause import without_cyclic_gc
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
    upstream_purl,
    upstream_supplier,
    upstream_version_of,
)
from .requires import Requirement

# What callers use: building (here), writing (cyclonedx_output), validating (cyclonedx_validation).
__all__ = [
    "SPEC_VERSION", "BomOptions", "build_bom", "compositions_of", "library_json", "library_xml", "to_json", "to_xml", "validate",
    "validator_description", "without_cyclic_gc",
]  # fmt: skip

PROPERTY_PREFIX = "pedigree:"
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
    name, url = release_supplier(release)
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


def ancestor_of(release: ReleaseFacts, component: ComponentFacts) -> Component | None:
    """The upstream (Fedora) source package this component was taken from; none for local specs."""
    if component.spec_type == "local" or not component.upstream_distro:
        return None
    name = component.upstream_name or component.name
    version = upstream_version_of(component)
    purl = upstream_purl(component, name, version)
    sup_name, sup_url = upstream_supplier(component.upstream_distro)
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
        bom_ref=f"{source_ref(component.name)}/upstream",
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
        properties=_properties(pairs),
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
        properties=_properties([
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
        properties=_properties([
            ("release-commit", release.commit.sha),
            ("release-ref", release.ref),
            ("release-ver", release.release_ver),
            ("upstream", f"{release.upstream_distro}-{release.upstream_version}" if release.upstream_distro else ""),
        ]),
    )


def compositions_of(release: ReleaseFacts, component: str | None = None) -> list[Composition]:
    """The `compositions` of the BOM `build_bom` makes of the same arguments (cyclonedx_graph.py)."""
    return compositions([c for c in release.components if component is None or c.name == component],
                        whole_release=component is None)


def build_bom(release: ReleaseFacts, *, component: str | None = None, options: BomOptions = BomOptions(),
              vex: bool = False) -> Bom:
    """The release BOM, or with `component` a BOM of that one source package, or with `vex` the
    release's VEX document: its vulnerabilities and only the components they are about."""
    with without_cyclic_gc():
        return _build_bom(release, component, options, vex)


def _build_bom(release: ReleaseFacts, component: str | None, options: BomOptions, vex: bool = False) -> Bom:
    supplier = supplier_of(release)
    about = {s.component for s in release.vulnerabilities}
    selected = [c for c in release.components if (component is None or c.name == component) and (not vex or c.name in about)]
    if component is not None and not selected:
        raise KeyError(component)
    scope = "vex" if vex else f"component {component}" if component else "release"
    root = root_component(release, supplier)
    requirements = requirements_of(release, selected)
    sources = [source_component(release, c, supplier, requirements) for c in selected]
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
        serial_number=serial_uuid(release, vex_scope(release) if vex else component or "release", options),
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
            properties=_properties([("scope", scope),
                                    *(("publication-problem", problem) for problem in release.problems)]),
        ),
        components=sources,
        vulnerabilities=vulnerabilities_of(release, selected),
    )
    refs = {c.bom_ref.value: c.bom_ref for c in [root, *sources, *(b for s in sources for b in s.components)]}
    bom.dependencies = dependencies(selected, requirements, refs)
    return bom
