"""Metadata extraction from RPM ``.spec`` files, without rpm.

Pedigree reads thousands of rendered Fedora / Azure Linux specs on every
ingest, so this parser is deliberately *not* rpmbuild: it makes one linear
pass over the text, never runs shell or Lua, and never evaluates
conditionals. What it does reproduce from rpm is the line structure (section
headers, preamble tags, ``%global``/``%define`` bodies that continue over
several lines) and a bounded, best-effort subset of macro expansion (macros.py),
enough to turn ``Name: python-%{srcname}`` into ``python-foo``.

Pure Python and free of Django on purpose: it is used by ingestion, tests and
offline tools alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .macros import MACRO_NAME_RE, expand_macros

__all__ = [
    "SECTION_NAMES", "ParsedSpec", "SourcesEntry", "SourcesFileError", "SpecSection",
    "SpecTag", "expand_macros", "parse_sources_file", "parse_spec",
]  # fmt: skip

SECTION_NAMES = frozenset(
    "%package %description %prep %build %install %check %clean %files %changelog"
    " %pre %post %preun %postun %pretrans %posttrans %preuntrans %postuntrans"
    " %triggerin %triggerun %triggerpostun %triggerprein"
    " %filetriggerin %filetriggerun %filetriggerpostun"
    " %transfiletriggerin %transfiletriggerun %transfiletriggerpostun"
    " %verifyscript %conf %generate_buildrequires %patchlist %sourcelist %sepolicy".split()
)
_METADATA_TAGS = ("name", "epoch", "version", "release", "license", "url", "summary")
_TAG_RE = re.compile(r"([A-Za-z][A-Za-z0-9_()-]*?)\s*:\s*(.*)")
_SOURCE_RE = re.compile(r"source\d*", re.I)
_PATCH_RE = re.compile(r"patch\d*", re.I)
_DEFINE_RE = re.compile(r"%(global|define|undefine)\s+(\S+)\s*(.*)", re.S)
_AUTORELEASE_RE = re.compile(r"%\{?[?!]*autorelease\b")
_RELEASE_NUMBER_RE = re.compile(r"^\s*release_number\s*=\s*(\d+)\s*;", re.M)
_AUTOSPEC_START = "## START: Set by rpmautospec"
_AUTOSPEC_END = "## END: Set by rpmautospec"
_CONDITIONAL_PREFIXES = ("%if", "%elif", "%else", "%endif")
# rpm joins physical lines while %{ %( %[ are unbalanced or a line ends in "\".
_DNL_RE = re.compile(r"(?<!%)%dnl\b.*")  # rpm's %dnl drops the rest of its line, newline included
_CONTINUATION_TOKEN = re.compile(r"\\(?:.|$)|%[%{(\[]|[{}()\[\]]")
_OPENERS = {"%{": 0, "%(": 1, "%[": 2}
_NESTING = {"{": (0, 1), "}": (0, -1), "(": (1, 1), ")": (1, -1), "[": (2, 1), "]": (2, -1)}
_OPTIONS_WITH_ARGUMENT = frozenset({"-f", "-p", "-n", "-P", "-l"})


@dataclass(frozen=True, slots=True)
class SpecTag:
    """One ``Name: value`` preamble line, attributed to its (sub-)package."""

    name: str  # as written, e.g. "BuildRequires", "Source0", "Requires(post)"
    value: str  # raw value, stripped; continuation lines joined with a space
    line: int  # 1-based line of the tag's first physical line
    package: str | None  # None = main preamble; else the %package qualifier as written
    absolute: bool  # True when the %package header used "-n"


@dataclass(frozen=True, slots=True)
class SpecSection:
    """A ``%section`` header and the line range it governs."""

    name: str  # "%files", "%package", ... lower-case as written
    package: str | None  # qualifier as written ("devel", or "foo" for "-n foo"); None = main
    absolute: bool  # True when the qualifier came from "-n"
    args: str  # rest of the header line, stripped
    start_line: int  # 1-based line of the header
    end_line: int  # 1-based last line before the next header (or end of file)


@dataclass(frozen=True, slots=True)
class ParsedSpec:
    """Everything Pedigree reads from a spec; raw values plus best-effort expansions.

    The seven metadata fields are the raw first occurrence in the main preamble; the
    ``*_expanded`` twins went through expand_macros (see parse_spec for the macro table).
    """

    name: str | None
    epoch: str | None
    version: str | None
    release: str | None
    license: str | None
    url: str | None
    summary: str | None
    name_expanded: str | None
    version_expanded: str | None
    release_expanded: str | None
    epoch_expanded: str | None
    license_expanded: str | None
    url_expanded: str | None
    summary_expanded: str | None
    unexpanded_macros: tuple[str, ...]  # names left in any *_expanded field, sorted
    sources: tuple[SpecTag, ...]  # Source/SourceN tags of any package, in file order
    patches: tuple[SpecTag, ...]  # Patch/PatchN tags of any package, in file order
    patchlist: tuple[str, ...]  # non-blank, non-comment lines of %patchlist
    sourcelist: tuple[str, ...]  # same for %sourcelist
    tags: tuple[SpecTag, ...]  # every preamble tag, main and sub-packages
    sections: tuple[SpecSection, ...]
    binary_packages: tuple[str, ...]  # expanded main Name, then each %package, deduplicated
    uses_autorelease: bool  # Release uses %autorelease, directly or through a macro
    uses_autochangelog: bool  # %changelog uses %autochangelog
    autorelease_number: int | None  # release_number from the rpmautospec header block


# --------------------------------------------------------------------------- spec lines

_SECTION_ALTERNATION = "|".join(sorted((s[1:] for s in SECTION_NAMES), key=len, reverse=True))
# A literal "\n%" prefix lets the regex engine skip ahead fast; \s covers end of line.
_HEADER_RE = re.compile(r"\n(%(?:" + _SECTION_ALTERNATION + r"))(?=\s|\Z)")
_FIRST_HEADER_RE = re.compile(r"%(?:" + _SECTION_ALTERNATION + r")(?=\s|\Z)")
_DEFINITION_LINE_RE = re.compile(r"\n[ \t]*%(?:global|define|undefine)\s")


def _headers(text: str) -> list[tuple[int, int, str]]:
    """(1-based line, offset, name) of every section header; headers sit in column 0."""
    found = []
    first = _FIRST_HEADER_RE.match(text)
    if first is not None:
        found.append((1, 0, first.group()))
    line, last = 1, 0
    for m in _HEADER_RE.finditer(text):
        line += text.count("\n", last, m.end(1))
        last = m.end(1)
        found.append((line, m.start(1), m.group(1)))
    return found


def _scan(line: str, depth: tuple[int, int, int]) -> tuple[bool, tuple[int, int, int]]:
    """rpm's open (%{, %(, %[) counts after ``line``, and whether it ends in a lone "\\"."""
    if not any(depth) and "%{" not in line and "%(" not in line and "%[" not in line:
        return (len(line) - len(line.rstrip("\\"))) % 2 == 1, depth
    counts, backslash = list(depth), False
    for m in _CONTINUATION_TOKEN.finditer(line):
        t = m.group()
        if t in _OPENERS:
            counts[_OPENERS[t]] += 1
        elif t in _NESTING:
            slot, step = _NESTING[t]
            counts[slot] += step if counts[slot] else 0  # plain brackets count only inside
        else:
            backslash = backslash or t == "\\"
    return backslash, (counts[0], counts[1], counts[2])


