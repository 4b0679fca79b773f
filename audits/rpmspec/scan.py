"""Where rpm macro calls end, and how rpm splits and parses their arguments (rpm 4.18's rules)."""

from __future__ import annotations

import re
from typing import Callable

_NAME_END = re.compile(r"[?!]*-?[A-Za-z0-9_]*(?:\*\*|\*|#)?")
_BRACKETS = {"{": re.compile(r"[\\{}]"), "(": re.compile(r"[\\()]"), "[": re.compile(r"[\\\[\]]")}
_CLOSE = {"{": "}", "(": ")", "[": "]"}
QUOTE = "\x1f"  # rpm's %{quote:} marker (ASCII unit separator)


def line_call_finder(names: tuple[str, ...]) -> Callable[[str], str | None]:
    """A function giving the first of `names` a spec text calls at the start of a line (after blanks only,
    ``%name`` or ``%{name``), or None. It looks for the calls and then at their lines: a pattern anchored
    at every line start costs several times more on specs of 10-500 KB."""
    calls = re.compile(r"%\{?(" + "|".join(map(re.escape, names)) + r")\b")

    def first(text: str) -> str | None:
        for found in calls.finditer(text):
            line_start = text.rfind("\n", 0, found.start()) + 1
            if not text[line_start : found.start()].strip(" \t"):
                return found.group(1)
        return None

    return first


def match_close(text: str, start: int) -> int:
    """Index just after the bracket closing the one at `start`, -1 when unterminated (backslash escapes)."""
    opening = text[start]
    closing = _CLOSE[opening]
    first = text.find(closing, start + 1)
    if first < 0:
        return -1
    inner = text[start + 1 : first]
    if opening not in inner and "\\" not in inner:  # the usual %{name}: nothing nested or escaped
        return first + 1
    pattern = _BRACKETS[opening]
    level = 0
    i = start
    while True:
        m = pattern.search(text, i)
        if m is None:
            return -1
        c = m.group()
        i = m.end()
        if c == "\\":
            i += 1
        elif c == closing:
            level -= 1
            if level <= 0:
                return i
        else:
            level += 1


def macro_end(text: str, start: int) -> int:
    """End of the macro call whose text starts at `start` (just after its '%'); -1 when unterminated."""
    c = text[start : start + 1]
    if c in _CLOSE:
        return match_close(text, start)
    m = _NAME_END.match(text, start)
    assert m is not None
    return m.end()


def split_args(text: str) -> list[str]:
    """rpm's splitQuoted on blanks: empty words dropped, %{quote:} groups kept whole."""
    if QUOTE not in text:
        return text.replace("\t", " ").split()
    words: list[str] = []
    current: list[str] = []
    quoted = False
    kept = False
    for c in text:
        if c == QUOTE:
            quoted, kept = not quoted, True
        elif not quoted and c in " \t":
            if current or kept:
                words.append("".join(current))
            current, kept = [], False
        else:
            current.append(c)
    if current or kept:
        words.append("".join(current))
    return words


class OptionError(Exception):
    """A parametric macro was called with an option it does not declare."""


def getopt(args: list[str], options: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """GNU getopt as rpm's rgetopt uses it (non-options are permuted to the end; "-" disables options):
    ([(letter, value or None)...], positional arguments)."""
    if options == "-":
        return [], list(args)
    found: list[tuple[str, str | None]] = []
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positional.extend(args[i:])
            break
        if len(arg) < 2 or arg[0] != "-":
            positional.append(arg)
            continue
        k = 1
        while k < len(arg):
            letter = arg[k]
            at = options.find(letter)
            if at < 0 or letter == ":":
                raise OptionError(f"unknown option -{letter} (options: {options or 'none'})")
            if options[at + 1 : at + 2] == ":":
                value = arg[k + 1 :]
                if not value:
                    if i >= len(args):
                        raise OptionError(f"option -{letter} needs a value")
                    value = args[i]
                    i += 1
                found.append((letter, value))
                break
            found.append((letter, None))
            k += 1
    return found, positional


def section_package(line: str, part: str) -> tuple[str | None, bool]:
    """(name, explicit -n) a `%package`/`%files`/... header line names; None: the main package. As rpm's
    popt parsing: the last `-n NAME` wins, else the first other word (`%files -f LIST` skips LIST)."""
    args = split_args(line.split(None, 1)[1]) if len(line.split(None, 1)) > 1 else []
    explicit: str | None = None
    name: str | None = None
    k = 0
    while k < len(args):
        a = args[k]
        if a == "-n":
            k += 1
            explicit = args[k] if k < len(args) else explicit
        elif a == "-f":
            k += 1  # %files -f <file list>
        elif a.startswith("-") and part != "package":
            pass
        elif name is None:
            name = a
        k += 1
    return (explicit, True) if explicit is not None else (name, False)
