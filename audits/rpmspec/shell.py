"""``%(...)`` without a shell: the side-effect-free idioms specs use, evaluated in Python.

rpm runs ``%(command)`` through /bin/sh at parse time; an untrusted spec must never get
that. Specs mostly use it to reshape a version or a commit: ``c=%{commit}; echo ${c:0:7}``,
``echo %{version} | cut -d. -f1-2``, ``| tr '~' '.'``, ``| sed 's/-/_/g'``, ``| awk -F.
'{print $1"."$2}'``, ``printf '%08d' N``, ``$((N+2))``, ``${t,,}``, here-strings (``tr . -
<<< x``). Those are evaluated here, on text,
with the same result bash and coreutils would give; anything else (other commands,
redirections, command substitution, globs, unknown options) gives None: unresolved,
never guessed. Nothing is ever executed.
"""

from __future__ import annotations

import re
import string
from decimal import Decimal
from typing import Callable

from . import buildpython
from .buildpython import BuildPython
from .shelltext import Unsupported, awk_print, cut, grep_status, sed, tr

__all__ = ["expand_shell"]

MAX_COMMAND = 4096
_ASSIGNMENT_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)
_PARAMETER_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::(-?\d+)(?::(\d+))?|(%%|%|##|#)(.*)|(,,|\^\^))?", re.S)
_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_ARITHMETIC_RE = re.compile(r"[\d\s+\-*/()]+")
_PRINTF_RE = re.compile(r"%(%|(0?)(\d*)(?:\.(\d+))?([sdf]))")
_LOCALE_RE = re.compile(r"(?:LANG|LC_ALL|LC_NUMERIC)=C\s+")  # `LANG=C printf ...`: the C locale, as ours


_TOP_LEVEL = {separator: re.compile(r"['\"\\" + separator + "]") for separator in ";|"}  # quotes, escapes, the separator
_IN_DOUBLE_QUOTES = re.compile(r'["\\]')


def _split_top(text: str, separator: str) -> list[str]:
    """Split on ``separator`` (``;`` or ``|``) outside quotes (``||`` and ``;;`` are refused)."""
    parts, start, i = [], 0, 0
    special = _TOP_LEVEL[separator]
    while (m := special.search(text, i)) is not None:
        c, i = m.group(), m.end()
        if c == "\\":
            i += 1
        elif c == "'":
            i = text.find("'", i) + 1
            if i == 0:
                raise Unsupported("unterminated quote")
        elif c == '"':
            while (q := _IN_DOUBLE_QUOTES.search(text, i)) is not None and q.group() == "\\":
                i = q.end() + 1
            if q is None:
                raise Unsupported("unterminated quote")
            i = q.end()
        elif text[i : i + 1] == separator:
            raise Unsupported(f"{separator * 2}")
        else:
            parts.append(text[start : i - 1])
            start = i
    parts.append(text[start:])
    return parts


class _Words:
    """Shell words of one simple command, with the parameter expansions we allow."""

    def __init__(self, variables: dict[str, str]) -> None:
        self.variables = variables

    def split(self, text: str) -> list[str]:
        words: list[str] = []
        current: list[str] | None = None
        i = 0
        while i < len(text):
            c = text[i]
            if c in " \t\n":
                if current is not None:
                    words.append("".join(current))
                    current = None
                i += 1
                continue
            current = current if current is not None else []
            if c in "&<>`(){;*?[" or (c == "~" and not current) or (c == "}" and (not current or "{" in text)):
                raise Unsupported(c)
            if c == "'":
                end = text.index("'", i + 1)
                current.append(text[i + 1 : end])
                i = end + 1
            elif c == '"':
                i = self.double_quoted(text, i + 1, current)
            elif c == "\\":
                current.append(text[i + 1 : i + 2])
                i += 2
            elif c == "$":
                i = self.dollar(text, i, current)
            else:
                current.append(c)
                i += 1
        if current is not None:
            words.append("".join(current))
        return words

    def double_quoted(self, text: str, i: int, current: list[str]) -> int:
        while i < len(text) and text[i] != '"':
            c = text[i]
            if c == "`":
                raise Unsupported(c)
            if c == "\\" and text[i + 1 : i + 2] in ('"', "\\", "$", "`"):
                current.append(text[i + 1])
                i += 2
            elif c == "$":
                i = self.dollar(text, i, current)
            else:
                current.append(c)
                i += 1
        return i + 1

    def dollar(self, text: str, i: int, current: list[str]) -> int:
        if text.startswith("$((", i):
            end = text.find("))", i)
            expression = text[i + 3 : end]
            if end < 0 or not _ARITHMETIC_RE.fullmatch(expression) or "**" in expression:
                raise Unsupported("arithmetic")
            current.append(str(_arithmetic(expression)))
            return end + 2
        if text.startswith("${", i):
            end = text.find("}", i)
            if end < 0:
                raise Unsupported("${")
            current.append(self.parameter(text[i + 2 : end]))
            return end + 1
        if text[i + 1 : i + 2] in ("", '"', " ", "\t", "\n"):  # a $ that starts no expansion is itself
            current.append("$")
            return i + 1
        if text.startswith("$?", i):
            current.append(self.value("?"))
            return i + 2
        name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i + 1 :])
        if name is None:
            raise Unsupported("$")
        current.append(self.value(name.group()))
        return i + 1 + name.end()

    def value(self, name: str) -> str:
        if name not in self.variables:
            raise Unsupported(f"${name}")  # the environment of rpm's shell is not ours to know
        return self.variables[name]

    def parameter(self, inner: str) -> str:
        m = _PARAMETER_RE.fullmatch(inner)
        if m is None:
            raise Unsupported("${" + inner + "}")
        value = self.value(m.group(1))
        if m.group(2) is not None:
            start = int(m.group(2))
            start = max(len(value) + start, 0) if start < 0 else start
            return value[start : start + int(m.group(3))] if m.group(3) is not None else value[start:]
        if m.group(4) is not None:
            return _strip_pattern(value, m.group(4), m.group(5))
        if m.group(6) is not None:  # ${t,,} ${t^^}: ASCII case, as bash in the C locale
            return value.translate(_LOWER if m.group(6) == ",," else _UPPER)
        return value