def _logical_line(text: str, pos: int, end: int) -> tuple[list[str], int]:
    """Physical lines from ``pos`` joined as rpm joins them, never past ``end``.

    Returns the pieces (continuation backslash removed) and the offset after them.
    """
    pieces: list[str] = []
    depth = (0, 0, 0)
    while True:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        line = text[pos:stop]
        backslash, depth = _scan(line, depth)
        pieces.append(line[:-1] if backslash else line)
        pos = stop + 1
        if not (backslash or any(depth)) or pos >= end:
            return pieces, pos


def _qualifier(args: str) -> tuple[str | None, bool]:
    """Sub-package named by a section header's arguments: (name as written, absolute)."""
    words = iter(args.split())
    suffix = None
    for word in words:
        if word == "--":
            break
        if word == "-n":
            target = next(words, None)
            if target is not None:
                return target, True
        elif word in _OPTIONS_WITH_ARGUMENT:
            next(words, None)
        elif suffix is None and not word.startswith("-"):
            suffix = word
    return suffix, False


def _autorelease_number(text: str) -> int | None:
    """release_number from the ``## START/END: Set by rpmautospec`` header block."""
    start = text.find(_AUTOSPEC_START)
    if start < 0 or (start > 0 and text[start - 1] != "\n"):
        return None
    end = text.find(_AUTOSPEC_END, start)
    m = _RELEASE_NUMBER_RE.search(text, start, end if end >= 0 else len(text))
    return int(m.group(1)) if m else None


