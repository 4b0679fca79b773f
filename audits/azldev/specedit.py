"""azldev's line-level model of a spec and the spec edits overlays make.

This deliberately mirrors azldev (internal/rpm/spec/spec.go and edit.go), not rpm:
a spec is a list of physical lines; a line whose first word is a known section
name (any indentation, case-insensitive name, but kept as written) starts a
section; only lines of the preamble and of ``%package`` sections can be tags
(``Name: value``); there is no macro expansion, no continuation joining and no
conditional evaluation. Reproducing those simplifications is the point: an
overlay succeeds or fails here exactly when it does in azldev.

Pure Python, no Django. ``specfile.py`` is the richer metadata parser; this
module is the editing model and is kept separate so edits stay faithful. The Go RE2
regexes of search-and-replace edits are ``re2.py``'s, the doublestar globs ``globs.py``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .globs import glob_match
from .re2 import Re2Pattern

__all__ = [
    "Header", "Section", "SpecDoc", "SpecEditError", "Tag", "join_lines", "parse_line", "patch_number", "reread_lines",
    "split_lines",
]  # fmt: skip

# --------------------------------------------------------------------------- line model

PACKAGE, SCRIPT, RAW, CHANGELOG, FILES, SOURCE_LIST = "package", "script", "raw", "changelog", "files", "source-list"

# spec.go sectionTypesByName: note %verify (not %verifyscript) and no %sepolicy.
SECTION_TYPES = {
    "%package": PACKAGE, "%description": RAW, "%files": FILES, "%changelog": CHANGELOG,
    "%patchlist": SOURCE_LIST, "%sourcelist": SOURCE_LIST,
    **{f"%{name}": SCRIPT for name in (
        "prep conf build install check clean generate_buildrequires pre post preun postun pretrans"
        " posttrans preuntrans postuntrans verify triggerin triggerun triggerprein triggerpostun"
        " filetriggerin filetriggerun filetriggerpostun transfiletriggerin transfiletriggerun"
        " transfiletriggerpostun"
    ).split()},
}  # fmt: skip
# Go's \s is ASCII [\t\n\f\r ]; tagRegex = ^\s*([^\s:]+):\s*(.*?)\s*$ on the trimmed line.
_TAG_RE = re.compile(r"[\t\n\f\r ]*([^\t\n\f\r :]+):[\t\n\f\r ]*(.*?)[\t\n\f\r ]*\Z")
_FLAGS_WITH_ARGUMENT = frozenset({"-f", "-p", "-l", "-P"})
# bufio.Scanner's default token limit: a longer line makes azldev fail to read the spec.
MAX_LINE_BYTES = 64 * 1024


class SpecEditError(Exception):
    """A spec edit that azldev would refuse (missing section, tag, match...)."""


@dataclass(frozen=True, slots=True)
class Header:
    name: str  # first word as written, e.g. "%files"
    type: str
    package: str  # "" for the main package and for %changelog / %patchlist / %sourcelist


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    value: str


def split_lines(text: str) -> list[str]:
    """Lines as bufio.ScanLines reads them: split on \\n, one trailing \\r dropped per line."""
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


def join_lines(lines: list[str]) -> str:
    """Spec.Serialize: every line followed by \\n."""
    return "".join(line + "\n" for line in lines)


def reread_lines(lines: Iterable[str]) -> list[str]:
    """Lines as they read back after azldev's serialise/re-read round trip."""
    return [piece for line in lines for piece in split_lines(str(line) + "\n")]


def section_package(type_: str, tokens: list[str]) -> str:
    """GetPackageNameFromSectionHeader: ``-n NAME`` wins, else the first bare word."""
    if type_ in (CHANGELOG, SOURCE_LIST):
        return ""
    full, suffix, i = "", "", 1
    while i < len(tokens):
        token = tokens[i]
        if token == "--":  # trigger condition follows
            break
        if token == "-n":
            if i + 1 < len(tokens):
                full = tokens[i + 1]
            i += 2
        elif token in _FLAGS_WITH_ARGUMENT:
            i += 2
        elif token.startswith("-"):
            i += 1
        else:
            suffix = suffix or token
            i += 1
    return full or suffix


def parse_line(raw: str, section_type: str) -> Header | Tag | None:
    """One physical line as azldev parses it, given the type of the section it is in."""
    logical = "" if raw.startswith("#") else raw.strip()
    if not logical:
        return None
    tokens = logical.split()
    if tokens[0].startswith("%"):
        type_ = SECTION_TYPES.get(tokens[0].lower())
        if type_ is not None:
            return Header(tokens[0], type_, section_package(type_, tokens))
    if section_type == PACKAGE:
        m = _TAG_RE.match(logical)
        if m is not None:
            return Tag(m.group(1), m.group(2))
    return None


