"""What a release bundle carries of the audit's decisions: the review decisions, the policy in force, the
findings (open or waived as of the bundle), the waivers with their history, and the signed sign-off (decisions
document, in-toto statement, Sigstore bundle), as files, as OSCAL evidence and as the PDF report's section.
`load_decisions` reads them in a fixed number of queries; the rest only shapes what it read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audits.models import Release
from policies.models import Finding, PolicyVersion, SignOff, Waiver
from policies.rules import RULES
from policies.services.policy import current_version, parsed
from policies.services.signoff import document_name
from reviews.services import DecisionRecord, decisions

from .. import oscal
from ..pdf import Section
from ..zipwriter import BundleFile
from .loading import json_bytes

JSON = "application/json"


@dataclass(frozen=True)
class Decisions:
    release: Release
    policy: PolicyVersion
    findings: list[Finding]  # annotated `waived` as of the bundle's time
    waivers: list[Waiver]  # every waiver, with its events
    reviews: list[DecisionRecord]
    sign_off: SignOff | None


def load_decisions(release: Release, at) -> Decisions:
    return Decisions(
        release=release, policy=current_version(),
        findings=list(Finding.objects.filter(release=release).with_waiver(at).select_related("component", "policy_version")
                      .order_by("component__name", "rule", "subject")),
        waivers=list(Waiver.objects.filter(release=release).select_related("component", "approved_by")
                     .prefetch_related("events__user").order_by("id")),
        reviews=decisions(release),
        sign_off=SignOff.objects.filter(release=release).select_related("signed_by").first(),
    )


def _username(user, fallback: str = "") -> str:
    return user.username if user is not None else fallback


def _waiver_record(w: Waiver) -> dict[str, Any]:
    return {"component": w.component.name, "rule": w.rule, "subject": w.subject, "justification": w.justification,
            "approvedBy": _username(w.approved_by), "approvedAt": w.approved_at.isoformat(),
            "expiresAt": w.expires_at.isoformat(), "revokedAt": w.revoked_at.isoformat() if w.revoked_at else None,
            "history": [{"action": e.action, "by": _username(e.user, e.via), "at": e.at.isoformat(),
                         "justification": e.justification, "expiresAt": e.expires_at.isoformat()}
                        for e in w.events.all()]}


def decision_files(data: Decisions) -> list[BundleFile]:
    """The files under release/decisions/ (the sign-off's three files only once it is signed)."""
    findings = [{"component": f.component.name, "rule": f.rule, "severity": f.severity, "subject": f.subject,
                 "message": f.message, "status": "waived" if f.waived else "open",
                 "policyVersion": f.policy_version.number} for f in data.findings]
    reviews = [{"component": d.component, "state": d.state, "fingerprint": d.fingerprint, "reviewer": d.reviewer,
                "decidedAt": d.decided_at.isoformat() if d.decided_at else None, "justification": d.justification,
                "carriedFromRelease": d.carried_from_release_id} for d in data.reviews]
    files = [
        BundleFile("release/decisions/reviews.json", json_bytes(reviews), "review-decisions",
                   "Every decided review: component, state, divergence fingerprint, reviewer, time, justification", JSON),
        BundleFile("release/decisions/findings.json", json_bytes(findings), "policy-findings",
                   "Every policy violation of the release, open or waived when the bundle was made", JSON),
        BundleFile("release/decisions/waivers.json", json_bytes([_waiver_record(w) for w in data.waivers]),
                   "policy-waivers", "Every waiver with its approver, expiry and history", JSON),
        BundleFile(f"release/decisions/policy-v{data.policy.number}.toml", data.policy.text.encode(), "policy",
                   f"The policy file in force (version {data.policy.number})", "application/toml"),
    ]
    made = data.sign_off
    if made is not None:
        name = f"release/decisions/{document_name(data.release)}"
        files += [
            BundleFile(name, bytes(made.document), "sign-off-document",
                       "The sign-off's decisions document: the subject of the signed in-toto statement", JSON),
            BundleFile(f"{name}.intoto.json", bytes(made.statement), "sign-off-statement",
                       "The in-toto Statement v1 of the sign-off", JSON),
            BundleFile(f"{name}.sigstore.json", bytes(made.bundle), "sign-off-signature",
                       "The Sigstore bundle (DSSE) of the sign-off; verify it with `sigstore verify identity` "
                       "(docs/policies.md)", JSON),
        ]
    return files


def oscal_decisions(data: Decisions, at) -> dict[str, Any]:
    """The policy rules, findings and review decisions as oscal.ReleaseEvidence fields."""
    active = {(w.component_id, w.rule, w.subject): w for w in data.waivers
              if w.revoked_at is None and w.expires_at > at}
    findings = []
    for f in data.findings:
        waiver = active.get((f.component_id, f.rule, f.subject)) if f.waived else None
        words = (f"Waived by {_username(waiver.approved_by, 'an API key')} until {waiver.expires_at:%Y-%m-%d}: "
                 f"{waiver.justification}") if waiver else ""
        findings.append(oscal.PolicyFinding(f.component.name, f.rule, f.severity, f.message, f.waived, words))
    return {
        "policy_version": data.policy.number,
        "policy_rules": tuple(oscal.PolicyRule(r.name, RULES[r.name].title, r.severity)
                              for r in parsed(data.policy).rules),
        "policy_findings": tuple(findings),
        "decisions": tuple(oscal.ReviewDecision(d.component, d.state, d.reviewer, d.decided_at, d.justification,
                                                d.fingerprint) for d in data.reviews if d.decided_at),
    }


def decisions_section(data: Decisions) -> Section:
    """The PDF report's decisions: every decided review, the sign-off state, the findings' status."""
    made = data.sign_off
    signed = (f"Signed off by {_username(made.signed_by, 'an API key')} at {made.signed_at:%Y-%m-%d %H:%M} UTC; "
              "the signed attestation is in release/decisions/." if made else "Not signed off when this bundle was made.")
    waived = sum(1 for f in data.findings if f.waived)
    return Section("Decisions", (signed, f"Policy violations: {len(data.findings) - waived} open, {waived} waived "
                                         "(release/decisions/findings.json)."),
                   ("Component", "Decision", "Reviewer", "Decided (UTC)", "Justification"),
                   tuple((d.component, d.state, d.reviewer, f"{d.decided_at:%Y-%m-%d %H:%M}" if d.decided_at else "",
                          d.justification) for d in data.reviews), (0.16, 0.1, 0.16, 0.14, 0.44))