def _define(logical: str, macros: dict[str, str]) -> None:
    """Record a non-parametric %global/%define (or drop an %undefine'd name)."""
    m = _DEFINE_RE.match(logical)
    if m is not None:
        verb, name, body = m.groups()
        if verb == "undefine":
            macros.pop(name, None)
        elif MACRO_NAME_RE.fullmatch(name):
            macros[name] = body.strip()


# --------------------------------------------------------------------------- parse_spec


def parse_spec(text: str) -> ParsedSpec:
    """Parse a spec in one linear pass; never raises on odd input.

    Conditionals (``%if``/``%ifarch``/``%else``...) are not evaluated: tags and macro
    definitions in every branch are collected, in file order. Macros are those of
    non-parametric ``%global``/``%define`` lines anywhere (``%undefine`` removes one)
    plus name/version/release/epoch/summary/license/url seeded from the main preamble's
    (expanded) tags; a value is expanded with the definitions seen *before* its line,
    so the last definition before a tag wins (on the corpus this matches the directory
    name more often than "first wins"). Comment lines never continue onto the next line.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return _SpecPass(text).run()


class _SpecPass:
    """Accumulators of one parse_spec call. Only preamble lines are visited one by one;
    section bodies are searched with str/regex scans, which is what keeps it fast."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.macros: dict[str, str] = {}
        self.meta: dict[str, tuple[str, str, tuple[str, ...]]] = {}  # raw, expanded, left
        self.tags: list[SpecTag] = []
        self.sections: list[SpecSection] = []
        self.subpackages: list[str] = []
        self.lists: dict[str, list[str]] = {"%patchlist": [], "%sourcelist": []}
        self.autochangelog = False

    def run(self) -> ParsedSpec:
        text = self.text
        total = text.count("\n") + (not text.endswith("\n"))
        headers = _headers(text)
        ends = [(line - 1, pos) for line, pos, _ in headers[1:]] + [(total, len(text))]
        self.preamble(0, headers[0][1] if headers else len(text), 1, None, False)
        for (line, pos, name), (end_line, end) in zip(headers, ends):
            stop = text.find("\n", pos, end)
            body = end if stop < 0 else stop + 1
            args = text[pos + len(name) : body].strip()
            package, absolute = _qualifier(args)
            self.sections.append(SpecSection(name, package, absolute, args, line, end_line))
            if name == "%package":
                self.subpackage(package, absolute)
                self.preamble(body, end, line + 1, package, absolute)
            else:
                self.body(name, body, end)
        return self.assemble()

    def subpackage(self, package: str | None, absolute: bool) -> None:
        if package is not None:
            expanded = expand_macros(package, self.macros)[0]
            if not absolute:
                main = self.meta["name"][1] if "name" in self.meta else ""
                expanded = f"{main}-{expanded}"
            self.subpackages.append(expanded)

    def preamble(self, pos: int, end: int, line: int, package: str | None, absolute: bool) -> None:
        text, main = self.text, not self.sections
        while pos < end:
            stop = text.find("\n", pos, end)
            stop = end if stop < 0 else stop
            logical = text[pos:stop].strip()
            if not logical or logical[0] == "#":
                pos, line = stop + 1, line + 1
                continue
            is_macro = logical[0] == "%"
            if logical[-1] == "\\" or ("%" in logical and any(_scan(logical, (0, 0, 0))[1])):
                pieces, pos = _logical_line(text, pos, end)
                count = len(pieces)
                logical = "\n".join(pieces) if is_macro else " ".join(filter(None, (_DNL_RE.sub("", p).strip() for p in pieces)))
                logical = logical.strip()
            else:
                pos, count = stop + 1, 1
            if is_macro:
                _define(logical, self.macros)
            elif (m := _TAG_RE.match(logical)) is not None:
                tag = SpecTag(m.group(1), m.group(2).strip(), line, package, absolute)
                self.tags.append(tag)
                key = tag.name.lower()
                if main and key in _METADATA_TAGS and key not in self.meta:
                    expanded, left = expand_macros(tag.value, self.macros)
                    self.meta[key] = (tag.value, expanded, left)
                    self.macros[key] = expanded
            line += count

    def body(self, name: str, pos: int, end: int) -> None:
        text = self.text
        resume = pos
        for m in _DEFINITION_LINE_RE.finditer(text, pos - 1, end):
            if m.start() >= resume - 1:
                pieces, resume = _logical_line(text, m.start() + 1, end)
                _define("\n".join(pieces).lstrip(), self.macros)
        if name == "%changelog" and text.find("autochangelog", pos, end) >= 0:
            self.autochangelog = self.autochangelog or any(
                "autochangelog" in s and not s.lstrip().startswith("#")
                for s in text[pos:end].split("\n")
            )
        elif name in self.lists:
            for raw in text[pos:end].split("\n"):
                entry = raw.strip()
                if entry and not entry.startswith(("#", *_CONDITIONAL_PREFIXES)):
                    self.lists[name].append(entry)

    def assemble(self) -> ParsedSpec:
        """Build the immutable result from what the pass collected."""
        raw = {key: value[0] for key, value in self.meta.items()}
        expanded = {key: value[1] for key, value in self.meta.items()}
        name, release = expanded.get("name"), raw.get("release")
        binary = ([name] if name is not None else []) + self.subpackages
        tags = self.tags
        fields = {key: raw.get(key) for key in _METADATA_TAGS}
        fields.update({f"{key}_expanded": expanded.get(key) for key in _METADATA_TAGS})
        return ParsedSpec(
            **fields,
            unexpanded_macros=tuple(sorted({n for value in self.meta.values() for n in value[2]})),
            sources=tuple(t for t in tags if _SOURCE_RE.fullmatch(t.name)),
            patches=tuple(t for t in tags if _PATCH_RE.fullmatch(t.name)),
            patchlist=tuple(self.lists["%patchlist"]),
            sourcelist=tuple(self.lists["%sourcelist"]),
            tags=tuple(tags),
            sections=tuple(self.sections),
            binary_packages=tuple(dict.fromkeys(binary)),
            uses_autorelease=any(  # also via a macro: Release: %{pkg_release}
                _AUTORELEASE_RE.search(value) for value in (release, expanded.get("release")) if value
            ),
            uses_autochangelog=self.autochangelog,
            autorelease_number=_autorelease_number(self.text),
        )


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class SourcesEntry:
    """One line of a dist-git ``sources`` file: which digest a lookaside file must have."""

    algorithm: str  # "SHA512", "SHA256", "MD5", ... upper-case
    filename: str
    digest: str  # lower-case hex


