"""PURE PYTHON: the identity a release publishes for each component, per architecture.

A component's epoch-version-release and binary packages are what its rendered spec expands to with
the distribution's own macro files (`audits.rpmspec`), once for each architecture Pedigree reports.
Values agree across architectures for nearly every spec; where they do not (``%ifarch`` around a
``%package``, an arch-dependent Release), the binary packages carry the architectures they exist on
and a differing EVR is an unresolved identity, never a guess.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import posixpath
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol

from .azldev.tree import RepoTree, TreeError, read_readable
from .identity_pool import Folder, IdentityPool
from .rpmspec.identity import BinaryIdentity, SpecIdentity, Unresolved, spec_identities
from .rpmspec.lua import LuaSandbox
from .rpmspec.macrofiles import MacroSet, distribution_macro_paths, load_macro_set
from .rpmspec.vercmp import rpmvercmp

def _code_digest() -> str:
    """Every source file the identities depend on: a cached identity is reused only with the same code."""
    package = Path(__file__).resolve().parent / "rpmspec"
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted([*package.glob("*.py"), *package.glob("*.lua")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE_DIGEST = _code_digest()
ARCHES = ("x86_64", "aarch64")  # the first one's values with a version are the published ones
MAX_NAME = 300  # BinaryPackage.name
logger = logging.getLogger(__name__)
POOLED_AT = 64  # specs to expand before helper processes are worth starting (about a third of a second each)
SUBMIT_EVERY = 64  # specs found to expand, once the helpers run, before they are given the next ones
# A spec that may read files of its folder (%{load:...}, %include) is sent to a helper with those its text names, of at
# most FOLDER_FILE_BYTES, FOLDER_BYTES in all (the corpus's 48 such spec files read files of at most 31 kB, all but
# pam's named in their text; their folders hold 10 MB). One that reads another file is expanded in the ingest.
_READS_FOLDER = re.compile(r"%[{?!]*(?:load|include)\b")
FOLDER_FILE_BYTES = 256 << 10
FOLDER_BYTES = 2 << 20


@dataclass(frozen=True, slots=True)
class BinaryRecord:
    identity: BinaryIdentity  # as expanded for the first architecture that builds it
    arches: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComponentIdentity:
    epoch: str
    version: str
    release: str
    binaries: tuple[BinaryRecord, ...]
    unresolved: tuple[Unresolved, ...]  # with the architecture in the reason where only one is concerned
    left_out: tuple[Unresolved, ...] = ()  # License, Summary, Requires, Provides values that did not expand
    license: str = ""  # the main package's License as rpm expands it (%dnl, %{shrink:}); blank: it did not expand
    notes: tuple[str, ...] = ()  # how it was obtained when not from the repository alone (Pedigree's go-rpm-macros model)

    @property
    def complete(self) -> bool:
        return not self.unresolved

    def unresolved_json(self) -> list[dict[str, str]]:
        return [{"field": u.field, "reason": u.reason} for u in self.unresolved]

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = _as_json(self)
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ComponentIdentity:
        binaries = tuple(
            BinaryRecord(
                BinaryIdentity(**{**b["identity"], "requires": tuple(b["identity"]["requires"]),
                                  "provides": tuple(b["identity"]["provides"])}),
                tuple(b["arches"]),
            )
            for b in data["binaries"]
        )
        unresolved = tuple(Unresolved(u["field"], u["reason"]) for u in data["unresolved"])
        left_out = tuple(Unresolved(u["field"], u["reason"]) for u in data["left_out"])
        return cls(data["epoch"], data["version"], data["release"], binaries, unresolved, left_out, data["license"],
                   tuple(data.get("notes", ())))

    def left_out_json(self) -> list[dict[str, str]]:
        return [{"field": u.field, "reason": u.reason} for u in self.left_out]


NO_RENDERED_SPEC = ComponentIdentity("", "", "", (), (Unresolved("packages", "packages: there is no rendered spec to expand"),))


def _merged(by_arch: dict[str, SpecIdentity], kind: str) -> list[Unresolved]:
    """The `kind` reasons of every architecture, once each, naming the architecture where only it has one."""
    merged: list[Unresolved] = []
    seen: set[tuple[str, str]] = set()
    for arch, identity in by_arch.items():
        for u in getattr(identity, kind):
            if (u.field, u.reason) in seen:
                continue
            seen.add((u.field, u.reason))
            only_here = any(u not in getattr(other, kind) for other in by_arch.values())
            text = u.reason if u.reason.startswith(f"{u.field}:") else f"{u.field}: {u.reason}"
            merged.append(Unresolved(u.field, f"{text} ({arch})" if only_here else text))
    return merged


def combine(by_arch: dict[str, SpecIdentity]) -> ComponentIdentity:
    """One identity from the per-architecture expansions (keys in ARCHES order)."""
    # An architecture the spec is not built for may carry no values (BuildArch of another one).
    first = next((i for i in by_arch.values() if i.version), next(iter(by_arch.values())))
    unresolved = _merged(by_arch, "unresolved")
    if not first.version and not unresolved:  # read for none of the architectures (BuildArch of another one)
        reasons = "; ".join(sorted({i.excluded_reason for i in by_arch.values() if i.excluded_reason}))
        unresolved.append(Unresolved("version", f"version: the spec builds nothing for {', '.join(by_arch)} ({reasons})"))
    for field in ("epoch", "version", "release"):
        values = {getattr(i, field) for i in by_arch.values()}
        if len(values) > 1 and "" not in values:
            shown = ", ".join(f"{getattr(i, field)} on {arch}" for arch, i in by_arch.items())
            unresolved.append(Unresolved(field, f"{field}: differs between architectures: {shown}"))
    binaries: dict[str, tuple[BinaryIdentity, list[str]]] = {}
    for arch, identity in by_arch.items():
        for package in identity.packages:
            if len(package.name) > MAX_NAME:
                reason = f"packages: a binary package name of {len(package.name)} characters is longer than {MAX_NAME}"
                if Unresolved("packages", reason) not in unresolved:
                    unresolved.append(Unresolved("packages", reason))
                continue
            binaries.setdefault(package.name, (package, []))[1].append(arch)
    return ComponentIdentity(
        epoch=first.epoch,
        version=first.version,
        release=first.release,
        binaries=tuple(BinaryRecord(b, tuple(arches)) for b, arches in binaries.values()),
        unresolved=tuple(unresolved),
        left_out=tuple(_merged(by_arch, "metadata_unresolved")),
        license=first.license,
        notes=tuple(dict.fromkeys(note for i in by_arch.values() for note in i.notes)),
    )


def lua_sandbox(macro_sets: Mapping[str, MacroSet]) -> LuaSandbox:
    """The one Lua sandbox every spec of these macro sets is expanded with (in the ingest and in its helpers)."""
    return LuaSandbox(next(iter(macro_sets.values())).lua_modules, vercmp=rpmvercmp)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _as_json(value: Any) -> Any:
    """dataclasses.asdict of an identity, without its deep copy of every value (identities hold strings
    and tuples only): asdict took a tenth of a cold ingest's own CPU, and of its helpers'."""
    names = _FIELD_NAMES.get(type(value))
    if names is None and hasattr(value, "__dataclass_fields__"):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _as_json(getattr(value, name)) for name in names}
    if isinstance(value, tuple):
        return tuple(_as_json(v) for v in value)
    return value


def _only_strings(value: Any) -> bool:
    """Whether every leaf of a JSON value is a string, as in ComponentIdentity.to_json()."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _only_strings(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_only_strings, value))
    return isinstance(value, str)


