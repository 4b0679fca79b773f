"""The VEX documents of a release, made on request from its stored CVE scan (vex app): CycloneDX 1.6
(a BOM of the vulnerabilities and the components they are about, validated like the SBOMs) and
CSAF 2.0 (profile csaf_vex). Deterministic, so they are not stored (docs/vex.md)."""

from __future__ import annotations

from dataclasses import dataclass

from cyclonedx.schema import OutputFormat

from audits.models import Release
from vex.models import VexScan
from vex.services.statements import release_statements

from . import csaf, cyclonedx
from .generate import SbomError, load_release_facts, options_from_settings

CYCLONEDX_VEX = "cyclonedx-vex"
CSAF_VEX = "csaf-vex"
KINDS = {CYCLONEDX_VEX: ("vex.cdx.json", "application/vnd.cyclonedx+json"), CSAF_VEX: ("vex.csaf.json", "application/json")}


class VexUnavailable(Exception):
    """No document can be made (never scanned, or nothing to state for CSAF); the message says why."""


@dataclass(frozen=True)
class VexDocument:
    file_name: str
    content_type: str
    content: bytes


def build_vex_document(release: Release, kind: str) -> VexDocument:
    if not VexScan.objects.filter(release=release).exists():
        raise VexUnavailable("this release has not been scanned for CVEs yet: run the SBOM job or the CVE scan")
    statements = release_statements(release)
    facts = load_release_facts(release, names={s.component for s in statements})
    options = options_from_settings()
    suffix, content_type = KINDS[kind]
    if kind == CSAF_VEX:
        try:
            content = csaf.to_json(csaf.build_document(facts, options))
        except csaf.NoStatements as exc:
            raise VexUnavailable("no overlay of this release adds or removes a patch for a CVE: "
                                 "a CSAF VEX document needs at least one statement") from exc
    else:
        content = cyclonedx.to_json(cyclonedx.build_bom(facts, options=options, vex=True))
        errors = cyclonedx.validate(content, OutputFormat.JSON)
        if errors:
            raise SbomError("the generated CycloneDX VEX document is not valid: " + "; ".join(errors[:5]))
    return VexDocument(f"{facts.slug}.{suffix}", content_type, content)
