"""The text filters of shell.py's pipelines: cut, tr, sed ``s///``, awk ``{print ...}``.

Each takes its arguments (already shell words) and its input, and returns what GNU
coreutils / sed / awk would print, for the options specs use; anything else raises
Unsupported so that the ``%(...)`` stays unresolved rather than guessed.
"""

from __future__ import annotations

import re

import regex

__all__ = ["Unsupported", "awk_print", "cut", "sed", "tr"]


class Unsupported(Exception):
    """A construct outside the idioms we evaluate."""


# A spec writes both a sed/grep pattern and the text it runs on, so a backtracking blow-up ((a+)+$ on
# a long line) is refused after this budget per call, never waited for: `regex` takes a timeout, `re` not.
MATCH_SECONDS = 0.25


def _compile(pattern: str) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise Unsupported(f"regular expression: {exc}") from None


def _timed_out() -> Unsupported:
    return Unsupported(f"a regular expression ran past its {MATCH_SECONDS} s budget")


def _lines(text: str) -> list[str]:
    return text.splitlines() if text else []


def _ranges(spec: str) -> list[tuple[int, int]]:
    """cut's LIST: N, N-, -M, N-M, comma-separated; 1-based inclusive."""
    found = []
    for part in spec.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if m is None or part in ("", "-") or (not m.group(2) and not m.group(1)):
            raise Unsupported(f"cut list {spec!r}")
        low = int(m.group(1) or 1)
        high = int(m.group(3)) if m.group(3) else (low if not m.group(2) else 1 << 30)
        if low < 1 or high < low:
            raise Unsupported(f"cut list {spec!r}")
        found.append((low, high))
    return found


def _selected(count: int, ranges: list[tuple[int, int]]) -> list[int]:
    return [i for i in range(count) if any(low <= i + 1 <= high for low, high in ranges)]


def cut(args: list[str], stdin: str) -> str:
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        m = re.fullmatch(r"-([dfcb])(.*)", args[i], re.S)
        if m is None:
            raise Unsupported(f"cut {args[i]}")
        value = m.group(2) if m.group(2) else (args[i + 1] if i + 1 < len(args) else None)
        if value is None:
            raise Unsupported("cut")
        options[m.group(1)] = value
        i += 1 if m.group(2) else 2
    out = []
    if "f" in options and not ({"c", "b"} & options.keys()):
        delimiter = options.get("d", "\t")
        if len(delimiter) != 1:
            raise Unsupported("cut delimiter")
        ranges = _ranges(options["f"])
        for line in _lines(stdin):
            fields = line.split(delimiter)
            out.append(line if len(fields) == 1 else delimiter.join(fields[k] for k in _selected(len(fields), ranges)))
    elif len(options) == 1 and ({"c", "b"} & options.keys()):
        if not stdin.isascii():
            raise Unsupported("cut -c on non-ASCII text")
        ranges = _ranges(options.get("c") or options["b"])
        out = ["".join(line[k] for k in _selected(len(line), ranges)) for line in _lines(stdin)]
    else:
        raise Unsupported("cut options")
    return "".join(line + "\n" for line in out)


_TR_CLASSES = {"[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:digit:]": "0123456789"}


def _tr_set(spec: str) -> str:
    for name, members in _TR_CLASSES.items():
        spec = spec.replace(name, members)
    if "\\" in spec or "[" in spec:
        raise Unsupported("tr set")
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            if spec[i] > spec[i + 2]:
                raise Unsupported("tr range")
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


def tr(args: list[str], stdin: str) -> str:
    if args[:1] == ["--"]:
        args = args[1:]
    if len(args) == 2 and args[0] == "-d":
        return stdin.translate({ord(c): None for c in _tr_set(args[1])})
    if len(args) == 2 and not args[0].startswith("-"):
        source, target = _tr_set(args[0]), _tr_set(args[1])
        if not target:
            raise Unsupported("tr with an empty second set")
        target = target + target[-1] * max(len(source) - len(target), 0)
        return stdin.translate({ord(s): t for s, t in zip(source, target)})
    raise Unsupported("tr options")


