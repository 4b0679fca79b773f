"""The policy file in force and its versions: validated before saving, never changed once saved."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import IntegrityError, transaction

from .. import rules
from ..models import PolicyVersion

DEFAULT_POLICY = Path(__file__).resolve().parent.parent / "default_policy.toml"


class StalePolicy(Exception):
    """The policy changed since the editor read it (optimistic concurrency)."""


def current_version() -> PolicyVersion:
    """The newest saved version; the shipped default becomes version 1 the first time one is needed."""
    version = PolicyVersion.objects.first()
    if version is None:
        try:
            with transaction.atomic():
                version = _create(DEFAULT_POLICY.read_text(), number=1, user=None, via="default",
                                  comment="the default policy shipped with Pedigree")
        except IntegrityError:  # another process made it first
            version = PolicyVersion.objects.get(number=1)
    return version


def etag(version: PolicyVersion) -> str:
    return f"policy-v{version.number}"


def save_policy(text: str, *, user, via: str, comment: str = "", based_on: int | None = None) -> PolicyVersion:
    """Validate `text` (rules.PolicyError names every problem; nothing is saved) and store it as the next
    version. With `based_on`, refuses (StalePolicy) when another version was saved after that one."""
    rules.parse_policy(text)
    with transaction.atomic():
        newest = current_version()
        newest = PolicyVersion.objects.select_for_update().get(pk=newest.pk)
        if based_on is not None and based_on != newest.number:
            raise StalePolicy(f"the policy is at version {newest.number}, not {based_on}: reload it and edit again")
        return _create(text, number=newest.number + 1, user=user, via=via, comment=comment)


def _create(text: str, *, number: int, user, via: str, comment: str) -> PolicyVersion:
    return PolicyVersion.objects.create(number=number, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
                                        created_by=user, created_via=via, comment=comment[:500])


def parsed(version: PolicyVersion) -> rules.Policy:
    return rules.parse_policy(version.text)
