"""The Lua sandbox for ``%{lua:...}`` in untrusted specs and macro files (lupa, Lua 5.4).

rpm runs macro Lua in its own interpreter, with ``os``, ``io`` and ``posix`` at hand; we
run it in one lupa runtime whose untrusted chunks share one environment per spec (rpm keeps
one Lua state for a whole parse: a function one ``%{lua:}`` defines is called by a later
one), made afresh by ``new_state()``, with only ``string table math utf8``, the safe basic
functions, and rpm's ``print``, ``rpm`` (expand, define, undefine, isdefined, vercmp),
``macros`` and ``require`` (the distribution's modules from the MacroSet, nothing from
disk). The set-up code (lua_sandbox.lua) keeps the dangerous parts (``debug``, bytecode
``load``, the Python callables) in locals no chunk can name, counts instructions with a
hook the chunk cannot remove or catch, refuses ``__gc`` finalizers (they would run outside
the budget) and hides the string metatable, so nothing one spec's Lua does is visible to
the next spec. ``changed`` names the globals the spec's Lua changed and ``reach(code)`` the
globals a chunk may read: the engine shares a Lua expansion across specs only while the two
have nothing in common.

rpm semantics kept: the chunk is prefixed with ``local opt, arg = ...;``; ``print``
appends its arguments, tab-separated, with no newline; values the chunk returns are
printed too.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, Protocol, Sequence

from lupa import lua54  # type: ignore[import-untyped]

from .vercmp import rpmvercmp

__all__ = ["LuaError", "LuaHost", "LuaSandbox"]

_SETUP = (Path(__file__).with_name("lua_sandbox.lua")).read_text(encoding="utf-8")
_NO_MODULES: Mapping[str, str] = MappingProxyType({})
_IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
GLOBAL = "%lua:"  # prefix of a Lua global's name in `changed` and `reach()`: never a macro's name
_ANY = GLOBAL + "*"  # in reach(): the chunk reaches the globals table itself (_G, _ENV)


class LuaError(Exception):
    """A %{lua:...} that failed or went over its budget; str() is a one-sentence reason."""


class LuaHost(Protocol):
    """The macro engine, as Lua's rpm.* and macros.* reach it."""

    def expand(self, text: str) -> str: ...

    def define(self, definition: str) -> None: ...  # what rpm.define("name(opts) body") takes

    def undefine(self, name: str) -> None: ...

    def is_defined(self, name: str) -> tuple[bool, bool]: ...  # (defined, parametric)

    def call(self, name: str, args: Sequence[str]) -> str: ...  # macros.name(args) / macros.name


def _refuse_attribute(obj: object, name: object, is_setting: bool) -> str:
    raise AttributeError("Python attributes are not reachable from the Lua sandbox")


def _text(value: object) -> str:
    if not isinstance(value, bytes):
        raise LuaError(f"Lua passed a {type(value).__name__} where rpm takes a string")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise LuaError("Lua produced text that is not UTF-8") from None


