"""PURE PYTHON: every commit of a first-parent history analysed incrementally, oldest first.

A full analysis of the corpus takes ~23 s (7,580 specs read, parsed and expanded); loading and
resolving its configuration takes ~0.4 s. So each commit's configuration is loaded and resolved
again (a change to a group, the distro defaults or `components.toml` reaches every component it
affects), and each component gets an **input key**: a digest of everything its state is computed
from (its resolved configuration with overlays and provenance, the blob ids of every file in its
rendered-spec folder, RENDER_FAILED marker and `sources` included, the blob ids of its overlay
sources, the distro baseline and distros, the macro files the identity expansion reads). Only the
components whose key changed are analysed again (`audits.analysis.ComponentAnalyser` on that
subset, without the blame-based commit attribution: a state's commit is its snapshot's); the others
keep their state. Identities (the expensive spec expansion) are looked up in an `IdentityCache`
first and kept in memory across commits.

A commit whose configuration cannot be loaded (ConfigError, TreeError) yields the previous states
with `error` set, and the next commit is compared with the last one that loaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audits.analysis import ComponentAnalyser
from audits.azldev.classify import default_config
from audits.azldev.loader import ConfigError, Project, cached_parses, load_project
from audits.azldev.resolve import ResolvedComponent, resolve_components
from audits.azldev.tree import TreeError
from audits.gitsource import run_git
from audits.gittree import GitTree
from audits.identities import IdentityCache, IdentityResolver
from audits.names import check_component_names, check_release_keys
from audits.rpmspec.macropaths import distribution_macro_paths

from .states import ComponentState, json_digest, state_of
from .summary import Tally

# What makes a commit's configuration unusable: the commit becomes a snapshot with an error.
CONFIG_ERRORS = (ConfigError, TreeError)

Change = tuple[str, "ComponentState | None", "ComponentState | None"]  # (name, before, after); None: absent
INPUT_KEYS_VERSION = 1  # of `IncrementalAnalysis._keys`: keys kept by a run with another version are computed again
LoadStates = Callable[[Iterable[str]], dict[str, ComponentState]]  # stored states of these names


class States(Mapping[str, ComponentState]):
    """Every component's state at one commit. States stored by an earlier run are decoded only when read
    (`load`), so a new commit that changes two components decodes two states, not all of them."""

    def __init__(self, known: dict[str, ComponentState] | None = None, stored: Iterable[str] = (),
                 load: LoadStates | None = None):
        self._known = dict(known or {})
        self._stored = set(stored) - self._known.keys()
        self._load = load

    def __getitem__(self, name: str) -> ComponentState:
        if name in self._stored:
            self._decode([name])
        return self._known[name]

    def __contains__(self, name: object) -> bool:
        return name in self._known or name in self._stored

    def __iter__(self) -> Iterator[str]:
        return iter([*self._known, *sorted(self._stored)])

    def __len__(self) -> int:
        return len(self._known) + len(self._stored)

    def _decode(self, names: Iterable[str]) -> None:
        wanted = [name for name in names if name in self._stored]
        if wanted:
            assert self._load is not None
            self._known.update(self._load(wanted))
            self._stored.difference_update(wanted)

    def values(self):  # type: ignore[override]
        self._decode(list(self._stored))
        return self._known.values()

    def items(self):  # type: ignore[override]
        self._decode(list(self._stored))
        return self._known.items()

    def with_changes(self, changed: dict[str, ComponentState], removed: Iterable[str]) -> States:
        """These states with `changed` put in and `removed` taken out (a new object: results stay as they were)."""
        gone = set(removed)
        known = {name: state for name, state in self._known.items() if name not in gone}
        known.update(changed)
        return States(known, self._stored - gone, self._load)


@dataclass
class CommitAnalysis:
    sha: str
    seq: int
    states: Mapping[str, ComponentState]  # every component at this commit; after an error, the previous ones
    summary: dict[str, Any]  # history.summary of `states`
    changes: list[Change] = field(default_factory=list)  # components whose state began or ended, by name
    error: str = ""
    analysed: int = 0  # components whose record was computed afresh
    identities_computed: dict[str, dict[str, Any]] = field(default_factory=dict)  # for the IdentityCache


def first_parent_history(git_dir: Path, head: str) -> list[str]:
    """The commits of `head`'s first-parent history, the root first (index = Snapshot.seq)."""
    out = run_git(git_dir, ["rev-list", "--first-parent", "--reverse", head, "--"])
    return out.decode().split()


