"""What a release bundle carries of the audit's decisions: the review decisions, the policy in force, the
findings (open or waived as of the bundle), the waivers with their history, and the signed sign-off (decisions
document, in-toto statement, Sigstore bundle), as files and as OSCAL evidence."""

from __future__ import annotations

from typing import Any

from audits.models import Release
from policies.models import Finding, SignOff, Waiver
from policies.rules import RULES
from policies.services.policy import current_version, parsed
from policies.services.signoff import document_name
from reviews.services import decisions

from .. import oscal
from ..zipwriter import BundleFile
from .loading import json_bytes

JSON = "application/json"


def _findings(release: Release, at) -> list[Any]:
    return list(Finding.objects.filter(release=release).with_waiver(at).select_related("component", "policy_version")
                .order_by("component__name", "rule", "subject"))


def _waivers(release: Release) -> list[dict[str, Any]]:
    rows = (Waiver.objects.filter(release=release).select_related("component", "approved_by")
            .prefetch_related("events__user").order_by("id"))
    return [{"component": w.component.name, "rule": w.rule, "subject": w.subject, "justification": w.justification,
             "approvedBy": w.approved_by.username if w.approved_by else "", "approvedAt": w.approved_at.isoformat(),
             "expiresAt": w.expires_at.isoformat(), "revokedAt": w.revoked_at.isoformat() if w.revoked_at else None,
             "history": [{"action": e.action, "by": e.user.username if e.user else e.via, "at": e.at.isoformat(),
                          "justification": e.justification, "expiresAt": e.expires_at.isoformat()}
                         for e in w.events.all()]} for w in rows]


def decision_files(release: Release, at) -> list[BundleFile]:
    """The files under release/decisions/ (the sign-off's three files only once it is signed)."""
    version = current_version()
    findings = [{"component": f.component.name, "rule": f.rule, "severity": f.severity, "subject": f.subject,
                 "message": f.message, "status": "waived" if f.waived else "open",
                 "policyVersion": f.policy_version.number} for f in _findings(release, at)]
    reviews = [{"component": d.component, "state": d.state, "fingerprint": d.fingerprint, "reviewer": d.reviewer,
                "decidedAt": d.decided_at.isoformat() if d.decided_at else None, "justification": d.justification,
                "carriedFromRelease": d.carried_from_release_id} for d in decisions(release)]
    files = [
        BundleFile("release/decisions/reviews.json", json_bytes(reviews), "review-decisions",
                   "Every decided review: component, state, divergence fingerprint, reviewer, time, justification", JSON),
        BundleFile("release/decisions/findings.json", json_bytes(findings), "policy-findings",
                   "Every policy violation of the release, open or waived when the bundle was made", JSON),
        BundleFile("release/decisions/waivers.json", json_bytes(_waivers(release)), "policy-waivers",
                   "Every waiver with its approver, expiry and history", JSON),
        BundleFile(f"release/decisions/policy-v{version.number}.toml", version.text.encode(), "policy",
                   f"The policy file in force (version {version.number})", "application/toml"),
    ]
    made = SignOff.objects.filter(release=release).first()
    if made is not None:
        name = document_name(release)
        files += [
            BundleFile(f"release/decisions/{name}", bytes(made.document), "sign-off-document",
                       "The sign-off's decisions document: the subject of the signed in-toto statement", JSON),
            BundleFile(f"release/decisions/{name}.intoto.json", bytes(made.statement), "sign-off-statement",
                       "The in-toto Statement v1 of the sign-off", JSON),
            BundleFile(f"release/decisions/{name}.sigstore.json", bytes(made.bundle), "sign-off-signature",
                       "The Sigstore bundle (DSSE) of the sign-off; verify it with `sigstore verify identity` "
                       "(docs/policies.md)", JSON),
        ]
    return files


def oscal_decisions(release: Release, at) -> dict[str, Any]:
    """The policy rules, findings and review decisions as oscal.ReleaseEvidence fields."""
    version = current_version()
    waivers = {(w.component_id, w.rule, w.subject): w for w in
               Waiver.objects.active(at).filter(release=release).select_related("approved_by")}
    findings = []
    for f in _findings(release, at):
        waiver = waivers.get((f.component_id, f.rule, f.subject)) if f.waived else None
        words = (f"Waived by {waiver.approved_by.username if waiver.approved_by else 'an API key'} until "
                 f"{waiver.expires_at:%Y-%m-%d}: {waiver.justification}") if waiver else ""
        findings.append(oscal.PolicyFinding(f.component.name, f.rule, f.severity, f.message, f.waived, words))
    return {
        "policy_version": version.number,
        "policy_rules": tuple(oscal.PolicyRule(r.name, RULES[r.name].title, r.severity) for r in parsed(version).rules),
        "policy_findings": tuple(findings),
        "decisions": tuple(oscal.ReviewDecision(d.component, d.state, d.reviewer, d.decided_at, d.justification,
                                                d.fingerprint) for d in decisions(release) if d.decided_at),
    }