class IdentityCache(Protocol):
    """Identities computed before, by key (IdentityResolver.key); the ingest keeps them in the database."""

    def get_many(self, keys: Collection[str]) -> dict[str, dict[str, Any]]: ...


class IdentityResolver:
    """Expands specs with the distribution's macro files of one tree; one Lua sandbox for all.

    Expansion costs milliseconds per spec, and most specs are the same from one commit to the next,
    so an identity is looked up first by the digest of everything it depends on: this code, the
    macro sets, the spec, and the files of its folder the spec loaded (checked again on reuse)."""

    def __init__(self, tree: RepoTree, distribution: str, arches: Iterable[str] = ARCHES, *,
                 macro_paths: list[str] | None = None):
        self.tree = tree
        paths = macro_paths if macro_paths is not None else distribution_macro_paths(tree.entries(), distribution)
        self.macro_paths = tuple(paths)
        self.macro_sets: dict[str, MacroSet] = {arch: load_macro_set(tree.read_bytes, paths, arch) for arch in arches}
        self.sandbox = lua_sandbox(self.macro_sets)
        digest = hashlib.sha256(CODE_DIGEST.encode())
        for arch, macros in self.macro_sets.items():
            digest.update(repr((arch, macros.definitions, sorted(macros.lua_modules.items()))).encode())
        self.fingerprint = digest.hexdigest()
        self.known: dict[str, dict[str, Any]] = {}
        self.fresh: dict[str, dict[str, Any]] = {}  # computed here: for the cache
        self.pool: IdentityPool | None = None
        self.folders: dict[str, Folder] = {}  # by key: the files of its folder a spec was sent to a helper with
        self._listing: dict[str, list[tuple[str, int]]] | None = None  # the tree's files (name, size) by folder

    def rebound(self, tree: RepoTree) -> IdentityResolver:
        """This resolver (its macro sets, Lua sandbox and identities known) reading spec folders from another
        tree: for another commit whose macro files are the same blobs (the history ingest checks that)."""
        other = copy.copy(self)
        other.tree = tree
        other.pool = None
        other.folders = {}
        other._listing = None
        return other

    def key(self, spec_sha256: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}:{spec_sha256}".encode()).hexdigest()

    def prefetch(self, cache: IdentityCache, spec_sha256s: Iterable[str]) -> None:
        self.known.update(cache.get_many({self.key(s) for s in spec_sha256s}))

    def expand_ahead(self, specs: Iterable[tuple[str, str, str]], processes: int) -> None:
        """Expand the specs (text, sha256, folder) not known yet in `processes` helper processes, in that order
        (identify() then waits for each), taking them from `specs` as they are read: the helpers start once
        POOLED_AT are found and are given the later ones as they come. With fewer, or one process, identify()
        expands them."""
        pooled = processes >= 2
        seen: set[str] = set()
        pending: list[tuple[str, str, str]] = []
        for text, sha256, directory in specs:  # a spec of several components: the folder of the first to ask for it
            if (key := self.key(sha256)) in self.known or key in self.fresh or key in seen:
                continue
            seen.add(key)
            pending.append((key, text, directory))
            if pooled and len(pending) >= (POOLED_AT if self.pool is None else SUBMIT_EVERY):
                pooled, pending = self._submit(pending, processes), []
        if self.pool is not None:
            self._submit(pending, processes)
            self.pool.finish()

    def _submit(self, specs: list[tuple[str, str, str]], processes: int) -> bool:
        """Give the specs (key, text, folder) to the helpers, starting them first if need be; False when they could
        not start (identify() then expands every spec)."""
        if self.pool is None:
            self.pool = IdentityPool(self.macro_sets, processes)
            try:
                self.pool.start()
            except (OSError, RuntimeError) as error:
                logger.warning("identity helpers could not start (%s): the specs are expanded in the ingest's own "
                               "process", error)
                self.close()
                self.pool = None
                return False
        folders = self._folders({key: (directory, text) for key, text, directory in specs if _READS_FOLDER.search(text)})
        self.folders.update(folders)
        self.pool.submit((key, text, folders.get(key)) for key, text, _ in specs)
        return True

    def close(self) -> None:
        """Stop the helper processes of expand_ahead, if any are left."""
        if self.pool is not None:
            self.pool.close()

    def identify(self, spec_text: str, spec_sha256: str, directory: str) -> ComponentIdentity:
        key = self.key(spec_sha256)
        cached = self.known.get(key) or self.fresh.get(key)
        if cached is not None and self._same_sources(directory, cached):
            return ComponentIdentity.from_json(cached["identity"])
        pooled = self._pooled(key)
        # what a helper answered, the identity and the folder's files it read, if those are this folder's too (a
        # spec of several components was sent with the files of one)
        if pooled is not None and self._same_sources(directory, pooled[1]):
            self.fresh[key] = pooled[1]
            return pooled[0]
        loaded: dict[str, str | None] = {}

        def read_source(name: str) -> str | None:
            text = self._source(directory, name)
            loaded[name] = _digest(text)
            return text

        identity = combine(spec_identities(spec_text, self.macro_sets, sandbox=self.sandbox, read_source=read_source))
        self.fresh[key] = {"identity": identity.to_json(), "sources": loaded}
        return identity

    def _pooled(self, key: str) -> tuple[ComponentIdentity, dict[str, Any]] | None:
        """A helper's answer for the spec, if it gave one that reads as an identity (every value a string) and
        read only files it was sent: the identity, and its cache entry (else the spec is expanded here). The
        entry keeps the identity as the helper wrote it: it is only ever read back through from_json."""
        answer = self.pool.take(key) if self.pool is not None else None
        folder = self.folders.pop(key, None)
        if not isinstance(answer, dict) or not _only_strings(answer) or not isinstance(answer.get("read"), list):
            return None
        texts = folder["texts"] if folder is not None else {}
        if (folder is None and answer["read"]) or (folder is not None and not set(folder["withheld"]).isdisjoint(answer["read"])):
            return None
        try:
            identity = ComponentIdentity.from_json(answer["identity"])
        except (KeyError, TypeError, ValueError):
            return None
        sources = {name: _digest(texts.get(name)) for name in answer["read"]}
        return identity, {"identity": answer["identity"], "sources": sources}

    def _folders(self, specs: Mapping[str, tuple[str, str]]) -> dict[str, Folder]:
        """For each spec (key: its folder and text), the files of its folder its helper gets: the text of each one
        _source() reads that the spec's text names, by name, and the names of the others (a spec reading one of
        those is expanded here). The files are read in one batch."""
        if not specs:
            return {}
        if self._listing is None:
            self._listing = {}
            for path, entry in self.tree.entries().items():
                parent, _, name = path.rpartition("/")
                self._listing.setdefault(parent, []).append((name, entry.size))
        sent: dict[str, list[str]] = {}
        withheld: dict[str, list[str]] = {}
        for key, (directory, text) in specs.items():
            total = 0
            for name, size in sorted(self._listing.get(directory, []) if directory else []):
                if name in text and size <= FOLDER_FILE_BYTES and total + size <= FOLDER_BYTES:
                    sent.setdefault(key, []).append(name)
                    total += size
                else:
                    withheld.setdefault(key, []).append(name)
        blobs = read_readable(self.tree, {posixpath.join(specs[key][0], name) for key, names in sent.items() for name in names})
        folders: dict[str, Folder] = {}
        for key, (directory, _) in specs.items():
            paths = ((name, posixpath.join(directory, name)) for name in sent.get(key, []))
            folders[key] = {"texts": {name: blobs[path].decode("utf-8", errors="replace") for name, path in paths
                                      if path in blobs},
                            "withheld": withheld.get(key, [])}
        return folders

    def _source(self, directory: str, name: str) -> str | None:
        """A file of the spec's own folder (``%{load:%{_sourcedir}/...}``); nothing outside it."""
        if not name or "/" in name or name in (".", "..") or not directory:
            return None
        try:
            return self.tree.read_bytes(posixpath.join(directory, name)).decode("utf-8", errors="replace")
        except TreeError:
            return None

    def _same_sources(self, directory: str, entry: Mapping[str, Any]) -> bool:
        """Whether the folder's files an identity's expansion read (a cache entry's "sources") are the same in
        `directory`: then the identity is this folder's spec's too."""
        return all(_digest(self._source(directory, name)) == digest for name, digest in entry["sources"].items())


def _digest(text: str | None) -> str | None:
    """How a cache entry records a file of the spec's folder the expansion read (None: there was none)."""
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()