class IncrementalAnalysis:
    """Walks commits of one repository in order (`analyse` each, oldest first), keeping the states and
    input keys of the last commit whose configuration loaded."""

    def __init__(self, git_dir: Path, *, identity_cache: IdentityCache | None = None,
                 max_file_bytes: int | None = None, expansion_processes: int = 0):
        self.git_dir = git_dir
        self.identity_cache = identity_cache
        self.expansion_processes = expansion_processes  # ComponentAnalyser.expand_ahead
        self.max_file_bytes = max_file_bytes
        self.states = States()
        self.digests: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.tally = Tally()
        self._resolver: IdentityResolver | None = None
        self._macro_digest = ""
        self._macro_paths: tuple[str, frozenset[str], list[str]] = ("", frozenset(), [])
        self._loaded: tuple[str, Project] | None = None  # project_at's, until that commit is analysed
        self._sizes: dict[bytes, int] = {}  # blob id -> size, for every commit's GitTree
        self._last_tree: GitTree | None = None
        self._parsed: dict[bytes, bytes] = {}  # config files parsed, by content (audits.azldev.loader.cached_parses)

    def resume(self, sha: str | None, states: Mapping[str, ComponentState], digests: dict[str, str] | None = None, *,
               keys: dict[str, str] | None = None, summary: dict[str, Any] | None = None) -> None:
        """Continue after commit `sha`, whose states (stored earlier, with their digests when known; a `States`
        decodes them lazily) are `states`, and whose summary is `summary` when known. The input keys are `keys`
        when they were kept, else computed again at `sha` (configuration only, no component is analysed); without
        `sha` (no commit of the history loaded) every component is analysed at the next commit."""
        self.states = states if isinstance(states, States) else States(dict(states))
        self.digests = dict(digests) if digests is not None else {name: s.digest() for name, s in states.items()}
        self.tally = Tally.of(summary) if summary is not None else Tally.of_states(self.states.values())
        if keys is not None or sha is None:
            self.keys = dict(keys or {})
            return
        with self._tree(sha) as tree, cached_parses(self._parsed):
            try:
                project, components = self._configuration(sha, tree)
                self.keys = self._keys(tree, project, components)
            except CONFIG_ERRORS:
                self.keys = {}  # every component is analysed at the next commit

    def project_at(self, sha: str) -> Project:
        """The configuration of commit `sha`, loaded (ConfigError, TreeError); kept for its analysis."""
        if self._loaded is None or self._loaded[0] != sha:
            with self._tree(sha) as tree, cached_parses(self._parsed):
                self._loaded = (sha, load_project(tree))
        return self._loaded[1]

    def _configuration(self, sha: str, tree: GitTree) -> tuple[Project, list[ResolvedComponent]]:
        """The commit's configuration loaded and resolved, with the checks a full analysis makes first."""
        if self._loaded is not None and self._loaded[0] == sha:
            project, self._loaded = self._loaded[1], None
        else:
            project = load_project(tree)
        components = resolve_components(project, tree)
        check_component_names((c.name, c.defined_in) for c in components)
        check_release_keys(*project.default_distro, "azldev.toml")  # ConfigError when the default distro is unusable
        return project, components

    def analyse(self, sha: str, seq: int) -> CommitAnalysis:
        with self._tree(sha) as tree, cached_parses(self._parsed):
            try:
                project, components = self._configuration(sha, tree)
                keys = self._keys(tree, project, components)
                stale = [c for c in components if keys[c.name] != self.keys.get(c.name)]
                fresh: dict[str, ComponentState] = {}
                if stale:
                    analyser = ComponentAnalyser(tree, project, identity_cache=self.identity_cache,
                                                 only={c.name for c in stale}, identities=self._resolver)
                    try:
                        analyser.expand_ahead([c.name for c in stale], self.expansion_processes)
                        fresh = {c.name: state_of(analyser.record(c)) for c in stale}
                    finally:
                        analyser.identities.close()
            except CONFIG_ERRORS as exc:
                return CommitAnalysis(sha, seq, self.states, self.tally.summary(), error=str(exc) or type(exc).__name__)
        assert self._resolver is not None
        computed = dict(self._resolver.fresh)
        self._resolver.known.update(computed)
        self._resolver.fresh.clear()
        changed: dict[str, ComponentState] = {}
        digests = {c.name: self.digests.get(c.name, "") for c in components}
        for name, state in fresh.items():
            digest = state.digest()
            if digest != digests[name]:
                changed[name], digests[name] = state, digest
        removed = [name for name in self.digests if name not in digests]
        changes: list[Change] = [(name, self.states.get(name), state) for name, state in changed.items()]
        changes.extend((name, self.states[name], None) for name in removed)
        changes.sort(key=lambda change: change[0])
        for _, before, after in changes:
            if before is not None:
                self.tally.remove(before)
            if after is not None:
                self.tally.add(after)
        self.states = self.states.with_changes(changed, removed)
        self.digests, self.keys = digests, keys
        return CommitAnalysis(sha, seq, self.states, self.tally.summary(), changes, analysed=len(fresh),
                              identities_computed=computed)

    def _tree(self, sha: str) -> GitTree:
        """The commit's tree; the last one is kept (closing a GitTree stops its reader, not its listing), so
        `project_at` and `analyse` of one commit list it once."""
        if self._last_tree is None or self._last_tree.commit != sha:
            self._last_tree = GitTree(self.git_dir, sha, max_file_bytes=self.max_file_bytes, sizes=self._sizes)
        return self._last_tree

    def _keys(self, tree: GitTree, project: Project, components: list[ResolvedComponent]) -> dict[str, str]:
        """Each component's input key at this commit (see the module docstring)."""
        entries, oids = tree.entries(), tree.blob_ids()
        distribution = project.default_distro[0]
        names = frozenset(entries)
        if (distribution, names) != self._macro_paths[:2]:
            self._macro_paths = (distribution, names, distribution_macro_paths(entries, distribution))
        macro_digest = json_digest([distribution, [(p, oids[p].decode()) for p in self._macro_paths[2]]])
        if self._resolver is None or macro_digest != self._macro_digest:
            self._resolver = IdentityResolver(tree, distribution, macro_paths=self._macro_paths[2])
            self._macro_digest = macro_digest
        else:
            self._resolver = self._resolver.rebound(tree)
        common = json_digest([default_config(project), project.distros, macro_digest])
        by_dir: dict[str, list[tuple[str, bytes]]] = {}
        for path, oid in oids.items():
            by_dir.setdefault(path.rpartition("/")[0], []).append((path, oid))
        keys = {}
        for c in components:
            rendered_dir = project.rendered_spec_dir(c.name)
            files = sorted(by_dir.get(rendered_dir, ())) if rendered_dir else []
            overlay_sources = [(o.source_path, oids.get(o.source_path)) for o in c.overlays if o.source_path]
            keys[c.name] = hashlib.sha256(
                f"{common}\0{c!r}\0{rendered_dir}\0{files!r}\0{overlay_sources!r}".encode()
            ).hexdigest()
        return keys
