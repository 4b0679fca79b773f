"""rpm macro expansion without rpm: the part of it that needs nothing to run.

``expand_macros`` turns ``python-%{srcname}`` into ``python-foo`` given the spec's own
``%global``/``%define`` table, and reports by name whatever it leaves literal (shell,
expressions, Lua, parametric calls, undefined macros), with bounded depth and output.
It is apart from specfile.py, which finds the definitions and the tags, because the
expander is a small interpreter of its own that the EVR computation of the SBOM
(sbom/services/evr.py) uses too. Pure Python, no Django.
"""

from __future__ import annotations

import re
from typing import Mapping

__all__ = ["MACRO_NAME_RE", "expand_macros"]

MACRO_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Full(Exception):
    """Internal: the expansion hit its output or work budget."""


_POSITIONAL_RE = re.compile(r"\d+|[*#]")
_NAME_TOKEN_RE = re.compile(r"[^:\s{}%]*")
_CLOSERS = {"{": re.compile(r"[{}]"), "(": re.compile(r"[()]"), "[": re.compile(r"[\[\]]")}
_OPAQUE = {"(": "shell", "[": "expr"}  # reported names for %(...) and %[...]


def _matching(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start``, or -1 (one linear scan)."""
    opener = text[start]
    depth = 0
    for m in _CLOSERS[opener].finditer(text, start):
        depth += 1 if m.group() == opener else -1
        if depth == 0:
            return m.start()
    return -1


class _Expansion:
    """State of one expand_macros call; kept per call so nothing is shared."""

    def __init__(self, macros: Mapping[str, str], max_depth: int, max_length: int) -> None:
        self.macros = macros
        self.max_depth = max_depth
        self.max_length = max_length
        self.work_left = 4 * max_length + 64  # bounds macros that expand to nothing
        self.out: list[str] = []
        self.length = 0
        self.unexpanded: set[str] = set()

    def emit(self, piece: str) -> None:
        if piece:
            self.out.append(piece)
            self.length += len(piece)
            if self.length > self.max_length:
                raise _Full

    def literal(self, piece: str, name: str) -> None:
        self.unexpanded.add(name)
        self.emit(piece)

    def expand(self, text: str, depth: int) -> None:
        pos = 0
        while (i := text.find("%", pos)) >= 0:
            self.emit(text[pos:i])
            pos = self.macro(text, i, depth)
        self.emit(text[pos:])

    def macro(self, text: str, i: int, depth: int) -> int:
        """Expand the macro starting at text[i] == "%"; return the index after it."""
        self.work_left -= 1
        if self.work_left < 0:
            raise _Full
        j = i + 1
        c = text[j : j + 1]
        if c == "%":
            self.emit("%")
            return j + 1
        if c in ("{", "(", "["):
            end = _matching(text, j)
            stop = len(text) if end < 0 else end + 1
            if c == "{" and end >= 0:
                self.braced(text[i:stop], text[j + 1 : end], depth)
            else:
                self.literal(text[i:stop], _OPAQUE.get(c, "{"))
            return stop
        k = j
        while text[k : k + 1] in ("?", "!"):
            k += 1
        m = MACRO_NAME_RE.match(text, k)
        if m is None:
            p = _POSITIONAL_RE.match(text, k)
            if p is not None:
                self.literal(text[i : p.end()], p.group())
                return p.end()
            self.emit(text[i:k] or "%")
            return max(k, j)
        self.lookup(text[i : m.end()], m.group(), text[j:k], None, depth)
        return m.end()

    def braced(self, whole: str, inner: str, depth: int) -> None:
        k = 0
        while inner[k : k + 1] in ("?", "!"):
            k += 1
        token = _NAME_TOKEN_RE.match(inner, k)  # always matches, possibly the empty string
        name = token.group() if token else ""
        rest = inner[k + len(name) :]
        if not name or (rest and rest[0] != ":"):
            self.literal(whole, name or whole)  # parametric call, %{%{x}}, ...
            return
        arg = rest[1:] if rest else None
        if not inner[:k] and arg is not None and name in ("expand", "shrink"):
            start = len(self.out)
            self.nested(whole, name, arg, depth)
            if name == "shrink":
                shrunk = " ".join("".join(self.out[start:]).split())
                self.length -= sum(map(len, self.out[start:])) - len(shrunk)
                self.out[start:] = [shrunk]
            return
        self.lookup(whole, name, inner[:k], arg, depth)

    def lookup(self, whole: str, name: str, flags: str, arg: str | None, depth: int) -> None:
        body = self.macros.get(name) if MACRO_NAME_RE.fullmatch(name) else None
        if body is None and name == "nil":
            body = ""  # rpm's builtin empty macro, a common placeholder
        defined = body is not None
        if not flags:
            if body is not None and arg is None:
                self.nested(whole, name, body, depth)
            else:
                self.literal(whole, name)
        elif defined != ("!" in flags):  # %{?x...} with x defined, %{!?x...} without
            if arg is not None:
                self.nested(whole, name, arg, depth)
            elif body is not None:
                self.nested(whole, name, body, depth)

    def nested(self, whole: str, name: str, body: str, depth: int) -> None:
        if depth >= self.max_depth:
            self.literal(whole, name)
        else:
            self.expand(body, depth + 1)


def expand_macros(
    value: str, macros: Mapping[str, str], *, max_depth: int = 16, max_length: int = 4096
) -> tuple[str, tuple[str, ...]]:
    """Expand the rpm macros in ``value`` that can be expanded without running anything.

    Handles ``%{x}``, ``%x``, ``%{?x}``, ``%{?x:text}``, ``%{!?x:text}``, ``%%`` and the
    builtins ``%{expand:...}`` / ``%{shrink:...}``. Everything else (``%(shell)``,
    ``%[expr]``, ``%{lua:...}``, parametric calls, undefined macros, ``%1``) is kept
    literally and its name reported (``shell`` / ``expr`` for the first two) so callers
    know the result is partial. Conditional forms of undefined macros (``%{?dist}``)
    expand to nothing and are not reported. Recursion deeper than ``max_depth`` is
    left literal (self-referential macros terminate); output is cut at ``max_length``.

    Returns ``(expanded, sorted names left unexpanded)``.
    """
    run = _Expansion(macros, max_depth, max_length)
    try:
        run.expand(value, 0)
    except _Full:
        pass
    return "".join(run.out)[:max_length], tuple(sorted(run.unexpanded))
