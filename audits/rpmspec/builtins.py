"""rpm's built-in macros (`%define`, `%global`, `%{expand:}`, `%{lua:}`, `%{sub}`...), none of which
touches the filesystem, the environment or a shell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from .expr import ExprError, as_text, evaluate
from .lua import LuaError, LuaHost, LuaSandbox
from .macroformat import parse_macro_file
from .scan import QUOTE, macro_end, match_close



class BudgetExhausted(Exception):
    """The expansion ran out of its work or output budget (str(e) says which)."""


class Entry(Protocol):
    @property
    def body(self) -> str: ...


class Frame(Protocol):
    @property
    def options(self) -> dict[str, str]: ...
    @property
    def args(self) -> list[str]: ...


class MacroEngine(LuaHost, Protocol):
    """What the builtins use of the engine (engine.MacroEngine)."""

    level: int
    sandbox: LuaSandbox | None
    exhausted: str | None

    @property
    def frames(self) -> Sequence[Frame]: ...
    def problem(self, reason: str) -> None: ...
    def source_file(self, path: str) -> str | None: ...
    def runs_lua(self, code: str) -> None: ...
    def reads_arguments(self) -> None: ...
    def expand_shared(self, text: str) -> str: ...
    def charge(self, units: int = 1) -> None: ...
    def expand_text(self, text: str) -> str: ...
    def lookup(self, name: str) -> Entry | None: ...
    def pop(self, name: str) -> None: ...
    def push_definition(self, name: str, body: str, options: str | None = None, *, level: int | None = None) -> None: ...

RPM_VERSION = "4.18.0"
# Macros rpm's own macros file defines with the meaning specs rely on (name, options, body), written
# from rpm 4.18's documented behaviour: %bcond defines with_<name> unless --with/--without says otherwise.
RPM_MACROS = (
    ("defined", "", "%{expand:%%{?%{1}:1}%%{!?%{1}:0}}"),
    ("undefined", "", "%{expand:%%{?%{1}:0}%%{!?%{1}:1}}"),
    ("bcond", "", '%[ (%2) ? "%{expand:%%{!?_without_%{1}:%%global with_%{1} 1}}" : "%{expand:%%{?_with_%{1}:%%global with_%{1} 1}}" ]'),
    ("bcond_with", "", "%bcond %{1} 0"),
    ("bcond_without", "", "%bcond %{1} 1"),
    ("with", "", "%{expand:%%{?with_%{1}:1}%%{!?with_%{1}:0}}"),
    ("without", "", "%{expand:%%{?with_%{1}:0}%%{!?with_%{1}:1}}"),
)
_NAME = re.compile(r"[ \t]*([A-Za-z0-9_]*)")
_LINE_END = re.compile(r"[\r\n]")
_FREE_SIGNIFICANT = re.compile(r"[\r\n\\%{}()\[\]]")  # the characters _free_field looks at


def _valid_name(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or (name[0] == "_" and len(name) > 1)) and name not in BUILTINS


def define(engine: MacroEngine, text: str, *, expand_body: bool, level: int, inline: bool) -> int:
    """rpm's doDefine: parse `name[(opts)] body` from `text` and push it; returns the characters
    consumed (inline: the body ends at an unescaped end of line, or is a {...} group)."""
    m = _NAME.match(text)
    assert m is not None
    name, s = m.group(1), m.end()
    options: str | None = None
    if text[s : s + 1] == "(":
        close = text.find(")", s)
        if close < 0:
            engine.problem(f"%{name} has unterminated options")
            return len(text)
        options, s = text[s + 1 : close], close + 1
    while s < len(text) and text[s] in " \t":
        s += 1
    if not inline:
        body, s = text[s:], len(text)
    elif text[s : s + 1] == "{":
        end = match_close(text, s)
        if end < 0:
            engine.problem(f"%{name} has an unterminated body")
            return len(text)
        body, s = text[s + 1 : end - 1], end
    else:
        free, s = _free_field(text, s)
        if free is None:
            engine.problem(f"%{name} has an unterminated body")
            return len(text)
        body = free
    while s < len(text) and text[s] in "\r\n":
        s += 1
    if not _valid_name(name):
        engine.problem(f"%{name or '?'} is not a valid macro name to define")
        return s
    if not body:
        engine.problem(f"%{name} has an empty body")
        return s
    if expand_body:
        body = engine.expand_text(body)
    engine.push_definition(name, body, options, level=level)
    return s


def _free_field(text: str, s: int) -> tuple[str | None, int]:
    """A body to the end of the line, continued by backslash-newline or unclosed %{ %( %[ (rpm drops
    each backslash and keeps the character after it)."""
    m = _LINE_END.search(text, s)
    end = m.start() if m is not None else len(text)
    line = text[s:end]
    if "\\" not in line and "%{" not in line and "%(" not in line and "%[" not in line:
        return line.rstrip(" \t\r\n"), end  # nothing opens or escapes: the body is the rest of the line
    out: list[str] = []
    depth = {"{": 0, "(": 0, "[": 0}
    closing = {"}": "{", ")": "(", "]": "["}
    n = len(text)
    while s < n:
        m = _FREE_SIGNIFICANT.search(text, s)
        k = m.start() if m is not None else n
        out.append(text[s:k])  # plain characters are copied as they are
        s = k
        if s >= n:
            break
        c = text[s]
        if c in "\r\n" and not (depth["{"] or depth["("] or depth["["]):
            break
        if c == "\\":
            if s + 1 < n:
                s += 1
                c = text[s]
        elif c == "%" and s + 1 < n and text[s + 1] in "{([%":
            if text[s + 1] != "%":
                depth[text[s + 1]] += 1
            out.append("%")
            s += 1
            c = text[s]
        elif c in depth and depth[c] > 0:
            depth[c] += 1
        elif c in closing and depth[closing[c]] > 0:
            depth[closing[c]] -= 1
        out.append(c)
        s += 1
    if depth["{"] or depth["("] or depth["["]:
        return None, s
    return "".join(out).rstrip(" \t\r\n"), s


def expression(engine: MacroEngine, text: str, *, expand: bool, original: str) -> str:
    try:
        value = evaluate(text, expand=engine.expand_text if expand else None, find_macro_end=macro_end)
    except ExprError as error:
        engine.problem(str(error))
        return original
    return as_text(value)


@dataclass(frozen=True, slots=True)
class Builtin:
    function: Callable[[MacroEngine, str, list[str]], str]
    nargs: int = 1  # -1: any
    raw: bool = False  # arguments unexpanded and unsplit (rpm's ME_PARSE)

    def run(self, engine: MacroEngine, name: str, args: list[str]) -> str:
        engine.charge()
        given = len(args) - 1
        if self.nargs >= 0 and (self.nargs != 0) != (given > 0):
            engine.problem(f"%{name}: {'argument expected' if self.nargs else 'unexpected argument'}")
            return ""
        return self.function(engine, name, args)

    def run_inline(self, engine: MacroEngine, name: str, rest: str) -> tuple[str, int]:
        """`%define name body` and friends: the builtin reads the rest of the text itself."""
        engine.charge()
        if name in ("define", "global"):
            level = 0 if name == "global" else engine.level
            return "", define(engine, rest, expand_body=name == "global", level=level, inline=True)
        if name == "dnl":
            nl = rest.find("\n")
            return "", len(rest) if nl < 0 else nl + 1
        if name == "verbose":
            return "0", 0
        return self.function(engine, name, [name, rest]), len(rest)


def _define(engine: MacroEngine, name: str, args: list[str]) -> str:
    definition = " ".join(args[1:3])
    define(engine, definition, expand_body=name == "global", level=0 if name == "global" else engine.level, inline=False)
    return ""


def _undefine(engine: MacroEngine, name: str, args: list[str]) -> str:
    if _valid_name(args[1]):
        engine.pop(args[1])
    else:
        engine.problem(f"%undefine: {args[1]!r} is not a macro name")
    return ""


_FRAME_READ = re.compile(r"\b(?:opt|arg)\b|\.\.\.")  # the chunk's `local opt, arg = ...`


def _lua(engine: MacroEngine, name: str, args: list[str]) -> str:
    frame = engine.frames[-1] if engine.frames else None
    if frame is not None and _FRAME_READ.search(args[1]):
        engine.reads_arguments()
    return _run_lua(engine, args[1], frame.options if frame else None, frame.args if frame else None)


def _run_lua(engine: MacroEngine, code: str, opt: dict[str, str] | None, arg: list[str] | None) -> str:
    if engine.sandbox is None:
        engine.problem("%{lua:} is not evaluated (no Lua sandbox)")
        return f"%{{lua:{code}}}"
    engine.runs_lua(code)
    try:
        result = engine.sandbox.run(code, engine, opt=opt, arg=arg)
    except LuaError as error:
        engine.problem(f"Lua: {error}")
        result = None
    if engine.exhausted:
        raise BudgetExhausted(engine.exhausted)
    if result is None:
        return f"%{{lua:{code}}}"
    return result


def _lua_string(engine: MacroEngine, name: str, args: list[str]) -> str:
    """rpm 4.19's %{sub}, %{gsub}, %{len}, %{upper}...: Lua's string functions (Lua patterns)."""
    return _run_lua(engine, f"print((string.{name}(table.unpack(arg))))", None, args[1:])


def _expand(engine: MacroEngine, name: str, args: list[str]) -> str:
    return engine.expand_shared(args[1]) if args[1] else ""


def _expr(engine: MacroEngine, name: str, args: list[str]) -> str:
    return expression(engine, args[1], expand=False, original=f"%{{expr:{args[1]}}}")


def _body(engine: MacroEngine, name: str, args: list[str]) -> str:
    entry = engine.lookup(args[1])
    if entry is None:
        engine.problem(f"%{{macrobody:}}: no such macro {args[1]!r}")
        return ""
    return entry.body


def _output(engine: MacroEngine, name: str, args: list[str]) -> str:
    if name == "error":
        engine.problem(f"the spec calls %{{error:{args[1].strip()[:80]}}}")
    return ""


def _unavailable(engine: MacroEngine, name: str, args: list[str]) -> str:
    engine.problem(f"%{{{name}:}} needs files and is not evaluated")
    return f"%{{{name}:{' '.join(args[1:])}}}"


def _load(engine: MacroEngine, name: str, args: list[str]) -> str:
    """%{load:%{_sourcedir}/file}: a macro file next to the spec, read through the caller's reader."""
    text = engine.source_file(args[1])
    if text is None:
        return _unavailable(engine, name, args)
    for definition in parse_macro_file(text, args[1].strip().rpartition("/")[2]):
        if _valid_name(definition.name):
            engine.push_definition(definition.name, definition.body, definition.options, level=0)
    return ""


def _source_patch(engine: MacroEngine, name: str, args: list[str]) -> str:
    return engine.expand_text(("%SOURCE" if name == "S" else "%PATCH") + args[1])


def _shescape(engine: MacroEngine, name: str, args: list[str]) -> str:
    return "'" + args[1].replace("'", "'\\''") + "'"


def _shrink(engine: MacroEngine, name: str, args: list[str]) -> str:
    return " ".join(args[1].split())


def _quote(engine: MacroEngine, name: str, args: list[str]) -> str:
    return " ".join(QUOTE + a + QUOTE for a in args[1:])


def _url2path(engine: MacroEngine, name: str, args: list[str]) -> str:
    url = args[1]
    m = re.match(r"(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]*)(/.*)?$", url)
    if m is None:
        return url or "/"
    return m.group(1) or "/"


def _text(function: Callable[[str], str]) -> Callable[[MacroEngine, str, list[str]], str]:
    def run(engine: MacroEngine, name: str, args: list[str]) -> str:
        return function(args[1])

    return run


def _constant(value: str) -> Callable[[MacroEngine, str, list[str]], str]:
    def run(engine: MacroEngine, name: str, args: list[str]) -> str:
        return value

    return run


BUILTINS: dict[str, Builtin] = {
    "define": Builtin(_define, raw=True),
    "global": Builtin(_define, raw=True),
    "undefine": Builtin(_undefine),
    "dnl": Builtin(_constant(""), raw=True),
    "lua": Builtin(_lua, raw=True),
    "verbose": Builtin(_constant("0"), nargs=-1, raw=True),
    "expand": Builtin(_expand),
    "expr": Builtin(_expr),
    "macrobody": Builtin(_body),
    "echo": Builtin(_output),
    "warn": Builtin(_output),
    "error": Builtin(_output),
    "basename": Builtin(_text(lambda s: s.rpartition("/")[2])),
    "dirname": Builtin(_text(lambda s: s.rpartition("/")[0] if "/" in s else s)),
    "suffix": Builtin(_text(lambda s: s.rpartition(".")[2] if "." in s else "")),
    "shrink": Builtin(_shrink),
    "quote": Builtin(_quote),
    "shescape": Builtin(_shescape),
    "url2path": Builtin(_url2path),
    "u2p": Builtin(_url2path),
    "getenv": Builtin(_constant("")),
    "exists": Builtin(_constant("0")),
    "getconfdir": Builtin(_constant("/usr/lib/rpm"), nargs=0),
    "getncpus": Builtin(_constant("1"), nargs=-1),
    "rpmversion": Builtin(_constant(RPM_VERSION), nargs=0),
    "dump": Builtin(_constant(""), nargs=0),
    "trace": Builtin(_constant(""), nargs=0),
    "load": Builtin(_load),
    "uncompress": Builtin(_unavailable),
    "S": Builtin(_source_patch),
    "P": Builtin(_source_patch),
    **{name: Builtin(_lua_string) for name in ("sub", "gsub", "len", "upper", "lower", "rep", "reverse")},
}