@dataclass(frozen=True, slots=True)
class Section:
    """A section's identity and its half-open line range [header, end); header -1 = preamble."""

    name: str
    type: str
    package: str
    header: int
    end: int

    @property
    def body(self) -> range:
        return range(self.header + 1, self.end)


def _conditional_change(raw: str) -> int:
    """+1 for %if/%ifarch/%ifnarch/%ifos/%ifnos, -1 for %endif (edit.go conditionalDepthChange)."""
    trimmed = raw.strip()
    if not trimmed or trimmed.startswith("#"):
        return 0
    word = trimmed.split()[0].lower()
    if word == "%endif":
        return -1
    return 1 if word in ("%if", "%ifarch", "%ifnarch", "%ifos", "%ifnos") else 0


def _is_branch(raw: str) -> bool:
    trimmed = raw.strip()
    if not trimmed or trimmed.startswith("#"):
        return False
    return trimmed.split()[0].lower() in ("%else", "%elif", "%elifarch", "%elifnarch", "%elifos", "%elifnos")


def _blank_or_comment(raw: str) -> bool:
    trimmed = raw.strip()
    return not trimmed or trimmed.startswith("#")


def patch_number(tag: str) -> int | None:
    """ParsePatchTagNumber: N of ``PatchN`` (strconv.Atoi rules), None for anything else."""
    lower = tag.lower()
    if not lower.startswith("patch"):
        return None
    suffix = lower[5:]
    if not re.fullmatch(r"[+-]?[0-9]+", suffix):
        return None
    number = int(suffix)
    return number if -(2**63) <= number < 2**63 else None


