"""PURE PYTHON: the `pedigree` of a component in a CycloneDX BOM: its Fedora ancestor, the commits that
shaped it, and one patch per overlay with the issues it resolves and, when known, its diff (docs/sbom.md)."""

from __future__ import annotations

import base64
import re

from cyclonedx.model import (
    AttachedText,
    Encoding,
    ExternalReference,
    ExternalReferenceType,
    IdentifiableAction,
    XsUri,
)
from cyclonedx.model.component import (
    Commit,
    Component,
    ComponentType,
    Diff,
    Patch,
    PatchClassification,
    Pedigree,
)
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.issue import IssueClassification, IssueType

from .cyclonedx_values import properties, uri
from .facts import CommitFacts, ComponentFacts, OverlayFacts, ReleaseFacts
from .cyclonedx_graph import source_ref
from .identity import upstream_purl, upstream_supplier, upstream_version_of

BACKPORT_CATEGORIES = frozenset({"upstream-backport"})
DIFF_CONTENT_TYPE = "text/x-diff"
# characters XML 1.0 cannot hold, even escaped
_NOT_XML_CHAR_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CVE_RE = re.compile(r"CVE-\d{4}-\d{4,}", re.I)


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
        properties=properties([
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
