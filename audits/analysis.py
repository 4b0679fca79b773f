"""Everything Pedigree records about one commit of an azldev repository, computed in memory.

Plain Python (no Django): the ingest service fetches the repository, calls
`analyse_release`, and writes the result in one transaction. Keeping the
analysis pure lets tests and benchmarks run it without a database.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Collection, Iterable, Iterator

from .attribution import Blame, ConfigAttribution, History
from .azldev import classify as classify_mod
from .azldev.classify import Classification, classify, default_config
from .azldev.loader import Project, load_project
from .azldev.presence import PresenceVerdict, check_presence
from .azldev.resolve import ResolvedComponent, resolve_components
from .azldev.specfile import (
    ParsedSpec,
    SourcesEntry,
    SourcesFileError,
    parse_sources_file,
    parse_spec,
)
from .azldev.tree import RepoTree, TreeError, read_readable, stream_readable
from .gitsource import CommitInfo
from .identities import NO_RENDERED_SPEC, ComponentIdentity, IdentityCache, IdentityResolver
from .images import ImageRecord, ReleaseBinary, fill_images, image_selections
from .names import check_component_names, check_release_keys

RENDER_FAILED_MARKER = "RENDER_FAILED"


@dataclass
class Finding:
    kind: str
    path: str
    detail: str
    component: str | None = None


@dataclass
class RenderedSpecRecord:
    path: str
    text: str
    sha256: str
    size: int
    parsed: ParsedSpec


@dataclass
class ComponentRecord:
    resolved: ResolvedComponent
    classification: Classification
    verdict: str
    spec_origin: str
    upstream_name: str
    dist_git_branch: str
    dist_git_url: str
    rendered: RenderedSpecRecord | None
    render_failed: bool
    sources_entries: list[SourcesEntry]
    # the identity and the binary packages' channels, computed (or taken from a helper) when first wanted
    identity_source: Callable[[], tuple[ComponentIdentity, list[tuple[str, str, str]]]] = field(repr=False, compare=False)
    overlay_source_sha256: dict[str, str]
    presence: list[PresenceVerdict]  # one per overlay; empty without a rendered spec
    history: list[tuple[CommitInfo, str]]  # newest first: (commit, "config" | "rendered" | "config+rendered")
    config_commit: CommitInfo | None
    rendered_commit: CommitInfo | None

    @cached_property
    def _identity_and_channels(self) -> tuple[ComponentIdentity, list[tuple[str, str, str]]]:
        return self.identity_source()

    @property
    def identity(self) -> ComponentIdentity:
        """The expanded epoch-version-release and binary packages, or why not."""
        return self._identity_and_channels[0]

    @property
    def binary_packages(self) -> list[tuple[str, str, str]]:
        """(name, channel, where the channel came from) of each binary package of the identity."""
        return self._identity_and_channels[1]

    @property
    def license_text(self) -> str:
        """The main License as rpm expands it (audits.rpmspec: %dnl lines dropped, the distribution's macros
        known), else, when that expansion left it unexpanded, the metadata parser's (audits.azldev.specfile)."""
        if self.identity.license:
            return self.identity.license
        parsed = self.rendered.parsed if self.rendered else None
        return (parsed.license_expanded or parsed.license or "") if parsed else ""

    @property
    def binary_license_texts(self) -> list[str]:
        """The License that applies to each binary package: its own, else (blank) the component's."""
        main = self.license_text
        return [b.identity.license or main for b in self.identity.binaries]


@dataclass
class ConfigFileRecord:
    path: str
    text: str
    sha256: str
    size: int
    last_commit: CommitInfo | None


@dataclass
class ReleaseAnalysis:
    distribution: str
    distribution_description: str
    version: str
    release_ver: str
    upstream_distro: str
    upstream_version: str
    snapshot: str
    dist_git_base_uri: str
    rendered_specs_dir: str
    config_files: list[ConfigFileRecord]
    components: list[ComponentRecord]
    images_source: Callable[[], list[ImageRecord]] = field(repr=False, compare=False)  # needs every identity
    findings: list[Finding]
    warnings: list[str]
    commits: dict[str, CommitInfo] = field(default_factory=dict)
    identities_computed: dict[str, dict[str, Any]] = field(default_factory=dict)  # new IdentityCache entries
    stop_helpers: Callable[[], None] = field(default=lambda: None, repr=False, compare=False)

    @cached_property
    def images(self) -> list[ImageRecord]:
        return self.images_source()

    def complete(self) -> None:
        """Take every identity, and the images, which need them: what a deferred analysis takes when first
        wanted (analyse_release)."""
        for record in self.components:
            record.identity  # noqa: B018  (taken for its side effect)
        self.images  # noqa: B018

    def close(self) -> None:
        """Stop the helpers a deferred analysis may have left expanding (what is not taken is then expanded
        in-process, if it is ever wanted)."""
        self.stop_helpers()


