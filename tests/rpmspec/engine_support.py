"""Small synthetic macro sets and an engine/identity runner for the rpmspec engine tests."""

from __future__ import annotations

from audits.rpmspec.engine import MacroEngine
from audits.rpmspec.identity import SpecIdentity, spec_identity
from audits.rpmspec.lua import LuaSandbox
from audits.rpmspec.macrofiles import MacroDefinition, MacroSet

SANDBOX = LuaSandbox()


def macro_set(**bodies: str) -> MacroSet:
    """Plain macros name=body; a name ending in "__" followed by options is parametric: f__o_ = "..."."""
    definitions = [MacroDefinition("_target_cpu", "x86_64", None, "test"), MacroDefinition("dist", ".azl4", None, "test")]
    for name, body in bodies.items():
        base, _, options = name.partition("__")
        definitions.append(MacroDefinition(base, body, options.replace("_", ":") if _ else None, "test"))
    return MacroSet(tuple(definitions), {}, ())


def engine(**bodies: str) -> MacroEngine:
    return MacroEngine(macro_set(**bodies), sandbox=SANDBOX)


def identity(text: str, *, arch: str = "x86_64", **bodies: str) -> SpecIdentity:
    return spec_identity(text, macro_set(**bodies), arch=arch, sandbox=SANDBOX)


def spec(*lines: str) -> str:
    return "\n".join(lines) + "\n"
