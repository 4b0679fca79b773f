"""doublestar (v4) glob patterns, the dialect azldev uses for includes, overlay files and file overlays.

`*` and `?` stay inside one path segment, `**` as a whole segment spans any
number of them, `[...]`/`[!...]` are classes, `{a,b}` alternatives, `\\x` escapes.
"""

from __future__ import annotations

import re
from functools import lru_cache


class GlobError(ValueError):
    """A glob pattern doublestar rejects, or one that could leave the sources directory."""


_GLOB_META = "*?[{"


def _glob_source(pattern: str) -> str:
    """doublestar v4 Match syntax as a regex: * ? [...] [!...] {a,b} \\x, ** as a whole segment."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(re.escape(pattern[i + 1]) if i + 1 < n else re.escape("\\"))
            i += 2
        elif c == "*":
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            whole = (i == 0 or pattern[i - 1] == "/") and (j == n or pattern[j] == "/") and j - i == 2
            if whole and j == n:
                if out and out[-1] == "/":
                    out[-1] = "(?:/.*)?"
                else:
                    out.append(".*")
                i = j
            elif whole:
                out.append("(?:.*/)?")
                i = j + 1
            else:
                out.append("[^/]*")
                i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = i + 1
            negate = j < n and pattern[j] in "!^"
            j += negate
            body: list[str] = []
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\" and j + 1 < n:
                    body.append(re.escape(pattern[j + 1]))
                    j += 2
                elif pattern[j] == "-" and body and j + 1 < n and pattern[j + 1] != "]":
                    body.append("-")
                    j += 1
                else:
                    body.append(re.escape(pattern[j]))
                    j += 1
            if j >= n or not body:
                raise GlobError(f"bad glob pattern {pattern!r}: unterminated [")
            out.append(("[^/" if negate else "[") + "".join(body) + "]")
            i = j + 1
        elif c == "{":
            depth, j, start, alts = 1, i + 1, i + 1, []
            while j < n and depth:
                if pattern[j] == "\\":
                    j += 2
                    continue
                if pattern[j] == "{":
                    depth += 1
                elif pattern[j] == "}":
                    depth -= 1
                    if depth == 0:
                        alts.append(pattern[start:j])
                elif pattern[j] == "," and depth == 1:
                    alts.append(pattern[start:j])
                    start = j + 1
                j += 1
            if depth:
                raise GlobError(f"bad glob pattern {pattern!r}: unterminated {{")
            out.append("(?:" + "|".join(_glob_source(a) for a in alts) + ")")
            i = j
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """The anchored regex of a doublestar pattern; GlobError when it is malformed."""
    try:
        return re.compile(_glob_source(pattern) + r"\Z", re.S)
    except re.error as exc:
        raise GlobError(f"bad glob pattern {pattern!r}: {exc}") from None


def has_meta(pattern: str) -> bool:
    """Whether the pattern has an unescaped glob character (otherwise it is a literal path)."""
    return _index_meta(pattern) >= 0


def glob_match(pattern: str, name: str) -> bool:
    """doublestar.Match(pattern, name)."""
    return glob_regex(pattern).match(name) is not None


def check_relative(path: str, what: str) -> None:
    """Refuse paths that could leave the sources directory (or that io/fs would reject)."""
    if not path:
        raise GlobError(f"{what} is empty")
    if path.startswith("/") or "\x00" in path or re.match(r"[A-Za-z]:[\\/]", path):
        raise GlobError(f"{what} {path!r} must be a relative path inside the sources directory")
    if any(part in ("..", ".") for part in path.split("/")) or "//" in path:
        raise GlobError(f"{what} {path!r} may not contain '.', '..' or empty path segments")


def glob_files(pattern: str, names: object) -> list[str]:
    """doublestar.Glob over file names (files only), minus .spec files and .git/ contents.

    A pattern without unescaped meta characters is a literal path (only ``\\*``,
    ``\\?``, ``\\[``, ``\\]``, ``\\{``, ``\\}`` are unescaped, as in doublestar).
    """
    check_relative(pattern, "file pattern")
    candidates = [
        name for name in names  # type: ignore[attr-defined]
        if not name.endswith(".spec") and not name.startswith(".git/") and "/.git/" not in name
    ]  # fmt: skip
    if not has_meta(pattern):
        literal = re.sub(r"\\([*?\[\]{}])", r"\1", pattern)
        return [literal] if literal in candidates else []
    rx = glob_regex(pattern)
    return sorted(name for name in candidates if rx.match(name))


def _index_meta(pattern: str) -> int:
    i = 0
    while i < len(pattern):
        if pattern[i] in _GLOB_META:
            return i
        i += 2 if pattern[i] == "\\" else 1
    return -1
