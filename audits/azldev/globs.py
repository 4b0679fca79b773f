"""doublestar (v4) glob patterns, the dialect azldev uses for includes, overlay files and file overlays.

`*` and `?` stay inside one path segment, `**` as a whole segment spans any
number of them, `[...]`/`[!...]` are classes, `{a,b}` alternatives, `\\x` escapes.

Matching works on path segments and never backtracks across them (issue #18.3: a
regex such as ``(?:.*/)?`` repeated for ``**/**/**/...`` took exponential time on a
deep tree). A pattern is expanded into its brace alternatives, as doublestar
substitutes them, and each alternative split on ``/`` into segments. The name is
split the same way and matched by a set of positions in the pattern, advanced one
name segment at a time: at most (pattern segments) x (name segments) segment
comparisons. Inside a segment, a compiled regex whose pieces between stars are
atomic (``(?>.*?piece)``) matches in time linear in the segment. Patterns are
bounded in length, segments and alternatives; a larger one is a GlobError.

Which ``**`` is a globstar is decided on the pattern as written: a run of exactly two
stars with ``/`` or the edge of the pattern or of its brace alternative on both sides.
Where this differs from doublestar itself: a class (``[/]``, ``[!x]``) never matches
``/``; a globstar that is not a whole segment once braces are expanded (``x{**/y,z}``)
is a ``*``; and ``a/**/`` does not match ``a``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

MAX_PATTERN_LENGTH = 1024  # characters
MAX_SEGMENTS = 64  # path segments, counted over all brace alternatives
MAX_ALTERNATIVES = 32  # brace expansions of one pattern
MAX_BRACE_DEPTH = 8

_GLOB_META = "*?[{"

class GlobError(ValueError):
    """A glob pattern doublestar rejects, or one that could leave the sources directory."""


SegmentMatcher = Callable[[str], object]  # truthy when the name segment matches


@dataclass(frozen=True)
class _Alternative:
    """One brace alternative: its segments (None for ``**``); with at most one ``**``, the
    segments before it (`head`) and after it (`tail`)."""

    segments: tuple[SegmentMatcher | None, ...]
    head: tuple[SegmentMatcher, ...]
    tail: tuple[SegmentMatcher, ...]
    globstars: int

    @classmethod
    def of(cls, segments: list[SegmentMatcher | None]) -> _Alternative:
        globstars = segments.count(None)
        if globstars > 1:
            return cls(tuple(segments), (), (), globstars)
        split = segments.index(None) if globstars else len(segments)
        head = tuple(s for s in segments[:split] if s is not None)
        tail = tuple(s for s in segments[split + 1 :] if s is not None)
        return cls(tuple(segments), head, tail, globstars)

    def match(self, names: list[str]) -> tuple[bool, int]:
        """Whether the name segments match, and how many segment comparisons that took.

        Without ``**`` the segments pair up; with one, the segments after it match the
        last name segments and those before it the first. Otherwise `states` holds every
        pattern position reachable after the name segments read so far, each tried once
        per name segment: at most len(segments) * len(names) comparisons.
        """
        if self.globstars > 1:
            return self._match_positions(names)
        head, tail = self.head, self.tail
        count = len(names)
        if count < len(head) + len(tail) or (not self.globstars and count != len(head)):
            return False, 0
        steps = 0
        for offset, segment in enumerate(tail, start=count - len(tail)):
            steps += 1
            if not segment(names[offset]):
                return False, steps
        for part, segment in zip(names, head):
            steps += 1
            if not segment(part):
                return False, steps
        return True, steps

    def _match_positions(self, names: list[str]) -> tuple[bool, int]:
        segments = self.segments
        last = len(segments)
        steps = 0
        # Necessary and cheap: a first or last segment that is not `**` takes the first or
        # last name segment.
        for segment, part in ((segments[0], names[0]), (segments[-1], names[-1])):
            if segment is not None:
                steps += 1
                if not segment(part):
                    return False, steps
        states = _closure(segments, {0})
        for part in names:
            following: set[int] = set()
            for position in states:
                if position == last:
                    continue
                steps += 1
                segment = segments[position]
                if segment is None:
                    following.add(position)  # `**` takes this segment and may take more
                elif segment(part):
                    following.add(position + 1)
            if not following:
                return False, steps
            states = _closure(segments, following)
        return last in states, steps


@dataclass(frozen=True)
class Glob:
    """A compiled doublestar pattern: its brace alternatives, each split into segments."""

    pattern: str
    alternatives: tuple[_Alternative, ...]

    def match(self, name: str) -> bool:
        """doublestar.Match(pattern, name)."""
        return self.measure(name)[0]

    def measure(self, name: str) -> tuple[bool, int]:
        """Whether `name` matches, and how many segment comparisons that took."""
        names = name.split("/")
        steps = 0
        for alternative in self.alternatives:
            matched, work = alternative.match(names)
            steps += work
            if matched:
                return True, steps
        return False, steps


def _closure(segments: tuple[SegmentMatcher | None, ...], states: Iterable[int]) -> set[int]:
    """The positions plus those reached by letting each `**` take no segment."""
    result: set[int] = set()
    for position in states:
        result.add(position)
        while position < len(segments) and segments[position] is None:
            position += 1
            result.add(position)
    return result


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    """The compiled doublestar pattern; GlobError when it is malformed or too large."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise GlobError(
            f"glob pattern {_short(pattern)} is {len(pattern)} characters long; the limit is {MAX_PATTERN_LENGTH}"
        )
    # A character the pattern does not contain stands for its globstars while braces are
    # expanded (a pattern this short always leaves one of the 6,400 private-use characters).
    globstar = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in pattern)
    alternatives: list[_Alternative] = []
    total = 0
    for expanded in dict.fromkeys(_expand_braces(_mark_globstars(pattern, globstar, pattern), pattern)):
        parts = _split_segments(expanded, pattern)
        total += len(parts)
        if total > MAX_SEGMENTS:
            raise GlobError(
                f"glob pattern {_short(pattern)} has more than {MAX_SEGMENTS} path segments "
                "(counting every brace alternative)"
            )
        segments = [None if part == globstar else _segment_matcher(part, globstar, pattern) for part in parts]
        if len(segments) >= 2 and segments[-1] is None and segments[-2] is None:
            # `x/**/**` is `x/(?:.*/)?.*`: after x there must be a `/`, so the globstars
            # take at least one segment between them (only a lone trailing `/**` may take none).
            segments[-1] = _any_segment
        alternatives.append(_Alternative.of(segments))
    return Glob(pattern, tuple(alternatives))


