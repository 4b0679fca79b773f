"""A release's expected signer and every change of it.

Only admins change it (access.permissions.CHANGE_SIGNING_POLICY: release managers upload the bundles
checked against it). Each change is kept as a SigningPolicyChange (who, when, the signer before and
after), shown on the release page and written into the release's evidence bundles
(`signatures/signing-policy.json`, through the signature provider registered in SigningConfig.ready).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import transaction

from audits.models import Release
from evidence.zipwriter import BundleFile

from ..models import SigningPolicy, SigningPolicyChange

POLICY_FILE = "signatures/signing-policy.json"


def change_expected_signer(release: Release, *, identity: str, issuer: str, user) -> SigningPolicyChange | None:
    """Make (identity, issuer) the release's expected signer and keep the change; None when it already is."""
    with transaction.atomic():
        policy = SigningPolicy.objects.select_for_update().filter(release=release).first()
        old = (policy.identity, policy.issuer) if policy is not None else ("", "")
        if old == (identity, issuer):
            return None
        policy = policy or SigningPolicy(release=release)
        policy.identity, policy.issuer, policy.updated_by = identity, issuer, user
        policy.save()
        return SigningPolicyChange.objects.create(
            release=release, changed_by=user, changed_by_username=user.get_username() if user is not None else "",
            old_identity=old[0], old_issuer=old[1], new_identity=identity, new_issuer=issuer)


def policy_history(release: Release) -> list[SigningPolicyChange]:
    """Every change of the release's expected signer, newest first."""
    return list(SigningPolicyChange.objects.filter(release=release))


def evidence_policy_files(release: Release, components: list[str] | None) -> list[BundleFile]:
    """For evidence bundles (registered in SigningConfig.ready): the signer the release's bundles are checked
    against and every change of it, when the release has a policy of its own (else the settings' default
    applies and there is nothing to add)."""
    policy = SigningPolicy.objects.filter(release=release).first()
    history = policy_history(release)
    if policy is None and not history:
        return []
    record = {
        "expected_signer": {"identity": policy.identity, "issuer": policy.issuer, "source": "release policy"}
        if policy is not None else {"identity": settings.PEDIGREE_SIGSTORE_IDENTITY,
                                    "issuer": settings.PEDIGREE_SIGSTORE_OIDC_ISSUER, "source": "portal settings"},
        "changes": [{"changed_at": change.changed_at.isoformat(), "changed_by": change.changed_by_username,
                     "old_identity": change.old_identity, "old_issuer": change.old_issuer,
                     "new_identity": change.new_identity, "new_issuer": change.new_issuer} for change in history],
    }
    return [BundleFile(POLICY_FILE, json.dumps(record, indent=2, sort_keys=True).encode() + b"\n", "signing-policy",
                       f"Whose signature this release's bundles must carry, and every change of it ({len(history)}), "
                       "newest first", "application/json")]