class LuaSandbox:
    """One Lua runtime, reused by every spec; each spec's Lua is isolated, each run bounded.

    Not thread-safe: give each thread its own sandbox.
    """

    def __init__(
        self,
        modules: Mapping[str, str] = _NO_MODULES,
        *,
        max_instructions: int = 10_000_000,
        max_memory: int = 64 * 1024 * 1024,
        max_output: int = 4 * 1024 * 1024,
        max_depth: int = 16,
        vercmp: Callable[[str, str], int] = rpmvercmp,
    ) -> None:
        self.max_instructions = max_instructions
        self.max_memory = max_memory
        self.max_output = max_output
        self.max_depth = max_depth
        self._vercmp = vercmp
        self._hosts: list[LuaHost] = []
        self._failure: BaseException | None = None
        self._ran = False  # a chunk ran since the state was made: new_state() has something to forget
        self.runs = 0  # chunks run: a chunk may change a table an earlier one made, which `changed` does not show
        self._runtime = lua54.LuaRuntime(
            encoding=None, register_eval=False, register_builtins=False, unpack_returned_tuples=True,
            max_memory=max_memory, attribute_filter=_refuse_attribute,
        )  # fmt: skip
        table = self._runtime.table_from
        callbacks = table({
            b"expand": self._expand, b"define": self._define, b"undefine": self._undefine,
            b"isdefined": self._isdefined, b"call": self._call, b"vercmp": self._compare,
        })  # fmt: skip
        sources = table({name.encode(): source.encode() for name, source in modules.items()})
        limits = table({
            b"instructions": max_instructions, b"output": max_output, b"depth": max_depth,
        })  # fmt: skip
        self._run, self._new_state, self._changes = self._runtime.compile(_SETUP.encode())(callbacks, sources, limits)
        self._modules_reach = frozenset().union(*(self._identifiers(s.encode()) for s in modules.values()))
        self._reach: dict[str, frozenset[str]] = {}
        self._changes_text: bytes | None = b""  # None: not known since a run failed
        self.changed: frozenset[str] = frozenset()

    def new_state(self) -> None:
        """Forget the globals every earlier run defined: the next run starts as rpm's parse of a new spec.
        Nothing to forget when no chunk ran since the last one (most specs run no Lua of their own)."""
        if not self._ran:
            return
        self._new_state()
        self._changes_text, self.changed = b"", frozenset()
        self._ran = False

    def _note(self, changes: bytes) -> None:
        if changes != self._changes_text and self._changes_text is not None:
            self._changes_text = changes
            names = changes.decode("utf-8", "replace").split()
            self.changed = frozenset([_ANY, *(GLOBAL + n for n in names)]) if names else frozenset()

    @staticmethod
    def _identifiers(code: bytes) -> frozenset[str]:
        return frozenset(GLOBAL + word.decode() for word in _IDENTIFIER.findall(code))

    def reach(self, code: str) -> frozenset[str]:
        """The globals `code` may read: those it names, the modules' when it requires one, all through _G;
        and GLOBAL itself, the mark of any Lua (`changed` holds it when what changed is not known)."""
        known = self._reach.get(code)
        if known is None:
            known = self._identifiers(code.encode()) | {GLOBAL}
            if GLOBAL + "_G" in known or GLOBAL + "_ENV" in known:
                known |= {_ANY}
            if GLOBAL + "require" in known:
                known |= self._modules_reach
            if len(self._reach) > 10_000:
                self._reach.clear()
            known = self._reach[code] = known
        return known

    def run(
        self, code: str, host: LuaHost, *, opt: Mapping[str, str] | None = None, arg: Sequence[str] | None = None
    ) -> str:
        """The text ``%{lua:code}`` expands to; LuaError when it fails or exceeds a budget.

        Exceptions the host raises from a callback end the run and propagate unchanged."""
        table = self._runtime.table_from
        opt_table = table({k.encode(): v.encode() for k, v in (opt or {}).items()})
        arg_table = table([a.encode() for a in (arg or ())])
        outermost = not self._hosts
        self._ran = True
        self.runs += 1
        if outermost:
            self._failure = None
        self._hosts.append(host)
        try:
            answer = self._run(code.encode(), opt_table, arg_table)
        except lua54.LuaMemoryError:
            answer = (False, b"memory", b"")
        except lua54.LuaError as error:  # the set-up's own code failed: report, never leak
            answer = (False, b"error", str(error).encode())
        finally:
            self._hosts.pop()
        try:
            self._note(self._changes())
        except (lua54.LuaError, lua54.LuaMemoryError):  # cannot tell what changed: every Lua expansion may differ
            self._changes_text, self.changed = None, frozenset([GLOBAL])
        return self._result(answer, outermost)

    def _result(self, answer: Any, outermost: bool) -> str:
        ok, *rest = answer
        if ok:
            return _text(rest[0])
        why, message = rest[0], rest[1]
        if why == b"host" and self._failure is not None:
            failure = self._failure
            if outermost:
                self._failure = None
            raise failure
        reasons = {
            b"instructions": f"Lua exceeded its budget of {self.max_instructions} instructions",
            b"memory": f"Lua exceeded its memory budget of {self.max_memory} bytes",
            b"output": f"Lua printed more than {self.max_output} bytes",
            b"depth": f"Lua calls nested deeper than {self.max_depth} levels",
        }
        if why in reasons:
            raise LuaError(reasons[why])
        raise LuaError(f"Lua failed: {message.decode('utf-8', 'replace')}")

    # Callbacks: (True, value...) on success, (False, message) for a Lua error the chunk may
    # catch, (None,) when the host raised: the run then aborts and run() re-raises.

    def _guard(self, action: Callable[[LuaHost], tuple[Any, ...]]) -> tuple[Any, ...]:
        try:
            return action(self._hosts[-1])
        except LuaError as error:  # bad text from Lua, or a nested %{lua:} that failed: as rpm, catchable
            return (False, str(error).encode())
        except Exception as error:  # the host's own failure (budget, bug): not Lua's to catch
            if self._failure is None:
                self._failure = error
            return (None,)

    def _expand(self, changes: bytes, text: bytes) -> tuple[Any, ...]:
        self._note(changes)
        return self._guard(lambda host: (True, host.expand(_text(text)).encode()))

    def _define(self, definition: bytes) -> tuple[Any, ...]:
        def define(host: LuaHost) -> tuple[Any, ...]:
            host.define(_text(definition))
            return (True,)

        return self._guard(define)

    def _undefine(self, name: bytes) -> tuple[Any, ...]:
        def undefine(host: LuaHost) -> tuple[Any, ...]:
            host.undefine(_text(name))
            return (True,)

        return self._guard(undefine)

    def _isdefined(self, name: bytes) -> tuple[Any, ...]:
        return self._guard(lambda host: (True, *map(bool, host.is_defined(_text(name)))))

    def _call(self, changes: bytes, name: bytes, *args: bytes) -> tuple[Any, ...]:
        self._note(changes)
        return self._guard(lambda host: (True, host.call(_text(name), [_text(a) for a in args]).encode()))

    def _compare(self, a: bytes, b: bytes) -> tuple[Any, ...]:
        compare = self._vercmp
        return self._guard(lambda host: (True, compare(_text(a), _text(b))))