def _any_segment(part: str) -> bool:
    return True


def _short(pattern: str) -> str:
    return repr(pattern) if len(pattern) <= 80 else f"{pattern[:60]!r}..."


def _mark_globstars(text: str, globstar: str, pattern: str, depth: int = 0) -> str:
    """`text` with every ``**`` that is a whole segment of it replaced by `globstar`; brace
    alternatives are marked as texts of their own (their edges count as segment edges)."""
    if depth > MAX_BRACE_DEPTH:
        raise GlobError(f"glob pattern {_short(pattern)} nests braces more than {MAX_BRACE_DEPTH} deep")
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            out.append(text[i : i + 2])
            i += 2
        elif c == "*":
            j = i
            while j < n and text[j] == "*":
                j += 1
            whole = j - i == 2 and (i == 0 or text[i - 1] == "/") and (j == n or text[j] == "/")
            out.append(globstar if whole else text[i:j])
            i = j
        elif c == "[":
            close = _class_end(text, i)
            if close < 0:
                raise GlobError(f"bad glob pattern {pattern!r}: unterminated [")
            out.append(text[i : close + 1])
            i = close + 1
        elif c == "{":
            end, parts = _alternatives(text, i, pattern)
            out.append("{" + ",".join(_mark_globstars(part, globstar, pattern, depth + 1) for part in parts) + "}")
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _expand_braces(marked: str, pattern: str) -> list[str]:
    """The pattern with each ``{a,b}`` replaced by each alternative in turn, as doublestar
    substitutes them (an alternative may hold ``/`` and ``**``); at most MAX_ALTERNATIVES."""
    done: list[str] = []
    pending = [(marked, 0)]
    while pending:
        text, start = pending.pop()
        brace = _index_brace(text, start)
        if brace < 0:
            done.append(text)
            if len(done) > MAX_ALTERNATIVES:
                raise GlobError(
                    f"glob pattern {_short(pattern)} has more than {MAX_ALTERNATIVES} brace alternatives"
                )
            continue
        end, alternatives = _alternatives(text, brace, pattern)
        for alternative in reversed(alternatives):
            pending.append((text[:brace] + alternative + text[end:], brace))
    return done


def _index_brace(text: str, start: int) -> int:
    """Index of the first ``{`` at or after `start` outside escapes and classes, or -1."""
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == "[":
            close = _class_end(text, i)
            if close < 0:
                return -1  # the unterminated class is reported when the segment is compiled
            i = close + 1
        elif c == "{":
            return i
        else:
            i += 1
    return -1


def _alternatives(text: str, brace: int, pattern: str) -> tuple[int, list[str]]:
    """The index after the ``}`` closing the brace at `brace`, and its comma-separated parts."""
    depth, j, start, parts = 1, brace + 1, brace + 1, []
    while j < len(text) and depth:
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                parts.append(text[start:j])
        elif text[j] == "," and depth == 1:
            parts.append(text[start:j])
            start = j + 1
        j += 1
    if depth:
        raise GlobError(f"bad glob pattern {pattern!r}: unterminated {{")
    return j, parts


def _class_end(text: str, i: int) -> int:
    """Index of the ``]`` closing the class opened at `i`, or -1 (also for an empty class)."""
    j = i + 1
    if j < len(text) and text[j] in "!^":
        j += 1
    first = j
    while j < len(text) and text[j] != "]":
        j += 2 if text[j] == "\\" else 1
    if j >= len(text) or j == first:
        return -1
    return j


