"""Issuing and revoking API keys (the key itself is made and hashed by access.apikeys)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import apikeys
from .models import ApiKey


def issue_api_key(name: str, scopes: list[str], *, created_by=None, expires_at: dt.datetime | None = None,
                  allowed_networks: list[str] | None = None) -> tuple[ApiKey, str]:
    """Store a new key's digest; returns the row and the key, which exists nowhere else from now on."""
    unknown = set(scopes) - set(apikeys.SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    while True:
        new = apikeys.generate_key()
        if not ApiKey.objects.filter(prefix=new.prefix).exists():  # 1 in 4 billion; the unique index is the guard
            break
    key = ApiKey.objects.create(
        name=name, prefix=new.prefix, digest=new.digest, scopes=[s for s in apikeys.SCOPES if s in scopes],
        allowed_networks=allowed_networks or [], expires_at=expires_at, created_by=created_by,
    )
    return key, new.key


def revoke_api_key(key: ApiKey, *, by=None) -> bool:
    """Revoke `key` now; False when it already was."""
    return bool(ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(revoked_at=timezone.now(), revoked_by=by))

