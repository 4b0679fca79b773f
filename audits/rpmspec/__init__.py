"""Pure-Python RPM spec expansion: truthful identities from untrusted specs (issue 12).

The hottest modules (COMPILED) also run compiled by mypyc, about twice as fast, when
scripts/compile_expansion.py has built them into BUILD: they are put first on this package's path only
while BUILD's manifest holds the SHA-256 of each module's current source (all or none), and not at all
with PEDIGREE_PURE_PYTHON=1. The sources stay the only truth.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

COMPILED = ("engine", "scan", "spec", "lines", "reads", "builtins", "expr", "identity", "crossarch")
NATIVE_GROUP = "audits.rpmspec.native"  # mypyc's shared library of the group, beside the modules
BUILD = Path(__file__).resolve().parents[2] / "build" / "compiled"
MANIFEST = "manifest.json"


def source_hashes() -> dict[str, str]:
    here = Path(__file__).parent
    return {name: hashlib.sha256((here / f"{name}.py").read_bytes()).hexdigest() for name in COMPILED}


def compiled_modules() -> Path | None:
    """Where the compiled modules are, when they may be used."""
    if os.environ.get("PEDIGREE_PURE_PYTHON"):
        return None
    try:
        built = json.loads((BUILD / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return BUILD / "audits" / "rpmspec" if built == source_hashes() else None


if (_compiled := compiled_modules()) is not None:
    __path__.insert(0, str(_compiled))