_BRE_CLASSES = {"[:digit:]": r"0-9", "[:alpha:]": r"A-Za-z", "[:alnum:]": r"A-Za-z0-9", "[:upper:]": "A-Z",
                "[:lower:]": "a-z", "[:space:]": r" \t\n\r\f\v", "[:punct:]": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")}  # fmt: skip


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """A POSIX bracket expression at pattern[i] == "[", as a Python character class."""
    j = i + 1
    negate = pattern[j : j + 1] == "^"
    j += negate
    members = []
    if pattern[j : j + 1] == "]":
        members.append(r"\]")
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        name = next((n for n in _BRE_CLASSES if pattern.startswith(n, j)), None)
        if name is not None:
            members.append(_BRE_CLASSES[name])
            j += len(name)
        elif pattern[j] == "[":
            raise Unsupported("bracket expression")
        else:
            members.append("\\\\" if pattern[j] == "\\" else pattern[j])
            j += 1
    if j >= len(pattern):
        raise Unsupported("unterminated bracket")
    return "[" + ("^" if negate else "") + "".join(members) + "]", j + 1


def _bre(pattern: str) -> str:
    """A POSIX basic regular expression (the subset specs use) as a Python one."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1 : i + 2]
            if nxt in ("(", ")"):
                out.append(nxt)
            elif nxt in ("{", "}"):
                out.append(nxt)
            elif nxt.isdigit() and nxt != "0":
                out.append("\\" + nxt)
            elif nxt in (".", "*", "[", "]", "^", "$", "\\", "/", "|", "+", "?") or (nxt and not nxt.isalnum()):
                out.append(re.escape(nxt))
            else:
                raise Unsupported(f"sed escape \\{nxt}")
            i += 2
        elif c == "[":
            piece, i = _bracket(pattern, i)
            out.append(piece)
        elif c == "*" and not out:
            out.append(r"\*")
            i += 1
        elif c in ".*":
            out.append(c)
            i += 1
        elif c == "^" and i == 0:
            out.append("^")
            i += 1
        elif c == "$" and i == len(pattern) - 1:
            out.append("$")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _ere(pattern: str) -> str:
    """A POSIX extended regular expression (sed -E / -r) as a Python one."""
    if "(?" in pattern:
        raise Unsupported("(? in a regular expression")
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            nxt = pattern[i + 1 : i + 2]
            if not nxt or nxt.isalnum() and not (nxt.isdigit() and nxt != "0"):
                raise Unsupported(f"sed escape \\{nxt}")
            out.append("\\" + nxt if nxt.isdigit() else re.escape(nxt))
            i += 2
        elif c == "[":
            piece, i = _bracket(pattern, i)
            out.append(piece)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _replacement(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(f"\\g<{nxt}>" if nxt.isdigit() else "\n" if nxt == "n" else nxt.replace("\\", "\\\\"))
            i += 2
        elif c == "&":
            out.append(r"\g<0>")
            i += 1
        else:
            out.append("\\\\" if c == "\\" else c)
            i += 1
    return "".join(out)


def _sed_commands(script: str, extended: bool) -> list[tuple[regex.Pattern[str], str, int]]:
    commands = []
    i = 0
    while i < len(script):
        if script[i] in " ;\n":
            i += 1
            continue
        if script[i] != "s" or i + 1 >= len(script):
            raise Unsupported("sed command other than s")
        delimiter = script[i + 1]
        parts: list[str] = []
        current: list[str] = []
        j = i + 2
        while j < len(script) and len(parts) < 2:
            if script[j] == "\\" and j + 1 < len(script):
                current.append(script[j + 1] if script[j + 1] == delimiter else script[j : j + 2])
                j += 2
            elif script[j] == delimiter:
                parts.append("".join(current))
                current = []
                j += 1
            else:
                current.append(script[j])
                j += 1
        flags = re.match(r"[gp0-9]*", script[j:])
        assert flags is not None
        if len(parts) < 2 or "p" in flags.group() or re.search(r"\d", flags.group()):
            raise Unsupported("sed s flags")
        expression = _ere(parts[0]) if extended else _bre(parts[0])
        commands.append((_compile(expression), _replacement(parts[1]), 0 if "g" in flags.group() else 1))
        i = j + flags.end()
    return commands


def sed(args: list[str], stdin: str) -> str:
    scripts, i, extended = [], 0, False
    while i < len(args):
        if args[i] in ("-E", "-r"):
            extended = True
            i += 1
        elif args[i] in ("-re", "-Ee") and i + 1 < len(args):
            extended = True
            scripts.append(args[i + 1])
            i += 2
        elif args[i] == "-e" and i + 1 < len(args):
            scripts.append(args[i + 1])
            i += 2
        elif not args[i].startswith("-") and not scripts and i == len(args) - 1:
            scripts.append(args[i])
            i += 1
        else:
            raise Unsupported(f"sed {args[i]}")
    commands = [c for script in scripts for c in _sed_commands(script, extended)]
    out = []
    for line in _lines(stdin):
        for pattern, replacement, count in commands:
            try:
                line = pattern.sub(replacement, line, count=count, timeout=MATCH_SECONDS)
            except TimeoutError:
                raise _timed_out() from None
        out.append(line + "\n")
    return "".join(out)


_AWK_ITEM_RE = re.compile(r'\s*(?:\$(\d+)|"([^"\\]*)"|(,))')


def awk_print(args: list[str], stdin: str) -> str:
    """``awk [-F<c>] '{print $1"."$2}'``: fields and string literals; a comma puts a space."""
    separator = None
    if args and args[0].startswith("-F"):
        separator = args[0][2:] or (args[1] if len(args) > 1 else "")
        args = args[1:] if args[0][2:] else args[2:]
        if len(separator) != 1 or separator == " ":
            raise Unsupported("awk -F")
    m = re.fullmatch(r"\s*\{\s*print\s+(.*?)\s*;?\s*\}\s*", args[0] if len(args) == 1 else "", re.S)
    if m is None:
        raise Unsupported("awk program")
    items, position, program = [], 0, m.group(1)
    while position < len(program):
        item = _AWK_ITEM_RE.match(program, position)
        if item is None or item.end() == position:
            raise Unsupported("awk print item")
        items.append(item)
        position = item.end()
    out = []
    for line in _lines(stdin):
        fields = line.split(separator) if separator else line.split()
        pieces = []
        for item in items:
            if item.group(3):
                pieces.append(" ")
            elif item.group(2) is not None:
                pieces.append(item.group(2))
            else:
                number = int(item.group(1))
                pieces.append(line if number == 0 else fields[number - 1] if number <= len(fields) else "")
        out.append("".join(pieces) + "\n")
    return "".join(out)


def grep_status(args: list[str], stdin: str) -> int:
    """`grep -q [-E] PATTERN`'s exit status: 0 when a line of the input matches, else 1."""
    flags = "".join(a[1:] for a in args if a.startswith("-") and len(a) > 1)
    patterns = [a for a in args if not (a.startswith("-") and len(a) > 1)]
    if set(flags) - set("qsE") or len(patterns) != 1:
        raise Unsupported("grep options")
    pattern = patterns[0]
    if "E" not in flags and any(e in pattern for e in ("\\|", "\\+", "\\?")):  # GNU BRE extensions
        raise Unsupported("grep \\| \\+ \\?")
    compiled = _compile(_ere(pattern) if "E" in flags else _bre(pattern))
    try:
        return 0 if any(compiled.search(line, timeout=MATCH_SECONDS) for line in _lines(stdin)) else 1
    except TimeoutError:
        raise _timed_out() from None
