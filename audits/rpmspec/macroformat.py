"""rpm's macro-file format: which lines are definitions, and what each one defines.

rpm reads its macro files line by line (``rdcl`` in rpmio/macro.cc): a definition is a
line whose first non-blank character is ``%``; it continues over the next lines while it
ends in ``\\`` or a ``%{``, ``%(`` or ``%[`` is still open; everything else (comments,
blank lines, stray text) is ignored. The body then follows ``doDefine``: leading blanks
skipped, ``{...}`` silently ungrouped, a backslash dropped before the character it
escapes (so ``\\<newline>`` keeps the newline), trailing blanks trimmed; an empty or
unterminated body, or an illegal name, defines nothing. We parse the same way so that a
hostile file means no more to us than it would to rpm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MacroDefinition", "parse_definition", "parse_macro_file"]

_NAME_RE = re.compile(r"[A-Za-z0-9_]*")
_OPENERS = {"{": 0, "(": 1, "[": 2}
_CLOSERS = {"}": 0, ")": 1, "]": 2}


@dataclass(frozen=True, slots=True)
class MacroDefinition:
    name: str
    body: str
    options: str | None  # getopt string for parametric macros ("" = parametric without options); None = plain
    origin: str  # repository path of the file, or "rpm" for rpmbase.py


def _scan_open(line: str, depth: list[int]) -> None:
    """Update the open %{ %( %[ counts after ``line`` the way rdcl counts them."""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if c == "%" and i + 1 < n:
            nxt = line[i + 1]
            if nxt in _OPENERS:
                depth[_OPENERS[nxt]] += 1
                i += 2
                continue
            if nxt == "%":
                i += 2
                continue
        elif c in _OPENERS and depth[_OPENERS[c]] > 0:
            depth[_OPENERS[c]] += 1
        elif c in _CLOSERS and depth[_CLOSERS[c]] > 0:
            depth[_CLOSERS[c]] -= 1
        i += 1


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line, text) of each candidate definition, continuation lines joined with "\\n"."""
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        start, line = i, lines[i].rstrip("\r")
        i += 1
        if not line.lstrip(" \t").startswith("%"):
            continue
        parts, depth = [line], [0, 0, 0]
        _scan_open(line, depth)
        while (line.endswith("\\") or any(depth)) and i < len(lines):
            line = lines[i].rstrip("\r")
            i += 1
            parts.append(line)
            _scan_open(line, depth)
        found.append((start + 1, "\n".join(parts)))
    return found


def _free_body(text: str) -> str | None:
    """A free-field body as doDefine copies it: up to the end of line outside brackets."""
    out: list[str] = []
    depth = [0, 0, 0]
    i, n = 0, len(text)
    while i < n and (any(depth) or text[i] not in "\r\n"):
        c = text[i]
        if c == "\\" and i + 1 < n:
            i += 1  # the backslash goes, the escaped character stays
            c = text[i]
        elif c == "%" and i + 1 < n and (text[i + 1] in _OPENERS or text[i + 1] == "%"):
            if text[i + 1] in _OPENERS:
                depth[_OPENERS[text[i + 1]]] += 1
            out.append(c)
            i += 1
            c = text[i]
        elif c in _OPENERS and depth[_OPENERS[c]] > 0:
            depth[_OPENERS[c]] += 1
        elif c in _CLOSERS and depth[_CLOSERS[c]] > 0:
            depth[_CLOSERS[c]] -= 1
        out.append(c)
        i += 1
    if any(depth):
        return None  # "unterminated body": rpm refuses the definition
    return "".join(out).rstrip(" \t\r\n")


def _grouped_body(text: str) -> str | None:
    """The ``{...}`` grouping doDefine strips silently (matchchar: backslash skips a character)."""
    level, i = 0, 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "}":
            level -= 1
            if level <= 0:
                return text[1:i]
        elif c == "{":
            level += 1
        i += 1
    return None


def parse_definition(text: str, origin: str) -> MacroDefinition | None:
    """One definition, ``text`` being what follows the ``%`` (``name(opts) body``); None if rpm refuses it."""
    rest = text.lstrip(" \t")
    name = _NAME_RE.match(rest)
    assert name is not None  # the pattern matches the empty string
    macro = name.group()
    if not macro or not (macro[0].isalpha() or (macro[0] == "_" and len(macro) > 1)):
        return None
    rest = rest[name.end() :]
    options = None
    if rest.startswith("("):
        end = rest.find(")")
        if end < 0:
            return None
        options, rest = rest[1:end], rest[end + 1 :]
    if rest.startswith("<"):  # rpm 4.20 modifiers (<l> literal, <o> one-shot): parsed, not kept
        end = rest.find(">")
        if end < 0:
            return None
        rest = rest[end + 1 :]
    rest = rest.lstrip(" \t")
    body = _grouped_body(rest) if rest.startswith("{") else _free_body(rest)
    if not body:
        return None  # unterminated or empty: rpm reports an error and defines nothing
    return MacroDefinition(macro, body, options, origin)


def parse_macro_file(text: str, origin: str) -> list[MacroDefinition]:
    """The definitions of one macro file, in file order (a later one of the same name wins)."""
    found = []
    for _line, logical in _logical_lines(text):
        definition = parse_definition(logical.lstrip(" \t")[1:], origin)
        if definition is not None:
            found.append(definition)
    return found


