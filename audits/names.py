"""What the names a repository gives may be: component names, distribution and version keys.

They name releases and components on every page, URL, file name and document, so anything outside
these rules fails the ingest with the file that defines it (pure Python, no Django).
"""

from __future__ import annotations

import re
from typing import Iterable

from .azldev.loader import ConfigError

# What a component name may be: an RPM package name as rpmbuild accepts it for a Name tag, less the
# macro characters (%{}), which a configuration key never needs. Every page, URL and document is
# built from these names, so anything else (a '/', whitespace, '..', control characters) is refused.
COMPONENT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}\Z")


def check_component_names(components: Iterable[tuple[str, str]]) -> None:
    """ConfigError naming the components (name, file defining it) whose names are not RPM package names."""
    bad = sorted((name, file) for name, file in components if not COMPONENT_NAME.match(name))
    if bad:
        listed = ", ".join(repr(name) for name, _ in bad[:10]) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
        raise ConfigError(
            bad[0][1],
            f"invalid component name{'s' if len(bad) > 1 else ''} {listed}: a component name must be an RPM package "
            "name (letters, digits and . _ + -, starting with a letter, digit or _; at most 255 characters)"
        )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_release_keys(distribution: str, version: str, file: str) -> None:
    """ConfigError when the distribution or version key holds a control character or is blank: they name the
    release on every page, file name and document (OSCAL titles, for one, are a single line)."""
    for what, key in (("distribution", distribution), ("version", version)):
        if not key.strip() or _CONTROL.search(key):
            raise ConfigError(file, f"invalid {what} key {key!r}: it must be non-blank and hold no control character")
