"""PURE PYTHON: which commits changed a component's own configuration (the blame-based attribution of
a full analysis, `audits.analysis`; the history ingest does without it: a state's commit is its snapshot's)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Iterable, Protocol

from .azldev.loader import Project
from .azldev.resolve import ResolvedComponent
from .gitsource import CommitInfo


class History(Protocol):
    """githistory.PathHistory: commits of files and directories, ordered by history."""

    def for_path(self, path: str) -> CommitInfo | None: ...

    def for_dir(self, directory: str) -> CommitInfo | None: ...

    def all_for_path(self, path: str) -> list[CommitInfo]: ...

    def all_for_dir(self, directory: str) -> list[CommitInfo]: ...

    def newest_first(self, commits: Iterable[CommitInfo]) -> list[CommitInfo]: ...


Blame = Callable[[str], list[CommitInfo]]  # path -> commit per line


class ConfigAttribution:
    """The commits that changed a component's own configuration, newest first.

    Dedicated files (a `.comp.toml` holding one component, overlay files, patch
    sources) count whole, with all their history. In files shared by many components
    (`components.toml`, group lists) only the component's own lines count: the
    commit that last changed each of them, from git blame.
    """

    def __init__(self, project: Project, history: History, blame: Blame):
        self.project = project
        self.history = history
        self.blame = blame
        self._blame_cache: dict[str, list[CommitInfo]] = {}
        self._line_index: dict[str, dict[str, list[int]]] = {}
        counts = Counter(d.file for d in project.components.values())
        self.shared_files = {path for path, n in counts.items() if n > 1}
        self.group_files = {g.file for g in project.component_groups.values() if g.data.get("components")}

    def commits(self, component: ResolvedComponent) -> list[CommitInfo]:
        found: list[CommitInfo] = []
        for path in component.files:
            if path in self.shared_files or path in self.group_files:
                found.extend(self._own_lines(path, component.name))
            else:
                found.extend(self.history.all_for_path(path))
        return self.history.newest_first(found)

    def _own_lines(self, path: str, name: str) -> list[CommitInfo]:
        if path not in self._blame_cache:
            self._blame_cache[path] = self.blame(path)
            self._line_index[path] = index_component_lines(self.project.file_texts[path].splitlines())
        per_line = self._blame_cache[path]
        return [per_line[i] for i in self._line_index[path].get(name, ()) if i < len(per_line)]


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_COMPONENT_KEY = re.compile(r'^components\.(?:"([^"]+)"|([A-Za-z0-9_.+-]+?))(?:\.(?:build|spec|release|render|overlays|source-files|packages|publish|overlay-files)(?:\..*)?)?$')
_QUOTED = re.compile(r'["\']([^"\'\s]+)["\']')


def index_component_lines(lines: list[str]) -> dict[str, list[int]]:
    """Component name -> the 0-based lines of a TOML file that belong to it.

    Its own tables (`[components.NAME]`, `[components.NAME.build]`,
    `[[components.NAME.overlays]]`, ...) up to the next table header, and, outside
    component tables, lines naming it as a quoted string (group member lists).
    One pass over the file.
    """
    index: dict[str, list[int]] = {}
    owner: str | None = None
    for i, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            key = _COMPONENT_KEY.match(header.group(1))
            owner = (key.group(1) or key.group(2)) if key else None
        if owner is not None:
            index.setdefault(owner, []).append(i)
        else:
            for name in _QUOTED.findall(line.split("#", 1)[0]):
                index.setdefault(name, []).append(i)
    return index