def _arithmetic(expression: str) -> int:
    tokens = re.findall(r"\d+|[-+*/()]", expression)
    position = 0

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1] if position <= len(tokens) else ""

    def peek() -> str:
        return tokens[position] if position < len(tokens) else ""

    def atom() -> int:
        token = take()
        if token == "(":
            value = total()
            if take() != ")":
                raise Unsupported("arithmetic")
            return value
        if token == "-":
            return -atom()
        if not token.isdigit():
            raise Unsupported("arithmetic")
        return int(token)

    def product() -> int:
        value = atom()
        while peek() in ("*", "/"):
            operator, right = take(), atom()
            if operator == "/" and right == 0:
                raise Unsupported("division by zero")
            value = value * right if operator == "*" else int(value / right)  # bash truncates toward zero
        return value

    def total() -> int:
        value = product()
        while peek() in ("+", "-"):
            value = value + product() if take() == "+" else value - product()
        return value

    result = total()
    if position != len(tokens):
        raise Unsupported("arithmetic")
    return result


def _strip_pattern(value: str, operator: str, pattern: str) -> str:
    if re.search(r"[\[\]\\$`]", pattern):
        raise Unsupported("pattern")
    regex = "".join(".*?" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    if operator.startswith("%"):
        greedy = operator == "%%"
        for start in range(len(value) + 1) if greedy else range(len(value), -1, -1):
            if re.fullmatch(regex, value[start:], re.S):
                return value[:start]
        return value
    greedy = operator == "##"
    for end in range(len(value), -1, -1) if greedy else range(len(value) + 1):
        if re.fullmatch(regex, value[:end], re.S):
            return value[end:]
    return value


def _echo(args: list[str], stdin: str) -> str:
    newline = "\n"
    if args[:1] == ["-n"]:
        args, newline = args[1:], ""
    if args[:1] and args[0] in ("-e", "-E"):
        raise Unsupported("echo " + args[0])
    return " ".join(args) + newline


def _printf(args: list[str], stdin: str) -> str:
    if not args or "\\" in args[0].replace("\\n", "") or "%" in _PRINTF_RE.sub("", args[0]) or args[0] == "--":
        raise Unsupported("printf")
    template, values = args[0].replace("\\n", "\n"), args[1:]
    out = []
    while True:
        used = 0

        def one(m: re.Match[str]) -> str:
            nonlocal used
            if m.group(1) == "%":
                return "%"
            value = values[used] if used < len(values) else ""
            used += 1
            kind, precision = m.group(5), m.group(4)
            if kind == "d" and precision is None:
                if not re.fullmatch(r"-?\d+", value or "0"):
                    raise Unsupported("printf %d of a non-number")
                value = str(int(value or "0"))
            elif kind == "f":  # only where no rounding is needed: bash rounds a long double
                digits = int(precision or 6)
                number = re.fullmatch(r"-?\d+(?:\.(\d*))?", value or "0")
                if number is None or len(number.group(1) or "") > digits or digits > 20:
                    raise Unsupported("printf %f that would round")
                value = format(Decimal(value or "0"), f".{digits}f")
            elif precision is not None:
                raise Unsupported("printf precision")
            width = int(m.group(3) or 0)
            return value.rjust(width, "0" if m.group(2) and kind in "df" else " ")

        out.append(_PRINTF_RE.sub(one, template))
        values = values[used:]
        if not values or used == 0:
            return "".join(out)


def _head(args: list[str], stdin: str) -> str:
    if len(args) == 2 and args[0] == "-c" and args[1].isdigit():
        return stdin.encode()[: int(args[1])].decode("utf-8", "strict")
    if len(args) == 2 and args[0] == "-n" and args[1].isdigit():
        return "".join(stdin.splitlines(keepends=True)[: int(args[1])])
    raise Unsupported("head")


_COMMANDS: dict[str, Callable[[list[str], str], str]] = {
    "echo": _echo, "printf": _printf, "head": _head, "cut": cut, "tr": tr, "sed": sed, "awk": awk_print,
}  # fmt: skip


_QUIET = re.compile(r"\s+(?:2?>\s*/dev/null|2>&1)(?=\s|$)")  # `>/dev/null` after a grep: nothing printed
_IF = re.compile(r"\s*if\s+(.+?)\s*;\s*then\s+(.+?)\s*;\s*else\s+(.+?)\s*;?\s*fi\s*", re.S)
_COMPARISONS: dict[str, Callable[[str, str], bool]] = {
    "=": lambda a, b: a == b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}  # fmt: skip


def _test(args: list[str]) -> bool:
    """`[ a = b -o -z c ]`: string tests only, -a binding tighter than -o."""
    if any(a in ("(", ")", "!") for a in args):
        raise Unsupported("test grouping")

    def primary(words: list[str]) -> bool:
        if len(words) == 3 and words[1] in _COMPARISONS:
            return _COMPARISONS[words[1]](words[0], words[2])
        if len(words) == 2 and words[0] in ("-z", "-n"):
            return (words[1] == "") == (words[0] == "-z")
        if len(words) == 1 and not words[0].startswith("-"):
            return words[0] != ""
        raise Unsupported("test " + " ".join(words))

    def split(words: list[str], operator: str) -> list[list[str]]:
        groups: list[list[str]] = [[]]
        for word in words:
            if word == operator:
                groups.append([])
            else:
                groups[-1].append(word)
        return groups

    return any(all(primary(p) for p in split(group, "-a")) for group in split(args, "-o"))


def _status(statement: str, words: _Words) -> int:
    """The exit status of a statement that only tests: `[ ... ]`, or a pipeline into a quiet grep."""
    statement = statement.strip()
    if statement.startswith("[ ") and statement.endswith(" ]"):
        return 0 if _test(words.split(statement[2:-2])) else 1
    *stages, last = _split_top(statement, "|")
    quiet = _QUIET.sub("", last)
    argv = words.split(quiet)
    if argv[:1] != ["grep"] or (quiet == last and not any(a.startswith("-") and "q" in a for a in argv[1:])):
        raise Unsupported("a statement that is neither a test nor a quiet grep")
    return grep_status(argv[1:], _pipeline(stages, words))


_PYTHON = re.compile(r"(?:/usr/bin/)?python3(?:\.\d+)?")
_BUILD_ROOT_ENVIRONMENT = "RPM_BUILD_ROOT="  # `RPM_BUILD_ROOT= python3 ...`, as python-rpm-macros probes
_BYTEORDER_PROBE = re.compile(r"import sys\s*;\s*print\s*\(\s*0 if sys\.byteorder\s*==\s*(['\"])big\1 else 1\s*\)\s*")


def _python(argv: list[str], byteorder: str, python: BuildPython | None, notes: list[str]) -> str:
    """`python3 -c "import sys;print (0 if sys.byteorder=='big' else 1)"`: a fact of the target, not
    of the repository; answered only when the caller knows the target's byte order. python-rpm-macros'
    probes of the build root's Python: answered from the repository's statement of it (`python`),
    whose note is added to `notes`."""
    if len(argv) == 3 and argv[1] == "-c" and byteorder and _BYTEORDER_PROBE.fullmatch(argv[2]):
        return ("0" if byteorder == "big" else "1") + "\n"
    answer = buildpython.answer(argv, python) if python is not None else None
    if python is None or answer is None:
        raise Unsupported("python3")
    notes.append(python.note)
    return answer


def _pipeline(stages: list[str], words: _Words, byteorder: str = "", python: BuildPython | None = None,
              notes: list[str] | None = None) -> str:
    output = ""
    for stage in stages:
        stage, here, word = _LOCALE_RE.sub("", stage.lstrip(), count=1).partition("<<<")
        if here:  # `tr . - <<< word`: the word and a newline are the command's input
            text = words.split(word)
            if len(text) != 1 or output:
                raise Unsupported("<<<")
            output = text[0] + "\n"
        argv = words.split(stage)
        interpreter = argv[1:2] if argv[:1] == [_BUILD_ROOT_ENVIRONMENT] else argv[:1]
        if interpreter and _PYTHON.fullmatch(interpreter[0]) and not output:
            output = _python(argv, byteorder, python, notes if notes is not None else [])
            continue
        if not argv or argv[0] not in _COMMANDS:
            raise Unsupported(argv[0] if argv else "empty command")
        output = _COMMANDS[argv[0]](argv[1:], output)
    return output


def expand_shell(command: str, byteorder: str = "", python: BuildPython | None = None,
                 notes: list[str] | None = None) -> str | None:
    """What ``%(command)`` would expand to, for the recognised side-effect-free idioms; else None.

    ``command`` is already macro-expanded. Like rpm, trailing newlines of the output are dropped.
    ``byteorder`` ("little", "big", "" unknown) is the target's, for Python's sys.byteorder probe;
    ``python`` the build root's main Python as the repository states it, for python-rpm-macros'
    probes (see buildpython), whose note goes to ``notes`` when an answer used it."""
    if len(command) > MAX_COMMAND or "$(" in command.replace("$((", ""):
        return None
    try:
        variables: dict[str, str] = {}
        words = _Words(variables)
        branches = _IF.fullmatch(command)
        if branches is not None:  # `if [ ... ]; then echo 0; else echo 1; fi`
            status = _status(branches.group(1), words)
            return expand_shell(branches.group(2) if status == 0 else branches.group(3), byteorder, python, notes)
        statements = _split_top(command.strip(), ";")
        for statement in statements[:-1]:
            m = _ASSIGNMENT_RE.fullmatch(statement.strip())
            if m is None:
                variables["?"] = str(_status(statement, words))
                continue
            value = words.split(m.group(2))
            if len(value) > 1:
                return None
            variables[m.group(1)] = value[0] if value else ""
            variables["?"] = "0"
        return _pipeline(_split_top(statements[-1], "|"), words, byteorder, python, notes).rstrip("\n")
    except (Unsupported, ValueError, IndexError, re.error, UnicodeError):
        return None
