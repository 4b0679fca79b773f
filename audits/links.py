"""PURE PYTHON: links from the auditor pages to the evidence elsewhere, the distro repository at the ingested
commit and the Fedora dist-git of a component. Only https URLs without credentials become links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit


class _Commit(Protocol):
    sha: str


class IngestedRelease(Protocol):
    """What repo_link reads of a release (audits.models.Release)."""

    source_url: str
    commit: _Commit


class DistGitComponent(Protocol):
    """What upstream_links reads of a component (audits.models.Component)."""

    name: str
    spec_type: str
    dist_git_url: str
    dist_git_branch: str
    upstream_name: str
    upstream_commit: str


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def https_base(url: str) -> str:
    """`url` without a trailing ".git" when it is an https URL we may link to, else ""."""
    if not url.startswith("https://"):
        return ""
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password:
        return ""
    return url[:-4] if url.endswith(".git") else url.rstrip("/")


def repo_link(release: IngestedRelease, kind: str, value: str = "") -> str:
    """A link into the distro repository at the ingested commit: kind "tree", "blob" (value=path) or "commit" (value=sha)."""
    base = https_base(release.source_url)
    if not base:
        return ""
    sep = "/-/" if "gitlab" in (urlsplit(base).hostname or "") else "/"
    if kind == "commit":
        return f"{base}{sep}commit/{value}"
    if kind == "blob":
        return f"{base}{sep}blob/{release.commit.sha}/{value}"
    return f"{base}{sep}tree/{release.commit.sha}"


def upstream_links(component: DistGitComponent) -> list[Link]:
    """The component's Fedora dist-git: at the pinned commit, else its branch and the branch's history."""
    base = https_base(component.dist_git_url)
    if not base or component.spec_type == "local":
        return []
    spec = f"{component.upstream_name or component.name}.spec"
    if component.upstream_commit:
        commit = component.upstream_commit
        return [
            Link(f"Dist-git tree at the pinned commit {commit[:12]}", f"{base}/tree/{commit}"),
            Link(f"{spec} at the pinned commit", f"{base}/blob/{commit}/f/{spec}"),
        ]
    links = []
    if component.dist_git_branch:
        branch = component.dist_git_branch
        links.append(Link(f"Dist-git branch {branch}", f"{base}/tree/{branch}"))
        links.append(Link(f"History of branch {branch} (find the snapshot date)", f"{base}/commits/{branch}"))
    return links


def safe_url(url: str) -> str:
    """Only http(s) URLs become links; anything else is shown as text."""
    return url if url.startswith(("https://", "http://")) else ""