def _split_segments(text: str, pattern: str) -> list[str]:
    """A brace-free pattern split on ``/`` outside classes; an escaped ``/`` separates too
    (doublestar matches it against the separator)."""
    parts: list[str] = []
    current: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and text[i + 1 : i + 2] == "/":
            parts.append("".join(current))
            current = []
            i += 2
        elif c == "\\":
            current.append(text[i : i + 2])
            i += 2
        elif c == "[":
            close = _class_end(text, i)
            if close < 0:
                raise GlobError(f"bad glob pattern {pattern!r}: unterminated [")
            current.append(text[i : close + 1])
            i = close + 1
        elif c == "/":
            parts.append("".join(current))
            current = []
            i += 1
        else:
            current.append(c)
            i += 1
    parts.append("".join(current))
    return parts


def _segment_matcher(segment: str, globstar: str, pattern: str) -> SegmentMatcher:
    """A matcher for one name segment: string equality for a literal, else a compiled regex.

    The segment is cut at its runs of ``*`` into fixed-length pieces. The first must match
    at the start and the last at the end; each piece between is matched at its leftmost
    occurrence, atomically: for fixed-length pieces separated by stars, the leftmost
    occurrence always leaves the most room for what follows, so nothing is lost by never
    reconsidering it, and the regex cannot backtrack polynomially (``*a*a*a*b``). A
    `globstar` mark left inside a segment (``x{**/y,z}`` gives ``x**/y``) is a star."""
    pieces: list[list[str]] = [[]]
    literal = True
    i, n = 0, len(segment)
    while i < n:
        c = segment[i]
        if c == "\\":
            pieces[-1].append(re.escape(segment[i + 1] if i + 1 < n else "\\"))
            i += 2
        elif c == "*" or c == globstar:  # a globstar inside a segment is a star
            while i < n and segment[i] in ("*", globstar):
                i += 1
            pieces.append([])
            literal = False
        elif c == "?":
            pieces[-1].append(".")
            literal = False
            i += 1
        elif c == "[":
            close = _class_end(segment, i)
            pieces[-1].append(_class_source(segment[i : close + 1]))
            literal = False
            i = close + 1
        else:
            pieces[-1].append(re.escape(c))
            i += 1
    if len(pieces) > 1 and not any(pieces):  # only stars: any segment
        return _any_segment
    if literal:
        return re.sub(r"\\(.)", r"\1", segment, flags=re.S).__eq__
    sources = ["".join(piece) for piece in pieces]
    if len(sources) == 1:
        source = sources[0]
    else:
        middle = "".join(f"(?>.*?{piece})" for piece in sources[1:-1] if piece)
        source = f"{sources[0]}{middle}.*{sources[-1]}"
    try:
        return re.compile(source, re.S).fullmatch
    except re.error as exc:
        raise GlobError(f"bad glob pattern {pattern!r}: {exc}") from None


def _class_source(text: str) -> str:
    """``[...]`` / ``[!...]`` as a regex class (a class never matches ``/``: segments hold none)."""
    j = 1
    negate = text[j] in "!^"
    j += negate
    body: list[str] = []
    while j < len(text) - 1:
        if text[j] == "\\" and j + 1 < len(text) - 1:
            body.append(re.escape(text[j + 1]))
            j += 2
        elif text[j] == "-" and body and text[j + 1] != "]":
            body.append("-")
            j += 1
        else:
            body.append(re.escape(text[j]))
            j += 1
    return ("[^/" if negate else "[") + "".join(body) + "]"


def has_meta(pattern: str) -> bool:
    """Whether the pattern has an unescaped glob character (otherwise it is a literal path)."""
    return _index_meta(pattern) >= 0


def glob_match(pattern: str, name: str) -> bool:
    """doublestar.Match(pattern, name)."""
    return compile_glob(pattern).match(name)


def check_relative(path: str, what: str) -> None:
    """Refuse paths that could leave the sources directory (or that io/fs would reject)."""
    if not path:
        raise GlobError(f"{what} is empty")
    if path.startswith("/") or "\x00" in path or re.match(r"[A-Za-z]:[\\/]", path):
        raise GlobError(f"{what} {path!r} must be a relative path inside the sources directory")
    if any(part in ("..", ".") for part in path.split("/")) or "//" in path:
        raise GlobError(f"{what} {path!r} may not contain '.', '..' or empty path segments")


def glob_files(pattern: str, names: Iterable[str]) -> list[str]:
    """doublestar.Glob over file names (files only), minus .spec files and .git/ contents.

    A pattern without unescaped meta characters is a literal path (only ``\\*``,
    ``\\?``, ``\\[``, ``\\]``, ``\\{``, ``\\}`` are unescaped, as in doublestar).
    """
    check_relative(pattern, "file pattern")
    candidates = [
        name for name in names if not name.endswith(".spec") and not name.startswith(".git/") and "/.git/" not in name
    ]
    if not has_meta(pattern):
        literal = re.sub(r"\\([*?\[\]{}])", r"\1", pattern)
        return [literal] if literal in candidates else []
    compiled = compile_glob(pattern)
    return sorted(name for name in candidates if compiled.match(name))


def _index_meta(pattern: str) -> int:
    i = 0
    while i < len(pattern):
        if pattern[i] in _GLOB_META:
            return i
        i += 2 if pattern[i] == "\\" else 1
    return -1
