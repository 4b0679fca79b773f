"""PURE PYTHON: the CycloneDX 1.6 `vulnerabilities` of a release, from the VEX statements in its facts.

Each statement (vex.cves.Statement: one CVE in one source component) becomes one vulnerability whose
`affects` is the source component's bom-ref and whose `analysis` is the statement's state
(`resolved_with_pedigree`, `not_affected` with `code_not_present`, `in_triage`) and detail; the
properties name every overlay and every finding behind it (docs/vex.md). The same objects go into the
release SBOM and into the VEX document of its own (cyclonedx_vex.py).
"""

from __future__ import annotations

import hashlib

from cyclonedx.model import Property, XsUri
from cyclonedx.model.impact_analysis import ImpactAnalysisJustification, ImpactAnalysisState
from cyclonedx.model.vulnerability import BomTarget, Vulnerability, VulnerabilityAnalysis, VulnerabilitySource

from vex.cves import Statement

from .cyclonedx_graph import source_ref
from .cyclonedx_values import PROPERTY_PREFIX
from .facts import ComponentFacts, ReleaseFacts


def nvd_url(cve: str) -> str:
    return f"https://nvd.nist.gov/vuln/detail/{cve}"


def overlay_label(component: ComponentFacts | None, position: int) -> str:
    """`overlay 2 (patch-remove) in base/comps/x/x.comp.toml`: how documents point at an overlay."""
    overlay = next((o for o in component.overlays if o.position == position), None) if component else None
    if overlay is None:
        return f"overlay {position + 1}"
    return f"overlay {position + 1} ({overlay.type}) in {overlay.defined_in}"


def finding_label(statement: Statement) -> list[str]:
    return sorted({
        f"{f.origin} of overlay {f.overlay_position + 1} at {f.file}{f':{f.line}' if f.line else ''}: {f.text}"
        for f in statement.findings
    })


def vulnerability_of(statement: Statement, component: ComponentFacts | None) -> Vulnerability:
    properties = [Property(name=f"{PROPERTY_PREFIX}overlay", value=overlay_label(component, p))
                  for p in statement.overlays]
    properties += [Property(name=f"{PROPERTY_PREFIX}finding", value=text) for text in finding_label(statement)]
    return Vulnerability(
        bom_ref=f"vex/{statement.component}/{statement.cve}",
        id=statement.cve,
        source=VulnerabilitySource(name="NVD", url=XsUri(nvd_url(statement.cve))),
        analysis=VulnerabilityAnalysis(
            state=ImpactAnalysisState(statement.state),
            justification=ImpactAnalysisJustification(statement.justification) if statement.justification else None,
            detail=statement.detail,
        ),
        affects=[BomTarget(ref=source_ref(statement.component))],
        properties=properties,
    )


def vulnerabilities_of(release: ReleaseFacts, components: list[ComponentFacts]) -> list[Vulnerability]:
    """The vulnerabilities of the statements about the given components (those in the document)."""
    by_name = {c.name: c for c in components}
    return [vulnerability_of(s, by_name[s.component]) for s in release.vulnerabilities if s.component in by_name]


def vex_scope(release: ReleaseFacts) -> str:
    """The serial-number scope of a VEX document: "vex:" and a digest of its statements, so a new
    scan that changes what the document says gives it a new serial number."""
    text = "\n".join(f"{s.component}|{s.cve}|{s.state}|{s.justification}|{s.detail}|{s.overlays}"
                     for s in release.vulnerabilities)
    return "vex:" + hashlib.sha256(text.encode()).hexdigest()[:16]
