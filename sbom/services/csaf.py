"""PURE PYTHON: the CSAF 2.0 VEX document (profile `csaf_vex`) of a release, from the VEX statements
in its facts (docs/vex.md).

One product per source component a statement is about (vendor → product name → product version
branches, with the component's purl), one vulnerability per CVE (CSAF allows each CVE once):
`resolved_with_pedigree` is `fixed` with a `vendor_fix` remediation, `not_affected` is
`known_not_affected` with the flag `vulnerable_code_not_present`, `in_triage` is
`under_investigation`. Every note names the overlays behind the statement. Deterministic: dates
are the release commit's, the output is sorted and written with sorted keys.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from vex.cves import NOT_AFFECTED, RESOLVED, Statement

from .. import __version__
from .cyclonedx_vulnerabilities import finding_label, nvd_url, overlay_label
from .facts import ComponentFacts, ReleaseFacts
from .identity import BomOptions, evr_of, release_supplier, source_purl

CSAF_VERSION = "2.0"
_STATUS = {RESOLVED: "fixed", NOT_AFFECTED: "known_not_affected"}  # anything else: under_investigation
_FALLBACK_NAMESPACE = "https://github.com/microsoft/azurelinux"


class NoStatements(ValueError):
    """A CSAF VEX document needs at least one vulnerability; the release has no VEX statement."""


def product_id(component: str) -> str:
    return f"CSAFPID-{component}"


def _date(release: ReleaseFacts) -> str:
    when = release.commit.committed_at
    if when is None:
        raise ValueError("the release commit has no date")
    return when.isoformat().replace("+00:00", "Z")


def _product_branch(release: ReleaseFacts, component: ComponentFacts) -> dict[str, Any]:
    evr = evr_of(component)
    product = {
        "name": f"{component.name} {evr.evr}" if evr else component.name,
        "product_id": product_id(component.name),
        "product_identification_helper": {"purl": source_purl(release, component, evr).to_string()},
    }
    if evr is None:
        return {"category": "product_name", "name": component.name, "product": product}
    return {"category": "product_name", "name": component.name,
            "branches": [{"category": "product_version", "name": evr.evr, "product": product}]}


def _vulnerability(cve: str, statements: list[Statement], components: dict[str, ComponentFacts]) -> dict[str, Any]:
    status: dict[str, list[str]] = defaultdict(list)
    notes, remediations, flags = [], [], []
    for s in statements:
        pid = product_id(s.component)
        status[_STATUS.get(s.state, "under_investigation")].append(pid)
        overlays = "; ".join(overlay_label(components.get(s.component), p) for p in s.overlays)
        notes.append({"category": "details", "title": f"{s.component}: {s.state}",
                      "text": f"{s.detail}. Overlays: {overlays}. Findings: {' | '.join(finding_label(s))}"})
        if s.state == RESOLVED:
            remediations.append({"category": "vendor_fix", "details": s.detail, "product_ids": [pid]})
        elif s.state == NOT_AFFECTED:
            flags.append({"label": "vulnerable_code_not_present", "product_ids": [pid]})
    vulnerability: dict[str, Any] = {
        "cve": cve,
        "notes": notes,
        "product_status": {key: sorted(ids) for key, ids in sorted(status.items())},
        "references": [{"category": "external", "summary": f"{cve} at the NVD", "url": nvd_url(cve)}],
    }
    if remediations:
        vulnerability["remediations"] = remediations
    if flags:
        vulnerability["flags"] = flags
    return vulnerability


def build_document(release: ReleaseFacts, options: BomOptions = BomOptions()) -> dict[str, Any]:
    """The CSAF 2.0 VEX document as JSON data; NoStatements when there is nothing to state."""
    if not release.vulnerabilities:
        raise NoStatements(f"release {release.slug} has no VEX statement")
    components = {c.name: c for c in release.components}
    about = sorted({s.component for s in release.vulnerabilities})
    by_cve: dict[str, list[Statement]] = defaultdict(list)
    for s in release.vulnerabilities:
        by_cve[s.cve].append(s)
    supplier, supplier_url = release_supplier(release)
    publisher = options.organization_name or supplier
    namespace = (options.organization_contact if options.organization_contact.startswith("https://")
                 else supplier_url or _FALLBACK_NAMESPACE)
    date = _date(release)
    return {
        "document": {
            "category": "csaf_vex",
            "csaf_version": CSAF_VERSION,
            "lang": "en",
            "notes": [{"category": "summary", "title": "What this document states",
                       "text": ("CVEs tied to the overlays of the source packages of "
                                f"{release.distribution} {release.version} at commit {release.commit.sha}: "
                                "fixes an overlay adds, and patches an overlay removes because the vulnerable "
                                "code is not built. Advisories are not part of it.")}],
            "publisher": {"category": "vendor", "name": publisher, "namespace": namespace},
            "title": f"VEX of {release.distribution} {release.version} ({release.commit.sha[:12]})",
            "tracking": {
                "current_release_date": date,
                "generator": {"engine": {"name": "Pedigree", "version": __version__}},
                "id": f"{release.slug}-vex",
                "initial_release_date": date,
                "revision_history": [{"date": date, "number": "1", "summary": "Generated from the release's overlays."}],
                "status": "final",
                "version": "1",
            },
        },
        "product_tree": {"branches": [{
            "category": "vendor", "name": supplier,
            "branches": [_product_branch(release, components[name]) for name in about if name in components],
        }]},
        "vulnerabilities": [_vulnerability(cve, by_cve[cve], components) for cve in sorted(by_cve)],
    }


def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"
