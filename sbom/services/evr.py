"""PURE PYTHON: a package's epoch-version-release and its package URL.

The values come fully expanded from the ingest (audits.rpmspec); nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from packageurl import PackageURL


@dataclass(frozen=True, slots=True)
class Evr:
    epoch: str
    version: str
    release: str

    @property
    def vr(self) -> str:
        return f"{self.version}-{self.release}" if self.release else self.version

    @property
    def evr(self) -> str:
        """``E:V-R`` (epoch only when set), as rpm prints it with ``%{evr}``."""
        return f"{self.epoch}:{self.vr}" if self.epoch else self.vr


def rpm_purl(namespace: str, name: str, evr: Evr | None, qualifiers: dict[str, str]) -> PackageURL:
    """``pkg:rpm/<namespace>/<name>@<version>-<release>?<qualifiers>`` (purl spec, type rpm); without
    a version when `evr` is None (an unresolved identity).

    The epoch goes into the ``epoch`` qualifier, as the purl spec asks for rpm.
    """
    quals = {k: v for k, v in qualifiers.items() if v}
    version = None
    if evr is not None and evr.version:
        version = evr.vr
        if evr.epoch:
            quals["epoch"] = evr.epoch
    return PackageURL(type="rpm", namespace=namespace, name=name, version=version, qualifiers=quals)