def sha256_text(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PROGRESS_EVERY = 500
SPEC_BATCH = 500  # rendered specs read, and looked up in the identity cache, at a time
HISTORY_LIMIT = 50  # commits kept per component


def analyse_release(
    tree: RepoTree,
    history: History,
    blame: Blame,
    progress: Callable[[int, int], None] = lambda done, total: None,
    identity_cache: IdentityCache | None = None,
    expansion_processes: int = 0,
    *,
    deferred: bool = False,
) -> ReleaseAnalysis:
    """Load, resolve, classify and cross-check every component of the tree.

    Which commit is newer is decided by history order (`history`), never by dates,
    which may tie. Specs are expanded in `expansion_processes` helper processes (see
    ComponentAnalyser.expand_ahead), or in this one. `deferred`: when helpers expand them, the records'
    identities, and the images, are taken when first wanted, so that an ingest writes the first components
    while the helpers expand the next ones (in-process expansions are not left for a write transaction to
    wait on); the caller then closes the analysis, and keeps the tree open until it has.
    """
    project = load_project(tree)
    analyser = ComponentAnalyser(tree, project, history, blame, identity_cache)
    try:
        analysis = _analyse(tree, history, project, analyser, progress, expansion_processes)
        if not deferred or analyser.identities.pool is None:
            analysis.complete()
    except BaseException:
        analyser.identities.close()
        raise
    if not deferred:
        analysis.close()
    return analysis


def _analyse(tree: RepoTree, history: History, project: Project, analyser: ComponentAnalyser,
             progress: Callable[[int, int], None], expansion_processes: int) -> ReleaseAnalysis:
    # the helpers start on the specs before the components are resolved (the same name order), on a core
    # that would be idle until then
    analyser.expand_ahead(sorted(project.components), expansion_processes)
    components = resolve_components(project, tree)
    check_component_names((c.name, c.defined_in) for c in components)
    records = []
    for done, component in enumerate(components, 1):
        records.append(analyser.record(component))
        if done % PROGRESS_EVERY == 0 or done == len(components):
            progress(done, len(components))
    # resolve_components warns of unknown group members in the project
    findings = [Finding("unknown-group-member", w.split(":", 1)[0], w) for w in project.warnings] + analyser.findings
    known = {c.name for c in components}
    entries = tree.entries()
    for name, directory in sorted(analyser.rendered_dirs.items()):
        if name not in known:
            what = "a rendered spec" if f"{directory}/{name}.spec" in entries else "rendered files"
            findings.append(Finding("orphan-rendered-spec", directory, f"{directory} holds {what} but no component {name!r} is defined"))
    config_files = [
        ConfigFileRecord(path, text, sha256_text(data), len(data), history.for_path(path))
        for path, text in project.file_texts.items()
        for data in (text.encode(),)
    ]
    selections = image_selections(tree, ((d.name, d.data, d.file) for d in sorted(project.images.values(), key=lambda d: d.name)))

    def images() -> list[ImageRecord]:
        return fill_images(
            selections,
            (ReleaseBinary(r.resolved.name, b.identity, channel) for r in records
             for b, (_, channel, _) in zip(r.identity.binaries, r.binary_packages)), analyser.group_of,
            {r.resolved.name: "; ".join(u.reason for u in r.identity.unresolved) for r in records if not r.identity.binaries})

    distro_name, version = project.default_distro
    check_release_keys(distro_name, version, "azldev.toml")
    distro = project.distros[distro_name]
    upstream_ref = analyser.baseline.get("spec", {}).get("upstream-distro", {})
    return ReleaseAnalysis(
        distribution=distro_name,
        distribution_description=distro.get("description", ""),
        version=version,
        release_ver=distro["versions"][version].get("release-ver", ""),
        upstream_distro=upstream_ref.get("name", ""),
        upstream_version=upstream_ref.get("version", ""),
        snapshot=str(upstream_ref.get("snapshot", "")),
        dist_git_base_uri=project.distros.get(upstream_ref.get("name", ""), {}).get("dist-git-base-uri", ""),
        rendered_specs_dir=project.rendered_specs_dir,
        config_files=config_files,
        components=records,
        images_source=images,
        findings=findings,
        warnings=list(project.warnings),
        identities_computed=analyser.identities.fresh,
        stop_helpers=analyser.identities.close,
    )


def _rendered_spec_dirs(tree: RepoTree, project: Project) -> dict[str, str]:
    """Component name -> its directory under rendered-specs-dir, for every directory there."""
    root = project.rendered_specs_dir
    if not root:
        return {}
    prefix = root + "/"
    found: dict[str, str] = {}
    for path in tree.entries():
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split("/")
        if len(parts) >= 3:
            found.setdefault(parts[1], f"{prefix}{parts[0]}/{parts[1]}")
    return found


def spec_origin(component: ResolvedComponent, baseline: dict[str, Any]) -> str:
    spec = component.config.get("spec", {})
    if spec.get("type") == "local":
        return "local"
    if spec.get("upstream-commit"):
        return "pinned-commit"
    base_ref = baseline.get("spec", {}).get("upstream-distro", {})
    ref = spec.get("upstream-distro", {})
    if (ref.get("name"), ref.get("version")) != (base_ref.get("name"), base_ref.get("version")):
        return "other-version"
    if spec.get("upstream-name") and spec["upstream-name"] != component.name:
        return "renamed"
    return "snapshot"


def verdict(component: ResolvedComponent, classification: Classification, snapshot: str, upstream: str) -> str:
    """The one sentence an auditor reads first."""
    if classification.headline == classify_mod.INTACT:
        when = f" as of {snapshot[:10]}" if snapshot else ""
        return f"Fedora-intact: built from {upstream}{when} with no changes."
    details = "; ".join(r.text.rstrip(".") for r in classification.reasons)
    return f"{classify_mod.HEADLINE_LABELS[classification.headline]}: {details}."


class ComponentAnalyser:
    """What every component's record needs, computed once per release.

    A full analysis (`analyse_release`) passes the history and blame: records then carry the commits
    that changed each component. Without them (the history ingest, `history.incremental`) records have
    no commit attribution, `only` limits the batched read of `sources` files to those components' (the others
    are read on demand, if at all), and `identities` reuses a resolver over the same macro files."""

    def __init__(self, tree: RepoTree, project: Project, history: History | None = None, blame: Blame | None = None,
                 identity_cache: IdentityCache | None = None, *, only: Collection[str] | None = None,
                 identities: IdentityResolver | None = None):
        self.tree = tree
        self.project = project
        self.history = history
        self.baseline = default_config(project)
        self.findings: list[Finding] = []  # what record() found
        self.attribution = ConfigAttribution(project, history, blame) if history is not None and blame is not None else None
        self.rendered_dirs = _rendered_spec_dirs(tree, project)
        self.group_of = package_group_index(project)
        self.identities = identities.rebound(tree) if identities is not None else IdentityResolver(tree, project.default_distro[0])
        self.only = only
        self.identity_cache = identity_cache
        # the rendered specs expand_ahead read in batches, and their digests: the cache, helpers and record key on them
        self.blobs: dict[str, bytes] = {}
        self.spec_digests: dict[str, str] = {}

    @cached_property
    def files_by_dir(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in self.tree.entries():
            found.setdefault(posixpath.dirname(path), []).append(path)
        return found

    @cached_property
    def sources_blobs(self) -> dict[str, bytes]:
        """Every rendered `sources` file, read in one batch when the first one is wanted (after expand_ahead)."""
        entries = self.tree.entries()
        paths = (f"{directory}/sources" for name, directory in self.rendered_dirs.items() if self.only is None or name in self.only)
        return read_readable(self.tree, (path for path in paths if path in entries))

    def expand_ahead(self, names: Iterable[str], processes: int) -> None:
        """Read the rendered specs of the components `names` and start expanding them in helper processes, in the
        order record() will ask for them (IdentityResolver.expand_ahead): the helpers start on the first specs
        while the next ones are read, the analysis of one component overlaps the expansion of the next ones,
        and a machine's other cores share the expansion."""
        self.identities.expand_ahead(self._read_specs(names), processes)

    def _read_specs(self, names: Iterable[str]) -> Iterator[tuple[str, str, str]]:
        """(text, digest, folder) of the components' rendered specs, in that order, read in batches of
        SPEC_BATCH; the identities cached for a batch are looked up before its first spec is given."""
        paths = [f"{directory}/{name}.spec" for name in names if (directory := self.project.rendered_spec_dir(name))]
        read = stream_readable(self.tree, paths)
        while batch := dict(itertools.islice(read, SPEC_BATCH)):
            digests = {path: sha256_text(data) for path, data in batch.items()}
            self.blobs.update(batch)
            self.spec_digests.update(digests)
            if self.identity_cache is not None:
                self.identities.prefetch(self.identity_cache, digests.values())
            for path, data in batch.items():
                yield data.decode("utf-8", errors="replace"), digests[path], posixpath.dirname(path)

    def record(self, component: ResolvedComponent) -> ComponentRecord:
        project, entries = self.project, self.tree.entries()
        classification = classify(component, self.baseline)
        spec = component.config.get("spec", {})
        ref = spec.get("upstream-distro", {})
        upstream_distro = project.distros.get(ref.get("name", ""), {})
        upstream_version = project.distro_version(ref.get("name", ""), ref.get("version", ""))
        upstream_label = f"{upstream_distro.get('description') or ref.get('name', '')} {ref.get('version', '')}".strip()
        upstream_name = "" if spec.get("type") == "local" else (spec.get("upstream-name") or component.name)
        base_uri = upstream_distro.get("dist-git-base-uri", "")

        rendered_dir = project.rendered_spec_dir(component.name)
        spec_path = f"{rendered_dir}/{component.name}.spec" if rendered_dir else ""
        render_failed = bool(rendered_dir) and f"{rendered_dir}/{RENDER_FAILED_MARKER}" in entries
        rendered = self._rendered_spec(spec_path, component.name) if spec_path in entries else None
        if rendered_dir and spec_path not in entries:
            kind = "render-failed" if render_failed else "missing-rendered-spec"
            detail = f"azldev could not render {component.name} ({rendered_dir}/{RENDER_FAILED_MARKER})" if render_failed else f"no rendered spec at {spec_path}"
            self.findings.append(Finding(kind, spec_path, detail, component.name))
        sources_entries = self._sources(f"{rendered_dir}/sources", component.name) if rendered_dir else []

        def identity_and_channels() -> tuple[ComponentIdentity, list[tuple[str, str, str]]]:
            identity = self.identities.identify(rendered.text, rendered.sha256, rendered_dir) if rendered else NO_RENDERED_SPEC
            names = [b.identity.name for b in identity.binaries]
            return identity, binary_package_channels(project, component, names, self.group_of)

        overlay_hashes: dict[str, str] = {}
        for overlay in component.overlays:
            if not overlay.source_path:
                continue
            if overlay.source_path in entries:
                overlay_hashes[overlay.source_path] = sha256_text(self.tree.read_bytes(overlay.source_path))
            else:
                self.findings.append(Finding("missing-overlay-source", overlay.source_path, f"overlay {overlay.position + 1} ({overlay.type}) names a source that does not exist", component.name))

        presence = []
        if rendered is not None and component.overlays:
            names = {path[len(rendered_dir) + 1 :] for path in self.files_by_dir.get(rendered_dir, [])}
            presence = check_presence(rendered.text, component.overlays, files=names)

        config_commits, rendered_commits = [], []
        if self.attribution is not None and self.history is not None:
            config_commits = self.attribution.commits(component)
            has_rendered_dir = self.rendered_dirs.get(component.name) == rendered_dir
            rendered_commits = self.history.all_for_dir(rendered_dir) if has_rendered_dir else []
        config_commit = config_commits[0] if config_commits else None
        rendered_commit = rendered_commits[0] if rendered_commits else None
        if rendered is not None and config_commit and rendered_commit and config_commit is not rendered_commit:
            if self.history.newest_first([config_commit, rendered_commit])[0] is config_commit:
                self.findings.append(Finding(
                    "stale-rendered-spec",
                    spec_path,
                    f"configuration changed in {config_commit.sha[:12]} ({config_commit.committed_at:%Y-%m-%d}) after the spec was last rendered in {rendered_commit.sha[:12]} ({rendered_commit.committed_at:%Y-%m-%d})",
                    component.name,
                ))
        return ComponentRecord(
            resolved=component,
            classification=classification,
            verdict=verdict(component, classification, str(ref.get("snapshot", "")), upstream_label),
            spec_origin=spec_origin(component, self.baseline),
            upstream_name=upstream_name,
            dist_git_branch=upstream_version.get("dist-git-branch", "") if upstream_name else "",
            dist_git_url=base_uri.replace("$pkg", upstream_name) if base_uri and upstream_name else "",
            rendered=rendered,
            render_failed=render_failed,
            sources_entries=sources_entries,
            identity_source=identity_and_channels,
            overlay_source_sha256=overlay_hashes,
            presence=presence,
            history=self._history(config_commits, rendered_commits),
            config_commit=config_commit,
            rendered_commit=rendered_commit,
        )

    def _history(self, config: list[CommitInfo], rendered: list[CommitInfo]) -> list[tuple[CommitInfo, str]]:
        """The component's own git history: what changed its configuration or its rendered files."""
        kinds: dict[str, list[str]] = {}
        for kind, commits in (("config", config), ("rendered", rendered)):
            for c in commits:
                kinds.setdefault(c.sha, []).append(kind)
        if self.history is None:
            return []
        return [(c, "+".join(kinds[c.sha])) for c in self.history.newest_first([*config, *rendered])[:HISTORY_LIMIT]]

    def _read(self, path: str, blobs: dict[str, bytes]) -> bytes:
        """A prefetched blob, or a direct read that raises the tree's TreeError."""
        data = blobs.get(path)
        return data if data is not None else self.tree.read_bytes(path)

    def _rendered_spec(self, path: str, name: str) -> RenderedSpecRecord | None:
        try:
            data = self._read(path, self.blobs)
        except TreeError as exc:
            self.findings.append(Finding("missing-rendered-spec", path, f"rendered spec cannot be read: {exc}", name))
            return None
        text = data.decode("utf-8", errors="replace")
        digest = self.spec_digests.get(path) or sha256_text(data)
        return RenderedSpecRecord(path, text, digest, len(data), parse_spec(text))

    def _sources(self, path: str, name: str) -> list[SourcesEntry]:
        if path not in self.tree.entries():
            return []
        try:
            return parse_sources_file(self._read(path, self.sources_blobs).decode("utf-8", errors="replace"))
        except (SourcesFileError, TreeError) as exc:
            self.findings.append(Finding("unparsable-sources-file", path, str(exc), name))
            return []


def binary_package_channels(
    project: Project, component: ResolvedComponent, names: list[str], group_of: dict[str, tuple[str, str]]
) -> list[tuple[str, str, str]]:
    """Each binary package (of the expanded spec) with its publish channel and where it was set.

    Order (later wins): project default-package-config, the component's publish
    table, the package group listing the package, the component's packages.<name>.
    """
    default = _channel(project.default_package_config.get("publish", {}))
    component_channel = component.config.get("publish", {}).get("rpm-channel", "")
    overrides = component.config.get("packages", {})
    result = []
    for name in names:
        channel, source = default, "default" if default else ""
        if component_channel:
            channel, source = component_channel, "component"
        if name in group_of:
            group_name, group_channel = group_of[name]
            if group_channel:
                channel, source = group_channel, f"package-group:{group_name}"
        override = _channel(overrides.get(name, {}).get("publish", {}))
        if override:
            channel, source = override, "package"
        result.append((name, channel, source))
    return result


def _channel(publish: dict[str, Any]) -> str:
    return publish.get("rpm-channel") or publish.get("channel", "")  # `channel` is the deprecated spelling


def package_group_index(project: Project) -> dict[str, tuple[str, str]]:
    """Binary package name -> (package group, its channel)."""
    index = {}
    for group in project.package_groups.values():
        channel = _channel(group.data.get("default-package-config", {}).get("publish", {}))
        for package in group.data.get("packages", []):
            index[package] = (group.name, channel)
    return index
