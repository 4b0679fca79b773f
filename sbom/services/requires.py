"""PURE PYTHON: the provider index of a release's SBOM facts (audits.requires does the resolving)."""

from __future__ import annotations

from itertools import chain
from typing import Iterable

from audits.requires import ProviderIndex, Requirement

from .facts import ReleaseFacts


def release_index(release: ReleaseFacts) -> ProviderIndex:
    """The index of every binary package of the release: the facts' own and `other_binaries`."""
    own = ((c.name, b.name, b.provides) for c in release.components for b in c.binaries)
    return ProviderIndex(chain(own, release.other_binaries))


def unresolved_note(requirements: Iterable[Requirement]) -> str:
    """The unresolved requirements of a package, `text (reason)` each, for a comment or property."""
    return "; ".join(f"{r.text} ({r.reason})" for r in requirements if r.target is None)
