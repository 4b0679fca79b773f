"""The sign-off of a release: when every review is decided and no unwaived violation remains, a release
manager signs an in-toto Statement v1 whose subject is the decisions document (the release commit, every
review decision with its fingerprint, reviewer and time, the policy version, the findings and waivers).

Signing goes through the attestation-signer extension point (`signers.py`), which `signing` fills with
the SBOMs' Sigstore machinery. A sign-off is stored once and never changed; the release's reviews
and waivers are frozen from then on, and a later commit is a new release needing its own sign-off.
"""

from __future__ import annotations

import hashlib
import json
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.models import Release
from reviews.services import all_decided, decisions

from ..models import Finding, SignOff
from .policy import current_version
from .signers import SignerError, attestation_signer
from .waivers import active_waivers

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://pedigree.dev/attestations/release-sign-off/v1"

class SignOffError(Exception):
    """The release cannot be signed off (message for the user); nothing was stored."""


def document_name(release: Release) -> str:
    return f"{release.distribution.name}-{release.version}-{release.commit.sha[:12]}-signoff.json"


def blockers(release: Release) -> list[str]:
    """Why the release cannot be signed off now; empty when it can."""
    found = []
    if SignOff.objects.filter(release=release).exists():
        found.append("the release is already signed off")
    if not all_decided(release):
        found.append("not every review is decided")
    open_count = Finding.objects.filter(release=release).open().count()
    if open_count:
        found.append(f"{open_count} policy violation{'s' if open_count != 1 else ''} without a waiver")
    return found


def _person(user) -> str:
    return user.get_username() if user is not None else ""


def decisions_document(release: Release, *, signed_by: str, signed_at) -> dict:
    """What the sign-off attests, as plain JSON values."""
    findings = Finding.objects.filter(release=release).with_waiver(signed_at).select_related("component")
    version = current_version()
    return {
        "release": {"id": release.pk, "distribution": release.distribution.name, "version": release.version,
                    "source": release.source_url, "ref": release.ref, "commit": release.commit.sha,
                    "committedAt": release.commit.committed_at.isoformat()},
        "policy": {"version": version.number, "sha256": version.sha256},
        "decisions": [{
            "component": d.component, "state": d.state, "fingerprint": d.fingerprint, "reviewer": d.reviewer,
            "decidedAt": d.decided_at.isoformat() if d.decided_at else None, "justification": d.justification,
            "carriedFromRelease": d.carried_from_release_id,
        } for d in decisions(release)],
        "findings": [{"component": f.component.name, "rule": f.rule, "severity": f.severity, "subject": f.subject,
                      "message": f.message, "waived": f.waived} for f in findings],
        "waivers": [{"component": w.component.name, "rule": w.rule, "subject": w.subject,
                     "justification": w.justification, "approvedBy": _person(w.approved_by),
                     "approvedAt": w.approved_at.isoformat(), "expiresAt": w.expires_at.isoformat()}
                    for w in active_waivers(release, signed_at)],
        "signedBy": signed_by,
        "signedAt": signed_at.isoformat(),
    }


def _canonical(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def statement(name: str, document: bytes, predicate: dict) -> bytes:
    """The in-toto Statement v1: the decisions document is the subject, its content the predicate."""
    return _canonical({"_type": STATEMENT_TYPE,
                       "subject": [{"name": name, "digest": {"sha256": hashlib.sha256(document).hexdigest()}}],
                       "predicateType": PREDICATE_TYPE, "predicate": predicate})


def sign_off(release: Release, *, user, via: str) -> SignOff:
    """Check the preconditions, build and sign the attestation, store it. SignOffError says why not."""
    problems = blockers(release)
    if problems:
        raise SignOffError("the release cannot be signed off: " + "; ".join(problems))
    signer = attestation_signer()
    if signer is None:
        raise SignOffError("no attestation signer is configured (the signing app registers one)")
    signed_at = timezone.now()
    predicate = decisions_document(release, signed_by=_person(user) or via, signed_at=signed_at)
    document = _canonical(predicate)
    signed = statement(document_name(release), document, predicate)
    try:
        bundle = signer(signed)
    except SignerError as exc:
        raise SignOffError(f"the attestation could not be signed: {exc}") from exc
    try:
        with transaction.atomic():
            return SignOff.objects.create(release=release, signed_by=user, signed_at=signed_at,
                                          policy_version=current_version(), document=document,
                                          document_sha256=hashlib.sha256(document).hexdigest(),
                                          statement=signed, bundle=bundle.encode())
    except IntegrityError as exc:
        raise SignOffError("the release was signed off by someone else meanwhile") from exc


def frozen_reason(release_ids) -> str:
    """The reviews freeze check (reviews.freeze): reviews of a signed-off release never change."""
    if SignOff.objects.filter(release_id__in=list(release_ids)).exists():
        return ("the release is signed off: its reviews are frozen (a later commit is a new release that needs "
                "its own sign-off)")
    return ""
