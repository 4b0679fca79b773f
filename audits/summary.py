"""PURE PYTHON: the counts of an analysed release (`ingest --json`, the release dashboard)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from .analysis import ReleaseAnalysis
from .azldev.presence import summarise as summarise_presence
from .identities import ComponentIdentity


def summarise(analysis: ReleaseAnalysis) -> dict[str, Any]:
    """The counts printed by `ingest --json` and shown on the release dashboard."""
    headline = Counter(r.classification.headline for r in analysis.components)
    reasons = Counter(code for r in analysis.components for code in set(r.classification.codes))
    overlay_types = Counter(o.type for r in analysis.components for o in r.resolved.overlays)
    categories = Counter((o.metadata or {}).get("category", "(none)") for r in analysis.components for o in r.resolved.overlays)
    findings = Counter(f.kind for f in analysis.findings)
    return {
        "components": len(analysis.components),
        "by_headline": dict(sorted(headline.items())),
        "by_reason": dict(sorted(reasons.items())),
        "overlays": sum(overlay_types.values()),
        "overlays_by_type": dict(sorted(overlay_types.items())),
        "overlays_by_category": dict(sorted(categories.items())),
        "components_with_overlays": sum(1 for r in analysis.components if r.resolved.overlays),
        "rendered_specs": sum(1 for r in analysis.components if r.rendered),
        "identities": summarise_identities(r.identity for r in analysis.components),
        "inconsistencies": dict(sorted(findings.items())),
        "overlay_presence": summarise_presence(v for r in analysis.components for v in r.presence),
        "config_files": len(analysis.config_files),
        "images": len(analysis.images),
    }


def summarise_identities(identities: Iterable[ComponentIdentity], top: int = 10) -> dict[str, Any]:
    """How many components publish a fully resolved identity, and the commonest reasons for the rest."""
    resolved = unresolved = 0
    reasons: Counter[str] = Counter()
    for identity in identities:
        if identity.complete:
            resolved += 1
            continue
        unresolved += 1
        reasons.update({u.reason for u in identity.unresolved})
    # ties in text order, whatever order the reasons came in (a set's order changes with the process);
    # lists, not tuples: the summary is stored as JSON and compared with fresh ones
    commonest = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:top]
    return {"resolved": resolved, "unresolved": unresolved, "top_reasons": [[r, n] for r, n in commonest]}
