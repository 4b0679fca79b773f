"""PURE PYTHON: the values every CycloneDX builder writes the same way: URIs the schema accepts and
Pedigree's own properties."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from cyclonedx.model import Property, XsUri

PROPERTY_PREFIX = "pedigree:"
_SPACE_RE = re.compile(r"\s")


@lru_cache(maxsize=65536)
def uri(value: str) -> XsUri | None:
    """An XsUri, or None for values the schema would refuse (unexpanded macros, spaces).

    Cached: the same URLs (dist-git, the release repository) recur in every component, and
    the model only reads an XsUri, so components can share one."""
    value = (value or "").strip()
    if not value or _SPACE_RE.search(value):
        return None
    try:
        return XsUri(value)
    except Exception:  # InvalidUriException and friends: leave the reference out
        return None


def properties(pairs: Iterable[tuple[str, str]]) -> list[Property]:
    """`pedigree:<name>` properties; an empty value is left out."""
    return [Property(name=PROPERTY_PREFIX + name, value=value) for name, value in pairs if value != ""]
