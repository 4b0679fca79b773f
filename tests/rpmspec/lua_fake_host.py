"""A stand-in for the macro engine, as the Lua sandbox reaches it (tests only)."""

from __future__ import annotations

import re
from typing import Sequence

_MACRO_RE = re.compile(r"%\{(\??)([A-Za-z_][A-Za-z0-9_]*)\}")


class FakeHost:
    """Expands only %{name} and %{?name} from its own table; records what Lua asked."""

    def __init__(self, macros: dict[str, str] | None = None, parametric: set[str] | None = None) -> None:
        self.macros = dict(macros or {})
        self.parametric = set(parametric or ())
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def expand(self, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            body = self.macros.get(m.group(2))
            return body if body is not None else ("" if m.group(1) else m.group(0))

        return _MACRO_RE.sub(one, text)

    def define(self, definition: str) -> None:
        name, _, body = definition.partition(" ")
        self.macros[name] = body.strip()

    def undefine(self, name: str) -> None:
        self.macros.pop(name, None)

    def is_defined(self, name: str) -> tuple[bool, bool]:
        return name in self.macros or name in self.parametric, name in self.parametric

    def call(self, name: str, args: Sequence[str]) -> str:
        self.calls.append((name, tuple(args)))
        return f"{name}({' '.join(args)})"