class SourcesFileError(ValueError):
    """A ``sources`` file line that is malformed or names an unsafe file."""


_DIGEST_LENGTHS = {"MD5": 32, "SHA1": 40, "SHA224": 56, "SHA256": 64, "SHA384": 96, "SHA512": 128}
_LEGACY_ALGORITHMS = {32: "MD5", 64: "SHA256", 128: "SHA512"}
_HEX_RE = re.compile(r"[0-9a-fA-F]+")


def parse_sources_file(text: str) -> list[SourcesEntry]:
    """Parse ``ALGO (filename) = hex`` and legacy ``hex  filename`` lines.

    Strict because the entries later name files to fetch and verify: unknown formats,
    digests of the wrong length, and filenames that could leave a directory ("/",
    "..", ".", empty, NUL) raise SourcesFileError with the 1-based line number.
    """
    entries = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        head, paren, rest = line.partition(" (")
        filename, close, digest = rest.rpartition(") = ")
        if paren and close and head.upper() in _DIGEST_LENGTHS:
            algorithm = head.upper()
        else:
            digest, _, filename = line.replace("\t", " ").partition(" ")
            filename = filename.lstrip().removeprefix("*")
            algorithm = _LEGACY_ALGORITHMS.get(len(digest), "")
            if not algorithm or not filename:
                raise SourcesFileError(f"line {number}: not a sources entry: {line[:80]!r}")
        if _HEX_RE.fullmatch(digest) is None or len(digest) != _DIGEST_LENGTHS[algorithm]:
            raise SourcesFileError(f"line {number}: bad {algorithm} digest for {filename!r}")
        if filename in ("", ".", "..") or "/" in filename or "\0" in filename:
            raise SourcesFileError(f"line {number}: unsafe filename {filename!r}")
        entries.append(SourcesEntry(algorithm, filename, digest.lower()))
    return entries
