"""PURE PYTHON: what an SBOM says about a release, as plain frozen data (no Django imports).

`generate.load_release_facts` fills these from the database and passes them through
`sanitise.sanitise_release`; the CycloneDX and SPDX builders and the benchmark read only these, so
they can be tested and measured without a database. The builders trust them: every value is one
the documents' schemas accept, and what could not be published is in `problems`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vex.cves import Statement


@dataclass(frozen=True, slots=True)
class CommitFacts:
    sha: str
    author_name: str = ""
    author_email: str = ""
    authored_at: dt.datetime | None = None
    committer_name: str = ""
    committer_email: str = ""
    committed_at: dt.datetime | None = None
    subject: str = ""


@dataclass(frozen=True, slots=True)
class OverlayFacts:
    position: int
    type: str
    description: str = ""
    tag: str = ""
    category: str = ""
    upstream_status: str = ""
    commits: tuple[str, ...] = ()  # upstream commit URLs from the overlay metadata
    bugs: tuple[str, ...] = ()  # bug URLs from the overlay metadata
    defined_in: str = ""


@dataclass(frozen=True, slots=True)
class SourceFileFacts:
    """A source archive with a digest: a line of the `sources` file or a `source-files` entry."""

    filename: str
    algorithm: str  # as written: SHA512, SHA256, MD5, ...
    digest: str
    url: str = ""  # where it is downloaded from, when the configuration says so
    origin: str = "sources-file"  # "sources-file" or "source-files"


@dataclass(frozen=True, slots=True)
class BinaryFacts:
    """A binary package the spec builds, with its own identity where the expander set one
    (blank epoch/version/release: the source package's identity applies)."""

    name: str
    channel: str = ""
    channel_source: str = ""
    epoch: str = ""
    version: str = ""
    release: str = ""
    license: str = ""  # the sub-package's License (blank: the spec's main License)
    arches: tuple[str, ...] = ()  # e.g. ("aarch64", "x86_64"); ("noarch",) for BuildArch: noarch
    requires: tuple[str, ...] = ()  # runtime Requires as expanded: "glibc >= 2.38", "(a or b)", "/usr/bin/sh"
    provides: tuple[str, ...] = ()  # explicit Provides as expanded


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A part of a package's identity that is not published, and why (one sentence)."""

    field: str  # "name", "epoch", "version", "release", "packages", "package:<name>", ...
    reason: str


@dataclass(frozen=True, slots=True)
class VerificationFacts:
    """The newest upstream verification of a component (audits.UpstreamVerification)."""

    verdict: str
    upstream_commit: str  # the dist-git commit compared
    verified_at: dt.datetime
    declared_diff: str  # unified, Fedora spec -> Fedora spec with every overlay and build option applied
    overlay_diffs: tuple[str, ...] | None = None  # the declared diff cut per overlay, when it can be (overlay_diffs.py)


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    name: str
    headline: str
    verdict: str
    spec_origin: str = ""
    spec_type: str = ""
    upstream_distro: str = ""
    upstream_version: str = ""
    upstream_snapshot: str = ""
    upstream_name: str = ""
    upstream_commit: str = ""
    dist_git_url: str = ""
    dist_git_branch: str = ""
    defined_in: str = ""
    has_rendered_spec: bool = False
    render_failed: bool = False
    epoch: str = ""
    version: str = ""  # fully expanded Version, as built
    release: str = ""  # fully expanded Release, as built (dist tag included, e.g. "5.azl4")
    # True: epoch, version and release are exactly what rpm would build (audits.rpmspec); False:
    # the identity is unresolved and is published without a version (`identity_unresolved` says why)
    identity_complete: bool = False
    identity_unresolved: tuple[Unresolved, ...] = ()
    identity_notes: tuple[str, ...] = ()  # how the identity was obtained beyond the repository (a model of missing macros)
    license: str = ""
    url: str = ""
    summary: str = ""
    check_skipped: bool = False
    check_skip_reason: str = ""
    reasons: tuple[str, ...] = ()  # reason codes
    overlays: tuple[OverlayFacts, ...] = ()
    source_files: tuple[SourceFileFacts, ...] = ()
    binaries: tuple[BinaryFacts, ...] = ()
    config_commit: CommitFacts | None = None
    rendered_commit: CommitFacts | None = None
    verification: VerificationFacts | None = None  # loaded only for components with overlays
    # what sanitise.py left out or changed, one sentence each
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    id: int
    distribution: str  # e.g. "azurelinux"
    distribution_description: str
    version: str  # distro version key, e.g. "4.0-stage2"
    release_ver: str  # e.g. "4.0"
    upstream_distro: str
    upstream_version: str
    source_url: str
    ref: str
    commit: CommitFacts
    components: tuple[ComponentFacts, ...] = field(default_factory=tuple)
    problems: tuple[str, ...] = ()  # the release's own values sanitise.py changed, one sentence each
    # the binary packages of the release's other components, (component, binary, explicit Provides):
    # a one-component document resolves its Requires against the whole release (requires.py)
    other_binaries: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # what the release says about CVEs in its components (vex.cves.statements of the stored VEX scan)
    vulnerabilities: tuple[Statement, ...] = ()

    @property
    def slug(self) -> str:
        """`azurelinux-4.0-<commit12>`: the stem of every file name of this release's documents."""
        return f"{self.distribution}-{self.version}-{self.commit.sha[:12]}"


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """One image of images.toml, for its own BOM: what it is and which binary packages it holds (audits.images)."""

    name: str
    description: str
    profile: str
    kiwi_path: str
    build_types: tuple[str, ...]
    packages: tuple[tuple[str, str], ...]  # (source component, binary package) in the image: listed and closure
    unresolved: tuple[str, ...] = ()  # "name: why" of each listed or required name that resolves to no package