class SpecDoc:
    """A spec being edited: its lines plus, per line, which overlay last wrote it.

    ``marks`` lets the engine report where each overlay's lines ended up in the
    final text; an edit takes the mark (an overlay position, or None) to stamp.
    """

    def __init__(self, lines: list[str], marks: list[int | None] | None = None):
        self.lines = lines
        self.marks: list[int | None] = marks if marks is not None else [None] * len(lines)

    @classmethod
    def from_text(cls, text: str) -> SpecDoc:
        return cls(split_lines(text))

    def text(self) -> str:
        return join_lines(self.lines)

    def reopen(self) -> None:
        """Serialise and re-read, as azldev does between overlays: lines with embedded
        newlines (from a multi-line replacement) become several lines."""
        if not any("\n" in line or line.endswith("\r") for line in self.lines):
            return
        lines: list[str] = []
        marks: list[int | None] = []
        for line, mark in zip(self.lines, self.marks):
            pieces = split_lines(line + "\n")
            lines.extend(pieces)
            marks.extend([mark] * len(pieces))
        self.lines, self.marks = lines, marks

    def too_long_line(self) -> int | None:
        """1-based number of the first line bufio.Scanner could not read, if any."""
        for number, line in enumerate(self.lines, start=1):
            # A UTF-8 character is at most 4 bytes, so short lines need no encoding.
            if len(line) * 4 >= MAX_LINE_BYTES and len(line.encode("utf-8", "surrogateescape")) >= MAX_LINE_BYTES:
                return number
        return None

    # ----------------------------------------------------------------- structure

    def walk(self) -> Iterator[tuple[int, Header | Tag | None, Section]]:
        """(index, parsed line, section it belongs to) for every line, headers included."""
        sections = self.sections()
        current = 0
        for i, line in enumerate(self.lines):
            while current + 1 < len(sections) and sections[current + 1].header <= i:
                current += 1
            yield i, parse_line(line, sections[current].type), sections[current]

    def sections(self) -> list[Section]:
        """The preamble, then every section in file order."""
        found: list[tuple[int, Header]] = []
        type_ = PACKAGE
        for i, line in enumerate(self.lines):
            parsed = parse_line(line, type_)
            if isinstance(parsed, Header):
                found.append((i, parsed))
                type_ = parsed.type
        result = []
        starts = [-1] + [i for i, _ in found]
        ends = [i for i, _ in found] + [len(self.lines)]
        headers = [Header("", PACKAGE, "")] + [h for _, h in found]
        for start, end, header in zip(starts, ends, headers):
            result.append(Section(header.name, header.type, header.package, start, end))
        return result

    def matching(self, name: str, package: str) -> list[Section]:
        return [s for s in self.sections() if s.name == name and s.package == package]

    def tags(self, package: str | None = None) -> list[tuple[int, Tag, Section]]:
        """Tag lines, of one package (as written on its headers) or of all when None."""
        return [
            (i, parsed, section)
            for i, parsed, section in self.walk()
            if isinstance(parsed, Tag) and (package is None or section.package == package)
        ]

    def has_section(self, name: str) -> bool:
        return any(s.name == name and s.header >= 0 for s in self.sections())

    # ----------------------------------------------------------------- primitive edits

    def insert(self, index: int, lines: list[str], mark: int | None) -> None:
        self.lines[index:index] = lines
        self.marks[index:index] = [mark] * len(lines)

    def replace(self, index: int, line: str, mark: int | None) -> None:
        self.lines[index] = line
        self.marks[index] = mark

    def delete(self, start: int, end: int) -> None:
        del self.lines[start:end]
        del self.marks[start:end]

    # ----------------------------------------------------------------- section edits

    def append_to_section(self, name: str, package: str, lines: list[str], mark: int | None) -> None:
        """AppendLinesToSection: before the next section header, i.e. after trailing blanks."""
        targets = self.matching(name, package)
        if not targets:
            raise SpecEditError(f"section {name!r} (package={package!r}) not found")
        for section in reversed(targets):
            self.insert(section.end, lines, mark)

    def prepend_to_section(self, name: str, package: str, lines: list[str], mark: int | None) -> None:
        """PrependLinesToSection: right after the header (the preamble has none: top of file)."""
        targets = self.matching(name, package)
        if not targets:
            raise SpecEditError(f"section {name!r} (package={package!r}) not found")
        for section in reversed(targets):
            self.insert(section.header + 1, lines, mark)

    def remove_sections(self, predicate: Callable[[Section], bool], what: str) -> int:
        """collectSectionRanges + balanceRange + removeRanges; returns lines removed."""
        ranges = [(s.header, s.end) for s in self.sections() if s.header >= 0 and predicate(s)]
        if not ranges:
            raise SpecEditError(f"{what} not found")
        pairs = self._conditional_pairs()
        balanced = [self._balance(start, end, pairs) for start, end in ranges]
        removed = 0
        for start, end in reversed(balanced):
            removed += end - start
            self.delete(start, end)
        return removed

    def _conditional_pairs(self) -> list[tuple[int, int]]:
        pairs, stack = [], []
        for i, line in enumerate(self.lines):
            change = _conditional_change(line)
            if change == 1:
                stack.append(i)
            elif change == -1:
                if not stack:
                    raise SpecEditError(f"failed to parse conditional structure: unmatched %endif at line {i + 1}")
                pairs.append((stack.pop(), i))
        if stack:
            raise SpecEditError(f"failed to parse conditional structure: unmatched %if at line {stack[0] + 1}")
        return pairs

    def _content_between(self, after: int, end: int) -> bool:
        return any(
            not _blank_or_comment(self.lines[i]) and _conditional_change(self.lines[i]) == 0
            for i in range(after + 1, end)
        )

    def _balance(self, start: int, end: int, pairs: list[tuple[int, int]]) -> tuple[int, int]:
        """Keep %if/%endif lines whose partner lies outside the range (edit.go balanceRange)."""
        spans = (
            f"section at lines {start + 1}-{end} has a conditional block that spans into the next "
            "section; use a spec-search-replace overlay to adjust conditionals before removing"
        )
        trimmed = end
        for if_line, endif_line in pairs:
            if_inside, endif_inside = start <= if_line < end, start <= endif_line < end
            if if_inside == endif_inside:
                continue
            trimmed = min(trimmed, if_line if if_inside else endif_line)
            if if_inside and self._content_between(if_line, end):
                raise SpecEditError(spans)
        for i in range(start, end):
            if not _is_branch(self.lines[i]):
                continue
            for if_line, endif_line in pairs:
                if if_line <= i <= endif_line:
                    if not (if_line >= start and endif_line < end):
                        raise SpecEditError(
                            f"section at lines {start + 1}-{end} contains a %else/%elif branch directive inside a "
                            "conditional block that extends beyond the section boundary"
                        )
                    break
        if trimmed != end and self._content_between(trimmed - 1, end):
            raise SpecEditError(spans)
        return start, trimmed

    # ----------------------------------------------------------------- tag edits

    def add_tag(self, package: str, tag: str, value: str, mark: int | None) -> None:
        """AddTag: append ``Tag: value`` to the end of the (sub-)package's preamble."""
        self.append_to_section("%package" if package else "", package, [f"{tag}: {value}"], mark)

    def update_tags(self, package: str, tag: str, value: str, mark: int | None) -> int:
        """UpdateExistingTag: rewrite *every* matching tag of the package as ``Tag: value``."""
        wanted = tag.lower()
        hits = [i for i, t, _ in self.tags(package) if t.name.lower() == wanted]
        for i in hits:
            self.replace(i, f"{tag}: {value}", mark)
        return len(hits)

    def remove_tags(self, package: str, matches: Callable[[Tag], bool]) -> int:
        hits = [i for i, t, _ in self.tags(package) if matches(t)]
        for i in reversed(hits):
            self.delete(i, i + 1)
        return len(hits)

    def insert_tag(self, package: str, tag: str, value: str, mark: int | None) -> None:
        """InsertTag: after the last tag of the same family, else the last tag, else AddTag;
        moved past the %endif when that point is inside a conditional."""
        name = "%package" if package else ""
        targets = self.matching(name, package)
        if not targets:
            raise SpecEditError(f"section {name!r} (package={package!r}) not found")
        family = tag_family(tag)
        last_family = last_any = -1
        for section in targets:
            for i in range(section.header + 1, section.end):
                parsed = parse_line(self.lines[i], section.type)
                if isinstance(parsed, Tag):
                    last_any = i
                    if tag_family(parsed.name) == family:
                        last_family = i
        after = last_family if last_family >= 0 else last_any
        if after < 0:
            self.add_tag(package, tag, value, mark)
            return
        after = self._skip_past_conditional(after, targets[-1].end)
        self.insert(after + 1, [f"{tag}: {value}"], mark)

    def _skip_past_conditional(self, line: int, section_end: int) -> int:
        depth = sum(_conditional_change(self.lines[i]) for i in range(min(line + 1, len(self.lines))))
        if depth <= 0:
            return line
        for i in range(line + 1, min(section_end, len(self.lines))):
            depth += _conditional_change(self.lines[i])
            if depth <= 0:
                return i
        return line

    # ----------------------------------------------------------------- search and replace

    def search_replace(
        self, section: str, package: str, pattern: Re2Pattern, replacement: str, mark: int | None
    ) -> int:
        """SearchAndReplace: per physical line; never on section header lines; an empty
        ``section`` means every section and an empty ``package`` means any package.
        Returns the number of lines changed."""
        changed = 0
        type_, name, owner = PACKAGE, "", ""
        for i, line in enumerate(self.lines):
            parsed = parse_line(line, type_)
            if isinstance(parsed, Header):
                type_, name, owner = parsed.type, parsed.name, parsed.package
                continue
            if (section and name != section) or (package and owner != package):
                continue
            new = pattern.replace_all_literal(line, replacement)
            if new == line:
                continue
            self.replace(i, new, mark)
            changed += 1
            reparsed = parse_line(new, type_)  # a rewritten line may now start a section
            if isinstance(reparsed, Header):
                type_, name, owner = reparsed.type, reparsed.name, reparsed.package
        return changed

    # ----------------------------------------------------------------- patches

    def highest_patch_number(self) -> int:
        """GetHighestPatchTagNumber: bare ``Patch:`` tags count as 0, 1, ..."""
        highest, unnumbered = -1, 0
        for _, tag, _ in self.tags():
            number = patch_number(tag.name)
            if number is not None and number > highest:
                highest = number
            elif tag.name.lower() == "patch":
                unnumbered += 1
        return max(highest, unnumbered - 1)

    def add_patch_entry(self, package: str, filename: str, mark: int | None) -> str:
        """AddPatchEntry: append to %patchlist if there is one, else add Patch<highest+1>."""
        if self.has_section("%patchlist"):
            self.append_to_section("%patchlist", "", [filename], mark)
            return "%patchlist"
        tag = f"Patch{self.highest_patch_number() + 1}"
        self.add_tag(package, tag, filename, mark)
        return tag

    def remove_patch_entries(self, pattern: str) -> int:
        """RemovePatchEntry: numbered PatchN tags of any package whose value matches the glob,
        then matching non-blank %patchlist lines. Raises when nothing matched."""
        removed = self.remove_tags_all_packages(
            lambda t: patch_number(t.name) is not None and glob_match(pattern, t.value)
        )
        if self.has_section("%patchlist"):
            hits = [
                i
                for s in self.sections()
                if s.name == "%patchlist"
                for i in s.body
                if self.lines[i].strip() and glob_match(pattern, self.lines[i].strip())
            ]
            for i in sorted(hits, reverse=True):
                self.delete(i, i + 1)
            removed += len(hits)
        if removed == 0:
            raise SpecEditError(f"no patches matching {pattern!r} found in spec")
        return removed

    def remove_tags_all_packages(self, matches: Callable[[Tag], bool]) -> int:
        hits = [i for i, t, _ in self.tags() if matches(t)]
        for i in reversed(hits):
            self.delete(i, i + 1)
        return len(hits)


def tag_family(tag: str) -> str:
    """Lower-cased tag name without trailing digits (an all-digit name stays whole)."""
    lower = tag.lower()
    stripped = lower.rstrip("0123456789")
    return stripped or lower
